import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { calendarDateInLondon } from '../domain/calendar';
import { isIsoDate } from '../domain/vocabulary';
import { dataSourceDatabase } from '../api/papers/asAt';
import type { PaperFormat, PaperKind } from '../api/papers/model';
import { paperFormats, paperKinds } from '../api/papers/model';
import type { Scheme } from '../api/papers/rag';
import { schemes } from '../api/papers/rag';
import { producePaper, paperRequestProblem } from '../api/papers/service';
import { configureOrExit } from './configure';
import { withDatabase } from './database';

/**
 * Writes a committee paper as at a date, computed from the audit trail:
 *
 *   npm run paper -- overview --as-at 2023-10-01 --format docx
 *   npm run paper -- quarterly --as-at 2016-03-31 --format xlsx --previous-committee 2015-12-31
 *   npm run paper -- tracker --as-at 2021-01-31 --format pdf --scheme A --out tracker.pdf
 *
 * It reads DATABASE_URL, or the embedded PostgreSQL of `npm start` (while the product runs, or started here for
 * the moment it takes when it does not). The file goes to the current folder unless --out names one ("-": stdout).
 */

interface Arguments {
  kind: PaperKind;
  asAt: string;
  format: PaperFormat;
  scheme: Scheme;
  previousCommittee: string | null;
  reportId: string | null;
  out: string | null;
}

const usageText = `usage: npm run paper -- <${paperKinds.join('|')}> [options]
  --as-at YYYY-MM-DD               the paper as at the end of this day (default: today)
  --format ${paperFormats.join('|')}  default html; xlsx and csv for quarterly and tracker only
  --scheme A|B                     the force's colour scheme (default B)
  --previous-committee YYYY-MM-DD  overview: items reported complete then drop out; quarterly: end of last quarter
                                   (default three months earlier); tracker: closed since then shows as new
  --report <id>                    tracker: one report only
  --out <file>                     where to write (default: a file named after the paper; "-" for stdout)`;

function fail(problem: string): never {
  process.stderr.write(`${problem}\n${usageText}\n`);
  process.exit(2);
}

export function parseArguments(argv: string[], today: string): Arguments {
  const [kind, ...rest] = argv;
  if (!kind || !(paperKinds as readonly string[]).includes(kind)) fail(kind ? `unknown paper "${kind}"` : 'name the paper');
  const flags: Record<string, string> = {};
  for (let index = 0; index < rest.length; index++) {
    const match = /^--(as-at|format|scheme|previous-committee|report|out)(?:=(.*))?$/.exec(rest[index]!);
    if (!match) fail(`unknown argument "${rest[index]}"`);
    const value = match[2] ?? rest[++index];
    if (value === undefined) fail(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  const asAt = flags['as-at'] ?? today;
  if (!isIsoDate(asAt)) fail(`--as-at must be a real date written YYYY-MM-DD, not "${asAt}"`);
  if (asAt > today) fail(`--as-at must not be after today (${today}): a paper reports what has happened`);
  const previous = flags['previous-committee'] ?? null;
  if (previous !== null && !isIsoDate(previous)) fail(`--previous-committee must be a real date written YYYY-MM-DD, not "${previous}"`);
  const format = flags.format ?? 'html';
  if (!(paperFormats as readonly string[]).includes(format)) fail(`--format must be one of ${paperFormats.join(', ')}, not "${format}"`);
  const scheme = (flags.scheme ?? 'B').toUpperCase();
  if (!(schemes as readonly string[]).includes(scheme)) fail(`--scheme must be A or B, not "${flags.scheme}"`);
  const reportId = flags.report ?? null;
  if (reportId !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(reportId))
    fail(`--report must be a report id (a UUID), not "${reportId}"`);
  return {
    kind: kind as PaperKind,
    asAt,
    format: format as PaperFormat,
    scheme: scheme as Scheme,
    previousCommittee: previous,
    reportId,
    out: flags.out ?? null,
  };
}

async function main(): Promise<void> {
  const { config } = configureOrExit('paper');
  // Logs go to stderr, so `--out -` leaves stdout to the paper alone.
  const logger = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, name: 'paper' }, pino.destination(2));
  const args = parseArguments(process.argv.slice(2), calendarDateInLondon(Date.now()));
  const request = {
    kind: args.kind,
    asAt: args.asAt,
    format: args.format,
    scheme: args.scheme,
    previousCommittee: args.previousCommittee,
    reportId: args.reportId,
  };
  const problem = paperRequestProblem(request);
  if (problem)
    fail(`--${problem.field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace('report-id', 'report')}: ${problem.message}`);

  await withDatabase(config, logger, { poolSize: 1 }, async (dataSource) => {
    const paper = await producePaper(dataSourceDatabase(dataSource), request, config.FORCE_NAME);
    if (args.out === '-') {
      // A reader that stops early (`| head`) is not an error.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
      });
      process.stdout.write(paper.body);
    } else {
      const file = path.resolve(args.out ?? paper.filename);
      fs.writeFileSync(file, paper.body);
      process.stderr.write(`Wrote ${file} (${(paper.body.length / 1024).toFixed(1)} KB)\n`);
    }
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`The paper was not written: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
