import type { DataSource, EntityManager } from 'typeorm';
import { proposeStatus, statusWordingKey, type StatusMeaning } from '../../domain/importStatusWording';
import { isImportVocabulary } from '../../domain/trackerImport';
import { ImportStatusMapping } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { excerpt } from '../../platform/files/excerpt';

/**
 * The force's own status wordings in a tracker: what each means (confirmed now, saved from an earlier import, or only
 * proposed), for the dry run to show and the import to use. Confirmed meanings are saved for the force, with an audit
 * event, in the import's transaction.
 */

/** Where a wording's meaning comes from: confirmed with this import, saved at an earlier one, or proposed now. */
export type MeaningSource = 'confirmed' | 'saved' | 'proposed';

export interface FileStatus {
  /** As the file first writes it. */
  wording: string;
  key: string;
  rows: number;
  status: StatusMeaning;
  source: MeaningSource;
  /** The proposal and why, also when a saved or confirmed meaning differs from it. */
  proposed: StatusMeaning;
  why: string;
}

/** Every wording the force has confirmed, by key. */
export async function savedMeanings(manager: EntityManager | DataSource): Promise<Map<string, ImportStatusMapping>> {
  const rows = await manager.getRepository(ImportStatusMapping).find();
  return new Map(rows.map((row) => [row.wordingKey, row]));
}

/** The file's status cells outside the import's own vocabulary, each with its meaning, in the order they first appear. */
export function fileStatuses(
  cells: string[],
  saved: ReadonlyMap<string, { status: StatusMeaning }>,
  confirmed: ReadonlyMap<string, StatusMeaning>,
): FileStatus[] {
  const found = new Map<string, FileStatus>();
  for (const cell of cells) {
    const wording = cell.trim();
    if (!wording || isImportVocabulary(wording)) continue;
    const key = statusWordingKey(wording);
    const known = found.get(key);
    if (known) {
      known.rows++;
      continue;
    }
    const proposal = proposeStatus(wording);
    const chosen = confirmed.get(key);
    const kept = saved.get(key)?.status;
    found.set(key, {
      wording: excerpt(wording, 200),
      key,
      rows: 1,
      status: chosen ?? kept ?? proposal.status,
      source: chosen ? 'confirmed' : kept ? 'saved' : 'proposed',
      proposed: proposal.status,
      why: proposal.why,
    });
  }
  return [...found.values()];
}

/** Saves the meanings confirmed with an import that differ from what was saved, each with an audit event. */
export async function saveConfirmed(
  tx: EntityManager,
  statuses: FileStatus[],
  saved: ReadonlyMap<string, { status: StatusMeaning }>,
  by: { actorId: string | null; actorLabel: string },
): Promise<void> {
  for (const status of statuses) {
    if (status.source !== 'confirmed' || saved.get(status.key)?.status === status.status) continue;
    const before = saved.get(status.key)?.status ?? null;
    await tx.upsert(
      ImportStatusMapping,
      { wordingKey: status.key, wording: status.wording, status: status.status, confirmedBy: by.actorId },
      ['wordingKey'],
    );
    await recordAudit(tx, {
      ...by,
      entityType: 'import_status_mapping',
      entityId: status.key,
      type: 'import_status_mapping_confirmed',
      summary: `The force's status “${excerpt(status.wording)}” means ${status.status}`,
      before: before ? { status: before } : null,
      after: { wording: status.wording, status: status.status },
    });
  }
}
