import { longDate } from './dates';
import type { Block, Cell, PaperDocument, PaperSheets } from './layout';
import { cell } from './layout';
import { paperTitles } from './model';
import type { CategoryRow, OverviewPaper, OverviewSection } from './overview';
import type { QuarterlyPaper } from './quarterly';
import type { TrackerPaper } from './tracker';
import type { Colour } from './rag';

/** Lays out each built paper for the renderers (./render): the words and their order are decided here, once. */

const colourCell = (colour: Colour): Cell => cell(colour.label, { fill: colour.fill, ink: colour.ink, bold: true });

function categoryTableBlock(section: OverviewSection): Block {
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
    rows: [...section.categoryTable.map((r) => row(r)), row(section.totals, true)],
  };
}

function overviewSectionBlocks(section: OverviewSection, emptyText: string): Block[] {
  const blocks: Block[] = [categoryTableBlock(section)];
  blocks.push({
    type: 'paragraph',
    italic: true,
    text: 'Closed otherwise: no action required, superseded, no longer relevant or now business as usual. Each report below counts items self-certified and awaiting HMICFRS sign-off as outstanding until HMICFRS agrees closure.',
  });
  if (section.reports.length === 0) blocks.push({ type: 'paragraph', text: emptyText });
  for (const report of section.reports) {
    blocks.push({ type: 'heading', level: 3, text: `${report.date} – ${report.title}` });
    blocks.push({ type: 'paragraph', bold: true, text: `Status – ${report.statusLine}` });
    // Blank (a dash) for a report logged without its items: the paper does not make up figures nobody listed.
    blocks.push({
      type: 'paragraph',
      text: `Total number outstanding: ${report.outstanding ?? '–'}. Total number closed: ${report.closed ?? '–'}.`,
    });
    for (const group of report.groups) {
      blocks.push({
        type: 'table',
        caption: group.label,
        columns: [
          { title: 'Ref', width: 6 },
          { title: 'Recommendation', width: 70 },
          { title: 'State', width: 24 },
        ],
        rows: group.items.map((item) => [
          cell(item.reference),
          cell(item.text),
          cell(item.newlyClosed ? `${item.state}, since the last committee` : item.state),
        ]),
      });
    }
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
    { type: 'heading', level: 2, text: 'Recommendations by HMICFRS closure category' },
    ...overviewSectionBlocks(paper.main, 'No inspection reports to report on.'),
    { type: 'heading', level: 2, text: 'Appendix: super-complaints' },
    ...overviewSectionBlocks(paper.appendix, 'No super-complaints to report on.'),
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
