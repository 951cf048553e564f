import test from 'ava';
import { readFile } from 'node:fs/promises';
import { GOLD_TABLE_COLUMNS, SERIES_METRICS, STATE_COLUMNS } from '#shared/gold/index.ts';
import { withGoldDictionary } from '#shared/gold/dictionary.ts';

test('docs/gold.md describes every column of the state and the gold tables, and every series metric', async (t) => {
  const doc = await readFile(new URL('../../docs/gold.md', import.meta.url), 'utf8');
  const missing: string[] = [];
  for (const column of STATE_COLUMNS) if (!doc.includes(`| \`${column.name}\` | `)) missing.push(`state.${column.name}`);
  for (const [table, columns] of Object.entries(GOLD_TABLE_COLUMNS)) {
    if (!doc.includes(`\`${table}\``)) missing.push(table);
    for (const column of columns) if (!doc.includes(`\`${column.name}\``)) missing.push(`${table}.${column.name}`);
  }
  for (const metric of SERIES_METRICS) if (!doc.includes(`\`${metric}\``)) missing.push(`series.${metric}`);
  t.deepEqual(missing, []);
});

test('docs/gold.md column tables are the writers’ own (regenerate: npx tsx scripts/data-dictionary.ts)', async (t) => {
  const doc = await readFile(new URL('../../docs/gold.md', import.meta.url), 'utf8');
  t.is(withGoldDictionary(doc), doc);
});
