import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataQuality } from '#shared/gold/dashboard.ts';
import { goldKeys, keys } from '#shared/lake/keys.ts';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { getJson } from '#shared/lake/lake.ts';
import { runWatchdog, driftNotice } from '#shared/watchdog/stage.ts';
import { reportDay } from '#local/lake-report.ts';
import { formatDayRun } from '#local/summary.ts';
import { createMarket } from '#simulator/index.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';

/**
 * The live API as it may really answer, end to end through the local pipeline: a search answered
 * only by /search/section in the captured shape, and an API that silently ignores a filter.
 */

const DAYS = ['2026-11-24', '2026-11-25'] as const;
const SEARCHES = `searches:
  - slug: tech-madrid
    categoryId: 24200
    latitude: 40.4168
    longitude: -3.7038
    distanceKm: 60
    maxPrice: 400
    maxPages: 200
`;

async function pipelineWith(t: ExecutionContext) {
  const market = createMarket({ seed: 11, listings: 6_000, startDay: DAYS[0] });
  const configDir = await mkdtemp(join(tmpdir(), 'wallapop-drift-'));
  t.teardown(() => rm(configDir, { recursive: true, force: true }));
  const searchesFile = join(configDir, 'searches.yml');
  await writeFile(searchesFile, SEARCHES);
  return startSimulatedPipeline(t, { market, day: DAYS[0], searchesFile });
}

const groundTruth = async (simUrl: string, day: string) => {
  const params = new URLSearchParams({ latitude: '40.4168', longitude: '-3.7038', distance_in_km: '60', category_id: '24200', max_sale_price: '400', order_by: 'newest', time_filter: 'lastMonth', day });
  return ((await (await fetch(`${simUrl}/__sim/ground-truth?${params}`)).json()) as { ids: string[] }).ids;
};

// One local pipeline per process at a time: it points the handlers at its lake through process.env.
for (const [shape, tokenAt] of [['items+meta', 'meta.next_page'], ['items+section', 'data.section.next_page']] as const) {
  test.serial(`a search answered only by /search/section (${shape}) is paged to its end`, async (t) => {
    const { pipeline, sim } = await pipelineWith(t);
    sim.setSearchEndpoint('bad-request');
    sim.setVariant({ sectionShape: shape });
    await pipeline.runDay(DAYS[0]);
    const bronze = (await getJson<BronzeManifest>(pipeline.lake, keys.bronzeManifest(DAYS[0], 'tech-madrid')))!;
    t.is(bronze.outcome, 'complete');
    t.true(bronze.pageCount > 3, `${bronze.pageCount} pages, not one`);
    t.true(bronze.pages.every((page) => page.endpoint === 'section'));
    t.deepEqual(bronze.drift?.checks.shapes, [`data.section.items + ${tokenAt}`, 'data.section.items + no token']);
    t.is(bronze.itemCount, (await groundTruth(sim.url, DAYS[0])).length, 'every listing the search matches, not the first page');
  });
}

test.serial('similar listings after the results (a captured vector_search_results page) are kept as evidence, not read as results', async (t) => {
  const { pipeline, sim } = await pipelineWith(t);
  sim.setVariant({ similarAfterResults: true });
  await pipeline.runDay(DAYS[0]);
  const bronze = (await getJson<BronzeManifest>(pipeline.lake, keys.bronzeManifest(DAYS[0], 'tech-madrid')))!;
  t.is(bronze.outcome, 'complete');
  t.is(bronze.otherSections?.length, 1);
  t.like(bronze.otherSections![0], { page: bronze.pageCount + 1, sectionType: 'vector_search_results' });
  t.true(await pipeline.lake.exists(bronze.otherSections![0]!.key), 'the page is in bronze');
  t.is(bronze.itemCount, (await groundTruth(sim.url, DAYS[0])).length, 'only the results were counted');
  const status = await reportDay(pipeline.lake, DAYS[0]);
  t.is(status.searches[0]!.silver?.accepted, bronze.itemCount, 'silver read the results only');
});

test.serial('an API that ignores the category filter: the search is filter-ignored, nothing is marked vanished, and every report says so', async (t) => {
  const { pipeline, sim } = await pipelineWith(t);
  await pipeline.runDay(DAYS[0]);
  const firstDay = (await getJson<BronzeManifest>(pipeline.lake, keys.bronzeManifest(DAYS[0], 'tech-madrid')))!;
  t.is(firstDay.outcome, 'complete', 'the API honours the filter on day 1');
  t.deepEqual(firstDay.drift?.symptoms, []);

  sim.setDay(DAYS[1]);
  sim.setVariant({ ignore: ['category'] });
  const run = await pipeline.runDay(DAYS[1]);
  const bronze = (await getJson<BronzeManifest>(pipeline.lake, keys.bronzeManifest(DAYS[1], 'tech-madrid')))!;
  t.is(bronze.outcome, 'filter-ignored');
  t.is(bronze.drift?.symptoms.length, 1);
  t.regex(bronze.drift!.symptoms[0]!.message, /^the category filter \(24200\) was ignored: \d+ of \d+ items checked \(\d+ %\) are outside it, e\.g\. \w+ in category [\d/]+$/);
  t.true(bronze.pageCount <= 2, `stopped as soon as it was clear (${bronze.pageCount} pages), not paging through the whole market`);

  const quality = (await getJson<DataQuality>(pipeline.lake, goldKeys.quality(DAYS[1])))!;
  const search = quality.searches.find((entry) => entry.searchSlug === 'tech-madrid')!;
  t.false(search.marksVanished);
  t.deepEqual(search.flags.filter((flag) => flag === 'filter-ignored'), ['filter-ignored']);
  t.regex(quality.alerts.find((alert) => alert.flag === 'filter-ignored')!.message, /the category filter \(24200\) was ignored.*nothing was marked vanished/);
  const dashboardDay = (await getJson<{ overall: { vanishedListings: number; soldListings: number } }>(pipeline.lake, goldKeys.dashboardDay(DAYS[1])))!;
  t.is(dashboardDay.overall.vanishedListings, 0, 'zero listings marked vanished');
  t.is(dashboardDay.overall.soldListings, 0);

  const status = await reportDay(pipeline.lake, DAYS[1]);
  t.deepEqual(status.problems.length, 1);
  t.regex(status.problems[0]!, /^tech-madrid: extraction filter-ignored: the category filter \(24200\) was ignored: .*; nothing was marked vanished from it \(run `wallapop doctor`\)$/);
  t.regex(formatDayRun(run), /tech-madrid\s+filter-ignored/);

  const check = await runWatchdog(pipeline.lake, DAYS[1]);
  t.true(check.finished);
  const notice = driftNotice(check)!;
  t.is(notice.subject, 'Wallapop API drift on 2026-11-25: 1 search not as requested');
  t.true(/^[\x20-\x7e]{1,100}$/.test(notice.subject), 'an SNS subject: ASCII, at most 100 characters');
  t.regex(notice.text, /- tech-madrid: extraction filter-ignored: the category filter \(24200\) was ignored/);
  t.is(driftNotice(await runWatchdog(pipeline.lake, DAYS[0])), null, 'nothing to announce on a day that honoured the request');
});
