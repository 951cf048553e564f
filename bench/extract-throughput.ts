// Extraction throughput against the simulator: pages per second with the rate limiter off, and the
// rate actually held with it on.
//   npx tsx --openssl-legacy-provider bench/extract-throughput.ts [--listings 200000] [--rps 1,5] [--seconds 10]
import { parseArgs } from 'node:util';
import { runExtract } from '#shared/extract/stage.ts';
import { initialExtractTask } from '#shared/extract/task.ts';
import { keys } from '#shared/lake/keys.ts';
import { putJson } from '#shared/lake/lake.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { WallapopClient } from '#shared/wallapop/index.ts';
import { createMarket, startSimulator } from '#simulator/index.ts';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '200000' },
    rps: { type: 'string', default: '1,5' },
    seconds: { type: 'string', default: '10' },
  },
});
const DAY = '2026-11-24';
const market = createMarket({ seed: 5, listings: Number(values.listings), startDay: DAY });
const sim = await startSimulator({ market, day: DAY });
const s3 = await startEmbeddedS3();
const search = { slug: 'tech-spain', categoryId: 24200, latitude: 40.4168, longitude: -3.7038, distanceKm: 1000, timeFilter: 'lastMonth' as const, orderBy: 'newest' as const, maxPages: 5000 };

async function extract(requestsPerSecond: number, deadlineMs: number) {
  await putJson(s3.lake, keys.extractTask(DAY, search.slug), { ...initialExtractTask(DAY, search), force: true });
  const arrivals: number[] = [];
  const client = new WallapopClient({ baseUrl: sim.url, requestsPerSecond, onEvent: (event) => event.type === 'response' && arrivals.push(performance.now()) });
  const started = performance.now();
  const result = await runExtract({ lake: s3.lake, client, taskKey: keys.extractTask(DAY, search.slug), remainingTimeMs: () => deadlineMs - (performance.now() - started), safetyMarginMs: 0 });
  const seconds = (performance.now() - started) / 1000;
  return { pages: result.status === 'skipped' ? 0 : result.pagesThisInvocation, seconds, arrivals };
}

const unlimited = await extract(0, 600_000);
console.log(`limiter off: ${unlimited.pages} pages (40 listings each) in ${unlimited.seconds.toFixed(1)} s = ${(unlimited.pages / unlimited.seconds).toFixed(0)} pages/s (fetch + gzip + S3 put, one search, sequential)`);
for (const rps of values.rps.split(',').map(Number)) {
  const run = await extract(rps, Number(values.seconds) * 1000);
  const span = (run.arrivals.at(-1)! - run.arrivals[0]!) / 1000;
  const gaps = run.arrivals.slice(1).map((at, i) => at - run.arrivals[i]!);
  console.log(
    `limiter ${rps}/s: ${run.arrivals.length} responses over ${span.toFixed(1)} s = ${((run.arrivals.length - 1) / span).toFixed(2)} req/s; smallest gap ${Math.min(...gaps).toFixed(0)} ms (target ${(1000 / rps).toFixed(0)} ms)`,
  );
}
await sim.close();
await s3.close();
