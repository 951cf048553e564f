/**
 * Regenerates the column tables of the docs from the writers' column lists: silver's in
 * docs/data-dictionary.md (shared/silver/schema.ts), gold's in docs/gold.md (state, KPI tables,
 * listing_highlights, comparable_daily).
 * Usage: npx tsx scripts/data-dictionary.ts [--check]   (--check exits 1 when a doc is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withGoldDictionary } from '#shared/gold/dictionary.ts';
import { withSilverDictionary } from '#shared/silver/dictionary.ts';

const docs = [
  { path: fileURLToPath(new URL('../docs/data-dictionary.md', import.meta.url)), render: withSilverDictionary },
  { path: fileURLToPath(new URL('../docs/gold.md', import.meta.url)), render: withGoldDictionary },
];
let stale = false;
for (const { path, render } of docs) {
  const current = readFileSync(path, 'utf8');
  const updated = render(current);
  if (updated === current) continue;
  if (process.argv.includes('--check')) {
    console.error(`${path} is stale: run npx tsx scripts/data-dictionary.ts`);
    stale = true;
  } else {
    writeFileSync(path, updated);
    console.log(`updated ${path}`);
  }
}
if (stale) process.exit(1);
