import { z } from 'zod';
import type { LifecycleStatus } from './lifecycle/states';
import { selfCertifiedStatuses } from './lifecycle/states';
import type { ClosureCategory, IsoDate, SourceKind } from './vocabulary';
import { closureCategoryLabels, sourceKindLabels } from './vocabulary';

/**
 * The committee overview's layout, as a force's committee reads it (docs/papers.md): its sections in order, which
 * reports and closure categories each takes, how each prints them, the force's words for each closure category,
 * the date style and how items awaiting HMICFRS sign-off are counted. Stored per force as data
 * (api/papers/layoutStore.ts); two are built in. The counting rule here is the one every overview figure uses.
 */

// ── Counting ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * How an item self-certified and awaiting HMICFRS sign-off (or a reality test, or a verification visit) is counted:
 *  - `outstanding_until_signed_off`: outstanding until HMICFRS agrees closure (seed 001); its own figure, where
 *    printed, says how many of the outstanding are awaiting sign-off;
 *  - `awaiting_sign_off_apart`: in its own column ("Awaiting HMICFRS sign-off") and not as outstanding.
 */
export const countingConventions = ['outstanding_until_signed_off', 'awaiting_sign_off_apart'] as const;
export type CountingConvention = (typeof countingConventions)[number];

export const countingConventionLabels: Record<CountingConvention, string> = {
  outstanding_until_signed_off: 'Outstanding until HMICFRS agrees closure',
  awaiting_sign_off_apart: 'In a column of their own, not as outstanding',
};

/** Where one item stands for a paper's counts. */
export type PaperStanding = 'outstanding' | 'awaiting_sign_off' | 'closed';

export function paperStandingOf(status: LifecycleStatus): PaperStanding {
  if (status === 'closed') return 'closed';
  return selfCertifiedStatuses.includes(status) ? 'awaiting_sign_off' : 'outstanding';
}

/** The force's own work: addressed to the force and not marked "not for the force". Only these are counted. */
export const countsForTheForce = (item: { forTheForce: boolean; status: LifecycleStatus }): boolean =>
  item.forTheForce && item.status !== 'not_for_the_force';

export interface PaperCounts {
  /** Under `outstanding_until_signed_off`, includes those awaiting sign-off. */
  outstanding: number;
  /** Self-certified and awaiting HMICFRS (under `outstanding_until_signed_off`, of the outstanding). */
  awaitingSignOff: number;
  closed: number;
  /** The force's items counted. */
  total: number;
}

/** The counts of a set of items under a convention: the one definition of "outstanding" in the overview. */
export function paperCounts(
  items: readonly { forTheForce: boolean; status: LifecycleStatus }[],
  convention: CountingConvention,
): PaperCounts {
  const counts: PaperCounts = { outstanding: 0, awaitingSignOff: 0, closed: 0, total: 0 };
  for (const item of items) {
    if (!countsForTheForce(item)) continue;
    counts.total += 1;
    const standing = paperStandingOf(item.status);
    if (standing === 'closed') counts.closed += 1;
    else if (standing === 'awaiting_sign_off') {
      counts.awaitingSignOff += 1;
      if (convention === 'outstanding_until_signed_off') counts.outstanding += 1;
    } else counts.outstanding += 1;
  }
  return counts;
}

// ── Dates ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** "Sept 2019" (seed 001: the short months, with Sept for September), "Sep 2019", "09/2019". */
export const paperDateStyles = ['sept', 'short', 'numeric'] as const;
export type PaperDateStyle = (typeof paperDateStyles)[number];

const shortMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const septMonths = shortMonths.map((m) => (m === 'Sep' ? 'Sept' : m));

/** A report's month as the layout prints it. */
export function paperMonth(date: IsoDate, style: PaperDateStyle): string {
  const month = Number(date.slice(5, 7));
  const year = date.slice(0, 4);
  if (style === 'numeric') return `${date.slice(5, 7)}/${year}`;
  return `${(style === 'sept' ? septMonths : shortMonths)[month - 1]} ${year}`;
}

export const paperDateStyleLabels: Record<PaperDateStyle, string> = {
  sept: paperMonth('2019-09-01', 'sept'),
  short: paperMonth('2019-09-01', 'short'),
  numeric: paperMonth('2019-09-01', 'numeric'),
};

// ── Report status lines ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Which status line a paper prints under a report that has items:
 *  - `stated_while_current`: the force's own line (from its tracker, or given when logging the report) until any of
 *    the report's items changes status after it was stated; from then on, the line the product writes from its items;
 *  - `generated`: always the product's line.
 * A report logged without items always prints the force's line: there is nothing to write one from.
 */
export const statusLineRules = ['stated_while_current', 'generated'] as const;
export type StatusLineRule = (typeof statusLineRules)[number];

export const statusLineRuleLabels: Record<StatusLineRule, string> = {
  stated_while_current: "The force's own words, until one of the report's items changes status; then a line written from its items",
  generated: "Always a line written from the report's items",
};

/** The force's status line for a report as at a paper's date, and whether an item changed status after it was stated. */
export interface StatedStatusLine {
  text: string;
  supersededByChange: boolean;
}

export const noItemsListedLine = 'Its items are not listed.';

/** The line a paper prints: `generated` is the product's line from the report's items, null when it has none. */
export function statusLineToPrint(rule: StatusLineRule, stated: StatedStatusLine | null, generated: string | null): string {
  if (generated === null) return stated?.text || noItemsListedLine;
  if (rule === 'stated_while_current' && stated?.text && !stated.supersededByChange) return stated.text;
  return generated;
}

// ── Sections ────────────────────────────────────────────────────────────────────────────────────────────────────

/** The reports the overview covers; audits are in the quarterly update. */
export const overviewSourceKinds = ['inspection', 'joint_inspection', 'super_complaint'] as const satisfies readonly SourceKind[];
export type OverviewSourceKind = (typeof overviewSourceKinds)[number];

/** Closure categories as a layout names them; `unset` is an item whose category is not yet set, or a report logged without its items. */
export const layoutCategories = ['1', '2', '3', '4', 'unset'] as const;
export type LayoutCategory = (typeof layoutCategories)[number];
export const editableCategories = ['1', '2', '3', '4'] as const;
export const unsetCategoryLabel = 'Category not yet set';

export const layoutCategoryOf = (category: ClosureCategory | null): LayoutCategory =>
  category === null ? 'unset' : (String(category) as LayoutCategory);

/**
 * How a section prints its reports: `report_blocks`, each report under its own heading with its status line, totals
 * and a table of its items per closure category (seed 001); `report_table`, one table with a row per report.
 */
export const sectionStyles = ['report_blocks', 'report_table'] as const;
export type SectionStyle = (typeof sectionStyles)[number];

/** Splits a section under sub-headings; a report with items in several categories is under each, with those items. */
export const sectionGroupings = ['none', 'closure_category', 'originator', 'source_kind'] as const;
export type SectionGrouping = (typeof sectionGroupings)[number];

export const reportColumns = ['date', 'title', 'status', 'recommendations', 'outstanding', 'awaitingSignOff', 'closed', 'total'] as const;
export const itemColumns = ['reference', 'text', 'state'] as const;
export type ReportColumn = (typeof reportColumns)[number];
export type ItemColumn = (typeof itemColumns)[number];
export const countColumns = ['outstanding', 'awaitingSignOff', 'closed'] as const satisfies readonly ReportColumn[];

export const columnsOfStyle: Record<SectionStyle, readonly (ReportColumn | ItemColumn)[]> = {
  report_blocks: itemColumns,
  report_table: reportColumns,
};

export const columnDefaults: Record<ReportColumn | ItemColumn, string> = {
  date: 'Date',
  title: 'Title',
  status: 'Status',
  recommendations: 'Recommendations',
  outstanding: 'Total number outstanding',
  awaitingSignOff: 'Awaiting HMICFRS sign-off',
  closed: 'Total number closed',
  total: 'Total',
  reference: 'Ref',
  text: 'Recommendation',
  state: 'State',
};

export const sectionStyleLabels: Record<SectionStyle, string> = {
  report_blocks: 'Each report under its own heading, its items in tables',
  report_table: 'One table, a row per report',
};

export const sectionGroupingLabels: Record<SectionGrouping, string> = {
  none: 'Not grouped',
  closure_category: 'By closure category',
  originator: 'By originator',
  source_kind: 'By kind of report',
};

export const overviewSourceLabels: Record<OverviewSourceKind, string> = {
  inspection: `${sourceKindLabels.inspection}s`,
  joint_inspection: `${sourceKindLabels.joint_inspection}s`,
  super_complaint: `${sourceKindLabels.super_complaint}s`,
};

// ── The schema ──────────────────────────────────────────────────────────────────────────────────────────────────

const text = (name: string, max: number, required = true) => {
  const base = z.string({ message: `${name} must be text` }).trim();
  return (required ? base.min(1, { message: `Enter ${name.toLowerCase()}` }) : base).max(max, {
    message: `${name} must be ${max.toLocaleString('en-GB')} characters or fewer`,
  });
};

const distinct = <T>(values: readonly T[]) => new Set(values).size === values.length;

const columnSchema = z
  .object({
    key: z.enum([...reportColumns, ...itemColumns], {
      message: `must be one of ${[...reportColumns, ...itemColumns].join(', ')}`,
    }),
    heading: text('The column heading', 100),
  })
  .strict();

const sectionSchema = z
  .object({
    heading: text('The section heading', 200),
    sources: z
      .array(z.enum(overviewSourceKinds, { message: `must be one of ${overviewSourceKinds.join(', ')}` }))
      .min(1, { message: 'Choose at least one kind of report' })
      .refine(distinct, { message: 'must not name a kind of report twice' }),
    categories: z
      .array(z.enum(layoutCategories, { message: `must be one of ${layoutCategories.join(', ')}` }))
      .min(1, { message: 'Choose at least one closure category' })
      .refine(distinct, { message: 'must not name a category twice' }),
    style: z.enum(sectionStyles, { message: `must be one of ${sectionStyles.join(', ')}` }),
    grouping: z.enum(sectionGroupings, { message: `must be one of ${sectionGroupings.join(', ')}` }),
    categoryTable: z.boolean({ message: 'must be true or false' }),
    descriptions: z.boolean({ message: 'must be true or false' }),
    columns: z.array(columnSchema).min(1, { message: 'Choose at least one column' }).max(reportColumns.length),
    emptyText: text('The text for a section with no reports', 300),
  })
  .strict()
  .superRefine((section, ctx) => {
    const allowed = columnsOfStyle[section.style];
    section.columns.forEach((column, index) => {
      if (!allowed.includes(column.key))
        ctx.addIssue({
          code: 'custom',
          path: ['columns', index, 'key'],
          message: `${column.key} is not a column of ${sectionStyleLabels[section.style].toLowerCase()}: choose from ${allowed.join(', ')}`,
        });
    });
    if (!distinct(section.columns.map((c) => c.key)))
      ctx.addIssue({ code: 'custom', path: ['columns'], message: 'must not have the same column twice' });
  });

const categoryTextSchema = z
  .object({ label: text('The category label', 100), description: text('The category description', 1000, false) })
  .strict();

export const paperLayoutSchema = z
  .object({
    name: text('The layout name', 100),
    dateStyle: z.enum(paperDateStyles, { message: `must be one of ${paperDateStyles.join(', ')}` }),
    counting: z.enum(countingConventions, { message: `must be one of ${countingConventions.join(', ')}` }),
    statusLines: z.enum(statusLineRules, { message: `must be one of ${statusLineRules.join(', ')}` }).default('stated_while_current'),
    categories: z.object({ '1': categoryTextSchema, '2': categoryTextSchema, '3': categoryTextSchema, '4': categoryTextSchema }).strict(),
    sections: z.array(sectionSchema).min(1, { message: 'Add at least one section' }).max(10, { message: 'At most 10 sections' }),
  })
  .strict()
  .superRefine((layout, ctx) => {
    // Every report and item the overview covers is printed somewhere: no closure level falls between sections.
    for (const source of overviewSourceKinds)
      for (const category of layoutCategories)
        if (!layout.sections.some((s) => s.sources.includes(source) && s.categories.includes(category)))
          ctx.addIssue({
            code: 'custom',
            path: ['sections'],
            message: `${overviewSourceLabels[source]} of ${category === 'unset' ? 'no category yet' : `category ${category}`} are in no section: add ${category === 'unset' ? '“not yet set”' : `category ${category}`} to a section that takes them`,
          });
  });

export type PaperLayout = z.output<typeof paperLayoutSchema>;
export type PaperLayoutSection = PaperLayout['sections'][number];
export type PaperLayoutColumn = PaperLayoutSection['columns'][number];

/** Checked and trimmed; or each problem with its path ("sections.1.columns.0.key") and reason. */
export function checkPaperLayout(
  value: unknown,
): { ok: true; layout: PaperLayout } | { ok: false; problems: { path: (string | number)[]; message: string }[] } {
  const result = paperLayoutSchema.safeParse(value);
  if (result.success) return { ok: true, layout: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

// ── The built-in layouts ────────────────────────────────────────────────────────────────────────────────────────

export const defaultCategoryTexts: PaperLayout['categories'] = {
  '1': { label: closureCategoryLabels[1], description: 'HMICFRS requires no action of the force.' },
  '2': {
    label: closureCategoryLabels[2],
    description:
      'The force closes the recommendation itself when the work is complete, with a letter from the Chief Constable or a delegated head of department (self-certified, closed).',
  },
  '3': {
    label: closureCategoryLabels[3],
    description:
      'The force completes the work and sends the letter; HMICFRS follows up to check before the recommendation is closed (self-certified, awaiting HMICFRS sign-off).',
  },
  '4': {
    label: closureCategoryLabels[4],
    description: 'The force completes the work and HMICFRS visits to verify it before the recommendation is closed.',
  },
};

const col = (key: ReportColumn | ItemColumn, heading = columnDefaults[key]): PaperLayoutColumn => ({ key, heading });
const itemTable = [col('reference'), col('text'), col('state')];
const inspections: OverviewSourceKind[] = ['inspection', 'joint_inspection'];

export const builtInLayoutNames = ['standard', 'appendices'] as const;
export type BuiltInLayoutName = (typeof builtInLayoutNames)[number];

export const builtInPaperLayouts: Record<BuiltInLayoutName, PaperLayout> = {
  standard: {
    name: 'One list by date, super-complaints in an appendix',
    dateStyle: 'short',
    counting: 'outstanding_until_signed_off',
    statusLines: 'stated_while_current',
    categories: defaultCategoryTexts,
    sections: [
      {
        heading: 'Recommendations by HMICFRS closure category',
        sources: inspections,
        categories: [...layoutCategories],
        style: 'report_blocks',
        grouping: 'none',
        categoryTable: true,
        descriptions: false,
        columns: itemTable,
        emptyText: 'No inspection reports to report on.',
      },
      {
        heading: 'Appendix: super-complaints',
        sources: ['super_complaint'],
        categories: [...layoutCategories],
        style: 'report_blocks',
        grouping: 'none',
        categoryTable: true,
        descriptions: false,
        columns: itemTable,
        emptyText: 'No super-complaints to report on.',
      },
    ],
  },
  appendices: {
    name: 'One appendix per closure level, then super-complaints',
    dateStyle: 'sept',
    counting: 'awaiting_sign_off_apart',
    statusLines: 'stated_while_current',
    categories: defaultCategoryTexts,
    sections: [
      {
        heading: 'Appendix A: category 2 recommendations',
        sources: inspections,
        categories: ['1', '2'],
        style: 'report_table',
        grouping: 'none',
        categoryTable: false,
        descriptions: true,
        columns: [col('date'), col('title'), col('status'), col('recommendations'), col('outstanding'), col('closed')],
        emptyText: 'No category 2 recommendations to report on.',
      },
      {
        heading: 'Appendix B: category 3 recommendations',
        sources: inspections,
        categories: ['3', '4', 'unset'],
        style: 'report_table',
        grouping: 'none',
        categoryTable: false,
        descriptions: true,
        columns: [
          col('date'),
          col('title'),
          col('status'),
          col('recommendations'),
          col('awaitingSignOff', 'Total number awaiting HMICFRS sign-off'),
          col('closed'),
        ],
        emptyText: 'No category 3 recommendations to report on.',
      },
      {
        heading: 'Appendix C: super-complaints',
        sources: ['super_complaint'],
        categories: [...layoutCategories],
        style: 'report_table',
        grouping: 'none',
        categoryTable: false,
        descriptions: false,
        columns: [col('date'), col('title'), col('status'), col('recommendations'), col('outstanding'), col('closed')],
        emptyText: 'No super-complaints to report on.',
      },
    ],
  },
};

export const defaultPaperLayout: PaperLayout = builtInPaperLayouts.standard;

/**
 * The count columns a section prints for its reports: the ones it asks for, and any other with a figure to show
 * (an item awaiting sign-off in a section without that column), so no item goes uncounted. In their usual order.
 */
export function countColumnsToPrint(
  section: Pick<PaperLayoutSection, 'columns'>,
  counts: readonly PaperCounts[],
  convention: CountingConvention,
): (typeof countColumns)[number][] {
  const asked = new Set(section.columns.map((c) => c.key));
  return countColumns.filter((key) => {
    if (asked.has(key)) return true;
    // Under "outstanding until signed off", those awaiting sign-off are already in the outstanding figure.
    if (key === 'awaitingSignOff' && convention === 'outstanding_until_signed_off' && asked.has('outstanding')) return false;
    return counts.some((c) => c[key] > 0);
  });
}
