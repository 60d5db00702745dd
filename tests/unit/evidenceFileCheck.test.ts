import { checkEvidenceFile, evidenceContentTypes, sniff } from '../../api/evidence/fileCheck';
import { zipFile } from '../support/zipFile';

const check = (content: Buffer | string, declaredType: string, ...names: string[]) =>
  checkEvidenceFile({ content: Buffer.from(content), declaredType, names: names.length ? names : ['file'] });

describe('what an evidence file really is', () => {
  it('names what the bytes look like, accepted or not', () => {
    const label = (content: Buffer | string, declared = 'application/pdf') => sniff(Buffer.from(content), declared).label;
    expect(label('%PDF-1.4\n')).toBe('a PDF');
    expect(label(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBe('a Linux program');
    expect(label('GIF89a....')).toBe('a GIF image');
    expect(label(zipFile([{ name: 'a.txt', content: 'x' }]))).toBe('a ZIP archive');
    expect(
      label(
        zipFile([
          { name: '[Content_Types].xml', content: '<Types/>' },
          { name: 'ppt/presentation.xml', content: '<p/>' },
        ]),
      ),
    ).toBe('a PowerPoint presentation');
    expect(label(Buffer.from('PK\u0003\u0004 and then nothing'))).toBe('a damaged ZIP file');
    expect(label('  <svg onload="alert(1)"/>')).toBe('a web page or other markup (HTML, SVG or XML)');
    expect(label('<?xml version="1.0"?><x/>')).toBe('a web page or other markup (HTML, SVG or XML)');
    expect(label('a,b\n1,"<script>alert(1)</script>"\n')).toBe('a web page or other markup (HTML, SVG or XML)');
    expect(label('MZ is just text here')).toBe('text');
  });

  it('accepts text that is UTF-8, with its BOM, tabs and line breaks, and an email by its header fields', () => {
    expect(check('\uFEFFname\tteam\r\nZoë\t3\n', 'text/plain', 'team.txt')).toEqual({ ok: true, contentType: 'text/plain' });
    expect(check('Received: from mail.example\r\nFrom: a@b\r\n\r\nbody\r\n', 'message/rfc822', 'note.eml')).toEqual({
      ok: true,
      contentType: 'message/rfc822',
    });
    expect(check('<html>not an email</html>', 'message/rfc822', 'note.eml')).toMatchObject({ ok: false, field: 'body' });
  });

  it('judges a name only by extensions that belong to file types', () => {
    const pdf = '%PDF-1.4\n';
    for (const name of ['Report v1.2', 'Mr. Smith', 'Minutes 12.03.2024', 'Report.PDF', 'report.pdf '])
      expect([name, check(pdf, 'application/pdf', name).ok]).toEqual([name, true]);
    for (const name of ['report.pdf.exe', 'REPORT.HTML', 'macro.docm', 'pic.svg'])
      expect([name, check(pdf, 'application/pdf', name)]).toEqual([name, expect.objectContaining({ ok: false, field: 'name' })]);
    // Every name the file goes by counts: a PDF titled to download as a program is refused.
    expect(check(pdf, 'application/pdf', 'report.pdf', 'report.exe')).toMatchObject({
      ok: false,
      message: 'is named .exe, which is not a PDF',
    });
  });

  it('knows every accepted type, and refuses any other', () => {
    expect(Object.keys(evidenceContentTypes)).toHaveLength(12);
    expect(check('%PDF-1.4', 'application/x-msdownload')).toEqual({
      ok: false,
      field: 'body',
      message: 'files of type "application/x-msdownload" are not accepted',
    });
  });
});
