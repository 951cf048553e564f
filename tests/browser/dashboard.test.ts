/**
 * The dashboard in a real browser (Debian chromium driven by playwright-core), built from the
 * fixture gold and served by scripts/dashboard-serve.ts with the production CSP: every page opens,
 * KPI figures match the fixture, charts are labelled SVG, hostile titles read literally and never
 * run, nothing is requested from anywhere but 127.0.0.1, the CSP reports nothing, the Alerts view
 * shows the fixture's counts, and the site works with JavaScript disabled. Screenshots of the main
 * views go to test-artifacts/screenshots/.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AlertsWindow } from '#shared/alerts/alert.ts';
import type { DashboardDay, DashboardSeries } from '#shared/gold/dashboard.ts';
import type { ListingHistories } from '#shared/gold/histories.ts';
import { CONTENT_SECURITY_POLICY } from '../../dashboard/src/data/csp.ts';
import { createMarket, startSimulator } from '#simulator/index.ts';
import { buildDashboard } from '../../scripts/dashboard-build.ts';
import { startDashboardServer, type DashboardServer } from '../../scripts/dashboard-serve.ts';
import { HOSTILE, RETIRED_SEARCH } from '../../fixtures/gold-dashboard/generate.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'gold-dashboard');
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A screenshot is for people to look at, so it keeps the page's top 8,000 px: the phone's search
// page is ~15,000 px, and a capture that large is what Chromium failed once in CI under load
// ("Unable to capture screenshot", a compositor that produced no frame). It gets one more try
// before the test fails.
const SCREENSHOT_MAX_HEIGHT = 8_000;

async function screenshotTop(page: Page, path: string): Promise<void> {
  const { width, height } = await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; scrollHeight: number } } }).document.documentElement;
    return { width: root.scrollWidth, height: root.scrollHeight };
  });
  const options = { path, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, SCREENSHOT_MAX_HEIGHT) } };
  try {
    await page.screenshot(options);
  } catch (error) {
    if (!String(error).includes('Unable to capture screenshot')) throw error;
    await page.waitForTimeout(500);
    await page.screenshot(options);
  }
}

interface Fixture {
  latest: DashboardDay;
  series: DashboardSeries;
  alerts: AlertsWindow;
}

let work: string;
let server: DashboardServer;
let simulator: Awaited<ReturnType<typeof startSimulator>>;
let browser: Browser;
let fixture: Fixture;
let pages: string[];

/** What a page did that it must not: dialogs, requests off 127.0.0.1, CSP reports, script errors. */
interface Watch {
  dialogs: string[];
  requests: string[];
  offsite: string[];
  problems: string[];
}

function watch(context: BrowserContext): Watch {
  const seen: Watch = { dialogs: [], requests: [], offsite: [], problems: [] };
  context.on('request', (request) => {
    seen.requests.push(request.url());
    if (new URL(request.url()).hostname !== '127.0.0.1') seen.offsite.push(request.url());
  });
  context.on('page', (page) => observe(page, seen));
  return seen;
}

function observe(page: Page, seen: Watch): void {
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) seen.problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.problems.push(`${page.url()}: ${error.message}`));
}

/** Every <img> of the page is the site's own copy of a photo, and it rendered. */
async function assertPhotos(t: ExecutionContext, page: Page, atLeast = 5): Promise<void> {
  const images = await page.locator('img').evaluateAll((nodes) =>
    nodes.map((node) => {
      const image = node as unknown as { getAttribute(name: string): string | null; naturalWidth: number; complete: boolean; scrollIntoView(): void };
      return { src: image.getAttribute('src'), className: image.getAttribute('class') };
    }),
  );
  t.true(images.length >= atLeast, `photos are shown (${images.length})`);
  for (const image of images) {
    t.regex(image.src ?? '', /^\/img\/[0-9a-f]{24}\.png$/, 'a photo from the site itself, never a listing title turned into markup');
    t.is(image.className?.split(' ')[0], 'thumb');
  }
  // Lazy images load once in view.
  const first = page.locator('img.thumb').first();
  await first.scrollIntoViewIfNeeded();
  await page.waitForFunction((element) => (element as unknown as { complete: boolean; naturalWidth: number }).complete && (element as unknown as { naturalWidth: number }).naturalWidth > 0, await first.elementHandle());
  t.pass();
}

const euro = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });
const integer = new Intl.NumberFormat('es-ES', { maximumFractionDigits: 0 });
const signedInteger = new Intl.NumberFormat('es-ES', { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
const signedEuro = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR', signDisplay: 'exceptZero' });

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'dashboard-browser-'));
  const out = join(work, 'dist');
  // Photos copied from the simulator, which serves Wallapop's image paths offline.
  simulator = await startSimulator({ market: createMarket({ seed: 3, listings: 500, startDay: '2026-11-24' }) });
  await buildDashboard({ from: FIXTURE, outDir: out, photos: 'copy', imageOrigin: simulator.url, photoCache: join(work, 'photos'), log: () => {} });
  pages = (await readdir(out, { recursive: true }))
    .filter((file) => file.endsWith('index.html'))
    .map((file) => file.replace(/index\.html$/, ''))
    .sort();
  fixture = {
    latest: JSON.parse(await readFile(join(FIXTURE, 'latest.json'), 'utf8')),
    series: JSON.parse(await readFile(join(FIXTURE, 'series.json'), 'utf8')),
    alerts: JSON.parse(await readFile(join(FIXTURE, 'alerts.json'), 'utf8')),
  };
  server = await startDashboardServer({ dir: out, port: 0 });
  const xdg = join(work, 'xdg');
  await mkdir(xdg, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_CACHE_HOME: xdg, HOME: xdg },
  });
  await mkdir(SCREENSHOTS, { recursive: true });
});

test.after.always(async () => {
  await browser?.close();
  await server?.close();
  await simulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test.serial('every page opens under the CSP: navigation, headings, labelled charts; no dialog, no request off 127.0.0.1', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const seen = watch(context);
  const page = await context.newPage();
  t.true(pages.length > 40, `only ${pages.length} pages`);
  for (const path of pages) {
    const response = await page.goto(server.url + path);
    t.is(response?.status(), 200, path);
    if (path === '') t.is(response?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
    t.is(await page.locator('h1').count(), 1, `${path}: one h1`);
    t.is(await page.locator('nav[aria-label="Secciones"] a').count(), 7, `${path}: the navigation`);
    const charts = page.locator('figure.chart svg[role="img"]');
    for (const svg of await charts.all()) {
      const label = (await svg.getAttribute('aria-label')) ?? '';
      t.true(label.length > 20, `${path}: a chart without a text alternative`);
    }
    const expectsCharts = path === '' || /^(categories|locations|searches)\/[^/]+\/$/.test(path) || path === 'locations/' || path === 'quality/';
    if (expectsCharts && !path.startsWith('categories/sort/')) t.true((await charts.count()) > 0, `${path}: no chart`);
    // One script, the site's own table enhancer, from a file (the CSP forbids inline script).
    const scripts = await page.locator('script').evaluateAll((nodes) => nodes.map((node) => ({ src: node.getAttribute('src'), text: node.textContent })));
    t.true(scripts.every((script) => script.src?.startsWith('/_astro/') && script.text === ''), `${path}: ${JSON.stringify(scripts)}`);
    t.is(await page.locator('table:not(:has(caption))').count(), 0, `${path}: a table without caption`);
  }
  // The navigation is plain links: it works by clicking too.
  await page.goto(server.url);
  await page.getByRole('link', { name: 'Calidad de datos' }).first().click();
  t.is(new URL(page.url()).pathname, '/quality/');
  t.deepEqual(seen.dialogs, []);
  t.deepEqual(seen.offsite, []);
  t.deepEqual(seen.problems, []);
  t.true(seen.requests.some((url) => url.endsWith('.css')), 'the stylesheet loaded');

  const missing = await page.goto(`${server.url}no/such/page/`);
  t.is(missing?.status(), 404);
  t.is(await page.locator('h1').textContent(), 'Página no encontrada');
  await context.close();
});

test.serial('the overview\'s KPI cards show the fixture\'s figures and their changes', async (t) => {
  const page = await browser.newPage();
  await page.goto(server.url);
  const { latest, series } = fixture;
  const previous = series.days.indexOf(latest.previousDay!);
  const week = series.days.length - 8;
  const cards: Array<{ key: 'activeListings' | 'newListings' | 'soldListings' | 'priceP50' | 'soldPriceP50' | 'priceDropCount'; euro: boolean }> = [
    { key: 'activeListings', euro: false },
    { key: 'newListings', euro: false },
    { key: 'soldListings', euro: false },
    { key: 'priceP50', euro: true },
    { key: 'soldPriceP50', euro: true },
    { key: 'priceDropCount', euro: false },
  ];
  for (const { key, euro: isEuro } of cards) {
    const value = latest.overall[key]!;
    const card = page.locator(`[data-kpi="${key}"]`);
    t.is((await card.locator('.kpi__value').textContent())?.trim(), isEuro ? euro.format(value) : integer.format(value), key);
    const byDay = Math.round((value - series.overall[key][previous]!) * 100) / 100;
    const byWeek = Math.round((value - series.overall[key][week]!) * 100) / 100;
    const change = (abs: number) => (isEuro ? signedEuro.format(abs) : signedInteger.format(abs));
    t.true((await card.locator('[data-change="previous"]').textContent())!.includes(change(byDay)), `${key} vs the previous day`);
    t.true((await card.locator('[data-change="week"]').textContent())!.includes(change(byWeek)), `${key} vs 7 days ago`);
  }
  // A category page's cards are the category's own figures.
  const top = latest.categories[0]!;
  await page.goto(`${server.url}categories/${top.categoryId}/`);
  t.is((await page.locator('h1').textContent())?.trim(), top.categoryName!);
  t.is((await page.locator('[data-kpi="activeListings"] .kpi__value').textContent())?.trim(), integer.format(top.activeListings));
  t.is((await page.locator('[data-kpi="priceP50"] .kpi__value').textContent())?.trim(), euro.format(top.priceP50!));
  await screenshotTop(page, join(SCREENSHOTS, 'category-desktop.png'));
  await page.close();
});

test.serial('hostile titles and names read literally and never run; off-site links are dropped', async (t) => {
  const context = await browser.newContext();
  const seen = watch(context);
  const page = await context.newPage();
  await page.goto(`${server.url}listings/`);
  const img = page.getByText(HOSTILE.imgTitle, { exact: true });
  t.true((await img.count()) >= 1);
  await t.notThrowsAsync(img.first().waitFor({ state: 'visible' }));
  t.true((await page.getByText(HOSTILE.scriptTitle, { exact: true }).count()) >= 1);
  await assertPhotos(t, page);
  t.is(await page.locator('a[href^="javascript:"]').count(), 0);
  const links = await page.locator('a.listing__title').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));
  t.true(links.length > 0);
  for (const link of links) t.true(link.startsWith(`${server.url}listings/`) || link.startsWith('https://es.wallapop.com/'), link);
  const external = await page.locator('a.listing__external').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));
  t.true(external.length > 0);
  for (const link of external) t.true(link.startsWith('https://es.wallapop.com/'), link);
  t.true((await page.getByText('(sin título)').count()) >= 1, 'a listing without title');

  await page.goto(`${server.url}categories/`);
  t.true((await page.getByRole('link', { name: HOSTILE.categoryName, exact: true }).count()) === 1);
  await page.goto(server.url);
  const chartText = page.locator('figure.chart svg text', { hasText: '<img src=x' });
  t.true((await chartText.count()) >= 1, 'the hostile category name is in the top-categories chart, as text');
  t.deepEqual(seen.dialogs, []);
  t.deepEqual(seen.offsite, []);
  t.deepEqual(seen.problems, []);
  await context.close();
});

test.serial('the Alerts view: the fixture\'s counts, hostile titles read literally, links to the listings, day pages', async (t) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const seen = watch(context);
  const page = await context.newPage();
  const { alerts } = fixture;
  const newest = alerts.alerts.filter((alert) => alert.day === alerts.day);
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Alertas' }).click();
  t.is(new URL(page.url()).pathname, '/alerts/');
  t.is(await page.locator('nav[aria-label="Secciones"] a[aria-current="page"]').textContent().then((text) => text?.trim()), 'Alertas');
  t.is((await page.locator('h1').textContent())?.trim(), 'Alertas');

  // The cards and tables show the fixture's counts.
  t.is((await page.locator('[data-kpi="alertsNewest"] .kpi__value').textContent())?.trim(), integer.format(alerts.days[0]!.count));
  t.is((await page.locator('[data-kpi="alertsWindow"] .kpi__value').textContent())?.trim(), integer.format(alerts.alerts.length));
  t.is((await page.locator('[data-kpi="alertsDays"] .kpi__value').textContent())?.trim(), integer.format(alerts.days.length));
  const today = page.locator('#hoy table');
  t.is(await today.locator('tbody tr').count(), newest.length);
  t.deepEqual(await today.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-alert-id'))), newest.map((alert) => alert.alertId));
  const dayRows = page.locator('#por-dia tbody tr');
  t.is(await dayRows.count(), alerts.days.length);
  for (const [i, day] of alerts.days.entries()) {
    t.is(await dayRows.nth(i).getAttribute('data-day'), day.day);
    t.is((await dayRows.nth(i).locator('td').first().textContent())?.trim(), integer.format(day.count), day.day);
  }
  t.is((await page.locator('#por-dia tfoot td').first().textContent())?.trim(), integer.format(alerts.alerts.length));
  const perRule = await page.locator('#por-regla tbody tr td:last-child').allTextContents();
  t.is(perRule.reduce((sum, text) => sum + Number(text.trim().replace(/\./g, '')), 0), alerts.alerts.length);
  t.true((await page.getByText('10 nov 2026').count()) >= 1, 'the day without an evaluation is named');

  // Hostile titles are text; listing links go to es.wallapop.com only.
  const img = today.getByText(HOSTILE.imgTitle, { exact: true });
  t.is(await img.count(), 1);
  await t.notThrowsAsync(img.waitFor({ state: 'visible' }));
  t.is(await img.evaluate((element) => element.tagName), 'A', 'the hostile title links to its listing');
  t.is(await today.getByText(HOSTILE.scriptTitle, { exact: true }).count(), 1);
  await assertPhotos(t, page, newest.filter((alert) => alert.imageUrl !== null).length);
  // Each alert's title opens its listing's page; a second link goes to Wallapop when the URL is Wallapop's.
  const links = await page.locator('a.listing__title').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));
  t.deepEqual(links, newest.map((alert) => `${server.url}listings/${alert.listingId}/`));
  const external = await page.locator('a.listing__external').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));
  t.is(external.length, newest.filter((alert) => alert.listingUrl?.startsWith('https://es.wallapop.com/')).length);
  for (const link of external) t.true(link.startsWith('https://es.wallapop.com/'), link);
  t.is(await page.locator('a[href*="evil.example"]').count(), 0);
  t.true((await page.getByText('(sin título)').count()) >= 1);
  t.is(await page.getByRole('link', { name: RETIRED_SEARCH }).count(), 0, 'a retired search has no page to link to');
  t.true((await page.getByText(RETIRED_SEARCH, { exact: true }).count()) >= 1);
  await screenshotTop(page, join(SCREENSHOTS, 'alerts-today-desktop.png'));

  // An earlier day: its page lists exactly its alerts.
  const older = alerts.days.slice(1).find((day) => day.count >= 3)!;
  await page.locator(`#por-dia tr[data-day="${older.day}"] a`).click();
  t.is(new URL(page.url()).pathname, `/alerts/${older.day}/`);
  t.is(await page.locator('table tbody tr').count(), older.count);
  t.deepEqual(
    await page.locator('table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-alert-id'))),
    alerts.alerts.filter((alert) => alert.day === older.day).map((alert) => alert.alertId),
  );
  await screenshotTop(page, join(SCREENSHOTS, 'alerts-day-desktop.png'));
  t.deepEqual(seen.dialogs, []);
  t.deepEqual(seen.offsite, []);
  t.deepEqual(seen.problems, []);
  await context.close();
});

test.serial('with JavaScript disabled the content is all there, and sorting works by links', async (t) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const seen = watch(context);
  const page = await context.newPage();
  await page.goto(server.url);
  t.is((await page.locator('[data-kpi="activeListings"] .kpi__value').textContent())?.trim(), integer.format(fixture.latest.overall.activeListings));
  t.true((await page.locator('figure.chart svg[role="img"]').count()) >= 4);

  await page.goto(`${server.url}categories/`);
  await page.getByRole('link', { name: /^Mediana/ }).click();
  t.is(new URL(page.url()).pathname, '/categories/sort/median-desc/');
  t.is(await page.locator('th[aria-sort="descending"]').count(), 1);
  const best = Math.max(...fixture.latest.categories.map((row) => row.priceP50 ?? 0));
  t.is((await page.locator('.category-table tbody tr').first().locator('td').nth(3).textContent())?.trim(), euro.format(best));
  await page.getByRole('link', { name: /^Mediana/ }).click();
  t.is(new URL(page.url()).pathname, '/categories/sort/median-asc/');
  t.deepEqual(seen.offsite, []);
  t.deepEqual(seen.problems, []);
  await context.close();
});

test.serial('a deal\'s row opens its listing page: price chart, its path as data, status and links', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const seen = watch(context);
  const page = await context.newPage();
  const histories = JSON.parse(await readFile(join(FIXTURE, 'histories.json'), 'utf8')) as ListingHistories;
  const deal = fixture.latest.lists.overall.deals[0]!;
  const card = fixture.latest.listings[deal.listingId]!;
  await page.goto(`${server.url}listings/`);
  await page.locator(`#deals tr[data-listing-id="${deal.listingId}"] a.listing__title`).click();
  t.is(new URL(page.url()).pathname, `/listings/${deal.listingId}/`);
  t.is((await page.locator('h1').textContent())?.trim(), card.title ?? '(sin título)');
  const chart = page.locator('figure.chart svg[role="img"]');
  t.is(await chart.count(), 1);
  t.true(((await chart.getAttribute('aria-label')) ?? '').startsWith('Precio pedido de'));
  const path = histories.listings[deal.listingId]!.prices;
  t.deepEqual(
    await page.locator('figure.chart table tbody tr td').allTextContents(),
    path.map(([, price]) => euro.format(price)),
    'the chart\'s data table is the listing\'s price path',
  );
  t.is(await page.locator('figure.chart svg circle').count(), path.length, 'a dot per known price');
  t.is(await page.locator('a.listing__external').getAttribute('href'), card.listingUrl);
  t.deepEqual(seen.offsite, []);
  t.deepEqual(seen.problems, []);

  // A listing with a change gold did not see says so instead of drawing a path that looks complete.
  const [unseenId] = Object.entries(histories.listings).find(([, history]) => history.priceChanges > history.prices.length - 1)!;
  await page.goto(`${server.url}listings/${unseenId}/`);
  t.regex((await page.locator('.chart__summary').textContent()) ?? '', /mientras no estaba en las listas/);
  await screenshotTop(page, join(SCREENSHOTS, 'listing-desktop.png'));
  await context.close();
});

test.serial('the overview\'s morning view: the day\'s best deals, biggest drops and alerts, each one tap from its listing page', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const seen = watch(context);
  const page = await context.newPage();
  await page.goto(server.url);
  const { overall } = fixture.latest.lists;
  const ids = async (column: string) => page.locator(`[data-morning="${column}"] a.listing__title`).evaluateAll((links) => links.map((link) => link.getAttribute('href')));
  t.deepEqual(await ids('hoy-chollos'), overall.deals.slice(0, 5).map((entry) => `/listings/${entry.listingId}/`));
  t.deepEqual(await ids('hoy-bajadas'), overall.priceDrops.slice(0, 5).map((entry) => `/listings/${entry.listingId}/`));
  const todays = fixture.alerts.alerts.filter((alert) => alert.day === fixture.alerts.day).slice(0, 5);
  t.deepEqual(await ids('hoy-alertas'), todays.map((alert) => `/listings/${alert.listingId}/`));
  t.true((await page.locator('[data-morning] img.thumb').count()) > 0, 'with photos');
  await page.locator('[data-morning="hoy-bajadas"] a.listing__title').first().click();
  t.is(new URL(page.url()).pathname, `/listings/${overall.priceDrops[0]!.listingId}/`);
  t.is(await page.locator('figure.chart svg[role="img"]').count(), 1);
  t.true(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth <= 390), 'a listing page fits a phone');
  t.deepEqual(seen.problems, []);
  t.deepEqual(seen.offsite, []);
  await context.close();
});

test.serial('tables sort by a header click (aria-sort), filter by text, facet and price, keep the view in the URL, and download the rows shown', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const seen = watch(context);
  const page = await context.newPage();
  await page.goto(`${server.url}listings/`);
  const deals = page.locator('#deals table');
  const prices = async () => (await deals.locator('tbody tr:not([hidden]) td[data-label="Precio"]').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-sort')))));
  const header = deals.locator('thead th', { hasText: 'Precio' }).first();
  await header.locator('button').click();
  t.is(await header.getAttribute('aria-sort'), 'descending');
  const descending = await prices();
  t.deepEqual(descending, [...descending].sort((a, b) => b - a));
  await header.locator('button').click();
  t.is(await header.getAttribute('aria-sort'), 'ascending');
  const ascending = await prices();
  t.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
  t.is(await deals.locator('thead th[aria-sort]').count(), 1, 'one sorted column');

  // A text filter narrows the rows to those that contain it.
  const rows = fixture.latest.lists.overall.deals.map((entry) => fixture.latest.listings[entry.listingId]!);
  const word = rows[0]!.title!.split(' ').find((part) => part.length > 3)!;
  const matching = rows.filter((card) => (card.title ?? '').toLowerCase().includes(word.toLowerCase()) || (card.categoryName ?? '').toLowerCase().includes(word.toLowerCase()) || (card.city ?? '').toLowerCase().includes(word.toLowerCase()));
  const tools = page.locator('.table-tools').first();
  await tools.getByLabel('Buscar', { exact: true }).fill(word);
  t.is(await deals.locator('tbody tr:not([hidden])').count(), matching.length);
  t.true(matching.length < rows.length, `"${word}" narrows the deals`);
  t.regex(page.url(), new RegExp(`deals\\.q=${encodeURIComponent(word)}`));
  t.regex(page.url(), /deals\.orden=\d+-asc/);

  // The view survives a reload through the URL.
  await page.reload();
  t.is(await deals.locator('tbody tr:not([hidden])').count(), matching.length);
  t.is(await page.locator('.table-tools').first().getByLabel('Buscar', { exact: true }).inputValue(), word);
  t.is(await deals.locator('thead th', { hasText: 'Precio' }).first().getAttribute('aria-sort'), 'ascending');

  // The CSV link now downloads the rows shown, in the order shown.
  const [download] = await Promise.all([page.waitForEvent('download'), deals.locator('xpath=..').locator('.table-csv a').click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  t.is(lines.length, 1 + matching.length, csv);
  t.regex(lines[0]!, /Anuncio;Precio;/);

  // A facet (the city) and a price range narrow too; clearing shows every row again.
  await page.locator('.table-tools').first().getByRole('button', { name: 'Quitar filtros' }).click();
  t.is(await deals.locator('tbody tr:not([hidden])').count(), rows.length);
  const city = rows.find((card) => card.city !== null)!.city!;
  await page.locator('.table-tools').first().getByLabel('Ciudad', { exact: true }).selectOption(city);
  t.is(await deals.locator('tbody tr:not([hidden])').count(), rows.filter((card) => card.city === city).length);
  await page.locator('.table-tools').first().getByRole('button', { name: 'Quitar filtros' }).click();
  const cheap = Math.min(...rows.map((card) => card.price)) + 1;
  await page.locator('.table-tools').first().getByLabel('Precio hasta', { exact: true }).fill(String(cheap));
  t.is(await deals.locator('tbody tr:not([hidden])').count(), rows.filter((card) => card.price <= cheap).length);
  t.deepEqual(seen.problems, []);
  t.deepEqual(seen.offsite, []);
  await context.close();
});

test.serial('the English site: its table script speaks English and sorts English numbers (1,234)', async (t) => {
  const out = join(work, 'dist-en');
  await buildDashboard({ from: FIXTURE, outDir: out, lang: 'en', photos: 'off', log: () => {} });
  const english = await startDashboardServer({ dir: out, port: 0 });
  t.teardown(() => english.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const seen = watch(context);
  const page = await context.newPage();
  await page.goto(`${english.url}history/`);
  t.is(await page.locator('html').getAttribute('lang'), 'en');
  const table = page.locator('table').first();
  // "New": the first day (a baseline) counts every listing as new, thousands; the others, hundreds.
  const header = table.locator('thead th', { hasText: /^New/ }).first();
  const column = (await table.locator('thead th').allTextContents()).findIndex((text) => text.trim().startsWith('New')) + 1;
  await header.locator('button').click();
  t.is(await header.getAttribute('aria-sort'), 'descending');
  const shown = (await table.locator(`tbody tr:not([hidden]) td:nth-child(${column})`).allTextContents()).map((text) => text.trim()).filter((text) => text !== '—');
  const values = shown.map((text) => Number(text.replace(/,/g, '')));
  t.true(values.some((value) => value >= 1000) && values.some((value) => value < 1000), `numbers with and without a thousands comma (${shown.slice(0, 3).join(' | ')})`);
  t.deepEqual(values, [...values].sort((a, b) => b - a), 'sorted by value, not by the digits after the comma');
  t.is((await page.locator('.table-csv a').first().textContent())?.trim(), 'Download CSV (in this order)');
  await page.goto(`${english.url}listings/`);
  t.true((await page.getByLabel('Search', { exact: true }).count()) >= 1, 'the filter says Search');
  t.deepEqual(seen.problems, []);
  await context.close();
});

test.serial('on a phone a long list shows ten rows and a link to the rest, without JavaScript', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}alerts/`);
  const rows = page.locator('#hoy tbody tr');
  const total = await rows.count();
  t.true(total > 10, `${total} alerts today`);
  const visible = async () => (await rows.evaluateAll((nodes) => nodes.filter((node) => (node as unknown as { offsetHeight: number }).offsetHeight > 0).length));
  t.is(await visible(), 10);
  await page.locator('#hoy .show-all a').click();
  t.is(await visible(), total);
  await context.close();
});

test.serial('no page is wider than a 390 px phone, with the table tools in place', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const wide: string[] = [];
  for (const path of pages) {
    await page.goto(server.url + path);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    if (overflow > 0) wide.push(`${path} (${overflow}px)`);
  }
  t.deepEqual(wide, [], 'pages that scroll sideways on a phone');
  t.true(pages.length > 200, `${pages.length} pages checked`);
  await context.close();
});

test.serial('screenshots of the main views, desktop and phone', async (t) => {
  const search = fixture.latest.searches[0]!.searchSlug;
  const views: Array<[string, string]> = [
    ['overview', ''],
    ['categories', 'categories/'],
    ['locations', 'locations/'],
    ['region', 'locations/comunidad-de-madrid/'],
    ['search', `searches/${search}/`],
    ['listings', 'listings/'],
    ['alerts', 'alerts/'],
    ['quality', 'quality/'],
    ['listing', `listings/${fixture.latest.lists.overall.priceDrops[0]!.listingId}/`],
  ];
  for (const [device, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport, javaScriptEnabled: false, deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const [name, path] of views) {
      await page.goto(server.url + path);
      if (device === 'phone') {
        const overflow = await page.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        t.true(overflow <= 0, `${path} scrolls sideways on a phone (${overflow}px)`);
      }
      await screenshotTop(page, join(SCREENSHOTS, `${name}-${device}.png`));
    }
    await context.close();
  }
  t.pass();
});

test.serial('a table wider than its frame scrolls inside it with its first column in view, at 1920 px and at 390 px; the page never scrolls sideways', async (t) => {
  for (const width of [1920, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}quality/`);
    const measured = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: any }).document;
      const table = Array.from(doc.querySelectorAll('table') as ArrayLike<any>).find((candidate: any) => candidate.querySelector('caption')?.textContent?.startsWith('Cada búsqueda'));
      const frame = table.closest('.table-wrap');
      const firstCell = table.querySelector('tbody tr > :first-child');
      const before = firstCell.getBoundingClientRect().left;
      frame.scrollLeft = frame.scrollWidth;
      const after = firstCell.getBoundingClientRect().left;
      return {
        tableWidth: table.getBoundingClientRect().width,
        frameWidth: frame.clientWidth,
        scrolled: frame.scrollLeft,
        firstColumnMoved: Math.abs(after - before),
        pageOverflow: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
      };
    });
    t.true(measured.tableWidth > measured.frameWidth, `${width}px: the search table is wider than its frame (${JSON.stringify(measured)})`);
    t.true(measured.scrolled > 0, `${width}px: the frame scrolls`);
    t.true(measured.firstColumnMoved < 1, `${width}px: the first column stays in view (moved ${measured.firstColumnMoved}px)`);
    t.true(measured.pageOverflow <= 0, `${width}px: the page does not scroll sideways`);
    await context.close();
  }
});
