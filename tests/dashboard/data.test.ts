/**
 * The dashboard's data layer: the fixture is what its generator makes and is realistic enough to
 * test with; the model's KPI changes, orderings and slugs are right; the optional alerts window is
 * validated and summed up right; untrusted URLs are filtered; figures are formatted the Spanish way.
 */
import test from 'ava';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertsWindow } from '#shared/alerts/alert.ts';
import { alertDetail, dayPages } from '../../dashboard/src/data/alerts.ts';
import { fmt, fmtDay } from '../../dashboard/src/data/format.ts';
import { safeImageUrl, safeListingUrl } from '../../dashboard/src/data/links.ts';
import { DashboardDataError, readDashboardData, validateAlerts } from '../../dashboard/src/data/gold-input.ts';
import { buildModel, CATEGORY_SORT_KEYS, slugify } from '../../dashboard/src/data/model.ts';
import { regionCentre } from '../../dashboard/src/data/places.ts';
import { FIXTURE_OPTIONS, generateAlertsWindow, generateDashboardData, HOSTILE, RETIRED_SEARCH } from '../../fixtures/gold-dashboard/generate.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'gold-dashboard');

test('the committed fixture is what its generator makes (regenerate with fixtures/gold-dashboard/generate.ts)', async (t) => {
  const data = generateDashboardData(FIXTURE_OPTIONS);
  t.is(await readFile(join(FIXTURE, 'latest.json'), 'utf8'), `${JSON.stringify(data.latest, null, 1)}\n`);
  t.is(await readFile(join(FIXTURE, 'series.json'), 'utf8'), `${JSON.stringify(data.series, null, 1)}\n`);
  t.is(await readFile(join(FIXTURE, 'histories.json'), 'utf8'), `${JSON.stringify(data.histories, null, 1)}\n`);
  t.is(await readFile(join(FIXTURE, 'alerts.json'), 'utf8'), `${JSON.stringify(generateAlertsWindow(data, FIXTURE_OPTIONS.seed), null, 1)}\n`);
});

test('the fixture is realistic: a month and more, many groups, hostile and awkward text, gaps', async (t) => {
  const { latest, series } = await readDashboardData(FIXTURE);
  t.true(series.days.length >= 30);
  t.true(latest.categories.length >= 10);
  t.true(latest.regions.length >= 5);
  t.true(latest.cities.length >= 10);
  t.true(latest.searches.length >= 5);
  const cards = Object.values(latest.listings);
  const titles = cards.map((card) => card.title);
  t.true(titles.includes(HOSTILE.imgTitle));
  t.true(titles.includes(HOSTILE.scriptTitle));
  t.true(titles.some((title) => title !== null && /\p{Extended_Pictographic}/u.test(title)), 'emoji');
  t.true(titles.some((title) => title !== null && /[áéíóúñ]/.test(title)), 'accents');
  t.true(titles.includes(null), 'a listing without title');
  t.true(cards.some((card) => card.imageUrl === null), 'listings without image');
  t.true(cards.some((card) => card.listingUrl === HOSTILE.javascriptUrl), 'a hostile listing URL');
  t.true(latest.categories.some((row) => row.categoryName === HOSTILE.categoryName));
  t.true(series.overall.activeListings.includes(null), 'a day without a run');
  t.true(latest.quality.alerts.length > 0);
});

test('KPI changes compare with the previous gold day and with 7 days before', async (t) => {
  const data = await readDashboardData(FIXTURE);
  const m = buildModel(data);
  const { latest, series } = data;
  const previous = series.days.indexOf(latest.previousDay!);
  const weekAgo = series.days.length - 8;
  const active = m.overallKpis.find((figure) => figure.key === 'activeListings')!;
  t.is(active.value, latest.overall.activeListings);
  t.is(active.vsPrevious.day, latest.previousDay);
  t.is(active.vsPrevious.abs, latest.overall.activeListings - series.overall.activeListings[previous]!);
  t.is(active.vsWeek.day, series.days[weekAgo] ?? null);
  t.is(active.vsWeek.base, series.overall.activeListings[weekAgo]!);
  t.is(active.vsWeek.rel, (latest.overall.activeListings - series.overall.activeListings[weekAgo]!) / series.overall.activeListings[weekAgo]!);
  const median = m.overallKpis.find((figure) => figure.key === 'priceP50')!;
  t.is(median.vsPrevious.abs, Math.round((latest.overall.priceP50! - series.overall.priceP50[previous]!) * 100) / 100);

  // A week ago without a run: no base, no change (never a change against zero).
  const gapped = structuredClone(data);
  for (const metric of Object.keys(gapped.series.overall) as Array<keyof typeof gapped.series.overall>) gapped.series.overall[metric][weekAgo] = null;
  const figure = buildModel(gapped).overallKpis.find((candidate) => candidate.key === 'newListings')!;
  t.deepEqual(figure.vsWeek, { day: series.days[weekAgo] ?? null, base: null, abs: null, rel: null });
});

test('every category, region and search gets a distinct, readable slug; orderings are total', async (t) => {
  const m = buildModel(await readDashboardData(FIXTURE));
  for (const groups of [m.categories, m.regions, m.searches]) {
    const slugs = groups.map((group) => group.slug);
    t.is(new Set(slugs).size, slugs.length);
    for (const slug of slugs) t.regex(slug, /^[a-z0-9][a-z0-9-]*$/);
  }
  t.truthy(m.categoryBySlug.get('sin-categoria'));
  t.is(m.regionBySlug.get('sin-region')?.region, null);
  t.is(slugify('Comunidad Foral de Navarra'), 'comunidad-foral-de-navarra');
  t.is(slugify("L'Hospitalet de Llobregat"), 'l-hospitalet-de-llobregat');
  t.is(slugify(HOSTILE.imgTitle), 'img-src-x-onerror-alert-1');

  for (const key of CATEGORY_SORT_KEYS) {
    for (const dir of ['asc', 'desc'] as const) t.is(m.sortedCategories(key, dir).length, m.categories.length);
  }
  const medians = m.sortedCategories('median', 'desc').map((category) => category.today?.priceP50 ?? null);
  const known = medians.filter((value): value is number => value !== null);
  t.deepEqual(known, [...known].sort((a, b) => b - a));
  t.deepEqual(medians.slice(known.length), medians.slice(known.length).map(() => null), 'no data sorts last');
  const names = m.sortedCategories('name', 'asc').map((category) => category.name);
  const collator = new Intl.Collator('es-ES', { sensitivity: 'base', numeric: true });
  t.deepEqual(names, [...names].sort(collator.compare), 'names in Spanish order (accents do not push a name to the end)');
});

test('listing links and images: only https on Wallapop hosts', (t) => {
  t.is(safeListingUrl('https://es.wallapop.com/item/bici-123'), 'https://es.wallapop.com/item/bici-123');
  t.is(safeListingUrl('javascript:alert(1)'), null);
  t.is(safeListingUrl('http://es.wallapop.com/item/x'), null);
  t.is(safeListingUrl('https://es.wallapop.com.evil.example/item/x'), null);
  t.is(safeListingUrl('https://user:pw@es.wallapop.com/item/x'), null);
  t.is(safeListingUrl(null), null);
  t.is(safeImageUrl('https://cdn.wallapop.com/images/1/i.jpg?pictureSize=W320'), 'https://cdn.wallapop.com/images/1/i.jpg?pictureSize=W320');
  t.is(safeImageUrl('https://tracker.example/pixel.gif'), null);
  t.is(safeImageUrl('data:image/svg+xml,<svg onload=alert(1)>'), null);
});

test('Spanish formatting: euros, numbers, dates; null is "no data", never zero', (t) => {
  const plain = (text: string) => text.replace(/\u00a0/g, ' ');
  t.is(plain(fmt.eur(1234.5)), '1234,50 €');
  t.is(plain(fmt.eur(12345.5)), '12.345,50 €');
  t.is(fmt.int(1234567), '1.234.567');
  t.is(plain(fmt.pct(12.5)), '12,5 %');
  t.is(plain(fmt.signedShare(0.034)), '+3,4 %');
  t.is(fmt.eur(null), '—');
  t.is(fmt.int(null), '—');
  t.is(fmtDay.medium('2026-11-24'), '24 nov 2026');
  t.is(fmtDay.long('2026-11-24'), 'martes, 24 de noviembre de 2026');
  t.deepEqual(regionCentre('Cataluña'), [1.53, 41.8]);
  t.deepEqual(regionCentre('CATALUNA'), [1.53, 41.8]);
  t.is(regionCentre('Atlántida'), null);
});

const plain = (text: string) => text.replace(/\u00a0/g, ' ');

test('the alerts fixture: 30 days through the dashboard day, every kind, hostile titles, a gap, a retired search', async (t) => {
  const { latest, alerts } = await readDashboardData(FIXTURE);
  t.truthy(alerts);
  const window = alerts!;
  t.is(window.day, latest.day);
  t.is(window.windowDays, 30);
  t.true(window.days.length >= 25);
  t.true(window.days.some((day) => day.count === 0), 'days without alerts');
  const today = window.alerts.filter((alert) => alert.day === window.day);
  t.is(today.length, window.days[0]!.count);
  t.true(today.some((alert) => alert.title === HOSTILE.imgTitle), 'an alert titled <img src=x onerror=alert(1)>');
  t.true(today.some((alert) => alert.title === HOSTILE.scriptTitle));
  t.true(today.some((alert) => alert.title === null));
  t.true(today.some((alert) => alert.listingUrl === HOSTILE.offsiteUrl));
  for (const alert of today) t.truthy(latest.listings[alert.listingId], 'today\'s alerts are on listings of the day file');
  t.deepEqual([...new Set(window.alerts.map((alert) => alert.kind))].sort(), ['deal', 'new-under-price', 'price-drop', 'reserved', 'vanished']);
  t.true(window.alerts.some((alert) => alert.searchSlug === RETIRED_SEARCH));
  t.false(latest.searches.some((search) => search.searchSlug === RETIRED_SEARCH));
});

test('the Alerts view: newest day, counts per day, kind and rule, unevaluated days, safe links', async (t) => {
  const data = await readDashboardData(FIXTURE);
  const window = data.alerts!;
  const view = buildModel(data).alerts!;
  t.true(view.current);
  t.is(view.day, window.day);
  t.is(view.total, window.alerts.length);
  t.is(view.newest.count, window.days[0]!.count);
  t.is(view.newest.rows.length, view.newest.count);
  t.deepEqual(
    view.days.map((day) => [day.day, day.count, day.rows.length]),
    window.days.map((day) => [day.day, day.count, day.count]),
  );
  t.is(Object.values(view.byKind).reduce((sum, count) => sum + count, 0), view.total);
  t.is(view.rules.reduce((sum, rule) => sum + rule.window, 0), view.total);
  t.is(view.rules.reduce((sum, rule) => sum + rule.newest, 0), view.newest.count);
  // The fixture's gold has no run on 2026-11-10: no evaluation that day.
  t.deepEqual(view.unevaluatedDays, ['2026-11-10']);
  t.deepEqual(
    dayPages(view).map((day) => day.day),
    window.days.slice(1).filter((day) => day.count > 0).map((day) => day.day),
  );

  for (const row of view.days.flatMap((day) => day.rows)) {
    if (row.url !== null) t.true(row.url.startsWith('https://es.wallapop.com/'), row.url);
  }
  const offsite = view.newest.rows.find((row) => row.alert.listingUrl === HOSTILE.offsiteUrl)!;
  t.is(offsite.url, null, 'an https URL that is not Wallapop\'s is not linked');
  // Ranks count within each rule, in the file's order.
  const deals = view.newest.rows.filter((row) => row.alert.kind === 'deal');
  t.deepEqual(deals.map((row) => row.rank), deals.map((_, i) => i + 1));

  // Evaluation lagging behind gold: the view says whose day it is.
  const behind = structuredClone(data);
  behind.latest.day = '2026-11-25';
  t.false(buildModel(behind).alerts!.current);
  t.is(buildModel({ ...data, alerts: null }).alerts, null);
});

test('alerts are described in Spanish from their fields', (t) => {
  const base = {
    alertId: 'x', day: '2026-11-24', searchSlug: 's', ruleId: 'r', listingId: 'l', title: 't', currency: 'EUR',
    previousPrice: null, dropPct: null, peer: null, peerMedian: null, priceToMedian: null, daysOnMarket: null,
    categoryId: null, categoryName: null, region: null, city: null, listingUrl: null, imageUrl: null, summary: '',
  } as const;
  t.is(plain(alertDetail({ ...base, kind: 'price-drop', price: 320, previousPrice: 380, dropPct: 15.79 })), '380,00 € → 320,00 € (−15,8 %)');
  t.is(plain(alertDetail({ ...base, kind: 'deal', price: 60, peer: 'category', peerMedian: 150, priceToMedian: 0.4 })), '-60 % frente a la mediana de su categoría (150,00 €)');
  t.is(alertDetail({ ...base, kind: 'vanished', price: 90, daysOnMarket: 3 }), 'desaparecido tras 3 días en venta: probablemente vendido');
  t.is(alertDetail({ ...base, kind: 'reserved', price: 90 }), 'pasó a reservado');
});

test('alerts.json is optional, but a present one must be valid and consistent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dashboard-alerts-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(join(FIXTURE, 'latest.json'), join(dir, 'latest.json'));
  await cp(join(FIXTURE, 'series.json'), join(dir, 'series.json'));
  t.is((await readDashboardData(dir)).alerts, null, 'no alerts.json: no watches configured');

  const fixture = JSON.parse(await readFile(join(FIXTURE, 'alerts.json'), 'utf8')) as AlertsWindow;
  const problem = (change: (window: AlertsWindow) => void): string => {
    const window = structuredClone(fixture);
    change(window);
    const error = t.throws(() => validateAlerts(window, 'lake/alerts.json'), { instanceOf: DashboardDataError }) as DashboardDataError;
    t.is(error.file, 'lake/alerts.json');
    return error.message;
  };
  t.regex(problem((w) => ((w.alerts[0] as { price: unknown }).price = '96,39')), /^lake\/alerts\.json: not an alerts window file: alerts\.0\.price: Invalid type: Expected number but received "96,39"/);
  t.regex(problem((w) => ((w.alerts[1] as { kind: string }).kind = 'sold')), /alerts\.1\.kind: Invalid type/);
  t.regex(problem((w) => (w.days[0]!.count += 1)), /days says 2026-11-24 has 12 alerts, but alerts holds 11/);
  t.regex(problem((w) => (w.alerts[0]!.day = '2026-11-10')), /alerts\[0\] is of 2026-11-10, which is not one of the window's days/);
  t.regex(problem((w) => w.days.reverse()), /days must start with the window's day 2026-11-24/);
  t.regex(problem((w) => (w.fromDay = '2026-11-01')), /fromDay is 2026-11-01, but a 30-day window through 2026-11-24 starts on 2026-10-26/);
  t.regex(problem((w) => w.alerts.reverse()), /alerts run newest day first/);
  t.regex(problem((w) => (w.alerts[1]!.alertId = w.alerts[0]!.alertId)), /repeats the alert id/);
});
