import test from 'ava';
import { join } from 'node:path';
import { scoreDay, scorePricePaths, totalsOf, type DayScore } from '#local/signal-check.ts';
import { addDays, createMarket } from '#simulator/index.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';

/**
 * Gold's market signals against the simulator's ground truth over several days of the demo's
 * searches: relist links, sales, deals. The targets are the ones docs/gold.md promises; the figures
 * at a larger scale come from `npm run signals` (docs/gold.md, "Measured against the simulator").
 */

const START = '2026-11-20';
const DAYS = 6;

test('relists, sales and deals hold their targets against the simulator’s ground truth over six days', async (t) => {
  const market = createMarket({ seed: 11, listings: 30_000, startDay: START });
  const { pipeline, sim } = await startSimulatedPipeline(t, { market, day: START, searchesFile: join(process.cwd(), 'local/demo-searches.yml') });
  // The seller's "was" price in the form one long-running client reads ({amount, currency}).
  sim.setVariant({ discount: 'object' });

  const scores: DayScore[] = [];
  for (let index = 0; index < DAYS; index += 1) {
    const day = addDays(START, index);
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    t.deepEqual(run.deadLetters, [], day);
    if (index > 0) scores.push(await scoreDay(pipeline.lake, market, day, addDays(day, -1)));
  }
  const totals = totalsOf(scores);
  const sum = (pick: (score: DayScore) => number) => scores.reduce((total, score) => total + pick(score), 0);
  t.log(JSON.stringify(totals));

  t.true(sum((score) => score.relists.findable) >= 50, `enough relists to measure (${sum((score) => score.relists.findable)})`);
  t.true(totals.relistPrecision! >= 0.99, `relist precision ${totals.relistPrecision}`);
  t.true(totals.relistRecall! >= 0.95, `relist recall ${totals.relistRecall}`);

  // Every sale of a listing a complete search could still see is caught, and every listing counted
  // sold that was not is one its seller re-published a day or two later (found then, as relisted).
  t.is(totals.saleRecall, 1);
  t.is(sum((score) => score.sold.falseSales), sum((score) => score.sold.falseSalesFromRelists));
  t.true(totals.salePrecision! >= 0.95, `sale precision ${totals.salePrecision}`);

  t.true(sum((score) => score.deals.listed) >= 200, `enough deals to measure (${sum((score) => score.deals.listed)})`);
  t.true(totals.dealPrecision! >= 0.9, `deal lists at ≤ 0.7× their product's median: ${totals.dealPrecision}`);
  t.true(totals.bargainRecall! >= 0.4, `bargains flagged: ${totals.bargainRecall}`);
  for (const score of scores) t.true(score.deals.withFairPrice >= 0.8 * score.deals.seen, `${score.day}: most seen listings have a fair price`);

  // Every price drop gold reports happened, from and to those prices, and none it could see is missed;
  // the listings' own "was" prices reach gold exactly as the API shows them.
  t.true(sum((score) => score.drops.findable) >= 200, `enough drops to measure (${sum((score) => score.drops.findable)})`);
  t.is(totals.dropPrecision, 1);
  t.is(totals.dropRecall, 1);
  t.true(sum((score) => score.drops.listed) >= 100, `enough listed previous prices (${sum((score) => score.drops.listed)})`);
  t.is(totals.listedPreviousPriceAccuracy, 1);

  // The listing pages' price paths: every point is the true price that day; a path that claims every
  // change is true on every day it covers; a path wrong anywhere says it misses changes.
  const paths = await scorePricePaths(pipeline.lake, market, addDays(START, DAYS - 1));
  t.log(JSON.stringify(paths));
  t.true(paths.listings >= 200 && paths.points > paths.listings, `enough paths to measure (${JSON.stringify(paths)})`);
  t.is(paths.pointsTrue, paths.points);
  t.is(paths.completeTrue, paths.completeClaims);
  t.is(paths.pathsWrongFlagged, paths.pathsWrong);
});
