import { COMPARABLE_COLUMNS } from './comparable-table.ts';
import type { GoldColumnKind, GoldColumnSpec } from './parquet.ts';
import { STATE_COLUMNS, STATE_SCHEMA_VERSION } from './state.ts';
import { GOLD_TABLE_COLUMNS, KPI_COLUMNS } from './tables.ts';

/**
 * The column tables of docs/gold.md, rendered from the writers' own column lists: each sits
 * between `<!-- gold-columns:<name>:begin … -->` and `<!-- gold-columns:<name>:end -->`;
 * `npx tsx scripts/data-dictionary.ts` rewrites them and a test fails when the doc is stale.
 */

const TYPE: Record<GoldColumnKind, string> = {
  STRING: 'string',
  DOUBLE: 'double',
  INT32: 'int',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp (UTC, ms)',
  DATE: 'date',
  STRING_LIST: 'list<string>',
};

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function table(columns: readonly GoldColumnSpec[]): string[] {
  return ['| column | type | null | meaning |', '| --- | --- | --- | --- |', ...columns.map((column) => `| \`${column.name}\` | ${TYPE[column.kind]} | ${column.nullable ? 'yes' : 'no'} | ${cell(column.description)} |`)];
}

export const GOLD_DICTIONARY_BLOCKS: Record<string, () => string[]> = {
  state: () => [`State schema version ${STATE_SCHEMA_VERSION}.`, '', ...table(STATE_COLUMNS)],
  kpis: () => table(KPI_COLUMNS),
  listing_highlights: () => table(GOLD_TABLE_COLUMNS.listing_highlights),
  comparable_daily: () => table(COMPARABLE_COLUMNS),
};

const begin = (name: string) => `<!-- gold-columns:${name}:begin (generated from the writers' column lists by scripts/data-dictionary.ts; do not edit) -->`;
const end = (name: string) => `<!-- gold-columns:${name}:end -->`;

/** `document` with every gold column block replaced by a freshly rendered one. */
export function withGoldDictionary(document: string): string {
  let result = document;
  for (const [name, render] of Object.entries(GOLD_DICTIONARY_BLOCKS)) {
    const from = result.indexOf(`<!-- gold-columns:${name}:begin`);
    const to = result.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`the document has no gold-columns:${name} markers`);
    result = `${result.slice(0, from)}${[begin(name), ...render(), end(name)].join('\n')}${result.slice(to + end(name).length)}`;
  }
  return result;
}
