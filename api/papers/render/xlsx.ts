import ExcelJS from 'exceljs';
import type { PaperSheets } from '../layout';

/**
 * A paper's tables as an Excel workbook: one worksheet per table, a bold frozen header row with filters, wrapped
 * text, and numbers kept as numbers. Text is always written as text (never as a formula), whatever it starts with.
 */
export async function renderXlsx(sheets: PaperSheets, meta: { title: string; forceName: string; asAt: string }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = meta.forceName;
  workbook.title = meta.title;
  workbook.subject = `As at ${meta.asAt}`;
  // The same paper regenerated gives the same workbook: stamp it with the "as at" date, not the clock.
  workbook.created = new Date(`${meta.asAt}T00:00:00Z`);
  workbook.modified = workbook.created;
  for (const sheet of sheets.sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((column) => ({ header: column.title, width: column.width }));
    for (const row of sheet.rows) worksheet.addRow(row);
    worksheet.getRow(1).font = { bold: true };
    worksheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F2F1' } };
    worksheet.eachRow((row) => {
      row.alignment = { vertical: 'top', wrapText: true };
    });
    if (sheet.rows.length > 0)
      worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: sheet.rows.length + 1, column: sheet.columns.length } };
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}
