import { isStatusMeaning, statusMeanings, type StatusMeaning } from '../../domain/importStatusWording';
import { excerpt } from '../../platform/files/excerpt';
import { ApiProblem } from '../../platform/http/problem';
import { defaultImportLimits, ImportLimitError } from './limits';
import { readCsvRows } from './spreadsheet';

/** Its columns: the force's wording, and what it means (one of the meanings, as `statusMeanings` spells them). */
export const mappingFileColumns = ['Status as written', 'Means'] as const;

/** At most this many wordings in one mapping file: far more than a force's tracker uses. */
const MAX_MAPPINGS = 1_000;

/**
 * A status mapping file (CSV): a header row, then one wording and its meaning a row. Every bad row is named, and
 * nothing is saved, when any is bad.
 */
export function readMappingFile(file: Buffer): { wording: string; status: StatusMeaning }[] {
  const rows: string[][] = [];
  try {
    readCsvRows(file.toString('utf8').replace(/^\uFEFF/, ''), { ...defaultImportLimits, maxRows: MAX_MAPPINGS + 1 }, ({ cells }) =>
      rows.push(cells),
    );
  } catch (error) {
    if (error instanceof ImportLimitError)
      throw new ApiProblem(error.status, error.title, error.detail, [
        { field: 'body', message: `${error.where}: ${error.title.toLowerCase()}` },
      ]);
    throw error;
  }
  const [header, ...body] = rows;
  const names = (header ?? []).map((cell) => cell.trim().toLowerCase());
  if (names[0] !== 'status as written' || names[1] !== 'means') {
    throw ApiProblem.invalid([{ field: 'body', message: `the first row must be the header "${mappingFileColumns.join(',')}"` }]);
  }
  const problems: { field: string; message: string }[] = [];
  const mappings = body.flatMap((cells, index) => {
    const wording = (cells[0] ?? '').trim();
    const means = (cells[1] ?? '').trim().toLowerCase();
    if (!wording && !means) return [];
    if (!wording) problems.push({ field: `row ${index + 2}: Status as written`, message: 'must not be empty' });
    if (!isStatusMeaning(means))
      problems.push({
        field: `row ${index + 2}: Means`,
        message: `"${excerpt(means, 60)}" is not one of: ${statusMeanings.map((m) => m.status).join(', ')}`,
      });
    return wording && isStatusMeaning(means) ? [{ wording, status: means }] : [];
  });
  if (!problems.length && !mappings.length) problems.push({ field: 'body', message: 'the file lists no wordings under its header' });
  if (problems.length) throw ApiProblem.invalid(problems);
  return mappings;
}
