import type { Request } from 'express';
import { CheckedFiles } from '../../api/imports/checkedFiles';
import { importFileTypes } from '../../api/imports/pages';
import { ApiProblem } from '../../platform/http/problem';
import { checkedUpload } from '../../platform/web/checkedUpload';
import { readDateInput } from '../../platform/web/dateInput';

describe('a GOV.UK date input read back', () => {
  const read = (day: string, month: string, year: string) =>
    readDateInput({ 'd-day': day, 'd-month': month, 'd-year': year }, 'd', 'The date');

  it('gives the date, or nothing when every box is empty', () => {
    expect(read(' 7 ', '3', '2026')).toMatchObject({ empty: false, date: '2026-03-07' });
    expect(read('', '', '')).toMatchObject({ empty: true });
  });

  it('names what is missing or impossible', () => {
    expect(read('7', '', '2026')).toMatchObject({ error: 'The date must include a month' });
    expect(read('', '', '2026')).toMatchObject({ error: 'The date must include a day and a month' });
    expect(read('31', '2', '2026')).toMatchObject({ error: 'The date must be a real date: 31 2 2026 does not exist' });
    expect(read('1', '13', '2026')).toMatchObject({ error: expect.stringContaining('must be a real date') });
    expect(read('1', 'March', '2026')).toMatchObject({ error: expect.stringContaining('in numbers') });
    expect(read('29', '2', '2028')).toMatchObject({ date: '2028-02-29' });
  });
});

describe('the files the import page has checked', () => {
  const file = (text: string) => ({ name: 'tracker.csv', contentType: 'text/csv', content: Buffer.from(text) });

  it('finds a file by its hash, for the person who checked it only, until it expires', () => {
    let now = 0;
    const files = new CheckedFiles(1_000, 1_000_000, () => now);
    const { hash } = files.keep('alice', file('a,b'));
    expect(files.find('alice', hash)?.content.toString()).toBe('a,b');
    expect(files.find('bob', hash)).toBeNull();
    now = 1_000;
    expect(files.find('alice', hash)).toBeNull();
  });

  it('lets the oldest go past its size, and forgets an imported file', () => {
    const files = new CheckedFiles(60_000, 10);
    const first = files.keep('alice', file('123456'));
    const second = files.keep('alice', file('abcdef'));
    expect(files.find('alice', first.hash)).toBeNull();
    expect(files.find('alice', second.hash)).not.toBeNull();
    files.forget('alice', second.hash);
    expect(files.find('alice', second.hash)).toBeNull();
  });
});

describe('a file sent with an upload form, checked', () => {
  const sent = (file: unknown) => ({ body: { _csrf: 'token', file } }) as unknown as Request;
  const options = { missing: 'Select a tracker file (CSV or Excel)', types: importFileTypes };
  const readText = (file: { content: Buffer }) => Promise.resolve(file.content.toString());

  it('reads a file taken by its name, or by its type when the name says nothing', async () => {
    const csv = await checkedUpload(
      sent({ name: 'Tracker.CSV', type: 'application/vnd.ms-excel', content: Buffer.from('a,b') }),
      options,
      readText,
    );
    expect(csv).toEqual({ ok: true, file: { name: 'Tracker.CSV', contentType: 'text/csv', content: Buffer.from('a,b') }, read: 'a,b' });
    const typed = await checkedUpload(sent({ name: 'export', type: 'text/csv', content: Buffer.from('x') }), options, readText);
    expect(typed).toMatchObject({ ok: true, file: { contentType: 'text/csv' } });
  });

  it('says on the field what is wrong: none chosen, empty, or of another type', async () => {
    expect(await checkedUpload(sent(undefined), options, readText)).toEqual({
      ok: false,
      errors: [{ field: 'file', message: 'Select a tracker file (CSV or Excel)' }],
      status: 400,
    });
    expect(await checkedUpload(sent({ name: 'tracker.csv', type: 'text/csv', content: Buffer.alloc(0) }), options, readText)).toEqual({
      ok: false,
      errors: [{ field: 'file', message: 'The selected file is empty' }],
      status: 400,
    });
    expect(
      await checkedUpload(sent({ name: 'tracker.pdf', type: 'application/pdf', content: Buffer.from('%PDF') }), options, readText),
    ).toEqual({
      ok: false,
      errors: [{ field: 'file', message: 'The selected file must be a CSV file or an Excel workbook (.xlsx)' }],
      status: 415,
    });
  });

  it('gives a refusal of the file by its reader to the field, and lets any other failure through', async () => {
    const file = sent({ name: 'tracker.xlsx', type: '', content: Buffer.from('not a zip') });
    const unreadable = ApiProblem.invalid([{ field: 'body', message: 'the file could not be read as an Excel workbook' }]);
    expect(await checkedUpload(file, options, () => Promise.reject(unreadable))).toEqual({
      ok: false,
      errors: [{ field: 'file', message: 'The selected file could not be read as an Excel workbook' }],
      status: 400,
    });
    const tooMany = new ApiProblem(413, 'The file has too many rows', 'Split it and import each part.');
    expect(await checkedUpload(file, options, () => Promise.reject(tooMany))).toMatchObject({
      errors: [{ field: 'file', message: 'The file has too many rows. Split it and import each part.' }],
      status: 413,
    });
    await expect(checkedUpload(file, options, () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
  });
});
