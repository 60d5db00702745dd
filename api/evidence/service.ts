import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { workingStatuses } from '../../domain/lifecycle';
import { EvidenceItem, Recommendation } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../actor';
import { ApiProblem } from '../problem';

export type EvidenceSummary = Omit<EvidenceItem, 'content' | 'recommendation'>;

export interface NewEvidence {
  kind: EvidenceItem['kind'];
  title: string;
  url?: string | null;
  note?: string | null;
  file?: { contentType: string; content: Buffer };
}

/** Evidence is gathered by the owner (or an administrator) while the work is under way, before submission. */
export class EvidenceService {
  constructor(private readonly dataSource: DataSource) {}

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
    const file = evidence.file;
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
