import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { workingStatuses } from '../../domain/lifecycle';
import { EvidenceItem, Recommendation } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../../platform/http/actor';
import { ApiProblem } from '../../platform/http/problem';
import type { VirusScanner } from './clamav';
import { checkFileToKeep, type FileToKeep } from './keptFile';

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
    const file = evidence.file
      ? { ...evidence.file, contentType: await this.checked(recommendationId, evidence.file, evidence.title, by) }
      : undefined;
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

  private checked(recommendationId: string, file: FileToKeep, title: string, by: ActingPerson): Promise<string> {
    return checkFileToKeep(this.dataSource.manager, this.scanner, file, {
      recommendationId,
      by,
      title,
      titleField: 'query.title',
      audit: { entityType: 'evidence_file', type: 'evidence_refused_infected', what: 'an evidence file' },
      nothingDone: 'Nothing was added.',
    });
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
