/**
 * The dashboard's data layer: the fixture is what its generator makes and is realistic enough to
 * test with; the model's KPI changes, orderings and slugs are right; untrusted URLs are filtered;
 * figures are formatted the Spanish way.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fmt, fmtDay } from '../dashboard/src/data/format.ts';
import { safeImageUrl, safeListingUrl } from '../dashboard/src/data/links.ts';
import { readDashboardData } from '../dashboard/src/data/load.ts';
import { buildModel, CATEGORY_SORT_KEYS, slugify } from '../dashboard/src/data/model.ts';
import { regionCentre } from '../dashboard/src/data/places.ts';
import { FIXTURE_OPTIONS, generateDashboardData, HOSTILE } from './fixtures/gold-dashboard/generate.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'gold-dashboard');

test('the committed fixture is what its generator makes (regenerate with tests/fixtures/gold-dashboard/generate.ts)', async (t) => {
  const data = generateDashboardData(FIXTURE_OPTIONS);
  t.is(await readFile(join(FIXTURE, 'latest.json'), 'utf8'), `${JSON.stringify(data.latest, null, 1)}\n`);
  t.is(await readFile(join(FIXTURE, 'series.json'), 'utf8'), `${JSON.stringify(data.series, null, 1)}\n`);
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
