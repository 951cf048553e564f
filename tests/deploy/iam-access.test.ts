import test from 'ava';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { recordS3Access, type S3Access } from '#local/s3-access.ts';
import { addDays, createMarket } from '#simulator/index.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';

/**
 * The deployed roles against what the code really does: three simulated days through every
 * function (relists, fair prices and alerts included), every object each function reads, writes or
 * lists recorded as its S3 request goes out, and each one checked against the function's grant in
 * resources/iam.cjs (the table the roles are generated from). A stage that starts reading a new
 * prefix fails here, naming the function and the key, instead of with AccessDenied on AWS.
 */

type Grants = Record<string, { read: string[]; list: string[]; write: string[] }>;
const { GRANTS } = createRequire(import.meta.url)(join(process.cwd(), 'resources/iam.cjs')) as { GRANTS: Grants };
const START = '2026-11-20';

test('every object a function touches in a local run is one its deployed role allows', async (t) => {
  const market = createMarket({ seed: 5, listings: 6_000, startDay: START });
  // The deployed default: the plan sizes the shard count from gold (8 shards on the first day, 1 after).
  const { pipeline, sim } = await startSimulatedPipeline(t, { market, day: START, searchesFile: join(process.cwd(), 'local/demo-searches.yml'), shardCount: 'auto' });
  const accesses: S3Access[] = [];
  const stop = recordS3Access(pipeline.wiring.environment.DATA_BUCKET!, (access) => accesses.push(access));
  t.teardown(stop);
  for (let index = 0; index < 3; index += 1) {
    const day = addDays(START, index);
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    t.deepEqual(run.deadLetters, [], day);
  }
  stop();

  const denied = new Set<string>();
  for (const access of accesses) {
    const grant = GRANTS[access.functionName];
    if (grant === undefined) {
      denied.add(`${access.functionName} has no grant at all`);
      continue;
    }
    const allowed = grant[access.kind];
    if (!allowed.some((prefix) => access.key.startsWith(prefix))) denied.add(`${access.functionName} ${access.kind}s ${access.key.replace(/dt=\d{4}-\d{2}-\d{2}/, 'dt=D')}`);
  }
  t.deepEqual([...denied].sort(), []);
  const functions = new Set(accesses.map((access) => access.functionName));
  for (const fn of ['plan', 'extract', 'silver', 'goldFanout', 'goldShard', 'goldFanin', 'alertEvaluate', 'alert', 'watchdog']) t.true(functions.has(fn), `${fn} ran and was recorded`);
  t.true(accesses.some((access) => access.functionName === 'goldShard' && access.key.startsWith('gold/tables/comparable_daily/')), 'the shard read the previous day\'s comparable groups');
  t.true(accesses.some((access) => access.functionName === 'plan' && access.kind === 'read' && access.key.startsWith('gold/_manifests/')), 'the plan sized a day from the previous gold manifest');
});
