/**
 * One gold stage of the benchmark's lake, run again and again in one process: CPU and wall time of
 * each run, the first one cold. For comparing a change of the shard or the fan-in alternately with
 * the code before it (git stash, run, git stash pop, run), without the whole benchmark:
 *
 *   npm run bench -- --repeat 1                   # makes .data/bench/listings-100000-shards-8
 *   npx tsx bench/experiments/stage-repeat.ts fanin [--dir DIR] [--runs 4]
 *   node --max-old-space-size=384 --max-semi-space-size=16 --import tsx bench/experiments/stage-repeat.ts shard --shard 3 --runs 8
 *
 * The shard writes into memory over the lake (a MemoryLake), so the lake is not changed; the fan-in
 * publishes the day again over its own files (same bytes), its claim reopened before each run.
 */
import { parseArgs } from 'node:util';
import { runGoldFanin, unpublishedReason } from '#shared/gold/fanin-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';
import { reopenClaim } from '#shared/lake/claim.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { keys } from '#shared/lake/keys.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: '.data/bench/listings-100000-shards-8' },
    day: { type: 'string', default: '2026-11-24' },
    shard: { type: 'string', default: '0' },
    runs: { type: 'string', default: '4' },
  },
});
const stage = positionals[0];
if (stage !== 'shard' && stage !== 'fanin') {
  console.error('usage: npx tsx bench/experiments/stage-repeat.ts shard|fanin [--dir DIR] [--day D] [--shard K] [--runs N]');
  process.exit(2);
}
const day = values.day!;
const lake = new DirectoryLake(values.dir!);
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
for (let run = 0; run < Number(values.runs); run += 1) {
  const cpu = cpuMs();
  const wall = performance.now();
  let rows: number;
  if (stage === 'shard') {
    rows = (await runGoldShard(new MemoryLake(lake), keys.goldTask(day, Number(values.shard)))).counts.stateRows;
  } else {
    await reopenClaim(lake, keys.goldPublishClaim(day));
    const result = await runGoldFanin(lake, keys.goldPartial(day, 0));
    if (result.status !== 'published') throw new Error(unpublishedReason(result));
    rows = result.manifest.totals.stateRows;
  }
  console.log(`${stage} run ${run + 1}${run === 0 ? ' (cold)' : ''}: ${(cpuMs() - cpu).toFixed(0)} ms CPU, ${(performance.now() - wall).toFixed(0)} ms wall, ${rows.toLocaleString('en')} state rows`);
}
