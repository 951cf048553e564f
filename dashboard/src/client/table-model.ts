/**
 * What the table script decides, without a DOM (so it is unit-tested in Node): how a cell's text
 * sorts, how a table's view (order, filters) reads from and writes to the page's URL, which rows a
 * view keeps, and the CSV of those rows. The build's CSV step (scripts/dashboard-csv.ts) uses the
 * same CSV fields, so a download of the filtered rows reads like the build's file.
 */

/** What one table shows: its order and its filters. Everything optional is "not set". */
export interface TableView {
  /** Column index and direction of the order; absent: the build's order. */
  sort?: { column: number; dir: 'asc' | 'desc' };
  /** Text every shown row contains (case- and accent-insensitive). */
  text?: string;
  /** Facet name → the one value rows must have. */
  facets: Record<string, string>;
  /** Column index → bounds on the column's number. */
  ranges: Record<number, { min?: number; max?: number }>;
}

export const EMPTY_VIEW: TableView = { facets: {}, ranges: {} };

export function isFiltered(view: TableView): boolean {
  return view.text !== undefined || Object.keys(view.facets).length > 0 || Object.keys(view.ranges).length > 0;
}

/**
 * A reader of numbers as the dashboard writes them, read from the start of a cell's text: a sign,
 * an optional leading euro sign, digits in groups of three, a decimal part; null when the text
 * does not start with one.
 */
function numberParser(group: '.' | ',', decimal: ',' | '.'): (text: string) => number | null {
  const escape = (character: string) => `\\${character}`;
  const pattern = new RegExp(`^\\s*([+\\-−]?)\\s*€?\\s*(\\d{1,3}(?:${escape(group)}\\d{3})+|\\d+)(?:${escape(decimal)}(\\d+))?`);
  return (text) => {
    const match = pattern.exec(text);
    if (match === null) return null;
    const value = Number(`${match[2]!.split(group).join('')}.${match[3] ?? '0'}`);
    return match[1] === '-' || match[1] === '−' ? -value : value;
  };
}

/** In Spanish: `1.234,5 €`, `−81,8 %`, `+3`, `1234`. */
export const parseSpanishNumber = numberParser('.', ',');

/** In English: `€1,234.50`, `−81.8 %`, `-€5.00`, `1,234`. */
export const parseEnglishNumber = numberParser(',', '.');

/** How a column's cells compare: numbers when every non-empty cell is one, text otherwise. */
export type SortKey = number | string | null;

const EMPTY_CELL = /^(—|-|sin datos|no data)?$/;

/**
 * Each cell's sort key. A `data-sort` the page gave is a machine value (`34.85`, an ISO date);
 * otherwise the cell's text is read as the dashboard writes numbers in Spanish. A column sorts as
 * numbers when every non-empty cell is one, as text otherwise.
 */
export function sortKeys(cells: ReadonlyArray<{ sort: string | null; text: string }>, parseNumber: (text: string) => number | null = parseSpanishNumber): SortKey[] {
  const raw = cells.map((cell) => (cell.sort ?? cell.text).trim());
  const numbers = cells.map((cell, i) => {
    if (EMPTY_CELL.test(raw[i]!)) return null;
    if (cell.sort === null) return parseNumber(raw[i]!);
    const value = raw[i] === '' ? Number.NaN : Number(raw[i]);
    return Number.isFinite(value) ? value : null;
  });
  const numeric = raw.every((value, i) => EMPTY_CELL.test(value) || numbers[i] !== null) && numbers.some((value) => value !== null);
  if (numeric) return numbers;
  return raw.map((value) => (EMPTY_CELL.test(value) ? null : value));
}

const collator = new Intl.Collator('es-ES', { sensitivity: 'base', numeric: true });

/** Row order for one column: empty cells last in either direction, ties in the build's order. */
export function sortedOrder(keys: readonly SortKey[], dir: 'asc' | 'desc'): number[] {
  const sign = dir === 'asc' ? 1 : -1;
  return keys
    .map((key, index) => ({ key, index }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) return a.key === b.key ? a.index - b.index : a.key === null ? 1 : -1;
      const order = typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : collator.compare(String(a.key), String(b.key));
      return sign * order || a.index - b.index;
    })
    .map(({ index }) => index);
}

/** The first click on a header: numbers biggest first, text A→Z. */
export function defaultDirection(keys: readonly SortKey[]): 'asc' | 'desc' {
  return keys.some((key) => typeof key === 'number') ? 'desc' : 'asc';
}

/** Lower case without accents, for the text filter ("Cámara" matches "camara"). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface RowFacts {
  /** The row's visible text, folded. */
  text: string;
  facets: Record<string, string>;
  /** Column index → the cell's number (null: none). */
  numbers: Record<number, number | null>;
}

export function rowMatches(row: RowFacts, view: TableView): boolean {
  if (view.text !== undefined) {
    const words = foldText(view.text).split(' ').filter(Boolean);
    if (!words.every((word) => row.text.includes(word))) return false;
  }
  for (const [facet, value] of Object.entries(view.facets)) {
    if (row.facets[facet] !== value) return false;
  }
  for (const [column, { min, max }] of Object.entries(view.ranges)) {
    const value = row.numbers[Number(column)];
    if (value === null || value === undefined) return false;
    if (min !== undefined && value < min) return false;
    if (max !== undefined && value > max) return false;
  }
  return true;
}

// ---- the URL ------------------------------------------------------------------------------------
// One page can hold several tables; each one's parameters start with its key ("deals.q=iphone"),
// so a bookmarked URL restores every table of the page.

const SORT = 'orden';
const TEXT = 'q';
const FACET = 'f-';
const MIN = 'desde';
const MAX = 'hasta';

function finiteNumber(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

/** The view of table `key` in the URL's parameters (unknown or malformed values are ignored). */
export function readView(params: URLSearchParams, key: string, columns: number): TableView {
  const view: TableView = { facets: {}, ranges: {} };
  const sort = /^(\d+)-(asc|desc)$/.exec(params.get(`${key}.${SORT}`) ?? '');
  if (sort !== null && Number(sort[1]) < columns) view.sort = { column: Number(sort[1]), dir: sort[2] as 'asc' | 'desc' };
  const text = params.get(`${key}.${TEXT}`);
  if (text !== null && text.trim() !== '') view.text = text;
  for (const [name, value] of params) {
    if (!name.startsWith(`${key}.`)) continue;
    const rest = name.slice(key.length + 1);
    if (rest.startsWith(FACET) && value !== '') view.facets[rest.slice(FACET.length)] = value;
    const bound = /^(desde|hasta)(\d+)$/.exec(rest);
    if (bound !== null && Number(bound[2]) < columns) {
      const number = finiteNumber(value);
      if (number === undefined) continue;
      const range = (view.ranges[Number(bound[2])] ??= {});
      if (bound[1] === MIN) range.min = number;
      else range.max = number;
    }
  }
  return view;
}

/** Writes table `key`'s view into `params`, replacing what it had there. */
export function writeView(params: URLSearchParams, key: string, view: TableView): void {
  for (const name of [...params.keys()]) if (name.startsWith(`${key}.`)) params.delete(name);
  if (view.sort !== undefined) params.set(`${key}.${SORT}`, `${view.sort.column}-${view.sort.dir}`);
  if (view.text !== undefined && view.text.trim() !== '') params.set(`${key}.${TEXT}`, view.text);
  for (const [facet, value] of Object.entries(view.facets)) params.set(`${key}.${FACET}${facet}`, value);
  for (const [column, { min, max }] of Object.entries(view.ranges)) {
    if (min !== undefined) params.set(`${key}.${MIN}${column}`, String(min));
    if (max !== undefined) params.set(`${key}.${MAX}${column}`, String(max));
  }
}

// ---- CSV ----------------------------------------------------------------------------------------
// For Spanish spreadsheets: UTF-8 with a byte-order mark (Excel otherwise reads the accents as
// Latin-1) and `;` between fields (Spanish Excel and LibreOffice take `,` for the decimal comma, so
// a `,`-separated file splits every price in two). Values are as shown (`34,85 €`, `-81,8 %`).

export const CSV_SEPARATOR = ';';
export const CSV_BOM = '\uFEFF';

/**
 * A listing title is untrusted text: one starting with `=`, `+`, `@` or a `-` that is not a number
 * would run as a formula in a spreadsheet, so it gets a leading apostrophe (OWASP's advice).
 */
export function csvField(raw: string): string {
  const text = /^[=+@\t\r]|^-(?![\d,.])/.test(raw) ? `'${raw}` : raw;
  return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cell texts as one CSV file. */
export function csvText(rows: ReadonlyArray<readonly string[]>): string {
  const lines = rows.filter((row) => row.length > 0).map((row) => row.map(csvField).join(CSV_SEPARATOR));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}
