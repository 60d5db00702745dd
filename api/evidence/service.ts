import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { workingStatuses } from '../../domain/lifecycle';
import { EvidenceItem, Recommendation } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../../platform/http/actor';
import { excerpt } from '../../platform/files/excerpt';
import { ApiProblem } from '../../platform/http/problem';
import { ScannerUnavailableError, type VirusScanner } from './clamav';
import { checkEvidenceFile } from './fileCheck';

export type EvidenceSummary = Omit<EvidenceItem, 'content' | 'recommendation'>;

export interface NewEvidence {
  kind: EvidenceItem['kind'];
  title: string;
  url?: string | null;
  note?: string | null;
  /** `name`: the file's own name (a page upload), or its title (the api's); the title is the name it downloads as. */
  file?: { contentType: string; content: Buffer; name: string };
}

/** Evidence is gathered by the owner (or an administrator) while the work is under way, before submission. */
export class EvidenceService {
  constructor(
    private readonly dataSource: DataSource,
    /** Scans every file before it is kept (CLAMAV_ADDRESS); none: files are not scanned. */
    private readonly scanner: VirusScanner | null = null,
  ) {}

  async list(recommendationId: string): Promise<EvidenceSummary[]> {
    await this.recommendation(recommendationId);
    return this.dataSource.manager.find(EvidenceItem, { where: { recommendationId }, order: { addedAt: 'ASC' } });
  }

  async add(recommendationId: string, evidence: NewEvidence, by: ActingPerson): Promise<EvidenceSummary> {
    // Who may add evidence is the permission table's `evidence.add` (the owner, or an administrator), checked by the route.
    const recommendation = await this.recommendation(recommendationId);
    if (!workingStatuses.includes(recommendation.status)) {
      throw ApiProblem.refused(
        `evidence cannot be added while the recommendation is "${recommendation.status.replace(/_/g, ' ')}": add it while the work is in progress, or amend the submitted evidence`,
      );
    }
    const file = evidence.file ? { ...evidence.file, contentType: await this.checked(recommendationId, evidence.file, evidence.title, by) } : undefined;
    return this.dataSource.transaction(async (tx) => {
      const item = tx.create(EvidenceItem, {
        recommendationId,
        kind: evidence.kind,
        title: evidence.title,
        url: evidence.url ?? null,
        note: evidence.note ?? null,
        contentType: file?.contentType ?? null,
        sizeBytes: file ? file.content.length : null,
        sha256: file ? createHash('sha256').update(file.content).digest('hex') : null,
        content: file?.content ?? null,
        addedBy: by.actor.personId,
        addedByLabel: by.label,
      });
      const saved = await tx.save(item);
      const { content: _content, ...summary } = saved;
      await recordAudit(tx, {
        actorId: by.actor.personId,
        actorLabel: by.label,
        entityType: 'evidence_file',
        entityId: saved.id,
        recommendationId,
        type: 'evidence_added',
        summary: `Added evidence (${evidence.kind}): ${evidence.title}`,
        after: { kind: saved.kind, title: saved.title, url: saved.url, sizeBytes: saved.sizeBytes, sha256: saved.sha256 },
      });
      return summary;
    });
  }

  /**
   * The type a file is kept as, once its bytes are found to be of the type it was sent as (415 otherwise) and, when a
   * scanner is configured, clean (422, recorded on the audit trail, otherwise; 503 when the scanner cannot say).
   */
  private async checked(recommendationId: string, file: NonNullable<NewEvidence['file']>, title: string, by: ActingPerson): Promise<string> {
    const verdict = checkEvidenceFile({ content: file.content, declaredType: file.contentType, names: [...new Set([file.name, title])] });
    if (!verdict.ok) {
      const detail = `“${excerpt(file.name, 100)}” ${verdict.message}. Only documents, spreadsheets, presentations, images, text and email files are kept, and each must be what its type and name say. Nothing was added.`;
      throw new ApiProblem(415, 'The file is not what its type says', detail, [{ field: verdict.field === 'name' ? 'query.title' : 'body', message: verdict.message }]);
    }
    if (!this.scanner) return verdict.contentType;
    let signature: string | null;
    try {
      signature = await this.scanner.scan(file.content);
    } catch (error) {
      if (!(error instanceof ScannerUnavailableError)) throw error;
      throw new ApiProblem(503, 'The virus scanner is not answering', `Files are scanned before they are kept, and the scanner could not be asked (${error.message}). Try again in a few minutes. Nothing was added.`, [], { 'Retry-After': '60' });
    }
    if (!signature) return verdict.contentType;
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    await recordAudit(this.dataSource.manager, {
      actorId: by.actor.personId,
      actorLabel: by.label,
      entityType: 'evidence_file',
      entityId: randomUUID(),
      recommendationId,
      type: 'evidence_refused_infected',
      summary: `Refused an evidence file: the virus scanner found ${signature} in “${excerpt(file.name, 100)}”`,
      after: { name: file.name, contentType: file.contentType, sizeBytes: file.content.length, sha256, signature },
    });
    throw new ApiProblem(422, 'The file contains a virus', `The virus scanner found ${signature} in “${excerpt(file.name, 100)}”. It was not kept, and the refusal is on the item’s audit trail.`, [
      { field: 'body', message: `contains ${signature}` },
    ]);
  }

  async content(recommendationId: string, itemId: string): Promise<{ item: EvidenceSummary; content: Buffer }> {
    const item = await this.dataSource.manager
      .createQueryBuilder(EvidenceItem, 'e')
      .addSelect('e.content')
      .where('e.id = :itemId AND e.recommendation_id = :recommendationId', { itemId, recommendationId })
      .getOne();
    if (!item || item.kind !== 'file' || !item.content) throw ApiProblem.notFound('The evidence file');
    const { content, ...summary } = item;
    return { item: summary, content };
  }

  private async recommendation(id: string): Promise<Recommendation> {
    const recommendation = await this.dataSource.manager.findOneBy(Recommendation, { id });
    if (!recommendation) throw ApiProblem.notFound('The recommendation');
    return recommendation;
  }
}
