import ExcelJS from 'exceljs';
import { excerpt } from '../../platform/files/excerpt';
import { defaultImportLimits, ImportLimitError, UnreadableFileError, type ImportLimits, type SheetRow } from '../../api/imports/limits';
import { readRowsInWorker } from '../../api/imports/readInWorker';
import { readTrackerRows } from '../../api/imports/spreadsheet';
import { deflatedRepeat, zipFile, type ZipPart } from '../support/zipFile';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const small: ImportLimits = { maxRows: 3, maxColumns: 4, maxCellChars: 50 };

async function read(file: Buffer | string, type: string, limits: ImportLimits = defaultImportLimits): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  await readTrackerRows(Buffer.from(file), type, limits, (row) => rows.push(row));
  return rows;
}

/** The limit a file passes, as the answer will give it. */
async function passed(
  file: Buffer | string,
  type: string,
  limits: ImportLimits,
): Promise<Pick<ImportLimitError, 'status' | 'title' | 'where' | 'detail'>> {
  const error = await read(file, type, limits).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ImportLimitError)) throw new Error(`expected a limit to be passed, got ${String(error)}`);
  return { status: error.status, title: error.title, where: error.where, detail: error.detail };
}

async function workbook(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Tracker');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A workbook made part by part: its sheet's rows as XML, and its shared strings. */
function handmade(sheetRows: string, sharedStrings: ZipPart | null = null): Buffer {
  return zipFile([
    { name: '[Content_Types].xml', content: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    {
      name: 'xl/workbook.xml',
      content:
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="T" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content:
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      content: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    },
    ...(sharedStrings ? [sharedStrings] : []),
  ]);
}

describe('reading a tracker file', () => {
  it('reads CSV as RFC 4180 says, numbering rows as a spreadsheet shows them and leaving out empty ones', async () => {
    const csv = '\uFEFFTitle,Text\r\n"A, B","says ""yes""\non two lines"\r\n,\r\n\r\nC,\nD';
    expect(await read(csv, 'text/csv')).toEqual([
      { row: 1, cells: ['Title', 'Text'] },
      { row: 2, cells: ['A, B', 'says "yes"\non two lines'] },
      { row: 5, cells: ['C'] },
      { row: 6, cells: ['D'] },
    ]);
  });

  it('reads an Excel workbook as exceljs did: text, rich text, numbers, dates, formulas and booleans', async () => {
    const file = await workbook([
      ['Title', 'Published on', 'Reference', 'Text', 'For the force', 'Category'],
      [
        'Legitimacy 2015',
        new Date('2016-02-01T00:00:00Z'),
        1.5,
        { richText: [{ text: 'Respond ', font: { bold: true } }, { text: 'now' }] },
        true,
        { formula: '1+1', result: 2 },
      ],
      [],
      ['Row four', null, 'x < y & "z"'],
    ]);
    expect(await read(file, XLSX)).toEqual([
      { row: 1, cells: ['Title', 'Published on', 'Reference', 'Text', 'For the force', 'Category'] },
      { row: 2, cells: ['Legitimacy 2015', '2016-02-01', '1.5', 'Respond now', 'true', '2'] },
      { row: 4, cells: ['Row four', '', 'x < y & "z"'] },
    ]);
  });

  it('reads inline strings, and cells without references, from workbooks other programs wrote', async () => {
    const file = handmade(
      '<row r="1"><c t="inlineStr"><is><t>Title</t></is></c><c t="inlineStr"><is><r><t>Te</t></r><r><t>xt</t></r></is></c></row><row><c><v>42</v></c></row>',
    );
    expect(await read(file, XLSX)).toEqual([
      { row: 1, cells: ['Title', 'Text'] },
      { row: 2, cells: ['42'] },
    ]);
  });

  describe.each([
    ['CSV', 'text/csv' as const, async (rows: string[][]) => rows.map((r) => r.join(',')).join('\n')],
    ['Excel', XLSX, async (rows: string[][]) => workbook(rows)],
  ])('%s: the limits, named with where they were passed', (_kind, type, make) => {
    const header = ['Report title', 'Originator', 'Reference', 'Text'];

    it('rows', async () => {
      const rows = [header, ...Array.from({ length: 4 }, (_, i) => ['T', 'HMICFRS', String(i + 1), 'x'])];
      expect(await passed(await make(rows), type, small)).toMatchObject({
        status: 413,
        title: 'The file has too many rows',
        where: 'row 5',
      });
      expect(await read(await make(rows.slice(0, 4)), type, small)).toHaveLength(4);
    });

    it('columns', async () => {
      const problem = await passed(await make([header, ['T', 'HMICFRS', '1', 'x', '', 'extra']]), type, small);
      expect(problem).toMatchObject({ status: 413, title: 'The file has too many columns', where: 'row 2, column F' });
      expect(problem.detail).toContain('at most 4 columns (up to column D)');
      // Empty cells past the last column are no value.
      expect(await read(await make([header, ['T', 'HMICFRS', '1', 'x', '', '']]), type, small)).toHaveLength(2);
    });

    it('cell length, quoting only the beginning', async () => {
      const long = `${'Forces should '.repeat(10)}end`;
      const problem = await passed(await make([header, ['T', 'HMICFRS', '1', long]]), type, small);
      expect(problem).toMatchObject({ status: 422, title: 'A cell is too long', where: 'row 2, column D (“Text”)' });
      expect(problem.detail).toContain(`It begins “${long.slice(0, 80)}…”`);
      expect(problem.detail).not.toContain('end');
    });
  });

  it('stops at a cell too long while it is still arriving, and never holds a 300 MB cell (the 300 KB workbook)', async () => {
    const cell = await deflatedRepeat(
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
      'a',
      200 * 1024 * 1024,
      '</t></si></sst>',
    );
    const file = handmade('<row r="1"><c t="inlineStr"><is><t>Text</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>', {
      name: 'xl/sharedStrings.xml',
      ...cell,
    });
    expect(file.length).toBeLessThan(400 * 1024);
    const before = process.memoryUsage().heapUsed;
    expect(await passed(file, XLSX, defaultImportLimits)).toMatchObject({ status: 422, where: 'row 2, column A (“Text”)' });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);

    const bomb = await deflatedRepeat(
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
      'a',
      300 * 1024 * 1024,
      '</t></si></sst>',
    );
    expect(await passed(handmade('', { name: 'xl/sharedStrings.xml', ...bomb }), XLSX, defaultImportLimits)).toMatchObject({
      status: 413,
      title: 'The workbook is too large once unpacked',
    });
  });

  it('finds a cell too long however its XML is written (character references padded with zeros), inline or shared', async () => {
    const padded = `&#x${'0'.repeat(100)}41;`.repeat(20);
    expect(await read(handmade(`<row r="1"><c t="inlineStr"><is><t>${'&#x41;'.repeat(20)}</t></is></c></row>`), XLSX, small)).toEqual([
      { row: 1, cells: ['A'.repeat(20)] },
    ]);
    expect(
      await passed(
        handmade(
          `<row r="1"><c t="inlineStr"><is><t>Text</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>${padded}</t></is></c></row>`,
        ),
        XLSX,
        small,
      ),
    ).toMatchObject({
      status: 422,
      where: 'row 2, column A (“Text”)',
    });
    const sharedPart = { name: 'xl/sharedStrings.xml', content: `<sst><si><t>Text</t></si><si><t>${padded}</t></si></sst>` };
    expect(
      await passed(
        handmade('<row r="1"><c t="s"><v>0</v></c></row><row r="7"><c r="C7" t="s"><v>1</v></c></row>', sharedPart),
        XLSX,
        small,
      ),
    ).toMatchObject({ status: 422, where: 'row 7, column C' });
  });

  it('refuses what is not a workbook, or not well-formed, as unreadable', async () => {
    for (const file of [
      Buffer.from('name,text\n'),
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      Buffer.from('PK\u0003\u0004 truncated'),
      handmade('<row><c><v>1</row>'),
    ]) {
      await expect(read(file, XLSX)).rejects.toBeInstanceOf(UnreadableFileError);
    }
  });

  it('reads in a worker thread, giving back the rows or the limit passed', async () => {
    expect(await readRowsInWorker(Buffer.from('A,B\n1,2\n'), 'text/csv', small)).toEqual([
      { row: 1, cells: ['A', 'B'] },
      { row: 2, cells: ['1', '2'] },
    ]);
    await expect(readRowsInWorker(Buffer.from('A\n1\n2\n3\n4\n'), 'text/csv', small)).rejects.toMatchObject({
      status: 413,
      where: 'row 5',
    });
    await expect(readRowsInWorker(Buffer.from('not a workbook'), XLSX, small)).rejects.toBeInstanceOf(UnreadableFileError);
  });

  it('cuts excerpts with an ellipsis, never inside a surrogate pair', () => {
    expect(excerpt('short')).toBe('short');
    expect(excerpt('x'.repeat(250))).toBe(`${'x'.repeat(200)}…`);
    expect(excerpt(`${'x'.repeat(199)}👮`)).toBe(`${'x'.repeat(199)}…`);
  });
});
