/**
 * The dashboard as the demo makes it, end to end: the pipeline runs days on the simulator, the
 * dashboard is built from its lake with the simulator's photos copied in, and Chromium opens it.
 * A deal's row opens the listing's page, whose price chart is gold's path for that listing; the
 * photos render from the site itself.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { DashboardDay } from '#shared/gold/dashboard.ts';
import type { ListingHistories } from '#shared/gold/histories.ts';
import { goldKeys } from '#shared/lake/keys.ts';
import { addDays } from '#shared/lake/days.ts';
import { getJson } from '#shared/lake/lake.ts';
import { createMarket } from '#simulator/index.ts';
import { buildDashboard } from '../../scripts/dashboard-build.ts';
import { startDashboardServer } from '../../scripts/dashboard-serve.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';

const START = '2026-11-20';
const DAYS = 4;

test('from a simulated run: a deal opens its listing page with gold\'s price path, photos from the site', async (t) => {
  const market = createMarket({ seed: 5, listings: 12_000, startDay: START });
  const { pipeline, sim, dataDir } = await startSimulatedPipeline(t, { market, day: START, searchesFile: join(process.cwd(), 'local/demo-searches.yml') });
  for (let index = 0; index < DAYS; index += 1) {
    const day = addDays(START, index);
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    t.deepEqual(run.deadLetters, [], day);
  }
  const lastDay = addDays(START, DAYS - 1);
  const latest = (await getJson<DashboardDay>(pipeline.lake, goldKeys.dashboardLatest))!;
  const histories = (await getJson<ListingHistories>(pipeline.lake, goldKeys.dashboardHistories))!;
  t.is(latest.day, lastDay);
  t.is(histories.day, lastDay);

  const out = await mkdtemp(join(tmpdir(), 'dashboard-demo-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const lines: string[] = [];
  await buildDashboard({ from: dataDir, outDir: join(out, 'dist'), photos: 'copy', imageOrigin: sim.url, photoCache: join(out, 'photos'), log: (line) => lines.push(line) });
  t.true(lines.some((line) => /\d photos \(\d/.test(line) && !line.includes('could not be fetched')), lines.join('\n'));
  const server = await startDashboardServer({ dir: join(out, 'dist'), port: 0 });
  t.teardown(() => server.close());
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const offsite: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).hostname !== '127.0.0.1') offsite.push(request.url());
  });

  // The deal with the longest known path, so the chart has steps to check.
  const deals = latest.lists.overall.deals.map((entry) => entry.listingId);
  t.true(deals.length > 0, 'the market-wide deal list has rows');
  const deal = [...deals].sort((a, b) => (histories.listings[b]?.prices.length ?? 0) - (histories.listings[a]?.prices.length ?? 0))[0]!;
  await page.goto(`${server.url}listings/`);
  await page.locator(`#deals tr[data-listing-id="${deal}"] a.listing__title`).click();
  t.is(new URL(page.url()).pathname, `/listings/${deal}/`);
  t.is(await page.locator('figure.chart svg[role="img"]').count(), 1);
  const euro = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });
  t.deepEqual(await page.locator('figure.chart table tbody tr td').allTextContents(), histories.listings[deal]!.prices.map(([, price]) => euro.format(price)));
  // Its page's first price is the simulator's price of the listing on the day gold first saw it.
  const [firstDay, firstPrice] = histories.listings[deal]!.prices[0]!;
  t.is(market.day(firstDay).item(deal)?.price.amount, firstPrice);

  // Photos render, from the site itself.
  const photo = page.locator('img.thumb').first();
  t.regex((await photo.getAttribute('src')) ?? '', /^\/img\/[0-9a-f]{24}\.png$/);
  await page.waitForFunction((element) => (element as unknown as { complete: boolean; naturalWidth: number }).complete && (element as unknown as { naturalWidth: number }).naturalWidth > 0, await photo.elementHandle());
  t.deepEqual(offsite, []);
});
