import { CheckedFiles } from '../../api/imports/checkedFiles';
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
