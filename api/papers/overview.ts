import type { ClosureCategory, IsoDate, SourceKind } from '../../domain/vocabulary';
import { closureCategories, closureCategoryLabels } from '../../domain/vocabulary';
import {
  byReference,
  closedOn,
  compareCodes,
  compareTitles,
  isAwaitingSignOff,
  isForTheForce,
  itemsByReport,
  reportCounts,
  reportStatusLine,
  stateWords,
} from './common';
import { shortMonthYear } from './dates';
import type { ItemAsAt, PaperData, ReportAsAt } from './model';
import type { Scheme } from './rag';

/**
 * The committee overview (docs/papers.md paper 1, seed 001): a category table at the top, then per inspection report its
 * date, title, status line, the items still to report on with their text and state, and the numbers outstanding and
 * closed, grouped by closure category. Super-complaints have their own appendix; audits are not in this paper (they
 * are in the quarterly action update).
 *
 * How items are counted (one rule for the table and the reports):
 *  - only the force's own items count (not those addressed to national bodies, nor those marked not for the force);
 *  - "outstanding": the work is not finished (not yet self-certified);
 *  - "self-certified, awaiting HMICFRS sign-off": the letter is signed and HMICFRS is yet to sign off, reality-test
 *    or verify. Seed 001 counts these as outstanding in each report's "Total number outstanding" until HMICFRS agrees
 *    closure, so the report rows do too; the table shows them in a column of their own;
 *  - "closed", and how: self-certified (category 2, on the letter), signed off by HMICFRS, or otherwise (no action
 *    required, superseded, no longer relevant, now business as usual).
 *
 * Items already reported complete at the previous committee (closed on or before its date) are left out of the
 * lists but stay in the closed counts, as seed 001 prints them; a report all of whose items were already reported
 * complete then drops out.
 */

export interface OverviewOptions {
  /** The date of the previous committee: items closed on or before it were reported complete then. */
  previousCommittee?: IsoDate | null;
  /** Kept with the paper (and in its file name); the overview itself prints states, not colours, as seed 001 does. */
  scheme: Scheme;
}

export interface CategoryCounts {
  outstanding: number;
  awaitingSignOff: number;
  closedSelfCertified: number;
  closedSignedOff: number;
  closedOtherwise: number;
  closed: number;
  total: number;
}

export interface CategoryRow extends CategoryCounts {
  category: ClosureCategory | null;
  label: string;
}

export interface OverviewItem {
  id: string;
  reference: string;
  kind: ItemAsAt['kind'];
  text: string;
  /** Where it stands in the lifecycle: "In progress", "Submitted to HMICFRS, awaiting sign-off", "Closed (self-certified)". */
  state: string;
  closed: boolean;
  /** Closed since the previous committee: listed this once, then it drops out. */
  newlyClosed: boolean;
}

export interface OverviewGroup {
  category: ClosureCategory | null;
  label: string;
  items: OverviewItem[];
}

export interface OverviewReport {
  id: string;
  /** As seed 001 prints it: "Nov 2018". */
  date: string;
  publishedOn: IsoDate;
  title: string;
  originator: string;
  statusLine: string;
  /** Not yet closed (including items self-certified and awaiting HMICFRS sign-off); null (blank) for a report logged without its items. */
  outstanding: number | null;
  closed: number | null;
  groups: OverviewGroup[];
}

export interface OverviewSection {
  categoryTable: CategoryRow[];
  totals: CategoryRow;
  reports: OverviewReport[];
}

export interface OverviewPaper {
  kind: 'overview';
  asAt: IsoDate;
  previousCommittee: IsoDate | null;
  scheme: Scheme;
  main: OverviewSection;
  /** Super-complaints. */
  appendix: OverviewSection;
}

/** The categories as the product names them everywhere (domain/vocabulary.ts). */
export const overviewCategoryLabels: Record<ClosureCategory, string> = closureCategoryLabels;
const uncategorisedLabel = 'Category not yet set';

const emptyCounts = (): CategoryCounts => ({
  outstanding: 0,
  awaitingSignOff: 0,
  closedSelfCertified: 0,
  closedSignedOff: 0,
  closedOtherwise: 0,
  closed: 0,
  total: 0,
});

/** Adds one of the force's items to a category's counts. */
export function countItem(counts: CategoryCounts, item: Pick<ItemAsAt, 'status' | 'closure'>): void {
  counts.total += 1;
  if (item.status === 'closed') {
    counts.closed += 1;
    const how = item.closure?.how;
    if (how === 'self_certified') counts.closedSelfCertified += 1;
    else if (how === 'signed_off_by_hmicfrs') counts.closedSignedOff += 1;
    else counts.closedOtherwise += 1;
  } else if (isAwaitingSignOff(item)) {
    counts.awaitingSignOff += 1;
  } else {
    counts.outstanding += 1;
  }
}

/** The category table for a set of the force's items: categories 1–4 always, "not yet set" when any are. */
export function categoryTable(items: readonly ItemAsAt[]): { rows: CategoryRow[]; totals: CategoryRow } {
  const byCategory = new Map<ClosureCategory | null, CategoryCounts>();
  for (const category of closureCategories) byCategory.set(category, emptyCounts());
  const totals = emptyCounts();
  for (const item of items) {
    if (!isForTheForce(item)) continue;
    let counts = byCategory.get(item.category);
    if (!counts) {
      counts = emptyCounts();
      byCategory.set(item.category, counts);
    }
    countItem(counts, item);
    countItem(totals, item);
  }
  const rows: CategoryRow[] = closureCategories.map((category) => ({
    category,
    label: overviewCategoryLabels[category],
    ...byCategory.get(category)!,
  }));
  const unset = byCategory.get(null);
  if (unset && unset.total > 0) rows.push({ category: null, label: uncategorisedLabel, ...unset });
  return { rows, totals: { category: null, label: 'Total', ...totals } };
}

function section(reports: readonly ReportAsAt[], itemsOf: Map<string, ItemAsAt[]>, options: OverviewOptions): OverviewSection {
  const previous = options.previousCommittee ?? null;
  const alreadyReported = (item: ItemAsAt) => previous !== null && item.status === 'closed' && closedOn(item) <= previous;
  const allItems = reports.flatMap((report) => itemsOf.get(report.id) ?? []);
  const { rows, totals } = categoryTable(allItems);
  const shown: OverviewReport[] = [];
  for (const report of reports) {
    const items = itemsOf.get(report.id) ?? [];
    const force = items.filter(isForTheForce);
    const listed = byReference(force.filter((item) => !alreadyReported(item)));
    const newSincePrevious = previous === null || report.loggedOn > previous;
    // A report logged without its items stays listed with its stated status: nothing says it was reported complete.
    if (listed.length === 0 && !newSincePrevious && items.length > 0) continue;
    const counts = reportCounts(items);
    const groups: OverviewGroup[] = [];
    for (const category of [...closureCategories, null] as const) {
      const inGroup = listed.filter((item) => item.category === category);
      if (inGroup.length === 0) continue;
      groups.push({
        category,
        label: category === null ? uncategorisedLabel : overviewCategoryLabels[category],
        items: inGroup.map((item) => {
          // Listed although closed: so it closed since the previous committee (or there was none to report it to).
          const newlyClosed = item.status === 'closed' && previous !== null;
          return {
            id: item.id,
            reference: item.reference,
            kind: item.kind,
            text: item.text,
            state: stateWords(item),
            closed: item.status === 'closed',
            newlyClosed,
          };
        }),
      });
    }
    shown.push({
      id: report.id,
      date: shortMonthYear(report.publishedOn),
      publishedOn: report.publishedOn,
      title: report.title,
      originator: report.originator,
      statusLine: reportStatusLine(report, items),
      outstanding: items.length ? counts.forTheForce - counts.complete : null,
      closed: items.length ? counts.complete : null,
      groups,
    });
  }
  return { categoryTable: rows, totals, reports: shown };
}

const chronological = (a: ReportAsAt, b: ReportAsAt) =>
  compareCodes(a.publishedOn, b.publishedOn) || compareTitles(a.title, b.title) || compareCodes(a.id, b.id);

/** The sources the overview covers: inspections (joint ones too), and super-complaints in the appendix. */
export const overviewSourceKinds: readonly SourceKind[] = ['inspection', 'joint_inspection', 'super_complaint'];

export function buildOverview(data: PaperData, options: OverviewOptions): OverviewPaper {
  const itemsOf = itemsByReport(data.items);
  const reports = [...data.reports].sort(chronological);
  const inspections = reports.filter((report) => report.kind === 'inspection' || report.kind === 'joint_inspection');
  const superComplaints = reports.filter((report) => report.kind === 'super_complaint');
  return {
    kind: 'overview',
    asAt: data.asAt,
    previousCommittee: options.previousCommittee ?? null,
    scheme: options.scheme,
    main: section(inspections, itemsOf, options),
    appendix: section(superComplaints, itemsOf, options),
  };
}
