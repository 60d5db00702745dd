import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { selfCertifiedStatuses } from '../domain/lifecycle/states';
import { createDataSource, runMigrations } from '../entities/dataSource';
import { dataSourceDatabase, intervalAt, SNAPSHOT_SETTINGS } from '../api/papers/asAt';
import { endOfAsAtDay } from '../api/papers/dates';
import type { CategoryRow, OverviewPaper } from '../api/papers/overview';
import { buildPaper, renderPaper } from '../api/papers/service';
import { startEmbeddedPostgres, type RunningPostgres } from '../dev/embeddedPostgres';
import { freePort } from '../dev/ports';
import { generateTrail } from './papersData';

/**
 * The committee overview as at past dates, from 100,000 items with 1,000,000 audit events, against two
 * hand-written SQL queries computing the same category table, on the same database in the same run: one over the
 * raw audit trail (the target's reference), one over the items' state intervals the paper itself reads.
 * Target: the paper takes no longer than 1.5 × the query over the trail, and under 1 second.
 *
 *   node .bench-build/bench/papers.js [--items N] [--events M] [--as-at YYYY-MM-DD[,YYYY-MM-DD…]] [--previous-committee YYYY-MM-DD] [--runs R]
 *   (or PAPERS_BENCH_ITEMS, PAPERS_BENCH_EVENTS, PAPERS_BENCH_AS_AT, PAPERS_BENCH_PREVIOUS_COMMITTEE, PAPERS_BENCH_RUNS)
 *
 * PostgreSQL: an embedded one in a temporary folder, unless DATABASE_URL names a server (a database is created on
 * it and dropped afterwards). PAPERS_BENCH_DATA_DIR keeps the embedded PostgreSQL and its generated data in that
 * folder, so a second run skips generating. Prints only; writes nothing into the repository.
 */

export interface PapersBenchOptions {
  items: number;
  events: number;
  /** Each date is timed in turn (default: mid-history and the end of history). */
  asAt: string[];
  /** The previous committee: items reported complete then are counted but not listed (default: none, so all are). */
  previousCommittee: string | null;
  runs: number;
  say: (line: string) => void;
}

export interface PapersBenchTiming {
  asAt: string;
  paperMs: number;
  /** The same paper with the items folded from the trail afresh, as papers were read before the state intervals. */
  paperFromTrailMs: number;
  /** The hand-written query over the raw audit trail. */
  trailQueryMs: number;
  /** The hand-written query over the state intervals. */
  intervalsQueryMs: number;
  /** The paper's category table equals both queries'. */
  same: boolean;
  met: boolean;
}

export interface PapersBenchResult {
  items: number;
  events: number;
  timings: PapersBenchTiming[];
  met: boolean;
}

const TARGET_RATIO = 1.5;
const TARGET_MS = 1000;

/** The category table's counts, over rows of `source` with a status and how an item closed ($2: the statuses awaiting sign-off). */
const categoryCounts = (source: string) => `
  count(*) FILTER (WHERE ${source}.status <> 'closed' AND ${source}.status <> ALL ($2::text[])) AS outstanding,
  count(*) FILTER (WHERE ${source}.status = ANY ($2::text[])) AS awaiting_sign_off,
  count(*) FILTER (WHERE ${source}.status = 'closed' AND ${source}.how = 'self_certified') AS closed_self_certified,
  count(*) FILTER (WHERE ${source}.status = 'closed' AND ${source}.how = 'signed_off_by_hmicfrs') AS closed_signed_off,
  count(*) FILTER (WHERE ${source}.status = 'closed' AND ${source}.how IS DISTINCT FROM 'self_certified' AND ${source}.how IS DISTINCT FROM 'signed_off_by_hmicfrs') AS closed_otherwise,
  count(*) AS total`;

/** The inspection and joint inspection reports logged before $1, as a CTE. */
const INSPECTION_REPORTS = `inspections AS (
  SELECT e.entity_id AS report_id
  FROM audit_events e
  WHERE e.entity_type = 'source_report' AND e.type = 'report_logged' AND e.occurred_at < $1 AND e.after->>'kind' IN ('inspection', 'joint_inspection'))`;

/**
 * The reference over the raw trail: one hand-written query for the overview's category table (inspections and joint
 * inspections).
 */
export const REFERENCE_CATEGORY_TABLE_SQL = `
WITH status AS (
  SELECT DISTINCT ON (e.recommendation_id) e.recommendation_id, e.after->>'status' AS status, e.after->'closure'->>'how' AS how
  FROM audit_events e
  WHERE e.entity_type = 'recommendation' AND e.occurred_at < $1 AND e.after ? 'status'
  ORDER BY e.recommendation_id, e.occurred_at DESC, e.id DESC),
category AS (
  SELECT DISTINCT ON (e.recommendation_id) e.recommendation_id, (e.after->>'category')::int AS category
  FROM audit_events e
  WHERE e.entity_type = 'recommendation' AND e.occurred_at < $1 AND e.after ? 'category'
  ORDER BY e.recommendation_id, e.occurred_at DESC, e.id DESC),
logged AS (
  SELECT e.recommendation_id, e.after->>'reportId' AS report_id, COALESCE((e.after->>'forTheForce')::boolean, true) AS for_the_force
  FROM audit_events e
  WHERE e.entity_type = 'recommendation' AND e.type = 'recommendation_logged' AND e.occurred_at < $1),
${INSPECTION_REPORTS}
SELECT category.category,${categoryCounts('status')}
FROM logged
JOIN inspections USING (report_id)
JOIN status USING (recommendation_id)
LEFT JOIN category USING (recommendation_id)
WHERE logged.for_the_force AND status.status <> 'not_for_the_force'
GROUP BY category.category
ORDER BY category.category NULLS LAST`;

/** The same table from the items' state intervals (the interval containing $1), as the paper now reads them. */
export const REFERENCE_CATEGORY_TABLE_FROM_INTERVALS_SQL = `
WITH items AS (
  SELECT i.report_id, i.status, i.closure_how AS how, i.category
  FROM recommendation_state_intervals i
  WHERE ${intervalAt('i')} AND i.logged_at IS NOT NULL AND i.for_the_force IS NOT FALSE AND i.status <> 'not_for_the_force'),
${INSPECTION_REPORTS}
SELECT items.category,${categoryCounts('items')}
FROM items
JOIN inspections USING (report_id)
GROUP BY items.category
ORDER BY items.category NULLS LAST`;

interface ReferenceRow {
  category: number | null;
  outstanding: number;
  awaitingSignOff: number;
  closedSelfCertified: number;
  closedSignedOff: number;
  closedOtherwise: number;
  total: number;
}

async function referenceQuery(dataSource: DataSource, asAt: string, query: string): Promise<ReferenceRow[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    for (const setting of SNAPSHOT_SETTINGS) await runner.query(setting);
    const rows = (await runner.query(query, [endOfAsAtDay(asAt), selfCertifiedStatuses])) as Record<string, string | number | null>[];
    await runner.commitTransaction();
    return rows.map((row) => ({
      category: row.category === null ? null : Number(row.category),
      outstanding: Number(row.outstanding),
      awaitingSignOff: Number(row.awaiting_sign_off),
      closedSelfCertified: Number(row.closed_self_certified),
      closedSignedOff: Number(row.closed_signed_off),
      closedOtherwise: Number(row.closed_otherwise),
      total: Number(row.total),
    }));
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}

function sameTable(paperRows: CategoryRow[], reference: ReferenceRow[]): boolean {
  const fields = ['outstanding', 'awaitingSignOff', 'closedSelfCertified', 'closedSignedOff', 'closedOtherwise', 'total'] as const;
  const byCategory = new Map(reference.map((row) => [row.category, row]));
  const shown = paperRows.filter((row) => row.total > 0);
  if (shown.length !== reference.length) return false;
  return shown.every((row) => {
    const other = byCategory.get(row.category);
    return other !== undefined && fields.every((field) => row[field] === other[field]);
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ms = (value: number) => `${value.toFixed(0)} ms`;
const count = (value: number) => value.toLocaleString('en-GB');

/** Times the paper and the two queries in turn on one database; the database must hold the generated trail. */
export async function timeOverview(
  dataSource: DataSource,
  asAt: string,
  runs: number,
  previousCommittee: string | null = null,
): Promise<{
  paperMs: number;
  paperFromTrailMs: number;
  trailQueryMs: number;
  intervalsQueryMs: number;
  same: boolean;
  paper: OverviewPaper;
}> {
  const database = dataSourceDatabase(dataSource);
  const request = { kind: 'overview' as const, asAt, scheme: 'B' as const, previousCommittee };
  const contenders = {
    paper: async () => {
      paper = (await buildPaper(database, request)) as OverviewPaper;
    },
    paperFromTrail: async () => {
      paperFromTrail = (await buildPaper(database, request, 'trail')) as OverviewPaper;
    },
    trail: async () => {
      fromTrail = await referenceQuery(dataSource, asAt, REFERENCE_CATEGORY_TABLE_SQL);
    },
    intervals: async () => {
      fromIntervals = await referenceQuery(dataSource, asAt, REFERENCE_CATEGORY_TABLE_FROM_INTERVALS_SQL);
    },
  };
  // Warm all four (plans, caches), then rotate the order so none gains from another's leftovers.
  let paper = (await buildPaper(database, request)) as OverviewPaper;
  let paperFromTrail = (await buildPaper(database, request, 'trail')) as OverviewPaper;
  let fromTrail = await referenceQuery(dataSource, asAt, REFERENCE_CATEGORY_TABLE_SQL);
  let fromIntervals = await referenceQuery(dataSource, asAt, REFERENCE_CATEGORY_TABLE_FROM_INTERVALS_SQL);
  const names = ['paper', 'paperFromTrail', 'trail', 'intervals'] as const;
  const times: Record<(typeof names)[number], number[]> = { paper: [], paperFromTrail: [], trail: [], intervals: [] };
  for (let run = 0; run < runs; run++) {
    for (let turn = 0; turn < names.length; turn++) {
      const which = names[(run + turn) % names.length]!;
      const started = performance.now();
      await contenders[which]();
      times[which].push(performance.now() - started);
    }
  }
  const same =
    sameTable(paper.main.categoryTable, fromTrail) &&
    sameTable(paper.main.categoryTable, fromIntervals) &&
    isDeepStrictEqual(paper, paperFromTrail);
  return {
    paperMs: median(times.paper),
    paperFromTrailMs: median(times.paperFromTrail),
    trailQueryMs: median(times.trail),
    intervalsQueryMs: median(times.intervals),
    same,
    paper,
  };
}

async function openServer(say: (line: string) => void): Promise<{ adminUrl: string; keep: boolean; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, keep: false, stop: async () => undefined };
  const kept = process.env.PAPERS_BENCH_DATA_DIR;
  const workDir = kept ? path.resolve(kept) : fs.mkdtempSync(path.join(os.tmpdir(), 'rt-papers-bench-'));
  fs.mkdirSync(workDir, { recursive: true });
  fs.chmodSync(workDir, 0o755);
  const logger = pino({ level: 'warn' });
  say(`  embedded PostgreSQL in ${workDir}${kept ? ' (kept)' : ''}`);
  const postgres: RunningPostgres = await startEmbeddedPostgres({
    dataDir: path.join(workDir, 'postgres'),
    port: await freePort(),
    logger,
  });
  return {
    adminUrl: postgres.adminUrl,
    keep: Boolean(kept),
    stop: async () => {
      await postgres.stop();
      if (!kept) fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The whole benchmark: generate (or reuse) the trail, time, compare, print. Returns the figures. */
export async function runPapersBench(partial: Partial<PapersBenchOptions> = {}): Promise<PapersBenchResult> {
  const options: PapersBenchOptions = {
    items: partial.items ?? Number(process.env.PAPERS_BENCH_ITEMS ?? 100_000),
    events: partial.events ?? Number(process.env.PAPERS_BENCH_EVENTS ?? 1_000_000),
    asAt: partial.asAt ?? (process.env.PAPERS_BENCH_AS_AT ?? '2021-06-30,2025-12-31').split(','),
    previousCommittee: partial.previousCommittee ?? process.env.PAPERS_BENCH_PREVIOUS_COMMITTEE ?? null,
    runs: partial.runs ?? Number(process.env.PAPERS_BENCH_RUNS ?? 5),
    say: partial.say ?? ((line) => process.stdout.write(`${line}\n`)),
  };
  const { say } = options;
  say(
    `Papers benchmark: the committee overview as at ${options.asAt.join(' and ')}${options.previousCommittee ? ` (previous committee ${options.previousCommittee})` : ''} from ${count(options.items)} items and ${count(options.events)} audit events`,
  );
  const server = await openServer(say);
  const database = `papers_bench_${options.items}_${options.events}`;
  const admin = new PgClient({ connectionString: server.adminUrl });
  await admin.connect();
  let dataSource: DataSource | null = null;
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
    let ready = false;
    if (exists && server.keep) {
      const probe = new PgClient({ connectionString: databaseUrl(server.adminUrl, database) });
      await probe.connect();
      try {
        const rows = await probe
          .query("SELECT count(*)::int AS n FROM audit_events WHERE entity_type IN ('recommendation', 'source_report')")
          .catch(() => ({ rows: [{ n: -1 }] }));
        ready = rows.rows[0]!.n === options.events;
      } finally {
        await probe.end();
      }
    }
    if (!ready) {
      if (exists) await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
    }
    dataSource = createDataSource(databaseUrl(server.adminUrl, database), { poolSize: 2 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    if (ready) {
      say('  reusing the generated trail');
    } else {
      const started = performance.now();
      const client = new PgClient({ connectionString: databaseUrl(server.adminUrl, database) });
      await client.connect();
      try {
        const made = await generateTrail(client, { items: options.items, events: options.events, progress: (line) => say(line) });
        await client.query('VACUUM ANALYZE audit_events, recommendation_state_intervals');
        const size = await client.query(
          "SELECT pg_size_pretty(pg_total_relation_size('audit_events')) AS trail, pg_size_pretty(pg_total_relation_size('recommendation_state_intervals')) AS intervals, (SELECT count(*) FROM recommendation_state_intervals)::int AS n",
        );
        const sizes = size.rows[0] as { trail: string; intervals: string; n: number };
        say(
          `  generated ${count(made.reports)} reports, ${count(made.items)} items, ${count(made.events)} audit events (${sizes.trail}; ${count(sizes.n)} state intervals, ${sizes.intervals}) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      } finally {
        await client.end();
      }
    }

    const timings: PapersBenchTiming[] = [];
    for (const asAt of options.asAt) {
      const timed = await timeOverview(dataSource, asAt, options.runs, options.previousCommittee);
      const trailRatio = timed.paperMs / timed.trailQueryMs;
      const intervalsRatio = timed.paperMs / timed.intervalsQueryMs;
      const met = timed.same && trailRatio <= TARGET_RATIO && timed.paperMs < TARGET_MS;
      const listed = timed.paper.main.reports.reduce(
        (sum, report) => sum + report.groups.reduce((n, group) => n + group.items.length, 0),
        0,
      );
      const renderStarted = performance.now();
      const html = await renderPaper(timed.paper, 'html', 'Bench Constabulary');
      const renderMs = performance.now() - renderStarted;
      say('');
      say(
        `  as at ${asAt}: ${count(timed.paper.main.totals.total)} inspection items for the force, ${count(timed.paper.main.reports.length)} reports and ${count(listed)} items listed`,
      );
      say(`  | what | median of ${options.runs} | paper ÷ this |`);
      say('  |---|---|---|');
      say(`  | committee overview (state intervals → paper model) | ${ms(timed.paperMs)} | |`);
      say(
        `  | the same paper folding the raw audit trail afresh (as before the intervals) | ${ms(timed.paperFromTrailMs)} | ${(timed.paperMs / timed.paperFromTrailMs).toFixed(2)} × |`,
      );
      say(
        `  | hand-written SQL for the category table alone, over the raw audit trail | ${ms(timed.trailQueryMs)} | ${trailRatio.toFixed(2)} × (target ≤ ${TARGET_RATIO} ×) |`,
      );
      say(
        `  | hand-written SQL for the category table alone, over the state intervals | ${ms(timed.intervalsQueryMs)} | ${intervalsRatio.toFixed(2)} × |`,
      );
      say(
        `  | rendering that paper as HTML (not timed against the queries) | ${ms(renderMs)}, ${(html.length / 1024 / 1024).toFixed(1)} MB | |`,
      );
      say(
        `  category tables (and the papers from intervals and trail) ${timed.same ? 'agree' : 'DIFFER'}: ${timed.paper.main.categoryTable.map((row) => `${row.category ?? '-'}: ${row.outstanding}/${row.awaitingSignOff}/${row.closed}`).join(', ')}`,
      );
      say(
        `  ${met ? 'PASS' : 'MISS'}: ${timed.same ? '' : 'the tables differ; '}paper ${ms(timed.paperMs)} = ${trailRatio.toFixed(2)} × the query over the trail (target ≤ ${TARGET_RATIO} × and under ${TARGET_MS} ms); ${intervalsRatio.toFixed(2)} × the query over the intervals${intervalsRatio <= TARGET_RATIO ? ' (within 1.5 × too)' : ''}`,
      );
      timings.push({
        asAt,
        paperMs: timed.paperMs,
        paperFromTrailMs: timed.paperFromTrailMs,
        trailQueryMs: timed.trailQueryMs,
        intervalsQueryMs: timed.intervalsQueryMs,
        same: timed.same,
        met,
      });
    }
    return { items: options.items, events: options.events, timings, met: timings.every((timing) => timing.met) };
  } finally {
    await dataSource?.destroy().catch(() => undefined);
    if (!server.keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server.stop();
  }
}

function flag(argv: string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const number = (name: string) => (flag(argv, name) === undefined ? undefined : Number(flag(argv, name)));
  runPapersBench({
    items: number('items'),
    events: number('events'),
    asAt: flag(argv, 'as-at')?.split(','),
    previousCommittee: flag(argv, 'previous-committee'),
    runs: number('runs'),
  }).then(
    (result) => {
      process.exitCode = result.met ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`Papers benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
