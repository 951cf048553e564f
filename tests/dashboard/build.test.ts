/**
 * The dashboard build from the fixture gold JSON (fixtures/gold-dashboard/): it runs the
 * real CLI, writes every expected page (the Alerts view and its day pages included), nothing in
 * them would break under the CSP, untrusted text comes out escaped; a lake without alerts.json
 * still builds; and a missing or malformed input fails the build naming the file and the problem,
 * before Astro starts.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseHTML } from 'linkedom';
import { promisify } from 'node:util';
import type { AlertsWindow } from '#shared/alerts/alert.ts';
import type { DashboardDay } from '#shared/gold/dashboard.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { pagedListingIds } from '#shared/gold/histories.ts';
import { createMarket, startSimulator } from '#simulator/index.ts';
import { buildDashboard, cspViolations } from '../../scripts/dashboard-build.ts';
import { HTML_TAG } from '../../scripts/html-tags.ts';
import { DashboardDataError } from '../../dashboard/src/data/gold-input.ts';
import { slugify } from '../../dashboard/src/data/model.ts';
import { RETIRED_SEARCH } from '../../fixtures/gold-dashboard/generate.ts';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'gold-dashboard');

async function tempDir(t: { teardown(fn: () => unknown): void }, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `dashboard-${name}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of the fixture's latest.json and series.json (and alerts.json when asked). */
async function fixtureCopy(t: { teardown(fn: () => unknown): void }, options: { alerts?: boolean } = {}): Promise<string> {
  const dir = await tempDir(t, 'input');
  await cp(join(FIXTURE, 'latest.json'), join(dir, 'latest.json'));
  await cp(join(FIXTURE, 'series.json'), join(dir, 'series.json'));
  if (options.alerts) await cp(join(FIXTURE, 'alerts.json'), join(dir, 'alerts.json'));
  return dir;
}

async function htmlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.html')).sort();
}

async function failure(options: Parameters<typeof buildDashboard>[0]): Promise<DashboardDataError> {
  try {
    await buildDashboard({ ...options, outDir: join(tmpdir(), 'dashboard-never-built'), log: () => {} });
  } catch (error) {
    if (error instanceof DashboardDataError) return error;
    throw error;
  }
  throw new Error('the build succeeded');
}

// The two full builds run one after the other: each is a few seconds of CPU on a 2-core machine.
test.serial('the build from fixture gold writes every view, CSP-clean and escaped', async (t) => {
  const out = join(await tempDir(t, 'site'), 'dist');
  const { stdout } = await run(process.execPath, ['--import=tsx', 'scripts/dashboard-build.ts', '--from', FIXTURE, '--out', out], {
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  t.regex(stdout, /built \d+ pages/);

  t.regex(stdout, /alerts\.json is valid \(\d+ alerts in the 30 days through 2026-11-24\)/);

  const latest = JSON.parse(await readFile(join(FIXTURE, 'latest.json'), 'utf8')) as DashboardDay;
  const alerts = JSON.parse(await readFile(join(FIXTURE, 'alerts.json'), 'utf8')) as AlertsWindow;
  const pages = new Set(await htmlFiles(out));
  const expected = [
    'index.html',
    '404.html',
    'categories/index.html',
    'locations/index.html',
    'searches/index.html',
    'listings/index.html',
    'alerts/index.html',
    // Every earlier day with alerts has its own page; the newest day is on alerts/.
    ...alerts.days.slice(1).filter((day) => day.count > 0).map((day) => `alerts/${day.day}/index.html`),
    'quality/index.html',
    'history/index.html',
    ...['active', 'name', 'new', 'sold', 'median', 'drops', 'dom'].flatMap((key) => [`categories/sort/${key}-asc/index.html`, `categories/sort/${key}-desc/index.html`]),
    ...latest.categories.map((row) => `categories/${row.categoryId === null ? 'sin-categoria' : row.categoryId}/index.html`),
    ...latest.searches.map((row) => `searches/${row.searchSlug}/index.html`),
    ...latest.regions.map((row) => `locations/${row.region === null ? 'sin-region' : slugify(row.region)}/index.html`),
    // A page per listing of the market-wide and search lists, and per listing with an alert.
    ...new Set([...pagedListingIds(latest), ...alerts.alerts.map((alert) => alert.listingId)].map((id) => `listings/${id}/index.html`)),
  ];
  for (const page of ['locations/comunidad-de-madrid/index.html', 'locations/cataluna/index.html', 'locations/pais-vasco/index.html', 'locations/sin-region/index.html']) {
    t.true(expected.includes(page), `${page}: region slugs are readable and accent-free`);
  }
  for (const page of expected) t.true(pages.has(page), `${page} was not built`);
  t.is(pages.size, expected.length, `unexpected pages: ${[...pages].filter((page) => !expected.includes(page)).join(', ')}`);

  let csvFiles = 0;
  for (const page of pages) {
    const html = await readFile(join(out, page), 'utf8');
    t.deepEqual(cspViolations(html), [], page);
    t.false(html.includes('data-stale-since'), `${page}: a history never recomputed is not flagged`);
    // One word per concept: "alertas" are the watches' alerts, "incidencias" the data-quality flags.
    t.false(/aviso/i.test(html), `${page} says "aviso"`);
    // Every table has its download, and the file holds the rows the page shows (header included).
    const tables = parseHTML(html).document.querySelectorAll('table');
    const links = [...html.matchAll(/class="table-csv"><a href="\.\/([^"]+\.csv)" download>/g)].map((match) => match[1]!);
    t.is(links.length, tables.length, `${page}: one CSV link per table`);
    for (const [index, file] of links.entries()) {
      const csv = await readFile(join(out, dirname(page), file), 'utf8');
      t.true(csv.startsWith('\uFEFF'), `${file}: UTF-8 with a byte-order mark`);
      const rows = csv.slice(1).trimEnd().split('\r\n');
      t.is(rows.length, tables[index]!.querySelectorAll('tr').length, `${page} ${file}: one line per row shown`);
      csvFiles += 1;
    }
    // The hostile strings are only ever present escaped: as text, or inside a quoted attribute
    // value (where `<` is inert; `"` and `&` are escaped there).
    const markup = html.replace(/="[^"]*"/g, '=""');
    t.false(markup.includes('<img src=x'), `${page} has an unescaped <img src=x`);
    t.false(markup.includes('<script>alert'), `${page} has an unescaped <script>`);
    t.false(html.includes('href="javascript:'), `${page} links to a javascript: URL`);
  }
  t.true(csvFiles > 100, `${csvFiles} table downloads checked`);
  const listings = await readFile(join(out, 'listings/index.html'), 'utf8');
  t.true(listings.includes('&lt;img src=x onerror=alert(1)&gt;'));
  t.true(listings.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  // Photos by default: lazy images from Wallapop's CDN only, without a referrer; placeholders for the rest.
  const images = imgTags(listings);
  t.true(images.length > 10);
  for (const image of images) {
    t.regex(image, / src="https:\/\/cdn\.wallapop\.com\//);
    t.regex(image, / loading="lazy"/);
    t.regex(image, / alt=""/);
    t.regex(image, / referrerpolicy="no-referrer"/);
  }
  t.true(listings.includes('thumb--placeholder'), 'listings without an image keep the placeholder');
  const home = await readFile(join(out, 'index.html'), 'utf8');
  t.true(home.includes('Arte &amp; &lt;img src=x onerror=alert(1)&gt;'), 'the hostile category name is escaped in the chart and table');
  t.regex(home, /<a href="\/alerts\/">\s*Alertas\s*<\/a>/, 'the navigation links the Alerts view');

  const alertsPage = await readFile(join(out, 'alerts/index.html'), 'utf8');
  t.true(alertsPage.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the hostile alert title is escaped');
  t.true(alertsPage.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.regex(alertsPage, new RegExp(`data-alerts="${alerts.days[0]!.count}"`), 'the newest day\'s table has every alert of the day');
  t.false(alertsPage.includes('evil.example'), 'an off-Wallapop https URL is never linked');
  t.false(alertsPage.includes('No hay vigilancias configuradas'));
  t.false(alertsPage.includes(`href="/searches/${RETIRED_SEARCH}/"`), 'a retired search has no page to link to');
  t.true(alertsPage.includes(`href="/searches/${latest.searches[0]!.searchSlug}/"`));
  // Each alert's title opens its listing's page; the Wallapop link beside it goes to es.wallapop.com only.
  const hrefs = [...alertsPage.matchAll(/<a class="listing__title" href="([^"]*)"/g)].map((match) => match[1]!);
  t.deepEqual(hrefs, alerts.alerts.filter((alert) => alert.day === alerts.day).map((alert) => `/listings/${alert.listingId}/`));
  const external = [...alertsPage.matchAll(/<a class="listing__external" href="([^"]*)"/g)].map((match) => match[1]!);
  t.true(external.length > 0);
  for (const link of external) t.true(link.startsWith('https://es.wallapop.com/'), link);
  const older = alerts.days.slice(1).find((day) => day.count > 0)!;
  t.true(alertsPage.includes(`href="/alerts/${older.day}/"`), 'each earlier day with alerts is linked');
  const dayPage = await readFile(join(out, `alerts/${older.day}/index.html`), 'utf8');
  t.regex(dayPage, new RegExp(`data-alerts="${older.count}"`));

  // A search whose answers ignored its category filter: said on the data-quality page, with the symptom.
  const driftedSearch = latest.quality.searches.find((search) => search.outcome === 'filter-ignored')!;
  const qualityPage = await readFile(join(out, 'quality/index.html'), 'utf8');
  t.true(qualityPage.includes('la API no respetó un filtro de la búsqueda'), 'the flag explained');
  t.true(qualityPage.includes(driftedSearch.driftSymptoms![0]!), 'the symptom, in the drift check\'s sentence');
  t.true(qualityPage.includes('filtro ignorado por la API'), 'the outcome in the searches table');
  // Provinces nest under their region.
  const madrid = await readFile(join(out, 'locations/comunidad-de-madrid/index.html'), 'utf8');
  t.regex(madrid, /<h2 id="provinces">Provincias<\/h2>/);

  const css = (await readdir(join(out, '_astro'))).filter((file) => file.endsWith('.css'));
  t.true(css.length >= 1, 'styles are external files');
  t.true(home.includes('<link rel="stylesheet" href="/_astro/'));
});

/** The <img> tags of a page (read by tags: a quoted attribute may hold the text "<img"). */
function imgTags(html: string): string[] {
  return [...html.matchAll(HTML_TAG)].filter((tag) => tag[1] === '' && tag[2]!.toLowerCase() === 'img').map((tag) => tag[0]);
}

test.serial('--lang en: the whole site in English, figures in English formats; Spanish stays the default', async (t) => {
  const out = join(await tempDir(t, 'english'), 'dist');
  const lines: string[] = [];
  await buildDashboard({ from: FIXTURE, outDir: out, lang: 'en', photos: 'off', log: (line) => lines.push(line) });
  t.true(lines.some((line) => line.includes('language: en')), lines.join('\n'));
  const latest = JSON.parse(await readFile(join(FIXTURE, 'latest.json'), 'utf8')) as DashboardDay;
  const home = await readFile(join(out, 'index.html'), 'utf8');
  t.regex(home, /<html lang="en"/);
  t.regex(home, /aria-label="Sections"/);
  t.true(home.includes('>Market overview</h1>'));
  t.true(home.includes(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(latest.overall.priceP50!)), 'euros as an English reader writes them');
  t.true(home.includes('Download CSV'));
  // What the site itself says (headings, headers, captions, labels, notes) has no Spanish left; titles, places and category names are data and stay as they are.
  const SPANISH = /\b(anuncios?|precios?|búsquedas?|categorías?|vendidos?|nuevos?|mediana|hoy|días|incidencias|ubicaciones|resumen|chollos?|bajadas?|alertas?|desde|hasta|sin datos|calidad de datos)\b/i;
  const spanish: string[] = [];
  for (const page of await htmlFiles(out)) {
    const { document } = parseHTML(await readFile(join(out, page), 'utf8'));
    for (const element of document.querySelectorAll('h2, h3, th[scope="col"], caption, figcaption, summary, dt, label, nav a, .kpi__label, .note, .lead, .table-csv, [data-change]')) {
      let text = '';
      for (const node of element.childNodes) if (node.nodeType === 3) text += node.textContent;
      if (SPANISH.test(text)) spanish.push(`${page}: ${text.trim().slice(0, 80)}`);
    }
  }
  t.deepEqual(spanish.slice(0, 10), [], `${spanish.length} Spanish texts in the English site`);
  // The default is still Spanish.
  const spanishHome = await readFile(join(await buildSpanishHome(t), 'index.html'), 'utf8');
  t.regex(spanishHome, /<html lang="es"/);
  t.true(spanishHome.includes('>Resumen del mercado</h1>'));
});

async function buildSpanishHome(t: ExecutionContext): Promise<string> {
  const out = join(await tempDir(t, 'spanish'), 'dist');
  await buildDashboard({ from: FIXTURE, outDir: out, photos: 'off', log: () => {} });
  return out;
}

test.serial('--photos off: no photo column, no image anywhere', async (t) => {
  const out = join(await tempDir(t, 'no-photos'), 'dist');
  await buildDashboard({ from: FIXTURE, outDir: out, photos: 'off', log: () => {} });
  const html = await readFile(join(out, 'listings/index.html'), 'utf8');
  t.deepEqual(imgTags(html), []);
  t.false(html.includes('listing__thumb') || html.includes('thumb--placeholder') || html.includes('>Foto<'), 'no photo column: no empty boxes');
});

test.serial('--photos copy: the photos are downloaded once (from the simulator, offline), served by the site, and cached', async (t) => {
  const sim = await startSimulator({ market: createMarket({ seed: 3, listings: 500, startDay: '2026-11-24' }) });
  t.teardown(() => sim.close());
  const work = await tempDir(t, 'photos');
  const cache = join(work, 'cache');
  const out = join(work, 'dist');
  const lines: string[] = [];
  await buildDashboard({ from: FIXTURE, outDir: out, photos: 'copy', imageOrigin: sim.url, photoCache: cache, log: (line) => lines.push(line) });
  const latest = JSON.parse(await readFile(join(FIXTURE, 'latest.json'), 'utf8')) as DashboardDay;
  const alerts = JSON.parse(await readFile(join(FIXTURE, 'alerts.json'), 'utf8')) as AlertsWindow;
  const wanted = new Set([...Object.values(latest.listings).map((card) => card.imageUrl), ...alerts.alerts.map((alert) => alert.imageUrl)].filter((url): url is string => url?.startsWith('https://cdn.wallapop.com/') ?? false));
  t.true(lines.some((line) => line.includes(`${wanted.size} photos (${wanted.size} downloaded from ${sim.url}, 0 from`)), lines.join('\n'));

  const html = await readFile(join(out, 'listings/index.html'), 'utf8');
  const images = imgTags(html);
  t.true(images.length > 10);
  t.false(html.includes('cdn.wallapop.com'), 'the page names no third-party image');
  for (const image of images) {
    const src = / src="\/img\/([0-9a-f]{24}\.png)"/.exec(image)?.[1];
    t.truthy(src, image);
    const bytes = await readFile(join(out, 'img', src!));
    t.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${src} is the simulator's PNG`);
  }
  t.true(html.includes('thumb--placeholder'), 'listings without an image keep the placeholder');

  // Again: every photo comes from the cache.
  lines.length = 0;
  await buildDashboard({ from: FIXTURE, outDir: out, photos: 'copy', imageOrigin: sim.url, photoCache: cache, log: (line) => lines.push(line) });
  t.true(lines.some((line) => line.includes(`${wanted.size} photos (0 downloaded from ${sim.url}, ${wanted.size} from`)), lines.join('\n'));

  // An origin that does not answer: the build still succeeds, saying so, and the listings show "sin foto".
  lines.length = 0;
  const unreachable = join(work, 'dist-unreachable');
  await buildDashboard({ from: FIXTURE, outDir: unreachable, photos: 'copy', imageOrigin: 'http://127.0.0.1:9', photoCache: join(work, 'empty-cache'), log: (line) => lines.push(line) });
  t.true(lines.some((line) => line.includes(`${wanted.size} could not be fetched`)), lines.join('\n'));
  t.deepEqual(imgTags(await readFile(join(unreachable, 'listings/index.html'), 'utf8')), []);
});

test.serial('a lake without alerts.json (no watches configured) builds, and the Alerts view says so; a recomputed history is flagged', async (t) => {
  // From s3:// (the embedded S3): a missing alerts.json is fine there too.
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  // The fan-in marks latest.json so after a past day is recomputed (shared/gold/fanin-stage.ts).
  const fixtureLatest = JSON.parse(await readFile(join(FIXTURE, 'latest.json'), 'utf8')) as DashboardDay;
  const since = fixtureLatest.previousDay ?? fixtureLatest.day;
  const stale: DashboardDay = { ...fixtureLatest, staleHistory: { since, reason: `${since} was recomputed after this day was computed` } };
  await s3.lake.put('gold/dashboard/latest.json', JSON.stringify(stale));
  await s3.lake.put('gold/dashboard/series.json', await readFile(join(FIXTURE, 'series.json')));
  const out = join(await tempDir(t, 'no-alerts'), 'dist');
  const lines: string[] = [];
  await buildDashboard({ from: `s3://${s3.bucket}`, s3Endpoint: s3.endpoint, outDir: out, log: (line) => lines.push(line) });
  t.true(lines.some((line) => line.includes(`no s3://${s3.bucket}/gold/dashboard/alerts.json`)), lines.join('\n'));
  const pages = await htmlFiles(out);
  t.deepEqual(pages.filter((page) => page.startsWith('alerts/')), ['alerts/index.html'], 'no day pages');
  const html = await readFile(join(out, 'alerts/index.html'), 'utf8');
  t.true(html.includes('No hay vigilancias configuradas'));
  t.true(html.includes('data-alerts-state="none"'));
  t.deepEqual(cspViolations(html), []);
  for (const page of ['index.html', 'quality/index.html']) {
    const text = await readFile(join(out, page), 'utf8');
    t.true(text.includes(`data-stale-since="${since}"`) && text.includes(`replay --from ${since} --from-stage gold`), `${page} flags the recomputed history`);
  }
});

test('a missing file fails the build naming it', async (t) => {
  const dir = await fixtureCopy(t);
  await rm(join(dir, 'series.json'));
  const error = await failure({ from: dir });
  t.is(error.file, join(dir, 'series.json'));
  t.regex(error.message, /series\.json: file is missing/);
});

test('malformed JSON fails the build naming the file', async (t) => {
  const dir = await fixtureCopy(t);
  const text = await readFile(join(dir, 'latest.json'), 'utf8');
  await writeFile(join(dir, 'latest.json'), text.slice(0, 500));
  const error = await failure({ from: dir });
  t.is(error.file, join(dir, 'latest.json'));
  t.regex(error.message, /latest\.json: not valid JSON/);
});

test('a schema violation names the file and the field', async (t) => {
  const dir = await fixtureCopy(t);
  const latest = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8'));
  latest.overall.priceP50 = '96,39';
  latest.categories[2].activeListings = -1;
  await writeFile(join(dir, 'latest.json'), JSON.stringify(latest));
  const error = await failure({ from: dir });
  t.is(error.file, join(dir, 'latest.json'));
  t.regex(error.message, /overall\.priceP50: Invalid type: Expected number but received "96,39"/);
  t.regex(error.message, /categories\.2\.activeListings: must not be negative/);
});

test('a malformed or inconsistent alerts.json fails the build naming it', async (t) => {
  const dir = await fixtureCopy(t, { alerts: true });
  await writeFile(join(dir, 'alerts.json'), '{"schemaVersion": 1, "day": ');
  const malformed = await failure({ from: dir });
  t.is(malformed.file, join(dir, 'alerts.json'));
  t.regex(malformed.message, /alerts\.json: not valid JSON/);

  const window = JSON.parse(await readFile(join(FIXTURE, 'alerts.json'), 'utf8')) as AlertsWindow;
  (window.alerts[2] as { title: unknown }).title = 42;
  await writeFile(join(dir, 'alerts.json'), JSON.stringify(window));
  t.regex((await failure({ from: dir })).message, /alerts\.json: not an alerts window file: alerts\.2\.title: Invalid type: Expected string but received 42/);

  window.alerts[2]!.title = 'ok';
  window.days[1]!.count += 2;
  await writeFile(join(dir, 'alerts.json'), JSON.stringify(window));
  t.regex((await failure({ from: dir })).message, new RegExp(`alerts\\.json: days says ${window.days[1]!.day} has ${window.days[1]!.count} alerts, but alerts holds ${window.days[1]!.count - 2}`));
});

test('inconsistent files fail: a list entry without its listing, a short column, days that disagree', async (t) => {
  const dir = await fixtureCopy(t);
  const latest = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as DashboardDay;
  const id = latest.lists.overall.deals[0]!.listingId;
  delete latest.listings[id];
  await writeFile(join(dir, 'latest.json'), JSON.stringify(latest));
  t.regex((await failure({ from: dir })).message, new RegExp(`latest\\.json: lists overall\\.deals refers to listing "${id}"`));

  await cp(join(FIXTURE, 'latest.json'), join(dir, 'latest.json'));
  const series = JSON.parse(await readFile(join(FIXTURE, 'series.json'), 'utf8'));
  series.regions['Cataluña'].metrics.priceP50.pop();
  await writeFile(join(dir, 'series.json'), JSON.stringify(series));
  t.regex((await failure({ from: dir })).message, /series\.json: regions\.Cataluña\.metrics\.priceP50 has 34 values for 35 days/);

  const shifted = JSON.parse(await readFile(join(FIXTURE, 'series.json'), 'utf8'));
  shifted.days.pop();
  shifted.lastDay = shifted.days.at(-1);
  for (const metric of Object.keys(shifted.overall)) shifted.overall[metric].pop();
  for (const group of ['categories', 'regions', 'searches']) for (const entry of Object.values(shifted[group]) as Array<{ metrics: Record<string, unknown[]> }>) for (const values of Object.values(entry.metrics)) values.pop();
  await writeFile(join(dir, 'series.json'), JSON.stringify(shifted));
  t.regex((await failure({ from: dir })).message, /series\.json: runs through 2026-11-23, but .*latest\.json is the day 2026-11-24/);
});

test('the local runner data dir: files are found in its embedded S3 directory', async (t) => {
  // s3rver keeps objects as <dir>/s3/<bucket>/<key>._S3rver_object; a bad series proves the
  // files were found there (and names the lake path, not a temp copy).
  const dataDir = await tempDir(t, 'data');
  const lake = join(dataDir, 's3', 'wallapop-lake', 'gold', 'dashboard');
  await mkdir(lake, { recursive: true });
  await cp(join(FIXTURE, 'latest.json'), join(lake, 'latest.json._S3rver_object'));
  await writeFile(join(lake, 'series.json._S3rver_object'), '{"schemaVersion": 3}');
  const error = await failure({ from: dataDir });
  t.is(relative(dataDir, error.file), join('s3', 'wallapop-lake', 'gold', 'dashboard', 'series.json'));
  t.regex(error.message, /schemaVersion: Invalid type: Expected 2 but received 3/);

  // alerts.json is copied from there too when the lake has one.
  await cp(join(FIXTURE, 'series.json'), join(lake, 'series.json._S3rver_object'));
  await writeFile(join(lake, 'alerts.json._S3rver_object'), 'null');
  const alerts = await failure({ from: dataDir });
  t.is(relative(dataDir, alerts.file), join('s3', 'wallapop-lake', 'gold', 'dashboard', 'alerts.json'));
  t.regex(alerts.message, /not an alerts window file: \(root\): Invalid type: Expected Object but received null/);
});

test('s3://bucket: files are downloaded from the lake (embedded S3), errors name the s3:// URL', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  await s3.lake.put('gold/dashboard/latest.json', await readFile(join(FIXTURE, 'latest.json')));
  const missing = await failure({ from: `s3://${s3.bucket}`, s3Endpoint: s3.endpoint });
  t.is(missing.file, `s3://${s3.bucket}/gold/dashboard/series.json`);
  t.regex(missing.message, /file is missing/);

  await s3.lake.put('exports/today/latest.json', '{"not":"a day"}');
  await s3.lake.put('exports/today/series.json', await readFile(join(FIXTURE, 'series.json')));
  const malformed = await failure({ from: `s3://${s3.bucket}/exports/today`, s3Endpoint: s3.endpoint });
  t.is(malformed.file, `s3://${s3.bucket}/exports/today/latest.json`);
  t.regex(malformed.message, /not a dashboard day file: schemaVersion: Invalid key/);

  // alerts.json is downloaded when present, and validated like the others.
  await s3.lake.put('gold/dashboard/series.json', await readFile(join(FIXTURE, 'series.json')));
  await s3.lake.put('gold/dashboard/alerts.json', '{"schemaVersion": 1, "day": "24/11/2026"}');
  const alerts = await failure({ from: `s3://${s3.bucket}`, s3Endpoint: s3.endpoint });
  t.is(alerts.file, `s3://${s3.bucket}/gold/dashboard/alerts.json`);
  t.regex(alerts.message, /not an alerts window file: day: must be a day written YYYY-MM-DD/);
});

test('the CLI exits 1 naming the file, and 2 on bad usage', async (t) => {
  const dir = await fixtureCopy(t);
  await writeFile(join(dir, 'series.json'), '[');
  const bad = await run(process.execPath, ['--import=tsx', 'scripts/dashboard-build.ts', '--from', dir], { env: { ...process.env, NODE_OPTIONS: '' } }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  t.is(bad?.code, 1);
  t.regex(bad?.stderr ?? '', new RegExp(`dashboard build failed: ${join(dir, 'series.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));

  const usage = await run(process.execPath, ['--import=tsx', 'scripts/dashboard-build.ts', '--form', dir], { env: { ...process.env, NODE_OPTIONS: '' } }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  t.is(usage?.code, 2);
  t.regex(usage?.stderr ?? '', /usage: npm run dashboard:build/);
});
