/**
 * Peak RSS and time of the bundled silver (largest search), gold shard (largest) and fan-in over a
 * benchmark lake in an embedded S3, with Node's default heap sizing and with the old space capped
 * (`--max-old-space-size`): what a NODE_OPTIONS change in serverless.yml would do. Needs a lake
 * prepared by `npm run bench` (--data DIR); packages the functions itself into DIR/package.
 *
 *   npx tsx --openssl-legacy-provider bench/experiments/heap-cap.ts --dir .data/bench/listings-1000000-shards-8 [--caps 192,256,384] [--runs 1]
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keys } from '#shared/lake/keys.ts';
import type { GoldTask } from '#shared/gold/task.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { getJson } from '#shared/lake/lake.ts';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { copyLake, packageFunctions, runBundledHandler, s3Event } from '../bundles.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { benchSearches, DAY, PREVIOUS_DAY } from '../scenario.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, caps: { type: 'string', default: '256,384' }, runs: { type: 'string', default: '1' }, shards: { type: 'string', default: '8' } } });
if (!values.dir) throw new Error('--dir <benchmark lake> is required');
const root = values.dir;
const lake = new DirectoryLake(root);
const shards = Number(values.shards);

let largestSearch = { search: '', items: 0 };
for (const search of benchSearches()) {
  const manifest = await getJson<BronzeManifest>(lake, keys.bronzeManifest(DAY, search.slug));
  if (manifest && manifest.itemCount > largestSearch.items) largestSearch = { search: search.slug, items: manifest.itemCount };
}
let largestShard = { shard: 0, rows: 0 };
for (let shard = 0; shard < shards; shard += 1) {
  const task = await getJson<GoldTask>(lake, keys.goldTask(DAY, shard));
  const rows = task?.searches.reduce((sum, search) => sum + search.silverRows, 0) ?? 0;
  if (rows > largestShard.rows) largestShard = { shard, rows };
}
const shardSegment = `shard=${String(largestShard.shard).padStart(3, '0')}`;
const { bundles } = await packageFunctions(join(root, 'package'));
const s3 = await startEmbeddedS3({ directory: join(root, 's3-heap-cap') });
try {
  await copyLake(root, s3.lake, (key) => {
    if (!/^(bronze|silver|gold|control|quarantine)\//.test(key)) return false;
    if (key.startsWith('bronze/search/')) return key.includes(`dt=${DAY}/search=${largestSearch.search}/`);
    if (key.startsWith('silver/listings/')) return key.includes(`dt=${DAY}/${shardSegment}/`);
    if (key.startsWith('gold/state/')) return key.includes(`dt=${PREVIOUS_DAY}/${shardSegment}`);
    // The previous day's comparable groups are a shard's input (its fair prices); the other tables are outputs.
    if (key.startsWith('gold/tables/comparable_daily/')) return key.includes(`dt=${PREVIOUS_DAY}/`);
    return !key.startsWith('gold/tables/');
  });
  const cases: Array<[string, string, unknown]> = [
    ['silver', `${largestSearch.search} (${largestSearch.items} items)`, s3Event(s3.bucket, keys.bronzeManifest(DAY, largestSearch.search))],
    ['goldShard', `${shardSegment} (${largestShard.rows} silver rows)`, s3Event(s3.bucket, keys.goldTask(DAY, largestShard.shard))],
    ['goldFanin', `${shards} partials`, s3Event(s3.bucket, keys.goldPartial(DAY, shards - 1))],
  ];
  const caps = [null, ...values.caps!.split(',').map(Number)];
  for (const [name, what, event] of cases) {
    const bundle = bundles.find((candidate) => candidate.name === name)!;
    for (const cap of caps) {
      const flags = [...bundle.nodeOptions, ...(cap === null ? [] : [`--max-old-space-size=${cap}`])];
      for (let run = 0; run < Number(values.runs); run += 1) {
        try {
          const result = await runBundledHandler(bundle, event, { s3, nodeFlags: flags }, join(root, 'cold-start'));
          console.log(`${name} ${what}, ${cap === null ? 'default heap' : `old space ${cap} MB`}: ${(result.handlerMs / 1000).toFixed(2)} s, ${(result.handlerCpuMs / 1000).toFixed(2)} s CPU, peak RSS ${result.maxRssMb} MB`);
        } catch (error) {
          console.log(`${name} ${what}, ${cap === null ? 'default heap' : `old space ${cap} MB`}: FAILED ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
        }
      }
    }
  }
} finally {
  await s3.close();
  await rm(join(root, 's3-heap-cap'), { recursive: true, force: true });
}
