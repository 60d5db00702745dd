import type { LifecycleStatus } from './lifecycle/states';
import type { ClosureCategory } from './vocabulary';
import type { StatedFigures } from './trackerImport';

/**
 * The reconciliation of a tracker: every place where a figure it states (a report's "Total number outstanding", a
 * category table's total, a status line that says closed) differs from what its own rows imply, with both numbers.
 * Pure: the api gives it the stated figures and the rows; papers always print what the rows imply.
 */

/** What a set of rows implies: how many are listed, outstanding and closed, counted as the papers count them. */
export interface ImpliedCounts {
  listed: number;
  outstanding: number;
  closed: number;
}

/**
 * The one rule for what rows imply: only the force's own items count (not those not for the force); an item is
 * closed when its status is closed, and outstanding otherwise (self-certified and awaiting HMICFRS sign-off included),
 * as the committee overview counts a report's items.
 */
export function impliedCounts(rows: readonly { status: LifecycleStatus; forTheForce: boolean }[]): ImpliedCounts {
  const counted = rows.filter((row) => row.forTheForce && row.status !== 'not_for_the_force');
  const closed = counted.filter((row) => row.status === 'closed').length;
  return { listed: counted.length, outstanding: counted.length - closed, closed };
}

export interface StatedReport {
  /** The report row's number in the file. */
  row: number | null;
  title: string;
  statusLine: string | null;
  /** Whether the status line says closed (its meaning, as mapped); null when there is no line or it is not read. */
  lineCloses: boolean | null;
  stated: StatedFigures;
  /** What the report's rows imply. */
  rows: ImpliedCounts;
}

export interface StatedCategory {
  row: number | null;
  category: ClosureCategory;
  stated: StatedFigures;
  /** What the rows of that category imply, over every report of the tracker. */
  rows: ImpliedCounts;
}

export type FindingFigure = 'outstanding' | 'closed' | 'total' | 'status line';

export interface ReconciliationFinding {
  /** The file's row that states the figure. */
  row: number | null;
  /** "report" with its title, or "category" with its number. */
  scope: 'report' | 'category';
  where: string;
  figure: FindingFigure;
  /** The figure as the tracker states it. */
  stated: string;
  /** What its rows imply (or its other stated figures add up to). */
  implied: string;
  message: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Stated figure against the rows' figure, for each figure stated. */
function countFindings(
  scope: ReconciliationFinding['scope'],
  where: string,
  row: number | null,
  stated: StatedFigures,
  rows: ImpliedCounts,
  whose: string,
): ReconciliationFinding[] {
  const findings: ReconciliationFinding[] = [];
  const figures: [FindingFigure, number | null, number, string][] = [
    ['outstanding', stated.outstanding, rows.outstanding, 'outstanding'],
    ['closed', stated.closed, rows.closed, 'closed'],
    ['total', stated.total, rows.listed, 'in all'],
  ];
  for (const [figure, statedValue, implied, words] of figures) {
    if (statedValue === null || statedValue === implied) continue;
    findings.push({
      row,
      scope,
      where,
      figure,
      stated: String(statedValue),
      implied: String(implied),
      message: `states ${statedValue} ${words}; ${whose} give ${implied}`,
    });
  }
  if (stated.outstanding !== null && stated.closed !== null && stated.total !== null && stated.outstanding + stated.closed !== stated.total)
    findings.push({
      row,
      scope,
      where,
      figure: 'total',
      stated: String(stated.total),
      implied: String(stated.outstanding + stated.closed),
      message: `states a total of ${stated.total}, but its stated outstanding (${stated.outstanding}) and closed (${stated.closed}) make ${stated.outstanding + stated.closed}`,
    });
  return findings;
}

/** Every difference between what the tracker states and what its rows imply: reports in the order given, then categories. */
export function reconcile(reports: readonly StatedReport[], categories: readonly StatedCategory[]): ReconciliationFinding[] {
  const findings: ReconciliationFinding[] = [];
  for (const report of reports) {
    findings.push(...countFindings('report', report.title, report.row, report.stated, report.rows, 'its rows'));
    if (report.lineCloses === true && report.rows.outstanding > 0)
      findings.push({
        row: report.row,
        scope: 'report',
        where: report.title,
        figure: 'status line',
        stated: report.statusLine ?? 'closed',
        implied: `${report.rows.outstanding} outstanding`,
        message: `its status line says closed, but ${plural(report.rows.outstanding, 'of its rows is', 'of its rows are')} outstanding`,
      });
    if (report.lineCloses === false && report.rows.listed > 0 && report.rows.outstanding === 0)
      findings.push({
        row: report.row,
        scope: 'report',
        where: report.title,
        figure: 'status line',
        stated: report.statusLine ?? 'open',
        implied: `${report.rows.closed} closed, none outstanding`,
        message: `its status line says open, but ${report.rows.listed === 1 ? 'its one row is' : `its ${report.rows.listed} rows are all`} closed`,
      });
  }
  for (const category of categories)
    findings.push(
      ...countFindings(
        'category',
        `Category ${category.category}`,
        category.row,
        category.stated,
        category.rows,
        'the rows of its reports',
      ),
    );
  return findings;
}
