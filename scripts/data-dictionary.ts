/**
 * Regenerates the silver column table in docs/data-dictionary.md from shared/silver/schema.ts.
 * Usage: npx tsx scripts/data-dictionary.ts [--check]   (--check exits 1 when the doc is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withSilverDictionary } from '#shared/silver/dictionary.ts';

const path = fileURLToPath(new URL('../docs/data-dictionary.md', import.meta.url));
const current = readFileSync(path, 'utf8');
const updated = withSilverDictionary(current);
if (process.argv.includes('--check')) {
  if (updated !== current) {
    console.error(`${path} is stale: run npx tsx scripts/data-dictionary.ts`);
    process.exit(1);
  }
} else if (updated !== current) {
  writeFileSync(path, updated);
  console.log(`updated ${path}`);
}
