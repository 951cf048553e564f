import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSearchConfigFile } from '#shared/config/yaml-file.ts';
import { readWatchConfigFile, siblingWatchesFile, watchConfigFromBundle, watchConfigFromFiles } from '#shared/alerts/watch-source.ts';
import { parseWatchConfig, WatchConfigError } from '#shared/alerts/watches.ts';

const slugs = async (file: string) => (await readSearchConfigFile(file)).searches.map((search) => search.slug);

test('the checked-in watch files are valid for their search files and use every kind of rule', async (t) => {
  const production = await readWatchConfigFile('watches.yml', await slugs('searches.yml'));
  const demo = await readWatchConfigFile('local/demo-watches.yml', await slugs('local/demo-searches.yml'));
  for (const config of [production, demo]) t.true(Object.keys(config.watches).length >= 3);
  const kinds = new Set(Object.values(demo.watches).flatMap((rules) => rules.map((rule) => rule.rule)));
  t.deepEqual([...kinds].sort(), ['deal', 'new-under-price', 'price-drop', 'reserved', 'vanished']);
});

test('errors name the file, the search, the rule and the field', (t) => {
  const error = t.throws(
    () =>
      parseWatchConfig(
        {
          watches: {
            phones: [
              { id: 'cheap', rule: 'new-under-price', maxPrice: -5, colour: 'red' },
              { id: 'drop', rule: 'price-drop' },
              { id: 'deal', rule: 'deal', belowMedianPct: 30, peer: 'city' },
              { id: 'cheap', rule: 'vanished', listingIds: [] },
              { rule: 'new-under-prize' },
            ],
            ghosts: [{ id: 'boo', rule: 'new-under-price', maxPrice: 1 }],
          },
        },
        'my-watches.yml',
        ['phones'],
      ),
    { instanceOf: WatchConfigError },
  );
  t.regex(error.message, /^my-watches\.yml is invalid:/);
  t.deepEqual(error.problems.sort(), [
    'search "ghosts": is not a search of the search configuration (known: phones)',
    'search "phones", rule "cheap" (#1), field "colour": is not a known field (check its spelling)',
    'search "phones", rule "cheap" (#1), field "maxPrice": must not be negative (got -5)',
    'search "phones", rule "cheap" (#4), field "id": is already the id of a rule of search "phones" (rule ids must be unique in the file: alerts are keyed by them)',
    'search "phones", rule "cheap" (#4), field "listingIds": must list at least one listing id (got [])',
    'search "phones", rule "deal" (#3), field "peer": must be one of comparables, search, category (got "city")',
    'search "phones", rule "drop" (#2): needs minPct or minEuros (or both: then a drop must meet both)',
    'search "phones", rule (#5), field "rule": must be one of new-under-price, price-drop, deal, reserved, vanished (got "new-under-prize")',
  ]);
});

test('defaults: maxPerDay 20, deals against comparables (8 at least); an empty file watches nothing', (t) => {
  const config = parseWatchConfig({ watches: { phones: [{ id: 'd', rule: 'deal', belowMedianPct: 30 }] } }, 'w', ['phones']);
  t.like(config.watches.phones![0], { maxPerDay: 20, peer: 'comparables', minComparables: 8 });
  t.deepEqual(parseWatchConfig(null, 'w', []), { watches: {} });
  t.deepEqual(parseWatchConfig({ watches: null }, 'w', []), { watches: {} });
});

test('from source the watch file is the sibling of the search file; an explicit WATCHES_FILE must exist', async (t) => {
  t.is(siblingWatchesFile('searches.yml'), 'watches.yml');
  t.is(siblingWatchesFile('local/demo-searches.yml'), join('local', 'demo-watches.yml'));
  t.is(siblingWatchesFile('/x/prod.yml'), '/x/watches.prod.yml');
  const directory = await mkdtemp(join(tmpdir(), 'watches-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  await writeFile(join(directory, 'searches.yml'), 'searches:\n  - { slug: phones, keywords: phone, latitude: 40, longitude: -3 }\n');
  t.deepEqual(await watchConfigFromFiles({ SEARCHES_FILE: join(directory, 'searches.yml') }), { config: { watches: {} }, file: null }, 'no sibling: no watches');
  await writeFile(join(directory, 'watches.yml'), 'watches:\n  phones:\n    - id: a\n      rule: price-drop\n      minPct: 10\n  phnoes: []\n');
  await t.throwsAsync(watchConfigFromFiles({ SEARCHES_FILE: join(directory, 'searches.yml') }), { message: /watches\.yml is invalid:\n {2}- search "phnoes": is not a search/ });
  await writeFile(join(directory, 'watches.yml'), 'watches:\n  phones:\n    - id: a\n      rule: [\n');
  await t.throwsAsync(watchConfigFromFiles({ SEARCHES_FILE: join(directory, 'searches.yml') }), { message: /watches\.yml is not valid YAML at line \d/ });
  await t.throwsAsync(watchConfigFromFiles({ SEARCHES_FILE: join(directory, 'searches.yml'), WATCHES_FILE: join(directory, 'missing.yml') }), { message: /cannot read the watch file/ });
});

test('packaging compiles the watches into the bundles and refuses watches of unknown searches', (t) => {
  const require = createRequire(import.meta.url);
  const esbuildConfig = require('../../esbuild.config.cjs') as (serverless: unknown) => { define: Record<string, string> };
  const serverless = (watchesFile: string, searchesFile = 'searches.yml') => ({ service: { custom: { searchesFile, watchesFile } }, config: { servicePath: process.cwd() } });
  const { define } = esbuildConfig(serverless('watches.yml'));
  const bundled = watchConfigFromBundle(JSON.parse(define.__WATCH_CONFIG__!), JSON.parse(define.__WATCH_FILE__!), JSON.parse(define.__SEARCH_CONFIG__!));
  t.true(Object.keys(bundled.watches).includes('iphone-13-madrid'));
  t.throws(() => esbuildConfig(serverless('local/demo-watches.yml')), { message: /watches searches that .*searches\.yml does not define: iphone-madrid/ });
  t.deepEqual(JSON.parse(JSON.parse(esbuildConfig(serverless('')).define.__WATCH_CONFIG__!)), { watches: {} }, "watchesFile '' watches nothing");
});

test('watches are held to the bounds of searches: absurd prices, overlong words and ids, and a file that is not UTF-8 are refused naming the field', async (t) => {
  const error = t.throws(
    () =>
      parseWatchConfig(
        {
          watches: {
            phones: [
              { id: 'cheap', rule: 'new-under-price', maxPrice: 1e20 },
              { id: 'words', rule: 'new-under-price', maxPrice: 100, include: ['x'.repeat(201)] },
              { id: 'drop', rule: 'price-drop', minEuros: 1e12 },
              { id: 'mine', rule: 'reserved', listingIds: ['y'.repeat(65)] },
            ],
          },
        },
        'watches.yml',
        ['phones'],
      ),
    { instanceOf: WatchConfigError },
  );
  t.regex(error.message, /rule "cheap" \(#1\), field "maxPrice": must be at most 100,000,000 €/);
  t.regex(error.message, /field "include\.0": must be at most 200 characters/);
  t.regex(error.message, /field "minEuros": must be at most 100,000,000 €/);
  t.regex(error.message, /field "listingIds\.0": is too long for a Wallapop listing id/);
  const directory = await mkdtemp(join(tmpdir(), 'watches-latin1-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  await writeFile(join(directory, 'watches.yml'), Buffer.from('watches:\n  phones:\n    - { id: a, rule: new-under-price, maxPrice: 100, include: [ni\xf1o] }\n', 'latin1'));
  await t.throwsAsync(readWatchConfigFile(join(directory, 'watches.yml'), ['phones']), { message: /watches\.yml is not UTF-8: the byte 0xf1 at offset \d+ \(line 3\)/ });
});
