import { escapeHtml } from '../../../platform/web/html';
import type { Block, Cell, PaperDocument } from '../layout';

/** A paper as one self-contained web page: no scripts, no external files, and print styles for A4. */

const style = `
  body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; margin: 24px; line-height: 1.35; font-size: 14px; }
  .force { color: #505a5f; font-weight: bold; margin: 0; }
  h1 { font-size: 24px; margin: 4px 0 12px; } h2 { font-size: 19px; margin: 28px 0 8px; } h3 { font-size: 16px; margin: 22px 0 6px; } h4 { font-size: 15px; margin: 18px 0 6px; }
  p { margin: 6px 0; } .italic { font-style: italic; color: #505a5f; }
  table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; table-layout: fixed; }
  caption { text-align: left; font-weight: bold; padding: 4px 0; }
  th, td { border: 1px solid #b1b4b6; padding: 4px 6px; vertical-align: top; text-align: left; overflow-wrap: anywhere; white-space: pre-wrap; }
  th { background: #f3f2f1; } .num { text-align: right; } .strong { font-weight: bold; }
  @media print { body { margin: 0; font-size: 10pt; } tr { break-inside: avoid; } thead { display: table-header-group; } }
  @page { size: A4 landscape; margin: 12mm; }
`;

function cellHtml(tag: 'td' | 'th', cell: Cell, numeric: boolean | undefined): string {
  const classes = [numeric ? 'num' : '', cell.bold ? 'strong' : ''].filter(Boolean).join(' ');
  const colours = cell.fill ? ` style="background:#${cell.fill};color:#${cell.ink ?? '000000'}"` : '';
  return `<${tag}${classes ? ` class="${classes}"` : ''}${colours}>${escapeHtml(cell.text)}</${tag}>`;
}

function blockHtml(block: Block, headingOffset: number): string {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(block.level + headingOffset, 6);
      return `<h${level}>${escapeHtml(block.text)}</h${level}>`;
    }
    case 'paragraph': {
      const text = escapeHtml(block.text);
      const inner = block.bold ? `<strong>${text}</strong>` : text;
      return `<p${block.italic ? ' class="italic"' : ''}>${inner}</p>`;
    }
    case 'table': {
      const total = block.columns.reduce((sum, column) => sum + column.width, 0) || 1;
      const colgroup = block.columns.map((column) => `<col style="width:${((column.width / total) * 100).toFixed(1)}%">`).join('');
      const head = block.columns.map((column) => cellHtml('th', { text: column.title }, column.numeric)).join('');
      const rows = block.rows
        .map((row) => `<tr>${row.map((cell, index) => cellHtml('td', cell, block.columns[index]?.numeric)).join('')}</tr>`)
        .join('\n');
      const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : '';
      return `<table>${caption}<colgroup>${colgroup}</colgroup><thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
    }
  }
}

/**
 * The paper's content without the page around it, for showing inside another page (the committee papers page):
 * `headingOffset` moves its headings down so they sit under that page's own heading. Every text is escaped here.
 */
export function renderHtmlFragment(document: PaperDocument, headingOffset = 0): string {
  const title = Math.min(1 + headingOffset, 6);
  return `<p class="force">${escapeHtml(document.forceName)}</p>
<h${title}>${escapeHtml(document.title)}</h${title}>
${document.blocks.map((block) => blockHtml(block, headingOffset)).join('\n')}`;
}

export function renderHtml(document: PaperDocument): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.title)} – ${escapeHtml(document.forceName)}</title>
<style>${style}</style>
</head>
<body>
${renderHtmlFragment(document)}
</body>
</html>
`;
}
