import { createHash } from 'node:crypto';
import type { DataSource, EntityTarget } from 'typeorm';
import type { LifecycleCommandType } from '../../domain/lifecycle';
import { Attachment, HmicfrsResponse, HmicfrsSubmission, Recommendation, SelfCertificationLetter } from '../../entities';
import type { AttachmentRecordKind } from '../../entities/Attachment';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../../platform/http/actor';
import { ApiProblem } from '../../platform/http/problem';
import type { VirusScanner } from '../evidence/clamav';
import { checkFileToKeep, type FileToKeep } from '../evidence/keptFile';

export type AttachmentSummary = Omit<Attachment, 'content' | 'recommendation'>;

type RecordRow = { id: string; transitionId: string; createdAt: Date };

/** The records a file can be attached to, and what people call each. */
export const attachmentRecords: Record<AttachmentRecordKind, { entity: EntityTarget<RecordRow>; words: string }> = {
  self_certification_letter: { entity: SelfCertificationLetter, words: 'the self-certification letter' },
  hmicfrs_submission: { entity: HmicfrsSubmission, words: 'the submission to HMICFRS' },
  hmicfrs_response: { entity: HmicfrsResponse, words: 'HMICFRS’s response' },
};

/** The commands whose page form takes a file, and the record each writes that the file is attached to. */
export const attachableCommands: Partial<Record<LifecycleCommandType, AttachmentRecordKind>> = {
  selfCertify: 'self_certification_letter',
  submitToHmicfrs: 'hmicfrs_submission',
  recordHmicfrsResponse: 'hmicfrs_response',
  recordVerificationVisit: 'hmicfrs_response',
};

/** Which record a file goes with: the one a command wrote (`transitionId`), or else the item's latest of its kind. */
export interface AttachmentTarget {
  kind: AttachmentRecordKind;
  transitionId?: string;
}

/**
 * Files kept with an item's correspondence with HMICFRS: the signed self-certification letter, what was sent, and
 * HMICFRS's reply. They are checked and kept as evidence files are (checkFileToKeep), and each one kept is on the
 * item's audit trail. Attaching a file changes no lifecycle state: the letter, submission or response it goes with is
 * recorded by its command, through the item's workflow.
 */
export class AttachmentService {
  constructor(
    private readonly dataSource: DataSource,
    /** Scans every file before it is kept (CLAMAV_ADDRESS); none: files are not scanned. */
    private readonly scanner: VirusScanner | null = null,
  ) {}

  async list(recommendationId: string): Promise<AttachmentSummary[]> {
    await this.recommendation(recommendationId);
    return this.dataSource.manager.find(Attachment, { where: { recommendationId }, order: { addedAt: 'ASC' } });
  }

  /** The type the file is to be kept as, or the refusal (415, 422, 503) naming what is wrong, before anything is written. */
  check(recommendationId: string, file: FileToKeep, title: string, by: ActingPerson): Promise<string> {
    return checkFileToKeep(this.dataSource.manager, this.scanner, file, {
      recommendationId,
      by,
      title,
      titleField: 'query.title',
      audit: { entityType: 'attachment', type: 'attachment_refused_infected', what: 'an attachment' },
      nothingDone: 'Nothing was attached.',
    });
  }

  /**
   * Keeps a file with the record. `checkedType`: the type `check` already gave this file (a page checks it before
   * sending the command that writes the record). The same file sent again for the same record is kept once.
   */
  async attach(
    recommendationId: string,
    target: AttachmentTarget,
    file: FileToKeep & { title: string },
    by: ActingPerson,
    checkedType?: string,
  ): Promise<AttachmentSummary> {
    await this.recommendation(recommendationId);
    const record = await this.record(recommendationId, target);
    const contentType = checkedType ?? (await this.check(recommendationId, file, file.title, by));
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    return this.dataSource.transaction(async (tx) => {
      // Serialises two sends of one file for one record: the second finds the first's row.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`attachment:${record.id}:${sha256}`]);
      const kept = await tx.findOneBy(Attachment, { recordId: record.id, sha256 });
      if (kept) return kept;
      const saved = await tx.save(
        tx.create(Attachment, {
          recommendationId,
          recordKind: target.kind,
          recordId: record.id,
          title: file.title,
          contentType,
          sizeBytes: file.content.length,
          sha256,
          content: file.content,
          addedBy: by.actor.personId,
          addedByLabel: by.label,
        }),
      );
      const { content: _content, ...summary } = saved;
      await recordAudit(tx, {
        actorId: by.actor.personId,
        actorLabel: by.label,
        entityType: 'attachment',
        entityId: saved.id,
        recommendationId,
        type: 'attachment_added',
        summary: `Attached “${file.title}” to ${attachmentRecords[target.kind].words}`,
        after: { recordKind: target.kind, recordId: record.id, title: saved.title, contentType, sizeBytes: saved.sizeBytes, sha256 },
      });
      return summary;
    });
  }

  /** The kinds of record this item has, that a file can be attached to afterwards. */
  async recordedKinds(recommendationId: string): Promise<AttachmentRecordKind[]> {
    const kinds: AttachmentRecordKind[] = [];
    for (const [kind, { entity }] of Object.entries(attachmentRecords) as [
      AttachmentRecordKind,
      (typeof attachmentRecords)[AttachmentRecordKind],
    ][]) {
      if (await this.dataSource.manager.existsBy(entity, { recommendationId } as never)) kinds.push(kind);
    }
    return kinds;
  }

  async content(recommendationId: string, attachmentId: string): Promise<{ item: AttachmentSummary; content: Buffer }> {
    const item = await this.dataSource.manager
      .createQueryBuilder(Attachment, 'a')
      .addSelect('a.content')
      .where('a.id = :attachmentId AND a.recommendation_id = :recommendationId', { attachmentId, recommendationId })
      .getOne();
    if (!item) throw ApiProblem.notFound('The attachment');
    const { content, ...summary } = item;
    return { item: summary, content };
  }

  private async record(recommendationId: string, target: AttachmentTarget): Promise<RecordRow> {
    const { entity, words } = attachmentRecords[target.kind];
    const row = await this.dataSource.manager.findOne(entity, {
      where: target.transitionId ? { recommendationId, transitionId: target.transitionId } : { recommendationId },
      order: { createdAt: 'DESC' },
    } as never);
    if (!row)
      throw ApiProblem.refused(
        `a file cannot be attached to ${words}: none is recorded for this item yet. Record it first, then attach the file`,
      );
    return row;
  }

  private async recommendation(id: string): Promise<void> {
    if (!(await this.dataSource.manager.existsBy(Recommendation, { id }))) throw ApiProblem.notFound('The recommendation');
  }
}
