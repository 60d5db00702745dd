import type { DataSource } from 'typeorm';
import { builtInPaperLayouts, checkPaperLayout, defaultPaperLayout, type PaperLayout } from '../../domain/paperLayout';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../../platform/http/actor';
import type { Sql } from './asAt';

/**
 * The force's layout of the committee overview in PostgreSQL (table paper_layouts, one row per paper kind; only the
 * overview has one), each save on the audit trail. Until one is saved the standard layout applies. The layout in
 * force now applies to a paper as at any date: it is how the committee reads the paper, not history.
 */

const SELECT_SQL = `SELECT layout, saved_by_label, saved_at FROM paper_layouts WHERE paper_kind = 'overview'`;

/** A stored layout, checked again: one that no longer passes (after a change to the rules) gives way to the standard one. */
function layoutOf(row: Record<string, unknown> | undefined): PaperLayout | null {
  if (!row) return null;
  const checked = checkPaperLayout(row.layout);
  return checked.ok ? checked.layout : null;
}

/** The overview's layout, read inside a paper's snapshot. */
export async function overviewLayout(sql: Sql): Promise<PaperLayout> {
  const [row] = await sql(SELECT_SQL, []);
  return layoutOf(row) ?? defaultPaperLayout;
}

export interface PaperLayoutDraft {
  layout: PaperLayout;
  /** The last save; null while the standard layout applies. */
  saved: { at: string; by: string } | null;
  builtIn: typeof builtInPaperLayouts;
}

function draftOf(row: Record<string, unknown> | undefined): PaperLayoutDraft {
  const layout = layoutOf(row);
  return {
    layout: layout ?? defaultPaperLayout,
    saved: row && layout ? { at: (row.saved_at as Date).toISOString(), by: row.saved_by_label as string } : null,
    builtIn: builtInPaperLayouts,
  };
}

export async function paperLayoutDraft(dataSource: DataSource): Promise<PaperLayoutDraft> {
  const [row] = (await dataSource.query(SELECT_SQL)) as Record<string, unknown>[];
  return draftOf(row);
}

/** Saves a checked layout as the overview's, with its audit event (the layout before and after), in one transaction. */
export async function savePaperLayout(dataSource: DataSource, layout: PaperLayout, by: ActingPerson): Promise<PaperLayoutDraft> {
  return dataSource.transaction(async (tx) => {
    const [before] = (await tx.query(`SELECT layout FROM paper_layouts WHERE paper_kind = 'overview' FOR UPDATE`)) as {
      layout: PaperLayout;
    }[];
    const [row] = (await tx.query(
      `INSERT INTO paper_layouts (paper_kind, layout, saved_by, saved_by_label, saved_at) VALUES ('overview', $1, $2, $3, now())
       ON CONFLICT (paper_kind) DO UPDATE SET layout = EXCLUDED.layout, saved_by = EXCLUDED.saved_by,
         saved_by_label = EXCLUDED.saved_by_label, saved_at = EXCLUDED.saved_at
       RETURNING layout, saved_by_label, saved_at`,
      [JSON.stringify(layout), by.actor.personId, by.label],
    )) as Record<string, unknown>[];
    await recordAudit(tx, {
      actorId: by.actor.personId,
      actorLabel: by.label,
      entityType: 'paper_layout',
      entityId: 'overview',
      type: 'paper_layout_saved',
      summary: `Saved the layout of the committee overview: ${layout.name}`,
      before: before?.layout ?? null,
      after: layout,
    });
    return draftOf(row);
  });
}
