import type { Request } from 'express';
import { ApiProblem } from '../../platform/http/problem';

/** An Excel workbook's content type. */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** What the import endpoints take as their body. */
export const importContentTypes = ['text/csv', XLSX];

/** The file an import request sends as its body, with its type: a CSV file or an Excel workbook, and not empty. */
export function requestFile(req: Request): { file: Buffer; contentType: string } {
  const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!importContentTypes.includes(contentType))
    throw new ApiProblem(415, 'Send a CSV file or an Excel workbook', `Files of type "${contentType || 'unknown'}" cannot be imported.`, [
      { field: 'header.Content-Type', message: `must be text/csv or ${XLSX}` },
    ]);
  const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (file.length === 0) throw ApiProblem.invalid([{ field: 'body', message: 'the file is empty' }]);
  return { file, contentType };
}
