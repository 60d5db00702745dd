import { longDate } from './dates';
import type { Block, Cell, PaperDocument, PaperSheets } from './layout';
import { cell } from './layout';
import { paperTitles } from './model';
import type { CategoryRow, OverviewItem, OverviewLayoutSection, OverviewPaper, OverviewReport } from './overview';
import { compareReferences } from './common';
import { columnDefaults, countColumns, type CountingConvention, type ItemColumn, type ReportColumn } from '../../domain/paperLayout';
import type { QuarterlyPaper } from './quarterly';
import type { TrackerPaper } from './tracker';
import type { Colour } from './rag';

/** Lays out each built paper for the renderers (./render): the words and their order are decided here, once. */

const colourCell = (colour: Colour): Cell => cell(colour.label, { fill: colour.fill, ink: colour.ink, bold: true });

function categoryTableBlock(table: { rows: CategoryRow[]; totals: CategoryRow }): Block {
  const row = (r: CategoryRow, bold = false): Cell[] =>
    [r.label, r.outstanding, r.awaitingSignOff, r.closedSelfCertified, r.closedSignedOff, r.closedOtherwise, r.total].map((value) =>
      cell(value, { bold }),
    );
  return {
    type: 'table',
    columns: [
      { title: 'Category', width: 30 },
      { title: 'Outstanding', width: 11, numeric: true },
      { title: 'Self-certified, awaiting HMICFRS sign-off', width: 15, numeric: true },
      { title: 'Closed: self-certified', width: 11, numeric: true },
      { title: 'Closed: signed off by HMICFRS', width: 11, numeric: true },
      { title: 'Closed: other', width: 11, numeric: true },
      { title: 'Total', width: 9, numeric: true },
    ],
    rows: [...table.rows.map((r) => row(r)), row(table.totals, true)],
  };
}

const countingNotes: Record<CountingConvention, string> = {
  outstanding_until_signed_off:
    'Each report below counts items self-certified and awaiting HMICFRS sign-off as outstanding until HMICFRS agrees closure.',
  awaiting_sign_off_apart: 'Each report below counts items self-certified and awaiting HMICFRS sign-off apart, not as outstanding.',
};

/** "Total number outstanding: 1. Total number closed: 1.", with those awaiting sign-off when counted apart; a dash for a report logged without its items. */
function totalsSentence(report: OverviewReport, counting: CountingConvention): string {
  const figure = (n: number | null) => (n === null ? '–' : String(n));
  const awaiting =
    counting === 'awaiting_sign_off_apart' ? ` Total number awaiting HMICFRS sign-off: ${figure(report.awaitingSignOff)}.` : '';
  return `Total number outstanding: ${figure(report.outstanding)}.${awaiting} Total number closed: ${figure(report.closed)}.`;
}

const itemCell: Record<ItemColumn, (item: OverviewItem) => string> = {
  reference: (item) => item.reference,
  text: (item) => item.text,
  state: (item) => (item.newlyClosed ? `${item.state}, since the last committee` : item.state),
};
const itemWidths: Record<ItemColumn, number> = { reference: 6, text: 70, state: 24 };

function reportBlocks(report: OverviewReport, section: OverviewLayoutSection, counting: CountingConvention, level: 3 | 4): Block[] {
  const blocks: Block[] = [
    { type: 'heading', level, text: `${report.date} – ${report.title}` },
    { type: 'paragraph', bold: true, text: `Status – ${report.statusLine}` },
    { type: 'paragraph', text: totalsSentence(report, counting) },
  ];
  const columns = section.spec.columns.filter((c): c is { key: ItemColumn; heading: string } => c.key in itemCell);
  for (const group of report.groups) {
    blocks.push({
      type: 'table',
      caption: group.label,
      columns: columns.map((c) => ({ title: c.heading, width: itemWidths[c.key] })),
      rows: group.items.map((item) => columns.map((c) => cell(itemCell[c.key](item)))),
    });
  }
  return blocks;
}

/** A report's items as one cell: each text after its reference, a blank line between them. */
const recommendationsText = (report: OverviewReport) =>
  report.groups
    .flatMap((group) => group.items)
    .sort((a, b) => compareReferences(a.reference, b.reference))
    .map((item) => `${item.reference}. ${item.text}`)
    .join('\n\n');

const figure = (n: number | null) => (n === null ? '–' : n);
const reportCell: Record<ReportColumn, (report: OverviewReport) => string | number> = {
  date: (r) => r.date,
  title: (r) => r.title,
  status: (r) => r.statusLine,
  recommendations: (r) => recommendationsText(r),
  outstanding: (r) => figure(r.outstanding),
  awaitingSignOff: (r) => figure(r.awaitingSignOff),
  closed: (r) => figure(r.closed),
  total: (r) => figure(r.total),
};
const reportWidths: Record<ReportColumn, number> = {
  date: 7,
  title: 17,
  status: 18,
  recommendations: 40,
  outstanding: 8,
  awaitingSignOff: 8,
  closed: 8,
  total: 7,
};

function reportTable(reports: OverviewReport[], section: OverviewLayoutSection): Block {
  const counts = new Set<string>(countColumns);
  const asked = section.spec.columns.filter((c): c is { key: ReportColumn; heading: string } => c.key in reportCell);
  // The columns asked for, less counts with nothing to show, then any count the layout leaves out but has figures.
  const columns = [
    ...asked.filter((c) => !counts.has(c.key) || (section.countColumns as string[]).includes(c.key)),
    ...section.countColumns.filter((key) => !asked.some((c) => c.key === key)).map((key) => ({ key, heading: columnDefaults[key] })),
  ];
  return {
    type: 'table',
    columns: columns.map((c) => ({ title: c.heading, width: reportWidths[c.key], numeric: counts.has(c.key) || c.key === 'total' })),
    rows: reports.map((report) => columns.map((c) => cell(reportCell[c.key](report)))),
  };
}

function overviewSectionBlocks(section: OverviewLayoutSection, counting: CountingConvention): Block[] {
  const blocks: Block[] = [{ type: 'heading', level: 2, text: section.spec.heading }];
  for (const d of section.descriptions) blocks.push({ type: 'paragraph', text: `${d.label}. ${d.description}` });
  // A category table with nothing to count (no super-complaints, say) is left out rather than printed empty.
  if (section.categoryTable && (section.categoryTable.totals.total > 0 || section.groups.length > 0)) {
    blocks.push(categoryTableBlock(section.categoryTable));
    blocks.push({
      type: 'paragraph',
      italic: true,
      text: `Closed otherwise: no action required, superseded, no longer relevant or now business as usual. ${countingNotes[counting]}`,
    });
  }
  if (section.groups.length === 0) blocks.push({ type: 'paragraph', text: section.spec.emptyText });
  for (const group of section.groups) {
    if (group.heading !== null) blocks.push({ type: 'heading', level: 3, text: group.heading });
    for (const d of group.descriptions) blocks.push({ type: 'paragraph', text: d.description });
    if (section.spec.style === 'report_table') blocks.push(reportTable(group.reports, section));
    else for (const report of group.reports) blocks.push(...reportBlocks(report, section, counting, group.heading === null ? 3 : 4));
  }
  return blocks;
}

export function overviewDocument(paper: OverviewPaper, forceName: string): PaperDocument {
  const blocks: Block[] = [
    {
      type: 'paragraph',
      text:
        `As at ${longDate(paper.asAt)}.` +
        (paper.previousCommittee
          ? ` Items reported complete to the committee of ${longDate(paper.previousCommittee)} are left out of the lists.`
          : ''),
    },
    ...paper.sections.flatMap((section) => overviewSectionBlocks(section, paper.layout.counting)),
  ];
  return { title: paperTitles.overview, forceName, blocks, landscape: true };
}

const actionColumns = [
  { title: 'Target date', width: 9 },
  { title: 'Action', width: 30 },
  { title: 'Manager responsible', width: 11 },
  { title: 'Source originator', width: 9 },
  { title: 'Source title', width: 14 },
  { title: 'Action status', width: 9 },
  { title: 'Action update', width: 26 },
];

/**
 * New actions are counted as new in the summary, as seed 004 counts them, though some are at risk and the listing
 * says so: this sentence gives the whole number at risk, so the summary and the listing agree.
 */
export function atRiskInAllWords(paper: QuarterlyPaper): string {
  const { current, newAtRisk } = paper.atRiskInAll;
  const newCount = paper.groups.find((group) => group.group === 'new')?.actions.length ?? 0;
  const actions = (n: number) => `${n} action${n === 1 ? ' is' : 's are'}`;
  const of =
    newAtRisk === 0
      ? newCount === 0
        ? '; there are no new actions'
        : '; none of the new actions is'
      : `: ${current - newAtRisk} counted above as at risk, and ${newAtRisk} of the ${newCount} new action${newCount === 1 ? '' : 's'}`;
  return `In all, ${actions(current)} at risk of being off target${of}.`;
}

export function quarterlyDocument(paper: QuarterlyPaper, forceName: string): PaperDocument {
  const blocks: Block[] = [
    { type: 'paragraph', text: `Quarter to ${longDate(paper.asAt)}, compared with the quarter to ${longDate(paper.previousQuarter)}.` },
    { type: 'paragraph', italic: true, text: 'Actions include those arising from recommendations highlighted by audit or inspection.' },
    {
      type: 'table',
      columns: [
        { title: 'Summary', width: 52 },
        { title: 'Current', width: 16, numeric: true },
        { title: 'Previous', width: 16, numeric: true },
        { title: 'Trend', width: 16 },
      ],
      rows: paper.summary.map((row) => [cell(row.label), cell(row.current), cell(row.previous), cell(row.trend)]),
    },
    { type: 'paragraph', text: atRiskInAllWords(paper) },
  ];
  for (const group of paper.groups) {
    blocks.push({ type: 'heading', level: 2, text: group.title });
    if (group.actions.length === 0) {
      blocks.push({ type: 'paragraph', text: group.empty });
      continue;
    }
    blocks.push({
      type: 'table',
      columns: actionColumns,
      rows: group.actions.map((action) => [
        cell(action.targetDate),
        cell(action.action),
        cell(action.managerResponsible),
        cell(action.sourceOriginator),
        cell(action.sourceTitle),
        colourCell(action.status),
        cell(action.latestUpdate),
      ]),
    });
  }
  return { title: paperTitles.quarterly, forceName, blocks, landscape: true };
}

export function quarterlySheets(paper: QuarterlyPaper): PaperSheets {
  return {
    csvSheet: 1,
    sheets: [
      {
        name: 'Summary',
        columns: [
          { title: 'Summary', width: 40 },
          { title: `Current (to ${paper.asAt})`, width: 20 },
          { title: `Previous (to ${paper.previousQuarter})`, width: 20 },
          { title: 'Trend', width: 8 },
        ],
        rows: [...paper.summary, paper.atRiskInAll].map((row) => [row.label, row.current, row.previous, row.trend]),
      },
      {
        name: 'Actions',
        columns: [
          { title: 'Group', width: 28 },
          { title: 'Target date', width: 12 },
          { title: 'Reference', width: 10 },
          ...actionColumns.slice(1).map((column) => ({ title: column.title, width: column.width * 2 })),
        ],
        rows: paper.groups.flatMap((group) =>
          group.actions.map((action) => [
            group.title,
            action.dueDate ?? '',
            action.reference,
            action.action,
            action.managerResponsible,
            action.sourceOriginator,
            action.sourceTitle,
            action.status.label,
            action.latestUpdate,
          ]),
        ),
      },
    ],
  };
}

export function trackerDocument(paper: TrackerPaper, forceName: string): PaperDocument {
  const blocks: Block[] = [
    {
      type: 'paragraph',
      text: `As at ${longDate(paper.asAt)}.${paper.previousReport ? ` Changes since the tracker of ${longDate(paper.previousReport)} are marked.` : ''}`,
    },
    {
      type: 'table',
      caption: 'Status colours',
      columns: [
        { title: 'Status', width: 20 },
        { title: 'Definition', width: 80 },
      ],
      rows: paper.key.map((entry) => [colourCell(entry.colour), cell(entry.meaning)]),
    },
  ];
  if (paper.reports.length === 0) blocks.push({ type: 'paragraph', text: 'No reports logged as at this date.' });
  for (const report of paper.reports) {
    blocks.push({ type: 'heading', level: 2, text: report.title });
    blocks.push({ type: 'paragraph', text: report.source });
    blocks.push({ type: 'paragraph', bold: true, text: report.summary });
    if (report.items.length === 0) continue;
    blocks.push({
      type: 'table',
      columns: [
        { title: 'Ref', width: 5 },
        { title: 'Kind', width: 10 },
        { title: 'Recommendation', width: 37 },
        { title: 'Status', width: 9 },
        { title: 'Due date', width: 14 },
        { title: 'Comment', width: 25 },
      ],
      rows: report.items.map((item) => [
        cell(item.reference),
        cell(item.kind),
        cell(item.text),
        colourCell(item.colour),
        cell(item.dueDates),
        cell(item.comment),
      ]),
    });
  }
  return { title: paperTitles.tracker, forceName, blocks, landscape: true };
}

export function trackerSheets(paper: TrackerPaper): PaperSheets {
  return {
    csvSheet: 0,
    sheets: [
      {
        name: 'Items',
        columns: [
          { title: 'Report', width: 40 },
          { title: 'Reference', width: 10 },
          { title: 'Kind', width: 20 },
          { title: 'Recommendation', width: 80 },
          { title: 'Status', width: 18 },
          { title: 'Due date', width: 40 },
          { title: 'Comment', width: 60 },
        ],
        rows: paper.reports.flatMap((report) =>
          report.items.map((item) => [report.title, item.reference, item.kind, item.text, item.colour.label, item.dueDates, item.comment]),
        ),
      },
      {
        name: 'Reports',
        columns: [
          { title: 'Report', width: 50 },
          { title: 'Source', width: 50 },
          { title: 'Published', width: 12 },
          { title: 'Summary', width: 80 },
        ],
        rows: paper.reports.map((report) => [report.title, report.source, report.publishedOn, report.summary]),
      },
    ],
  };
}
