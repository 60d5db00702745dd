import type { ClosureCategory, IsoDate, SourceKind } from '../../domain/vocabulary';
import { closureCategories, closureCategoryLabels, sourceKindLabels, sourceKinds } from '../../domain/vocabulary';
import {
  countColumnsToPrint,
  defaultPaperLayout,
  layoutCategories,
  layoutCategoryOf,
  overviewSourceKinds as layoutSourceKinds,
  paperCounts,
  paperMonth,
  paperStandingOf,
  unsetCategoryLabel,
  type LayoutCategory,
  type PaperLayout,
  type PaperLayoutSection,
} from '../../domain/paperLayout';
import { byReference, closedOn, compareCodes, compareTitles, isForTheForce, itemsByReport, reportStatusLine, stateWords } from './common';
import type { ItemAsAt, PaperData, ReportAsAt } from './model';
import type { Scheme } from './rag';

/**
 * The committee overview (docs/papers.md paper 1, seed 001): a category table at the top, then per inspection report its
 * date, title, status line, the items still to report on with their text and state, and the numbers outstanding and
 * closed, grouped by closure category. Super-complaints have their own appendix; audits are not in this paper (they
 * are in the quarterly action update).
 *
 * The sections, their order and how each prints its reports are the force's layout (domain/paperLayout.ts); `main`
 * and `appendix` are the inspections and the super-complaints whatever the layout, for checks and benchmarks.
 *
 * How items are counted (one rule for the table and the reports, domain/paperLayout.ts `paperCounts`):
 *  - only the force's own items count (not those addressed to national bodies, nor those marked not for the force);
 *  - "outstanding": the work is not finished (not yet self-certified);
 *  - "self-certified, awaiting HMICFRS sign-off": the letter is signed and HMICFRS is yet to sign off, reality-test
 *    or verify. Seed 001 counts these as outstanding in each report's "Total number outstanding" until HMICFRS agrees
 *    closure, so the report rows do too unless the layout counts them apart; the table shows them in a column of
 *    their own;
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
  /** The force's layout; the standard one by default. */
  layout?: PaperLayout;
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
  /** In the layout's date style: "Nov 2018". */
  date: string;
  publishedOn: IsoDate;
  title: string;
  originator: string;
  kind: SourceKind;
  statusLine: string;
  /**
   * Not yet closed, under the layout's convention (`paperCounts`): with those awaiting HMICFRS sign-off, or without
   * them; null (blank) for a report logged without its items, as are the other counts.
   */
  outstanding: number | null;
  awaitingSignOff: number | null;
  closed: number | null;
  total: number | null;
  groups: OverviewGroup[];
}

export interface OverviewSection {
  categoryTable: CategoryRow[];
  totals: CategoryRow;
  reports: OverviewReport[];
}

export interface CategoryDescription {
  category: ClosureCategory;
  label: string;
  description: string;
}

export interface OverviewLayoutGroup {
  /** The group's sub-heading; null when the section is not grouped. */
  heading: string | null;
  descriptions: CategoryDescription[];
  reports: OverviewReport[];
}

/** A section of the force's layout, built: what it prints above its reports, and its reports in groups. */
export interface OverviewLayoutSection {
  spec: PaperLayoutSection;
  categoryTable: { rows: CategoryRow[]; totals: CategoryRow } | null;
  descriptions: CategoryDescription[];
  /** Only groups with reports; none when the section has nothing to report. */
  groups: OverviewLayoutGroup[];
  /** The count columns a report table prints (`countColumnsToPrint`). */
  countColumns: ('outstanding' | 'awaitingSignOff' | 'closed')[];
}

export interface OverviewPaper {
  kind: 'overview';
  asAt: IsoDate;
  previousCommittee: IsoDate | null;
  scheme: Scheme;
  layout: PaperLayout;
  sections: OverviewLayoutSection[];
  /** Inspections, whatever the layout. */
  main: OverviewSection;
  /** Super-complaints, whatever the layout. */
  appendix: OverviewSection;
}

/** The categories as the product names them everywhere (domain/vocabulary.ts). */
export const overviewCategoryLabels: Record<ClosureCategory, string> = closureCategoryLabels;
const uncategorisedLabel = unsetCategoryLabel;

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
  const standing = paperStandingOf(item.status);
  if (standing === 'closed') {
    counts.closed += 1;
    const how = item.closure?.how;
    if (how === 'self_certified') counts.closedSelfCertified += 1;
    else if (how === 'signed_off_by_hmicfrs') counts.closedSignedOff += 1;
    else counts.closedOtherwise += 1;
  } else if (standing === 'awaiting_sign_off') {
    counts.awaitingSignOff += 1;
  } else {
    counts.outstanding += 1;
  }
}

/** The category table for a set of the force's items: categories 1–4 always, "not yet set" when any are. */
export function categoryTable(
  items: readonly ItemAsAt[],
  layout: Pick<PaperLayout, 'categories'> = defaultPaperLayout,
): { rows: CategoryRow[]; totals: CategoryRow } {
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
    label: layout.categories[String(category) as '1' | '2' | '3' | '4'].label,
    ...byCategory.get(category)!,
  }));
  const unset = byCategory.get(null);
  if (unset && unset.total > 0) rows.push({ category: null, label: uncategorisedLabel, ...unset });
  return { rows, totals: { category: null, label: 'Total', ...totals } };
}

/** Which of a report's items a section takes: those of its closure categories (all of them by default). */
type CategoryFilter = ReadonlySet<LayoutCategory> | null;
const inFilter = (filter: CategoryFilter, item: Pick<ItemAsAt, 'category'>) => !filter || filter.has(layoutCategoryOf(item.category));

/**
 * The reports of a section, each with its items of the categories taken, counted under the layout's convention. A
 * report logged without its items has no category: it is in the sections that take "not yet set".
 */
function reportsOf(
  reports: readonly ReportAsAt[],
  itemsOf: Map<string, ItemAsAt[]>,
  options: OverviewOptions,
  layout: PaperLayout,
  filter: CategoryFilter,
): OverviewReport[] {
  const previous = options.previousCommittee ?? null;
  const alreadyReported = (item: ItemAsAt) => previous !== null && item.status === 'closed' && closedOn(item) <= previous;
  const shown: OverviewReport[] = [];
  for (const report of reports) {
    const allItems = itemsOf.get(report.id) ?? [];
    if (allItems.length === 0 && filter && !filter.has('unset')) continue;
    const items = allItems.filter((item) => inFilter(filter, item));
    if (allItems.length > 0 && items.length === 0) continue;
    const force = items.filter(isForTheForce);
    const listed = byReference(force.filter((item) => !alreadyReported(item)));
    const newSincePrevious = previous === null || report.loggedOn > previous;
    // A report logged without its items stays listed with its stated status: nothing says it was reported complete.
    if (listed.length === 0 && !newSincePrevious && items.length > 0) continue;
    const counts = paperCounts(items, layout.counting);
    const groups: OverviewGroup[] = [];
    for (const category of [...closureCategories, null] as const) {
      const inGroup = listed.filter((item) => item.category === category);
      if (inGroup.length === 0) continue;
      groups.push({
        category,
        label: categoryLabel(layout, category),
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
    const blank = items.length === 0;
    shown.push({
      id: report.id,
      date: paperMonth(report.publishedOn, layout.dateStyle),
      publishedOn: report.publishedOn,
      title: report.title,
      originator: report.originator,
      kind: report.kind,
      statusLine: reportStatusLine(report, allItems, layout.statusLines),
      outstanding: blank ? null : counts.outstanding,
      awaitingSignOff: blank ? null : counts.awaitingSignOff,
      closed: blank ? null : counts.closed,
      total: blank ? null : counts.total,
      groups,
    });
  }
  return shown;
}

function section(
  reports: readonly ReportAsAt[],
  itemsOf: Map<string, ItemAsAt[]>,
  options: OverviewOptions,
  layout: PaperLayout,
  filter: CategoryFilter = null,
): OverviewSection {
  const allItems = reports.flatMap((report) => itemsOf.get(report.id) ?? []).filter((item) => inFilter(filter, item));
  const { rows, totals } = categoryTable(allItems, layout);
  return { categoryTable: rows, totals, reports: reportsOf(reports, itemsOf, options, layout, filter) };
}

const categoryLabel = (layout: PaperLayout, category: ClosureCategory | null): string =>
  category === null ? uncategorisedLabel : layout.categories[String(category) as '1' | '2' | '3' | '4'].label;

function descriptionsOf(layout: PaperLayout, categories: readonly LayoutCategory[]): CategoryDescription[] {
  return categories
    .filter((c): c is Exclude<LayoutCategory, 'unset'> => c !== 'unset')
    .map((c) => ({
      category: Number(c) as ClosureCategory,
      label: layout.categories[c].label,
      description: layout.categories[c].description,
    }))
    .filter((d) => d.description !== '');
}

/** One section of the layout: its reports, grouped as it says, with what it prints above them. */
function layoutSection(
  spec: PaperLayoutSection,
  reports: readonly ReportAsAt[],
  itemsOf: Map<string, ItemAsAt[]>,
  options: OverviewOptions,
  layout: PaperLayout,
): OverviewLayoutSection {
  const taken = reports.filter((report) => (spec.sources as readonly string[]).includes(report.kind));
  const filter = new Set(spec.categories);
  const whole = section(taken, itemsOf, options, layout, filter);
  const itemsIn = (category: LayoutCategory) =>
    taken.some((report) => (itemsOf.get(report.id) ?? []).some((item) => layoutCategoryOf(item.category) === category));
  let groups: OverviewLayoutGroup[];
  switch (spec.grouping) {
    case 'none':
      groups = [{ heading: null, descriptions: [], reports: whole.reports }];
      break;
    case 'closure_category':
      groups = layoutCategories
        .filter((category) => filter.has(category))
        .map((category) => ({
          heading: category === 'unset' ? uncategorisedLabel : layout.categories[category].label,
          descriptions: spec.descriptions ? descriptionsOf(layout, [category]) : [],
          reports: reportsOf(taken, itemsOf, options, layout, new Set([category])),
        }));
      break;
    case 'originator':
    case 'source_kind': {
      const keyOf = (report: ReportAsAt) => (spec.grouping === 'originator' ? report.originator : report.kind);
      const keys = [...new Set(taken.map(keyOf))];
      if (spec.grouping === 'source_kind') keys.sort((a, b) => sourceKinds.indexOf(a as SourceKind) - sourceKinds.indexOf(b as SourceKind));
      else keys.sort(compareTitles);
      groups = keys.map((key) => ({
        heading: spec.grouping === 'originator' ? key : sourceKindLabels[key as SourceKind],
        descriptions: [],
        reports: reportsOf(
          taken.filter((report) => keyOf(report) === key),
          itemsOf,
          options,
          layout,
          filter,
        ),
      }));
      break;
    }
  }
  groups = groups.filter((group) => group.reports.length > 0);
  // The descriptions of the categories the section has items of (of its first category when it has none).
  const withItems = spec.categories.filter((c) => c !== 'unset' && itemsIn(c));
  const described = withItems.length ? withItems : spec.categories.filter((c) => c !== 'unset').slice(0, 1);
  return {
    spec,
    categoryTable: spec.categoryTable ? { rows: whole.categoryTable, totals: whole.totals } : null,
    descriptions: spec.descriptions && spec.grouping !== 'closure_category' ? descriptionsOf(layout, described) : [],
    groups,
    countColumns: countColumnsToPrint(
      spec,
      groups
        .flatMap((g) => g.reports)
        .map((r) => ({
          outstanding: r.outstanding ?? 0,
          awaitingSignOff: r.awaitingSignOff ?? 0,
          closed: r.closed ?? 0,
          total: r.total ?? 0,
        })),
      layout.counting,
    ),
  };
}

const chronological = (a: ReportAsAt, b: ReportAsAt) =>
  compareCodes(a.publishedOn, b.publishedOn) || compareTitles(a.title, b.title) || compareCodes(a.id, b.id);

/** The sources the overview covers: inspections (joint ones too), and super-complaints. */
export const overviewSourceKinds: readonly SourceKind[] = layoutSourceKinds;

export function buildOverview(data: PaperData, options: OverviewOptions): OverviewPaper {
  const layout = options.layout ?? defaultPaperLayout;
  const itemsOf = itemsByReport(data.items);
  const reports = [...data.reports].sort(chronological);
  const inspections = reports.filter((report) => report.kind === 'inspection' || report.kind === 'joint_inspection');
  const superComplaints = reports.filter((report) => report.kind === 'super_complaint');
  return {
    kind: 'overview',
    asAt: data.asAt,
    previousCommittee: options.previousCommittee ?? null,
    scheme: options.scheme,
    layout,
    sections: layout.sections.map((spec) => layoutSection(spec, reports, itemsOf, options, layout)),
    main: section(inspections, itemsOf, options, layout),
    appendix: section(superComplaints, itemsOf, options, layout),
  };
}
