import { csvField, csvLine, csvText } from '../../platform/csv';

describe('CSV (RFC 4180)', () => {
  it('quotes a field holding a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "yes"')).toBe('"say ""yes"""');
    expect(csvField('one\ntwo')).toBe('"one\ntwo"');
    expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvField('')).toBe('');
  });

  it('ends every record with CRLF, and adds a byte-order mark when asked', () => {
    expect(csvLine(['a', 'b,c', 3])).toBe('a,"b,c",3\r\n');
    expect(
      csvText([
        ['h1', 'h2'],
        ['x', 'y'],
      ]),
    ).toBe('h1,h2\r\nx,y\r\n');
    expect(csvText([['h']], { byteOrderMark: true })).toBe('\uFEFFh\r\n');
  });

  it('keeps a text that starts like a formula as text, with a leading apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvField(`${start}SUM(A1:A9)`)).toBe(`'${start}SUM(A1:A9)`);
    expect(csvField('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvField('=HYPERLINK("http://x", "y")')).toBe(`"'=HYPERLINK(""http://x"", ""y"")"`);
    expect(csvField('=1+2, then')).toBe(`"'=1+2, then"`);
    expect(csvField('a=b')).toBe('a=b');
  });

  it('writes numbers the product computes as they are', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0)).toBe('0');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField('-3')).toBe("'-3");
  });
});
