/**
 * What the bronze layout costs, ours and DuckDB's: the day's search pages as they are (envelope
 * version 2: a line of envelope JSON, then the body) and rewritten to version 1 (one JSON object,
 * the body a JSON string in it), measured alternately in one run (docs/performance.md, the summary
 * of the round that introduced version 2):
 *   1. decoding alone, one search's pages gunzipped beforehand: version 1's envelope parse and body
 *      parse against version 2's header parse and body parse (CPU, per round);
 *   2. silver (runSilver) over every search of the day, writes kept in memory;
 *   3. DuckDB (one thread) reading the day's pages into items, each layout the way bench/duckdb.ts
 *      would have to: version 1 with `from_json` on the body, version 2 paired by file name.
 * Needs a lake prepared by `npm run bench` (version 2 pages); the version 1 copy goes to a
 * temporary directory.
 *
 *   npx tsx bench/experiments/bronze-layouts.ts --dir .data/bench/listings-100000-shards-1 [--search hogar-y-jardin] [--rounds 5]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { keys } from '#shared/lake/keys.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';
import { gunzipBronze, oneByteJsonText } from '#shared/silver/page.ts';
import { runSilver } from '#shared/silver/stage.ts';
import { BODY_STRUCTURE } from '../duckdb.ts';
import { duckdbPages } from '../duckdb-pages.ts';
import { DAY } from '../scenario.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, search: { type: 'string' }, rounds: { type: 'string', default: '5' } } });
if (!values.dir) throw new Error('--dir <benchmark lake> is required (a lake prepared by npm run bench)');
const root = values.dir;
const rounds = Number(values.rounds);
const dayDirectory = join(root, `bronze/search/dt=${DAY}`);
const searches = readdirSync(dayDirectory).map((name) => name.replace(/^search=/, '')).sort();
const largest = values.search ?? searches.map((slug) => ({ slug, pages: readdirSync(join(dayDirectory, `search=${slug}`)).length })).sort((a, b) => b.pages - a.pages)[0]!.slug;

// The version 1 copy: the lake's control files and categories as they are, the day's search pages rewritten (bench/duckdb-pages.ts).
const copy = mkdtempSync(join(tmpdir(), 'bronze-v1-'));
await duckdbPages(root, DAY);
cpSync(join(root, 'control'), join(copy, 'control'), { recursive: true });
cpSync(join(root, 'bronze'), join(copy, 'bronze'), { recursive: true });
cpSync(join(root, 'duckdb-input', 'bronze', 'search', `dt=${DAY}`), join(copy, 'bronze', 'search', `dt=${DAY}`), { recursive: true, filter: (source) => !source.endsWith('_manifest.json') });
const layouts = { 'version 1': copy, 'version 2': root } as const;

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results = new Map<string, number[]>();
const record = (name: string, ms: number) => results.set(name, [...(results.get(name) ?? []), ms]);

// 1. Decoding alone.
const pageFiles = (layoutRoot: string) =>
  readdirSync(join(layoutRoot, `bronze/search/dt=${DAY}/search=${largest}`))
    .filter((name) => name.startsWith('page-'))
    .sort()
    .map((name) => gunzipBronze(readFileSync(join(layoutRoot, `bronze/search/dt=${DAY}/search=${largest}`, name))));
const version1Pages = pageFiles(copy);
const version2Pages = pageFiles(root);
let parsed = 0;
const decodeVersion1 = () => {
  for (const raw of version1Pages) parsed += JSON.parse((JSON.parse(oneByteJsonText(raw)) as { body: string }).body) === null ? 0 : 1;
};
const decodeVersion2 = () => {
  for (const raw of version2Pages) {
    const lineEnd = raw.indexOf(10);
    parsed += JSON.parse(oneByteJsonText(raw.subarray(0, lineEnd))) === null || JSON.parse(oneByteJsonText(raw.subarray(lineEnd + 1))) === null ? 0 : 1;
  }
};

// 3. DuckDB reading the pages into items, one thread.
const duckdb = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
const data = JSON.stringify((JSON.parse(BODY_STRUCTURE) as { data: unknown }).data);
const dataType = String((await duckdb.runAndReadAll(`SELECT typeof(from_json('{}', '${data}'))`)).getRows()[0]![0]);
const glob = (layoutRoot: string) => `'${join(layoutRoot, `bronze/search/dt=${DAY}/*/page-*.json.gz`)}'`;
const duckdbItems = {
  'version 1': `WITH pages AS (SELECT from_json(body, '${BODY_STRUCTURE}').data.section.payload.items AS items
      FROM read_json(${glob(copy)}, format = 'newline_delimited', compression = 'gzip', columns = {search: 'VARCHAR', page: 'INTEGER', response: 'STRUCT(fetchedAt VARCHAR)', body: 'VARCHAR'}))
    SELECT count(*) FROM (SELECT unnest(items) FROM pages)`,
  'version 2': `WITH lines AS (SELECT * FROM read_json(${glob(root)}, format = 'newline_delimited', compression = 'gzip', filename = true,
        columns = {envelopeVersion: 'INTEGER', search: 'VARCHAR', page: 'INTEGER', response: 'STRUCT(fetchedAt VARCHAR)', data: '${dataType}'})),
      pages AS (SELECT b.data.section.payload.items AS items FROM (SELECT filename, data FROM lines WHERE envelopeVersion IS NULL) b
        JOIN (SELECT filename FROM lines WHERE envelopeVersion = 2) e USING (filename))
    SELECT count(*) FROM (SELECT unnest(items) FROM pages)`,
} as const;

console.log(`${DAY}: ${searches.length} searches; decoding measured on ${largest} (${version2Pages.length} pages)`);
for (let round = 0; round < rounds; round += 1) {
  for (const layout of ['version 1', 'version 2'] as const) {
    let started = cpuMs();
    if (layout === 'version 1') decodeVersion1();
    else decodeVersion2();
    record(`decoding ${largest}, ${layout}`, cpuMs() - started);
    started = cpuMs();
    const lake = new MemoryLake(new DirectoryLake(layouts[layout]));
    for (const slug of searches) await runSilver(lake, keys.bronzeManifest(DAY, slug));
    record(`silver, every search, ${layout}`, cpuMs() - started);
    started = cpuMs();
    const items = Number((await duckdb.runAndReadAll(duckdbItems[layout])).getRows()[0]![0]);
    record(`DuckDB reading the pages into items (${items.toLocaleString('en')}), ${layout}`, cpuMs() - started);
  }
  console.log(`round ${round + 1} of ${rounds}`);
}
for (const [name, samples] of results) console.log(`${name}: median ${median(samples).toFixed(0)} ms CPU (${samples.map((ms) => ms.toFixed(0)).join(', ')})`);
console.log(parsed > 0 ? '' : 'nothing parsed');
duckdb.closeSync();
rmSync(copy, { recursive: true, force: true });
