/**
 * The dashboard's bar chart of overdue and at-risk items by lead (platform/web/templates/dashboard.njk draws it as SVG; the
 * same figures are in the table below it). Each lead has two bars, one per figure, each with its own label, so a
 * zero is a bar of no width labelled "0 overdue", never a full bar beside a number. Widths are in proportion to the
 * largest single figure, and the space for the labels is kept clear of the bars, so no label runs off the chart.
 */

export interface ChartGroup {
  label: string;
  overdue: number;
  atRisk: number;
}

export interface ChartBar {
  kind: 'overdue' | 'atRisk';
  y: number;
  width: number;
  fill: string;
  /** "2 overdue", "0 at risk": drawn at `labelX`, after the bar. */
  text: string;
  labelX: number;
  labelY: number;
}

export interface ChartRow {
  /** The lead's name as drawn, shortened with an ellipsis when long; `title` is the whole name. */
  name: string;
  title: string;
  nameY: number;
  bars: ChartBar[];
}

export interface Chart {
  width: number;
  height: number;
  barX: number;
  barHeight: number;
  fontSize: number;
  rows: ChartRow[];
}

export const CHART_WIDTH = 640;
const FONT_SIZE = 14;
const NAME_WIDTH = 200;
const BAR_X = NAME_WIDTH + 10;
const BAR_HEIGHT = 16;
const BAR_GAP = 4;
const ROW_GAP = 14;
const LABEL_GAP = 6;
/** Room kept after the longest bar for its label: "9999 at risk" in 14px Arial is about 85px wide. */
export const LABEL_ROOM = 120;
export const MAX_BAR_WIDTH = CHART_WIDTH - BAR_X - LABEL_GAP - LABEL_ROOM;
/** Names longer than this are shortened: 14px Arial runs about 7px a character, so 26 fit in the name column. */
const NAME_CHARS = 26;

const fills = { overdue: '#d4351c', atRisk: '#f47738' } as const;

function shortened(name: string): string {
  return name.length <= NAME_CHARS ? name : `${name.slice(0, NAME_CHARS - 1).trimEnd()}…`;
}

export function dashboardChart(groups: readonly ChartGroup[]): Chart {
  const largest = Math.max(0, ...groups.flatMap((g) => [g.overdue, g.atRisk]));
  const widthOf = (value: number) => (largest === 0 ? 0 : Math.round((value / largest) * MAX_BAR_WIDTH));
  const rowHeight = 2 * BAR_HEIGHT + BAR_GAP;
  const rows = groups.map((group, index): ChartRow => {
    const top = index * (rowHeight + ROW_GAP);
    const bar = (kind: ChartBar['kind'], value: number, y: number): ChartBar => {
      const width = widthOf(value);
      return {
        kind,
        y,
        width,
        fill: fills[kind],
        text: `${value} ${kind === 'overdue' ? 'overdue' : 'at risk'}`,
        labelX: BAR_X + width + LABEL_GAP,
        labelY: y + BAR_HEIGHT - 4,
      };
    };
    return {
      name: shortened(group.label),
      title: group.label,
      nameY: top + BAR_HEIGHT + BAR_GAP / 2 + 5,
      bars: [bar('overdue', group.overdue, top), bar('atRisk', group.atRisk, top + BAR_HEIGHT + BAR_GAP)],
    };
  });
  return {
    width: CHART_WIDTH,
    barX: BAR_X,
    barHeight: BAR_HEIGHT,
    height: Math.max(0, groups.length * (rowHeight + ROW_GAP) - ROW_GAP),
    fontSize: FONT_SIZE,
    rows,
  };
}
