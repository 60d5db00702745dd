import fs from 'node:fs';
import path from 'node:path';
import { fileCells, seedFileBytes, seedFiles, seedFilesFolder, workbookCells, writeSeedFiles } from '../fixtures/papers/seedFiles';

/**
 * The seed files under tests/fixtures/papers/ (seed002-tracker.csv, seed003-tracker.csv, seed004-actions.xlsx) are
 * what the typed seeds give (tests/fixtures/papers/seedFiles.ts), so a reader can check either against the paper.
 * UPDATE_SEED_FILES=1 writes them again.
 */
describe('the seed files a force would upload', () => {
  beforeAll(async () => {
    if (process.env.UPDATE_SEED_FILES === '1') await writeSeedFiles();
  });

  it.each(seedFiles().map((file) => [file.name, file] as const))('%s is what the typed seed gives', async (name, file) => {
    const committed = fs.readFileSync(path.join(seedFilesFolder, name));
    if (file.contentType === 'text/csv') expect(committed.toString('utf8')).toBe((await seedFileBytes(file)).toString('utf8'));
    else expect(await workbookCells(committed)).toEqual(fileCells(file));
  });

  it('keeps the papers’ own status words', () => {
    const statuses = (name: string) => {
      const file = seedFiles().find((f) => f.name === name)!;
      const column = file.header.findIndex((heading) => heading === 'Status' || heading === 'Action Status');
      const reference = file.header.indexOf('Reference');
      // Item rows: report rows carry the report's summary line (seedFiles.ts, seed00NLines).
      return [...new Set(file.rows.filter((row) => row[reference]).map((row) => row[column]))].sort();
    };
    expect(statuses('seed002-tracker.csv')).toEqual(['AMBER', 'NEW GREEN', 'NEW RED', 'RED', 'WHITE']);
    expect(statuses('seed003-tracker.csv')).toEqual(['AMBER', 'GREEN', 'WHITE']);
    expect(statuses('seed004-actions.xlsx')).toEqual(['At Risk', 'At Risk.', 'Closed', 'Proposed for closure']);
  });
});
