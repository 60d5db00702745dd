import { ApiProblem } from '../../platform/http/problem';
import { ImportLimitError, UnreadableFileError, type ImportLimits, type SheetRow } from './limits';
import { readRowsInWorker } from './readInWorker';

/** An uploaded file's rows, read in a worker thread; a limit passed or a file that cannot be read is the answer. */
export async function readUploadedRows(file: Buffer, contentType: string, limits: ImportLimits): Promise<SheetRow[]> {
  try {
    return await readRowsInWorker(file, contentType, limits);
  } catch (error) {
    if (error instanceof ImportLimitError)
      throw new ApiProblem(error.status, error.title, error.detail, [
        { field: 'body', message: `${error.where}: ${error.title.toLowerCase()}` },
      ]);
    if (error instanceof UnreadableFileError) {
      throw ApiProblem.invalid([
        {
          field: 'body',
          message: `the file could not be read as ${contentType === 'text/csv' ? 'CSV' : 'an Excel workbook'}: ${error.message}`,
        },
      ]);
    }
    throw error;
  }
}
