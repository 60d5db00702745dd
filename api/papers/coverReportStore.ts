import type { DataSource } from 'typeorm';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../../platform/http/actor';
import type { Sql } from './asAt';
import { coverSections, defaultCoverReport, type CoverReportText, type SavedCoverReport } from './coverReport';
import { paperTitles, type PaperKind } from './model';

/** The cover reports in PostgreSQL (table paper_cover_reports): one row per paper kind, each save on the audit trail. */

const SELECT_SQL = `SELECT paper_kind, text, saved_by_label, saved_at FROM paper_cover_reports WHERE paper_kind = $1`;

function fromRow(row: Record<string, unknown>): SavedCoverReport {
  const stored = row.text as Partial<CoverReportText>;
  // A section added to the template after a save reads as empty, so it is left out of that paper until edited.
  const text = Object.fromEntries(coverSections.map((s) => [s.key, stored[s.key] ?? ''])) as CoverReportText;
  return { kind: row.paper_kind as PaperKind, text, savedAt: (row.saved_at as Date).toISOString(), savedBy: row.saved_by_label as string };
}

/** The cover report last saved for a kind, read inside a paper's snapshot; null when none was ever saved. */
export async function savedCoverReport(sql: Sql, kind: PaperKind): Promise<SavedCoverReport | null> {
  const [row] = await sql(SELECT_SQL, [kind]);
  return row ? fromRow(row) : null;
}

export interface CoverReportDraft {
  kind: PaperKind;
  text: CoverReportText;
  /** The last save this text comes from; null for the defaults. */
  saved: { at: string; by: string } | null;
}

/** What the next cover report starts from: the last one saved for the kind, or the defaults the first time. */
export async function coverReportDraft(dataSource: DataSource, kind: PaperKind): Promise<CoverReportDraft> {
  const [row] = (await dataSource.query(SELECT_SQL, [kind])) as Record<string, unknown>[];
  if (!row) return { kind, text: defaultCoverReport(kind), saved: null };
  const saved = fromRow(row);
  return { kind, text: saved.text, saved: { at: saved.savedAt, by: saved.savedBy } };
}

/** Saves a checked cover report as the kind's, with its audit event, in one transaction. */
export async function saveCoverReport(
  dataSource: DataSource,
  kind: PaperKind,
  text: CoverReportText,
  by: ActingPerson,
): Promise<CoverReportDraft> {
  return dataSource.transaction(async (tx) => {
    const [before] = (await tx.query(`SELECT text FROM paper_cover_reports WHERE paper_kind = $1 FOR UPDATE`, [kind])) as {
      text: CoverReportText;
    }[];
    const [row] = (await tx.query(
      `INSERT INTO paper_cover_reports (paper_kind, text, saved_by, saved_by_label, saved_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (paper_kind) DO UPDATE SET text = EXCLUDED.text, saved_by = EXCLUDED.saved_by,
         saved_by_label = EXCLUDED.saved_by_label, saved_at = EXCLUDED.saved_at
       RETURNING paper_kind, text, saved_by_label, saved_at`,
      [kind, JSON.stringify(text), by.actor.personId, by.label],
    )) as Record<string, unknown>[];
    await recordAudit(tx, {
      actorId: by.actor.personId,
      actorLabel: by.label,
      entityType: 'paper_cover_report',
      entityId: kind,
      type: 'cover_report_saved',
      summary: `Saved the cover report of the ${paperTitles[kind]}`,
      before: before?.text ?? null,
      after: text,
    });
    const saved = fromRow(row!);
    return { kind, text: saved.text, saved: { at: saved.savedAt, by: saved.savedBy } };
  });
}
