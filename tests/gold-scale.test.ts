import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keys } from '#shared/lake/keys.ts';
import type { GoldManifest } from '#shared/gold/index.ts';
import { DirectoryLake, runScaleBench } from '../bench/gold-scale.ts';
import { readJson } from './helpers/gold-fixtures.ts';

test('the scale benchmark runs end to end at 10,000 listings', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'gold-scale-test-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const measures = await runScaleBench({ listings: 10_000, shards: 4, searches: 5, directory, isolate: false });
  t.is(measures.length, 2 * (4 + 1));
  const lake = new DirectoryLake(directory);
  const first = await readJson<GoldManifest>(lake, keys.goldManifest('2026-11-23'));
  const second = await readJson<GoldManifest>(lake, keys.goldManifest('2026-11-24'));
  t.like(first.totals, { stateRows: 10_000, activeListings: 10_000, newListings: 10_000, vanishedListings: 0 });
  t.like(second.totals, { stateRows: 10_500, newListings: 500 });
  t.is(second.totals.activeListings + second.totals.vanishedListings, 10_500);
  t.true(second.totals.vanishedListings > 350 && second.totals.vanishedListings < 650, `about 5 % vanish (${second.totals.vanishedListings})`);
  t.true(second.totals.priceDrops > 300, `about 5 % drop their price (${second.totals.priceDrops})`);
});
