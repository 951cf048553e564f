/**
 * Every table of the built site as a CSV file beside its page, linked under the table: the rows
 * and columns the page shows (the text a reader sees, visually-hidden helpers excluded), written
 * at build time so the site stays static and script-free.
 *
 * Format, for Spanish spreadsheets: UTF-8 with a byte-order mark (Excel otherwise reads the
 * accents as Latin-1) and `;` between fields (Spanish Excel and LibreOffice take `,` for the
 * decimal comma, so a `,`-separated file splits every price in two). Values are as shown
 * (`34,85 €`, `-81,8 %`), which a Spanish spreadsheet reads as numbers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseHTML } from 'linkedom';
import { HTML_TAG } from './html-tags.ts';

const SEPARATOR = ';';
const BOM = '\uFEFF';

/**
 * A listing title is untrusted text: one starting with `=`, `+`, `@` or a `-` that is not a number
 * would run as a formula in a spreadsheet, so it gets a leading apostrophe (OWASP's advice).
 */
function field(raw: string): string {
  const text = /^[=+@\t\r]|^-(?![\d,.])/.test(raw) ? `'${raw}` : raw;
  return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// The subset of the DOM read here (linkedom's own types are loose).
interface Node {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<Node>;
  classList?: { contains(name: string): boolean };
  tagName?: string;
}

/** A cell's visible text: hidden helpers (a rank for screen readers, "Foto") are not columns' values. */
function visibleText(node: Node): string {
  if (node.nodeType === 3) return node.textContent ?? '';
  if (node.nodeType !== 1) return '';
  if (node.classList?.contains('visually-hidden')) return '';
  let text = '';
  // Elements side by side (flags, badges) read as separate words.
  for (const child of Array.from(node.childNodes)) text += child.nodeType === 1 ? ` ${visibleText(child)} ` : visibleText(child);
  if (node.tagName === 'BR' || node.tagName === 'P' || node.tagName === 'LI') text += ' ';
  return text;
}

export function tableCsv(table: { querySelectorAll(selector: string): ArrayLike<unknown> }): string {
  const lines: string[] = [];
  for (const row of Array.from(table.querySelectorAll('tr')) as Array<{ querySelectorAll(selector: string): ArrayLike<unknown> }>) {
    const cells = (Array.from(row.querySelectorAll('th, td')) as Node[]).map((cell) => visibleText(cell).replace(/\s+/g, ' ').trim());
    if (cells.length > 0) lines.push(cells.map(field).join(SEPARATOR));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** Where each table's markup starts and ends (tables are not nested in these pages). */
function tableSpans(html: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let open = -1;
  for (const tag of html.matchAll(HTML_TAG)) {
    if (tag[2]!.toLowerCase() !== 'table') continue;
    if (tag[1] === '') open = tag.index;
    else if (open >= 0) {
      spans.push([open, tag.index + tag[0].length]);
      open = -1;
    }
  }
  return spans;
}

/**
 * Writes `<page dir>/tabla-<n>.csv` for the n-th table of each page (1-based, in page order) and
 * puts a download link right after the table. Returns how many files it wrote.
 */
export async function writeTableCsvs(pages: readonly string[]): Promise<number> {
  let written = 0;
  for (const page of pages) {
    const html = await readFile(page, 'utf8');
    if (!html.includes('</table>')) continue;
    const directory = dirname(page);
    const prefix = basename(page) === 'index.html' ? '' : `${basename(page, '.html')}-`;
    const csvs: Array<{ path: string; text: string }> = [];
    let final = '';
    let copied = 0;
    for (const [from, to] of tableSpans(html)) {
      const markup = html.slice(from, to);
      // Only the table's own markup is parsed, not the page around it (its charts are most of its bytes).
      const { document } = parseHTML(`<!doctype html><html><body>${markup}</body></html>`);
      const file = `${prefix}tabla-${csvs.length + 1}.csv`;
      csvs.push({ path: join(directory, file), text: tableCsv(document.querySelector('table') as unknown as Parameters<typeof tableCsv>[0]) });
      final += `${html.slice(copied, to)}<p class="table-csv"><a href="./${file}" download>Descargar CSV</a></p>`;
      copied = to;
    }
    final += html.slice(copied);
    for (const csv of csvs) await writeFile(csv.path, csv.text);
    await writeFile(page, final);
    written += csvs.length;
  }
  return written;
}
