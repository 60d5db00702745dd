import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isCategoryRow, isReportRow } from '../../domain/trackerImport';
import { seed001Reports } from '../fixtures/papers/seed001';
import { SEED_001_FILE, seed001FileRows } from '../fixtures/papers/seed001File';
import { trackerCsv } from '../fixtures/papers/trackerFile';

/** The committed seed 001 tracker file is seed001File.ts written out (`WRITE_FIXTURES=1` writes it again). */
describe('the seed 001 tracker file', () => {
  const file = path.join(__dirname, '..', 'fixtures', 'papers', SEED_001_FILE);

  it('is the typed fixture written out', () => {
    const written = trackerCsv(seed001FileRows());
    if (process.env.WRITE_FIXTURES === '1') writeFileSync(file, written);
    expect(readFileSync(file).toString('utf8')).toBe(written.toString('utf8'));
  });

  it('keeps the paper’s structure: a report row per report with its STATUS line and printed counts, and its printed items under it', () => {
    const rows = seed001FileRows();
    const reportRows = rows.filter(isReportRow);
    expect(reportRows.map((row) => [row['Report title'], row.Status])).toEqual(
      seed001Reports.map((report) => [report.title, report.status]),
    );
    expect(rows.filter(isCategoryRow)).toEqual([]);
    expect(rows.filter((row) => !isReportRow(row)).map((row) => row.Text)).toEqual(seed001Reports.flatMap((report) => report.listed));
    expect(rows.filter((row) => !isReportRow(row)).every((row) => !row.Status)).toBe(true);
  });
});
