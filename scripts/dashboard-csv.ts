/**
 * Every table of the built site as a CSV file beside its page, linked under the table: the rows
 * and columns the page shows (the text a reader sees; visually-hidden helpers and aria-hidden
 * decorations excluded), written at build time so every table downloads without JavaScript. With
 * script, src/client/tables.ts makes the link download the rows a filter leaves, in the same format
 * (src/client/table-model.ts: UTF-8 with a BOM, `;` between fields, for Spanish spreadsheets).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pMap from 'p-map';
import { CSV_BOM, CSV_SEPARATOR, csvField } from '../dashboard/src/client/table-model.ts';
import { HTML_TAG } from './html-tags.ts';

const VOID_ELEMENTS = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * One table's markup as CSV, read from its tags without a DOM (a year of data has thousands of
 * tables). A cell's value is its visible text: hidden helpers (a rank for screen readers, "Foto")
 * are left out, and elements side by side (flags, badges) read as separate words.
 */
export function tableCsv(markup: string): string {
  const lines: string[] = [];
  let row: string[] | null = null;
  let cell: string | null = null;
  // Open elements inside the table, and the depth at which a visually-hidden one started.
  let depth = 0;
  let hiddenFrom = -1;
  let position = 0;
  const text = (chunk: string) => {
    if (cell !== null && hiddenFrom < 0) cell += decodeEntities(chunk);
  };
  for (const tag of markup.matchAll(HTML_TAG)) {
    text(markup.slice(position, tag.index));
    position = tag.index + tag[0].length;
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    if (!closing && VOID_ELEMENTS.has(name)) {
      if (cell !== null) cell += ' ';
      continue;
    }
    if (!closing) {
      depth += 1;
      // Left out: screen-reader helpers ("Foto", a rank) and decorations (a sort arrow).
      if (hiddenFrom < 0 && /\bclass\s*=\s*("[^"]*\bvisually-hidden\b[^"]*"|'[^']*\bvisually-hidden\b[^']*')|\baria-hidden\s*=\s*("true"|'true'|true\b)/.test(tag[3] ?? '')) hiddenFrom = depth;
      if (name === 'tr') row = [];
      else if ((name === 'td' || name === 'th') && row !== null) cell = '';
      else if (cell !== null) cell += ' ';
      continue;
    }
    if (hiddenFrom === depth) hiddenFrom = -1;
    depth -= 1;
    if ((name === 'td' || name === 'th') && row !== null && cell !== null) {
      row.push(cell.replace(/\s+/g, ' ').trim());
      cell = null;
    } else if (name === 'tr' && row !== null) {
      if (row.length > 0) lines.push(row.map(csvField).join(CSV_SEPARATOR));
      row = null;
    } else if (cell !== null) cell += ' ';
  }
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
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
 * Writes `<page dir>/tabla-<n>.csv` for the n-th table of one page (1-based, in page order), whose
 * markup is `html`, and rewrites the page with a download link right after each table. Returns how
 * many files it wrote.
 */
export async function writePageCsvs(page: string, html: string): Promise<number> {
  if (!html.includes('</table>')) return 0;
  const directory = dirname(page);
  const prefix = basename(page) === 'index.html' ? '' : `${basename(page, '.html')}-`;
  const csvs: Array<{ path: string; text: string }> = [];
  // The page's own language (<html lang>), chosen at build time.
  const linkText = /<html[^>]*\blang="en"/.test(html.slice(0, 500)) ? 'Download CSV' : 'Descargar CSV';
  let final = '';
  let copied = 0;
  for (const [from, to] of tableSpans(html)) {
    const file = `${prefix}tabla-${csvs.length + 1}.csv`;
    csvs.push({ path: join(directory, file), text: tableCsv(html.slice(from, to)) });
    final += `${html.slice(copied, to)}<p class="table-csv"><a href="./${file}" download>${linkText}</a></p>`;
    copied = to;
  }
  final += html.slice(copied);
  await Promise.all(csvs.map((csv) => writeFile(csv.path, csv.text)));
  await writeFile(page, final);
  return csvs.length;
}

/** writePageCsvs for every page (a few at a time: a year of data has ~10,000 pages). */
export async function writeTableCsvs(pages: readonly string[]): Promise<number> {
  const counts = await pMap(pages, async (page) => writePageCsvs(page, await readFile(page, 'utf8')), { concurrency: 16 });
  return counts.reduce((sum, count) => sum + count, 0);
}
