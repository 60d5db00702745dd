/** Latency figures and the printed table of `npm run bench`. Pure functions: no I/O. */

export interface PhaseResult {
  name: string;
  operations: number;
  wallMs: number;
  /** Latency of each operation in milliseconds, in any order. */
  latenciesMs: number[];
}

export interface PhaseSummary {
  name: string;
  operations: number;
  wallMs: number;
  throughput: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(result: PhaseResult): PhaseSummary {
  const { latenciesMs } = result;
  const sum = latenciesMs.reduce((a, b) => a + b, 0);
  return {
    name: result.name,
    operations: result.operations,
    wallMs: result.wallMs,
    throughput: result.wallMs > 0 ? (result.operations * 1000) / result.wallMs : Number.NaN,
    p50: percentile(latenciesMs, 50),
    p99: percentile(latenciesMs, 99),
    mean: latenciesMs.length ? sum / latenciesMs.length : Number.NaN,
    max: latenciesMs.length ? Math.max(...latenciesMs) : Number.NaN,
  };
}

const ms = (value: number): string => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : Math.round(value)} ms` : '-');

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}

export function phaseTable(summaries: PhaseSummary[]): string {
  return table(
    ['', 'operations', 'wall time', 'throughput', 'p50', 'p99', 'mean', 'max'],
    summaries.map((s) => [
      s.name,
      String(s.operations),
      `${(s.wallMs / 1000).toFixed(2)} s`,
      `${s.throughput.toFixed(1)} ops/s`,
      ms(s.p50),
      ms(s.p99),
      ms(s.mean),
      ms(s.max),
    ]),
  );
}

export const formatMs = ms;
