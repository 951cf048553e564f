/**
 * Scores gold's market signals against the simulator's ground truth over several simulated days
 * (relist links, sales, deals, fair prices) and prints precision and recall:
 *
 *   npm run signals -- [--listings 60000] [--days 7] [--seed 5] [--searches local/demo-searches.yml] [--json FILE]
 *
 * It runs the whole local pipeline (simulator over HTTP, embedded S3, every handler) in a
 * temporary directory it removes afterwards. docs/gold.md reports its figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalPipeline } from '../local/pipeline.ts';
import { scoreDay, scorePricePaths, totalsOf, type DayScore } from '../local/signal-check.ts';
import { addDays, createMarket, DEFAULT_LISTINGS, startSimulator } from '../simulator/index.ts';

const USAGE = `Usage: npm run signals -- [--listings N] [--days N] [--seed N] [--searches FILE] [--shards N] [--json FILE]

Runs N simulated days through the local pipeline and scores relists, sales and deals against
the simulator's ground truth (defaults: ${DEFAULT_LISTINGS} listings, 7 days, seed 5, local/demo-searches.yml, 4 shards).`;

function fail(message: string): never {
  console.error(`signals: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      listings: { type: 'string', default: String(DEFAULT_LISTINGS) },
      days: { type: 'string', default: '7' },
      seed: { type: 'string', default: '5' },
      shards: { type: 'string', default: '4' },
      searches: { type: 'string', default: 'local/demo-searches.yml' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const positive = (name: string, raw: string) => {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) fail(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
};
const listings = positive('listings', values.listings);
const days = positive('days', values.days);
if (days < 2) fail('--days must be at least 2: the first day is a baseline');
const seed = positive('seed', values.seed);
const shardCount = positive('shards', values.shards);

const startDay = '2026-11-20';
const market = createMarket({ seed, listings, startDay });
const dataDir = await mkdtemp(join(tmpdir(), 'wallapop-signals-'));
const sim = await startSimulator({ market, day: startDay });
const pipeline = await LocalPipeline.start({ dataDir, wallapopBaseUrl: sim.url, wallapopRequestsPerSecond: 0, searchesFile: values.searches, shardCount, logLevel: 'SILENT' });
const scores: DayScore[] = [];
const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(2)} %`);
try {
  for (let index = 0; index < days; index += 1) {
    const day = addDays(startDay, index);
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    if (run.deadLetters.length > 0) fail(`${day}: ${run.deadLetters.length} dead letters, e.g. ${run.deadLetters[0]!.error}`);
    if (index === 0) {
      console.log(`${day}: baseline (${run.report.searches.reduce((sum, search) => sum + (search.silver?.accepted ?? 0), 0)} listings read)`);
      continue;
    }
    const score = await scoreDay(pipeline.lake, market, day, addDays(day, -1));
    scores.push(score);
    const { relists, sold, deals, drops } = score;
    console.log(
      `${day}: relists ${relists.correct}/${relists.linked} right, ${relists.found}/${relists.findable} found; ` +
        `sold ${sold.reported} (${sold.falseSales} not sold, ${sold.falseSalesFromRelists} of them relisted later), ${sold.caught}/${sold.trueSales} sales caught; ` +
        `deals ${deals.listedAtMost70}/${deals.listed} listed at ≤ 0.7× product median, bargains flagged ${deals.bargainsFlagged}/${deals.bargains}; ` +
        `fair price for ${deals.withFairPrice}/${deals.seen} seen, median error ${percent(deals.fairPriceMedianError)}; ` +
        `drops ${drops.correct}/${drops.observed} right, ${drops.found}/${drops.findable} found; "was" prices ${drops.listedCorrect}/${drops.listed} as shown, ${drops.toldBeforeTracking} told a reduction before tracking`,
    );
  }
  const totals = totalsOf(scores);
  console.log(
    `\nOver ${scores.length} days (${listings} listings, seed ${seed}, ${values.searches}):\n` +
      `  relist links: precision ${percent(totals.relistPrecision)}, recall ${percent(totals.relistRecall)}\n` +
      `  sales (sold_listings): precision ${percent(totals.salePrecision)}, recall ${percent(totals.saleRecall)}\n` +
      `  price drops: precision ${percent(totals.dropPrecision)}, recall ${percent(totals.dropRecall)}; listings' own "was" prices as the API shows them: ${percent(totals.listedPreviousPriceAccuracy)}\n` +
      `  deal lists: ${percent(totals.dealPrecision)} at ≤ 0.7× their product's median; every flagged deal: ${percent(totals.flaggedPrecision)}; bargains (≤ 0.6×) flagged: ${percent(totals.bargainRecall)}`,
  );
  const sum = (pick: (score: DayScore) => number) => scores.reduce((total, score) => total + pick(score), 0);
  const bargains = sum((score) => score.deals.bargains);
  console.log('\n  | deal rule | flagged a day | at ≤ 0.7× product median | bargains (≤ 0.6×) found |\n  | --- | --- | --- | --- |');
  for (const [index, threshold] of scores[0]!.deals.thresholds.entries()) {
    const flagged = sum((score) => score.deals.thresholds[index]!.flagged);
    const line = `price ≤ ${threshold.maxPriceToFair} × fair price${threshold.maxPriceToFair === 0.6 ? ' (the default)' : ''}`;
    console.log(`  | ${line} | ${(flagged / scores.length).toFixed(0)} | ${percent(flagged === 0 ? null : sum((score) => score.deals.thresholds[index]!.atMost70) / flagged)} | ${percent(bargains === 0 ? null : sum((score) => score.deals.thresholds[index]!.bargainsFlagged) / bargains)} |`);
  }
  const oldFlagged = sum((score) => score.deals.categoryMedianRule.flagged);
  console.log(`  | price ≤ 0.6 × category median (the first rule) | ${(oldFlagged / scores.length).toFixed(0)} | ${percent(oldFlagged === 0 ? null : sum((score) => score.deals.categoryMedianRule.atMost70) / oldFlagged)} | ${percent(bargains === 0 ? null : sum((score) => score.deals.categoryMedianRule.bargainsFlagged) / bargains)} |`);
  const ratioOf = (part: number, whole: number) => percent(whole === 0 ? null : part / whole);
  console.log(
    `\n  The market-wide deal list (top 50 a day): ${ratioOf(sum((score) => score.deals.overallList.atMost70), sum((score) => score.deals.overallList.listed))} at ≤ 0.7× product median by comparables; ` +
      `${ratioOf(sum((score) => score.deals.categoryMedianRule.top50AtMost70), sum((score) => score.deals.categoryMedianRule.top50))} by the first rule (price / category median).`,
  );
  const paths = await scorePricePaths(pipeline.lake, market, addDays(startDay, days - 1));
  console.log(
    `\n  Listing pages' price paths (${paths.listings} listings, ${paths.relistedSkipped} relisted not scored): points at the true price ${ratioOf(paths.pointsTrue, paths.points)} of ${paths.points}; ` +
      `paths claiming every change true on every covered day ${ratioOf(paths.completeTrue, paths.completeClaims)} of ${paths.completeClaims}; ` +
      `paths wrong somewhere that say they miss changes ${ratioOf(paths.pathsWrongFlagged, paths.pathsWrong)} of ${paths.pathsWrong} (${paths.daysChecked} listing-days checked)`,
  );
  if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify({ listings, days, seed, searches: values.searches, totals, scores, paths }, null, 2)}\n`);
} finally {
  await pipeline.close();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
}
