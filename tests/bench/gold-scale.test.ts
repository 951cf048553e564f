import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keys } from '#shared/lake/keys.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import type { GoldManifest } from '#shared/gold/index.ts';
import { readJson } from '../helpers/gold-fixtures.ts';

test('the scale benchmark runs end to end at 10,000 listings', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'gold-scale-test-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  // The command docs/gold.md gives, smaller: every shard and fan-in in its own process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/gold-scale.ts', '--listings', '10000', '--shards', '4', '--searches', '5', '--dir', directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => child.on('close', resolve).on('error', reject));
  t.is(code, 0, output);
  t.regex(output, /2026-11-24: shards ≤ [\d.]+ s wall/);
  const lake = new DirectoryLake(directory);
  const first = await readJson<GoldManifest>(lake, keys.goldManifest('2026-11-23'));
  const second = await readJson<GoldManifest>(lake, keys.goldManifest('2026-11-24'));
  t.like(first.totals, { stateRows: 10_000, activeListings: 10_000, newListings: 10_000, vanishedListings: 0 });
  t.like(second.totals, { stateRows: 10_500, newListings: 500 });
  t.is(second.totals.activeListings + second.totals.vanishedListings, 10_500);
  t.true(second.totals.vanishedListings > 350 && second.totals.vanishedListings < 650, `about 5 % vanish (${second.totals.vanishedListings})`);
  t.true(second.totals.priceDrops > 300, `about 5 % drop their price (${second.totals.priceDrops})`);
});
