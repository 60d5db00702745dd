import { CHART_WIDTH, LABEL_ROOM, dashboardChart } from '../../api/dashboard/chart';

/** The dashboard's chart: a zero is a bar of no width, every label is whole and inside the chart. */
describe('the dashboard chart', () => {
  const chart = dashboardChart([
    { label: 'Supt Nadia Haskins', overdue: 0, atRisk: 2 },
    { label: 'Detective Chief Superintendent Alexandra Montgomery-Smythe', overdue: 3, atRisk: 0 },
    { label: 'No lead', overdue: 1, atRisk: 1 },
  ]);
  const bars = chart.rows.flatMap((row) => row.bars);

  it('draws a zero as a bar of no width, and the largest figure as the longest bar', () => {
    expect(chart.rows[0]!.bars.map((bar) => [bar.kind, bar.width])).toEqual([
      ['overdue', 0],
      ['atRisk', expect.any(Number)],
    ]);
    expect(chart.rows[1]!.bars[1]!.width).toBe(0);
    const longest = Math.max(...bars.map((bar) => bar.width));
    expect(chart.rows[1]!.bars[0]!.width).toBe(longest);
    // In proportion: 2 of 3, 1 of 3.
    expect(chart.rows[0]!.bars[1]!.width).toBe(Math.round((2 / 3) * longest));
    expect(chart.rows[2]!.bars[0]!.width).toBe(Math.round((1 / 3) * longest));
  });

  it('labels each bar in full, inside the chart', () => {
    expect(bars.map((bar) => bar.text)).toEqual(['0 overdue', '2 at risk', '3 overdue', '0 at risk', '1 overdue', '1 at risk']);
    // 14px Arial is under 8.4px a character; the room kept for labels fits "9999 at risk" and more.
    for (const bar of bars) expect(bar.labelX + bar.text.length * 8.4).toBeLessThanOrEqual(CHART_WIDTH);
    expect(12 * 8.4).toBeLessThanOrEqual(LABEL_ROOM);
    const huge = dashboardChart([{ label: 'A', overdue: 9999, atRisk: 9999 }]).rows[0]!.bars;
    for (const bar of huge) expect(bar.labelX + bar.text.length * 8.4).toBeLessThanOrEqual(CHART_WIDTH);
  });

  it('shortens long names with an ellipsis and keeps the whole name as the title', () => {
    expect(chart.rows[1]!.name).toMatch(/…$/);
    expect(chart.rows[1]!.name.length).toBeLessThanOrEqual(26);
    expect(chart.rows[1]!.title).toBe('Detective Chief Superintendent Alexandra Montgomery-Smythe');
    expect(chart.rows[0]!.name).toBe('Supt Nadia Haskins');
  });

  it('draws nothing wide when every figure is zero', () => {
    expect(dashboardChart([{ label: 'A', overdue: 0, atRisk: 0 }]).rows[0]!.bars.map((bar) => bar.width)).toEqual([0, 0]);
    expect(dashboardChart([]).rows).toEqual([]);
  });
});
