import ExcelJS from 'exceljs';

/** The rows of an uploaded tracker: a CSV file (RFC 4180: quotes, commas and line breaks in cells) or the first sheet of an Excel workbook. */
export async function readSpreadsheet(file: Buffer, contentType: string): Promise<string[][]> {
  if (contentType === 'text/csv') return parseCsv(file.toString('utf8').replace(/^\uFEFF/, ''));
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) cells.push(cellText(row.getCell(column).value));
    rows.push(cells);
  });
  return rows;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  }
  return String(value);
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The template a force downloads: the columns, and one example row from a real committee paper. */
export function templateCsv(columns: readonly string[]): string {
  const example = [
    'Stalking and harassment: An inspection',
    'HMICFRS',
    'inspection',
    'force',
    '01/04/2019',
    '1',
    'recommendation',
    'Within six months chief constables should ensure that forces record stalking or harassment crimes if appropriate when victims report breaches of orders.',
    'Chief constables',
    'yes',
    '3',
    'Public Protection',
    'tom.ellery@example.police.uk',
    'nadia.haskins@example.police.uk',
    '31/03/2027',
    '30/09/2026',
    'in progress',
    'Audit of breach reports under way',
    '12/04/2019',
    '15/05/2019',
    '',
    '01/10/2026',
  ];
  return writeCsv([columns, example]);
}

/** Rows as CSV (RFC 4180: cells with quotes, commas or line breaks are quoted), the form `parseCsv` reads. */
export function writeCsv(rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
  return rows.map((row) => `${line(row)}\r\n`).join('');
}
