import { looksLikeZip, readZipDirectory, ZipError } from '../../platform/files/zip';

/**
 * What an uploaded file really is, from its bytes, checked against the type it was sent as and the name it was given.
 *
 * A small table of signatures rather than a library: `file-type`, the usual one, is ESM-only since its version 17,
 * which this CommonJS project's tests (ts-jest) cannot load, and its last CommonJS line is no longer maintained. The
 * accepted binary formats have fixed signatures, and telling Word from Excel from PowerPoint needs the ZIP directory
 * read, which file-type only guesses from the first entries. Text formats have no signature: they are accepted as
 * UTF-8 text without NUL bytes, markup or a script's first line.
 */

/** What the bytes show. `accepted` kinds can be evidence; the others are named so a refusal can say what the file is. */
type Kind = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'ole' | 'png' | 'jpeg' | 'text' | 'email' | 'other';

interface Sniffed {
  kind: Kind;
  /** "a Windows program", "a PDF"… */
  label: string;
}

const PE_OFFSET = 0x3c;

const startsWith = (content: Buffer, ...bytes: number[]) => content.length >= bytes.length && bytes.every((b, i) => content[i] === b);
const startsWithText = (content: Buffer, text: string) => content.subarray(0, text.length).toString('latin1') === text;

function isWindowsProgram(content: Buffer): boolean {
  if (!startsWithText(content, 'MZ') || content.length < PE_OFFSET + 4) return false;
  const pe = content.readUInt32LE(PE_OFFSET);
  return pe + 4 <= content.length && content.readUInt32BE(pe) === 0x50450000;
}

/** Binary formats by their first bytes: those accepted, then others people try to upload, so a refusal can name them. */
const signatures: { test: (content: Buffer) => boolean; sniffed: Sniffed }[] = [
  { test: (c) => startsWithText(c, '%PDF-'), sniffed: { kind: 'pdf', label: 'a PDF' } },
  { test: (c) => startsWith(c, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), sniffed: { kind: 'png', label: 'a PNG image' } },
  { test: (c) => startsWith(c, 0xff, 0xd8, 0xff), sniffed: { kind: 'jpeg', label: 'a JPEG image' } },
  // Compound files: Word, Excel and PowerPoint 97-2003, Outlook messages, and password-protected Office files.
  {
    test: (c) => startsWith(c, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1),
    sniffed: { kind: 'ole', label: 'an Office 97-2003 or Outlook file' },
  },
  { test: isWindowsProgram, sniffed: { kind: 'other', label: 'a Windows program' } },
  { test: (c) => startsWith(c, 0x7f, 0x45, 0x4c, 0x46), sniffed: { kind: 'other', label: 'a Linux program' } },
  {
    test: (c) => [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(c.length >= 4 ? c.readUInt32BE(0) : 0),
    sniffed: { kind: 'other', label: 'a macOS program or Java class' },
  },
  { test: (c) => startsWithText(c, 'GIF87a') || startsWithText(c, 'GIF89a'), sniffed: { kind: 'other', label: 'a GIF image' } },
  {
    test: (c) => startsWithText(c, 'RIFF') && c.subarray(8, 12).toString('latin1') === 'WEBP',
    sniffed: { kind: 'other', label: 'a WebP image' },
  },
  { test: (c) => startsWithText(c, 'II*\u0000') || startsWithText(c, 'MM\u0000*'), sniffed: { kind: 'other', label: 'a TIFF image' } },
  { test: (c) => startsWith(c, 0x1f, 0x8b), sniffed: { kind: 'other', label: 'a gzip archive' } },
  { test: (c) => startsWithText(c, 'Rar!\u001a\u0007'), sniffed: { kind: 'other', label: 'a RAR archive' } },
  { test: (c) => startsWith(c, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c), sniffed: { kind: 'other', label: 'a 7-Zip archive' } },
  { test: (c) => startsWith(c, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00), sniffed: { kind: 'other', label: 'an xz archive' } },
  { test: (c) => startsWith(c, 0x00, 0x61, 0x73, 0x6d), sniffed: { kind: 'other', label: 'a WebAssembly program' } },
  { test: (c) => startsWithText(c, '{\\rtf'), sniffed: { kind: 'other', label: 'an RTF document' } },
  { test: (c) => startsWithText(c, '%!PS'), sniffed: { kind: 'other', label: 'a PostScript file' } },
];

/** A ZIP file is a Word, Excel or PowerPoint document by the parts inside it; one with macros is not accepted. */
function sniffZip(content: Buffer): Sniffed {
  let names: Set<string>;
  try {
    names = new Set(readZipDirectory(content).map((e) => e.name));
  } catch (error) {
    if (error instanceof ZipError) return { kind: 'other', label: 'a damaged ZIP file' };
    throw error;
  }
  if ([...names].some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) return { kind: 'other', label: 'an Office document with macros' };
  if (names.has('[Content_Types].xml')) {
    if (names.has('word/document.xml')) return { kind: 'docx', label: 'a Word document' };
    if (names.has('xl/workbook.xml')) return { kind: 'xlsx', label: 'an Excel workbook' };
    if (names.has('ppt/presentation.xml')) return { kind: 'pptx', label: 'a PowerPoint presentation' };
  }
  if (names.has('mimetype') && [...names].some((n) => n === 'content.xml')) return { kind: 'other', label: 'an OpenDocument file' };
  if (names.has('META-INF/MANIFEST.MF')) return { kind: 'other', label: 'a Java archive' };
  return { kind: 'other', label: 'a ZIP archive' };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** How a browser decides a text file is a web page (the WHATWG sniffing patterns), plus XML, which may be SVG with script. */
const markupStart =
  /^(?:\uFEFF)?[\t\n\f\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|\?xml|svg)[\t\n\f\r />]/i;
const markupAnywhere = /<(?:script|html|iframe|svg|object|embed)[\t\n\f\r />]/i;
/** Control characters no text file has (tab, line breaks, form feed and escape are allowed). */
const binaryControl = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f]/;

/** Text with no signature: plain text or CSV must be UTF-8 text and not a web page or script. */
function sniffText(content: Buffer): Sniffed {
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    return content.includes(0)
      ? { kind: 'other', label: 'a binary file' }
      : { kind: 'other', label: 'text that is not UTF-8 (save it as UTF-8: in Excel, as “CSV UTF-8”)' };
  }
  if (binaryControl.test(text)) return { kind: 'other', label: 'a binary file' };
  if (markupStart.test(text) || markupAnywhere.test(text)) return { kind: 'other', label: 'a web page or other markup (HTML, SVG or XML)' };
  if (text.startsWith('#!')) return { kind: 'other', label: 'a script' };
  return { kind: 'text', label: 'text' };
}

/** An email (.eml) starts with its header fields; its body may be in any character set, but has no NUL bytes. */
function isEmail(content: Buffer): boolean {
  const head = content.subarray(0, 4096).toString('latin1');
  return !content.includes(0) && !markupStart.test(head) && /^(?:[!-9;-~]+:[ \t]|From )/.test(head);
}

export function sniff(content: Buffer, declared: string): Sniffed {
  const known = signatures.find((s) => s.test(content));
  if (known) return known.sniffed;
  if (looksLikeZip(content)) return sniffZip(content);
  if (declared === 'message/rfc822' && isEmail(content)) return { kind: 'email', label: 'an email' };
  return sniffText(content);
}

/** The types a force keeps as evidence: documents, spreadsheets, presentations, images, text and email. */
const acceptedTypes: Record<string, { label: string; kinds: Kind[]; extensions: string[] }> = {
  'application/pdf': { label: 'PDF', kinds: ['pdf'], extensions: ['pdf'] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    label: 'Word document',
    kinds: ['docx'],
    extensions: ['docx'],
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { label: 'Excel workbook', kinds: ['xlsx'], extensions: ['xlsx'] },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': {
    label: 'PowerPoint presentation',
    kinds: ['pptx'],
    extensions: ['pptx'],
  },
  'application/msword': { label: 'Word 97-2003 document', kinds: ['ole'], extensions: ['doc'] },
  // Windows sends CSV files as this type when Excel is installed: text named .csv is kept as CSV.
  'application/vnd.ms-excel': { label: 'Excel 97-2003 workbook', kinds: ['ole', 'text'], extensions: ['xls', 'csv'] },
  'image/png': { label: 'PNG image', kinds: ['png'], extensions: ['png'] },
  'image/jpeg': { label: 'JPEG image', kinds: ['jpeg'], extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  'text/plain': { label: 'text file', kinds: ['text'], extensions: ['txt', 'text', 'log', 'md', 'csv'] },
  'text/csv': { label: 'CSV file', kinds: ['text'], extensions: ['csv', 'txt'] },
  'message/rfc822': { label: 'email message', kinds: ['email'], extensions: ['eml'] },
  'application/vnd.ms-outlook': { label: 'Outlook message', kinds: ['ole'], extensions: ['msg'] },
};

/** Accepted evidence types and what each is called. */
export const evidenceContentTypes: Record<string, string> = Object.fromEntries(
  Object.entries(acceptedTypes).map(([type, { label }]) => [type, label]),
);

/** Extensions a name is judged by: the accepted ones, and those of programs, scripts, web pages and archives. */
const knownExtensions = new Set([
  ...Object.values(acceptedTypes).flatMap((a) => a.extensions),
  ...'exe dll com scr msi msp bat cmd ps1 psm1 vbs vbe js jse mjs cjs wsf wsh hta jar class sh bash zsh py pl rb php asp aspx jsp cgi html htm xhtml shtml mht mhtml svg xml xsl lnk url iso img vhd zip rar 7z gz tgz bz2 xz cab docm dotm xlsm xltm xlam pptm potm ppam apk dmg app pkg deb rpm swf cpl reg inf gif bmp webp tif tiff heic odt ods odp rtf ps'.split(
    ' ',
  ),
]);

/** The name's extension when it is one a file type is known by ("invoice.exe" → exe; "Mr. Smith", "v1.2" → none). */
function extensionOf(name: string): string | null {
  const extension = /\.([A-Za-z0-9]{1,5})\s*$/.exec(name)?.[1]?.toLowerCase();
  return extension && knownExtensions.has(extension) ? extension : null;
}

const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

export type FileVerdict = { ok: true; contentType: string } | { ok: false; field: 'body' | 'name'; message: string };

/**
 * Whether a file may be kept as evidence: its bytes must be of its declared type, one of the accepted ones, and none
 * of its names (its own, the title it is given) may end in another type's extension. `contentType` is the type to keep it as (a CSV file sent as
 * application/vnd.ms-excel is kept as text/csv).
 */
export function checkEvidenceFile({
  content,
  declaredType,
  names,
}: {
  content: Buffer;
  declaredType: string;
  names: string[];
}): FileVerdict {
  const rule = acceptedTypes[declaredType];
  if (!rule) return { ok: false, field: 'body', message: `files of type "${declaredType}" are not accepted` };
  const sniffed = sniff(content, declaredType);
  const looksLike = `looks like ${sniffed.label}, not ${withArticle(rule.label)}`;
  if (!rule.kinds.includes(sniffed.kind)) return { ok: false, field: 'body', message: looksLike };
  const extensions = names.map(extensionOf).filter((e): e is string => e !== null);
  const wrong = extensions.find((e) => !rule.extensions.includes(e));
  if (wrong) return { ok: false, field: 'name', message: `is named .${wrong}, which is not ${withArticle(rule.label)}` };
  if (declaredType === 'application/vnd.ms-excel' && sniffed.kind === 'text') {
    return extensions.includes('csv') ? { ok: true, contentType: 'text/csv' } : { ok: false, field: 'body', message: looksLike };
  }
  return { ok: true, contentType: declaredType };
}
