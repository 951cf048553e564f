import { SILVER_PARQUET_SCHEMA } from './parquet.ts';
import { SILVER_COLUMNS, SILVER_SCHEMA_VERSION, type SilverColumnKind } from './schema.ts';

/**
 * The silver section of docs/data-dictionary.md, rendered from SILVER_COLUMNS. The doc holds it
 * between the markers below; `npx tsx scripts/data-dictionary.ts` rewrites it and a test fails
 * when the doc and the schema disagree.
 */

export const SILVER_DICTIONARY_BEGIN = '<!-- silver-columns:begin (generated from shared/silver/schema.ts by scripts/data-dictionary.ts; do not edit) -->';
export const SILVER_DICTIONARY_END = '<!-- silver-columns:end -->';

const TS_TYPE: Record<SilverColumnKind, string> = {
  STRING: 'string',
  DOUBLE: 'number',
  INT32: 'number',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'number (epoch ms)',
  DATE: "string ('YYYY-MM-DD')",
};

function parquetType(name: string): string {
  const element = SILVER_PARQUET_SCHEMA.find((item) => item.name === name)!;
  const logical = element.logical_type;
  if (logical?.type === 'TIMESTAMP') return `INT64 TIMESTAMP(${logical.unit}, UTC)`;
  if (logical?.type === 'DATE') return 'INT32 DATE';
  if (logical?.type === 'STRING') return 'BYTE_ARRAY UTF8';
  return element.type ?? '';
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The generated block (markers included). */
export function renderSilverDictionary(): string {
  const lines = [
    SILVER_DICTIONARY_BEGIN,
    `Schema version ${SILVER_SCHEMA_VERSION}.`,
    '',
    '| column | Parquet type | TypeScript | nullable | source | meaning |',
    '| --- | --- | --- | --- | --- | --- |',
    ...SILVER_COLUMNS.map(
      (column) =>
        `| \`${column.name}\` | ${parquetType(column.name)} | ${TS_TYPE[column.kind]} | ${column.nullable ? 'yes' : 'no'} | ${cell(column.source)} | ${cell(column.description)} |`,
    ),
    SILVER_DICTIONARY_END,
  ];
  return `${lines.join('\n')}\n`;
}

/** `document` with its silver block replaced by a freshly rendered one. */
export function withSilverDictionary(document: string): string {
  const begin = document.indexOf(SILVER_DICTIONARY_BEGIN);
  const end = document.indexOf(SILVER_DICTIONARY_END);
  if (begin < 0 || end < begin) throw new Error('the document has no silver-columns markers');
  const afterEnd = document.indexOf('\n', end);
  return `${document.slice(0, begin)}${renderSilverDictionary()}${afterEnd < 0 ? '' : document.slice(afterEnd + 1)}`;
}
