import { dataSourceDatabase } from '../../api/papers/asAt';
import { dayMonthYear, shortMonthYear } from '../../api/papers/dates';
import type { OverviewPaper } from '../../api/papers/overview';
import type { QuarterlyPaper } from '../../api/papers/quarterly';
import type { TrackerPaper } from '../../api/papers/tracker';
import { SEED_002_AS_AT, seed002Reports } from '../fixtures/papers/seed002';
import { SEED_003_AS_AT, seed003Reports } from '../fixtures/papers/seed003';
import { trackerSeedRows } from '../fixtures/papers/trackerSeed';
import { buildPaper } from '../../api/papers/service';
import type { Role } from '../../domain/vocabulary';
import { tokenFor } from '../support/apiClient';
import { expectIntervalsToMatchTrail } from '../support/stateIntervals';
import { startTestProduct, type TestProduct } from '../support/testProduct';
import { htmlText, xlsxText } from '../fixtures/papers/extractText';
import { quarterlySummaryAgainstSeed, trackerItemsAgainstSeed } from '../fixtures/papers/paperAgainstSeed';
import { SEED_001_AS_AT, SEED_001_PREVIOUS, seed001Reports, seed001Roles, seed001Tracker } from '../fixtures/papers/seed001';
import {
  SEED_004_AS_AT,
  SEED_004_PREVIOUS_QUARTER,
  seed004Roles,
  seed004Rows,
  seed004Summary,
  seed004Tracker,
  titleOf,
} from '../fixtures/papers/seed004';
import { addTrackerPeople, importTrackerFile, trackerCsv, trackerWorkbook, XLSX, type TrackerRow } from '../fixtures/papers/trackerFile';

/**
 * The seed papers reproduced: seeds 001 (committee overview), 002 and 003 (per-report trackers) and 004 (quarterly
 * action update) typed as the trackers a force would import (tests/fixtures/papers/seed00N.ts, which say how each
 * gap in the seed was filled), imported through the product's importer over the API (a dry run, then the import),
 * and the papers computed from the audit trail the importer wrote, as at the seeds' dates. Each seed has a database
 * of its own, as each is a different force.
 */

/** A product with the tracker's people, and the tracker imported into it. */
async function importedSeed(
  roles: Record<string, Role[]>,
  rows: (emails: Record<string, string>) => TrackerRow[],
  format: 'csv' | 'xlsx' = 'csv',
) {
  const product = await startTestProduct();
  const people = await addTrackerPeople(product, { ...roles, 'Committee Member': ['viewer'], 'Import Administrator': ['administrator'] });
  const emails = Object.fromEntries(Object.entries(people).map(([name, person]) => [name, person.email]));
  const tracker = rows(emails);
  const file = format === 'csv' ? trackerCsv(tracker) : await trackerWorkbook(tracker);
  const imported = await importTrackerFile(product, people['Import Administrator']!.id, file, format === 'csv' ? 'text/csv' : XLSX);
  expect(imported.counts).toEqual({ create: tracker.length, update: 0, unchanged: 0 });
  return { product, viewer: people['Committee Member']!.id, people };
}

async function download(product: TestProduct, personId: string, path: string): Promise<Buffer> {
  const response = await fetch(`${product.baseUrl}${path}`, { headers: { authorization: `Bearer ${await tokenFor(product, personId)}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** "Sept 2019", "17 Sep 2021" and "July 2022" as the product prints them: "Sep 2019", "Sep 2021", "Jul 2022". */
const normalisedDate = (printed: string) => {
  const [month, year] = printed.split(' ').slice(-2) as [string, string];
  return `${month.slice(0, 3)} ${year}`;
};

describe('seed 001: the committee overview', () => {
  let product: TestProduct;
  let viewer: string;
  let paper: OverviewPaper;

  beforeAll(async () => {
    ({ product, viewer } = await importedSeed(seed001Roles, seed001Tracker));
    paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
      kind: 'overview',
      asAt: SEED_001_AS_AT,
      scheme: 'B',
      previousCommittee: SEED_001_PREVIOUS,
    })) as OverviewPaper;
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  it('prints every report of the seed, in its order, with its date', () => {
    expect(paper.main.reports.map((report) => report.title)).toEqual(seed001Reports.map((report) => report.title));
    expect(paper.main.reports.map((report) => report.date)).toEqual(seed001Reports.map((report) => normalisedDate(report.printedDate)));
    expect(paper.appendix.reports).toEqual([]);
  });

  it('reproduces each report’s "Total number outstanding" and "Total number closed"', () => {
    const counts = paper.main.reports.map((report) => [report.title, report.outstanding, report.closed]);
    // The three reports that print no numbers had everything signed off since the previous committee.
    const expected = seed001Reports.map((report) => [
      report.title,
      report.printed?.outstanding ?? 0,
      report.printed?.closed ?? report.closedSincePrevious,
    ]);
    expect(counts).toEqual(expected);
  });

  it('lists the recommendations the seed prints under each report, and no closed ones reported before', () => {
    paper.main.reports.forEach((report, index) => {
      const seed = seed001Reports[index]!;
      const listed = report.groups.flatMap((group) => group.items);
      if (seed.printed) {
        expect(listed.map((item) => item.text)).toEqual(seed.listed);
        expect(listed.every((item) => !item.closed)).toBe(true);
      } else {
        // Seed 001 prints only the STATUS line here; the product lists, once, the items closed since last time.
        expect(listed).toHaveLength(seed.closedSincePrevious!);
        expect(listed.every((item) => item.newlyClosed && item.state === 'Closed (signed off by HMICFRS)')).toBe(true);
      }
    });
  });

  it('has the category table whose totals are the seed’s columns', () => {
    const printedOutstanding = seed001Reports.reduce((sum, report) => sum + (report.printed?.outstanding ?? 0), 0);
    const printedClosed = seed001Reports.reduce((sum, report) => sum + (report.printed?.closed ?? report.closedSincePrevious ?? 0), 0);
    expect(printedOutstanding).toBe(93);
    expect(printedClosed).toBe(9);
    const { totals } = paper.main;
    expect(totals.outstanding + totals.awaitingSignOff).toBe(printedOutstanding);
    expect(totals.closed).toBe(printedClosed);
    expect(
      paper.main.categoryTable.map((row) => [
        row.category,
        row.outstanding,
        row.awaitingSignOff,
        row.closedSelfCertified,
        row.closedSignedOff,
        row.closedOtherwise,
        row.total,
      ]),
    ).toEqual([
      [1, 0, 0, 0, 0, 0, 0],
      [2, 0, 0, 0, 0, 0, 0],
      // In progress: The Hard Yards (1) and Digital Forensics (3, awaiting the ACC's sign-off); the rest are with HMICFRS.
      [3, 4, 89, 0, 9, 0, 102],
      [4, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('serves the same numbers over the API, in every format', async () => {
    const html = htmlText(
      (await download(product, viewer, `/api/papers/overview?asAt=${SEED_001_AS_AT}&previousCommittee=${SEED_001_PREVIOUS}`)).toString(
        'utf8',
      ),
    );
    expect(html).toContain('Total\t4\t89\t0\t9\t0\t102');
    expect(html).toContain('Total number outstanding: 29. Total number closed: 0.');
    const pdf = await download(
      product,
      viewer,
      `/api/papers/overview?asAt=${SEED_001_AS_AT}&previousCommittee=${SEED_001_PREVIOUS}&format=pdf`,
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('reads the imported history from the state intervals as folding the trail afresh does, at every date', async () => {
    expect(await expectIntervalsToMatchTrail(product.app.dataSource, [SEED_001_PREVIOUS, SEED_001_AS_AT])).toBeGreaterThan(10);
  });
});

describe.each([
  { seed: '002', reports: seed002Reports, asAt: SEED_002_AS_AT },
  { seed: '003', reports: seed003Reports, asAt: SEED_003_AS_AT },
])('seed $seed: the per-report tracker', ({ reports, asAt }) => {
  let product: TestProduct;
  let viewer: string;
  let paper: TrackerPaper;
  const roles: Record<string, Role[]> = { 'Action Owner': ['action_owner'], 'Strategic Development Lead': ['lead'] };

  beforeAll(async () => {
    ({ product, viewer } = await importedSeed(roles, (emails) =>
      trackerSeedRows(reports, emails['Action Owner']!, emails['Strategic Development Lead']!),
    ));
    paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), { kind: 'tracker', asAt, scheme: 'A' })) as TrackerPaper;
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  it('prints every report, newest first', () => {
    const newestFirst = [...reports].sort((a, b) => b.publishedOn.localeCompare(a.publishedOn));
    expect(paper.reports.map((report) => report.title)).toEqual(newestFirst.map((report) => report.title));
  });

  it('prints each item as the seed does: reference, kind, text, colour, the whole due-date history and the latest comment', () => {
    for (const { ours, seed } of trackerItemsAgainstSeed(paper, reports)) expect(ours).toEqual(seed);
  });

  it('gives the reports typed in full the numbers of their printed summary line', () => {
    const full = reports.filter((report) => report.summary);
    expect(full.length).toBeGreaterThan(0);
    for (const report of full) expect(paper.reports.find((r) => r.title === report.title)!.summary).toBe(report.summary!.product);
  });

  it('serves the same due-date histories in the CSV', async () => {
    const csv = (await download(product, viewer, `/api/papers/tracker?asAt=${asAt}&scheme=A&format=csv`)).toString('utf8');
    const dated = reports.flatMap((report) => report.items).filter((i) => i.dueDates.length > 0);
    expect(dated.length).toBeGreaterThan(0);
    for (const item of dated) expect(csv).toContain(item.dueDateWords);
  });
});

describe('seed 004: the quarterly action update', () => {
  let product: TestProduct;
  let viewer: string;
  let paper: QuarterlyPaper;

  beforeAll(async () => {
    // As an Excel workbook, the form quarterly updates are kept in.
    ({ product, viewer } = await importedSeed(seed004Roles, seed004Tracker, 'xlsx'));
    paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
      kind: 'quarterly',
      asAt: SEED_004_AS_AT,
      scheme: 'B',
      previousCommittee: SEED_004_PREVIOUS_QUARTER,
    })) as QuarterlyPaper;
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  it('reproduces the summary table, this quarter and last', () => {
    const summary = quarterlySummaryAgainstSeed(paper, seed004Summary);
    expect(summary.ours).toEqual(summary.seed);
    // The seed prints ↑ for 0 against 0; the product prints ↔ for no change. Every other arrow is the seed's.
    expect(paper.summary.map((row) => row.trend)).toEqual(['↔', ...seed004Summary.trend.slice(1)]);
  });

  it('lists each group’s actions as the seed prints them', () => {
    const ours = (group: string) =>
      paper.groups
        .find((g) => g.group === group)!
        .actions.map((action) => ({
          target: action.targetDate,
          manager: action.managerResponsible,
          originator: action.sourceOriginator,
          title: action.sourceTitle,
          action: action.action.replace(/^Action \d+: /, ''),
          status: action.status.label.toLowerCase(),
          update: action.latestUpdate.replace(/^Update \d\d\/\d\d\/\d{4}: /, ''),
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const seeds = (group: string, status: string) =>
      seed004Rows
        .filter((row) => row.group === group)
        .map((row) => ({
          target: dayMonthYear(row.target),
          manager: row.manager,
          originator: row.originator,
          title: titleOf(row),
          action: row.action,
          status,
          update: row.update,
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(ours('off_target')).toEqual([]);
    expect(ours('at_risk')).toEqual(seeds('at_risk', 'at risk'));
    expect(ours('proposed_for_closure')).toEqual(seeds('proposed_for_closure', 'proposed for closure'));
    expect(ours('new')).toEqual(seeds('new', 'at risk'));
    expect(ours('closed')).toEqual(seeds('closed', 'closed'));
    expect(ours('on_target')).toEqual([]);
    // What the seed prints in its status column, where it prints one, is what the product prints.
    for (const row of seed004Rows.filter((r) => r.status))
      expect(['at risk', 'closed']).toContain(row.status.toLowerCase().replace(/\.$/, ''));
  });

  it('serves the same summary in the workbook', async () => {
    const sheets = await xlsxText(
      await download(
        product,
        viewer,
        `/api/papers/quarterly?asAt=${SEED_004_AS_AT}&previousCommittee=${SEED_004_PREVIOUS_QUARTER}&format=xlsx`,
      ),
    );
    expect(sheets.slice(0, 8)).toEqual([
      '# Summary',
      `Summary\tCurrent (to ${SEED_004_AS_AT})\tPrevious (to ${SEED_004_PREVIOUS_QUARTER})\tTrend`,
      'Action(s) off target\t0\t0\t↔',
      'Action(s) at risk of being off target\t9\t1\t↑',
      'Action(s) proposed for closure\t1\t0\t↑',
      'New action(s)\t6\t17\t↓',
      'Total closed action(s)\t35\t13\t↑',
      'Total actions\t51\t31\t↑',
    ]);
    expect(shortMonthYear(SEED_004_AS_AT)).toBe('May 2016');
  });

  it('reads the imported history from the state intervals as folding the trail afresh does, at every date', async () => {
    expect(await expectIntervalsToMatchTrail(product.app.dataSource, [SEED_004_PREVIOUS_QUARTER, SEED_004_AS_AT])).toBeGreaterThan(10);
  });
});
