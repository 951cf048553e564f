/**
 * How long the dashboard takes to build at scale, and how heavy its pages are: a synthetic year of
 * gold (365 days, 200 categories, 50 searches, 60 regions; fixtures/gold-dashboard/generate.ts)
 * built exactly as `npm run dashboard:build` builds it. Not a test: it prints figures to compare.
 *
 *   npm run bench:dashboard [-- --keep]     (--keep leaves the data and the site in the temp dir)
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../scripts/dashboard-build.ts';
import { generateDashboardData, writeDashboardData, YEAR_OPTIONS } from '../fixtures/gold-dashboard/generate.ts';

process.env.ASTRO_TELEMETRY_DISABLED = '1';

const keep = process.argv.includes('--keep');
const work = await mkdtemp(join(tmpdir(), 'dashboard-bench-'));
const dataDir = join(work, 'gold-dashboard');
const outDir = join(work, 'dist');

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

try {
  let started = performance.now();
  const data = generateDashboardData(YEAR_OPTIONS);
  await writeDashboardData(dataDir, data);
  const inputBytes = (await readFile(join(dataDir, 'latest.json'))).length + (await readFile(join(dataDir, 'series.json'))).length;
  console.log(
    `input: ${YEAR_OPTIONS.days} days, ${data.latest.categories.length} categories, ${data.latest.searches.length} searches, ${data.latest.regions.length} regions, ` +
      `${data.latest.cities.length} cities, ${Object.keys(data.latest.listings).length} listing cards; ${(inputBytes / 1024 / 1024).toFixed(1)} MB of JSON ` +
      `(generated in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  started = performance.now();
  const result = await buildDashboard({ from: dataDir, outDir, log: (line) => line.includes(' built ') && console.log(line.replace(/^dashboard: /, '  ')) });
  const seconds = (performance.now() - started) / 1000;

  const pages: Array<{ path: string; raw: number; gzip: number }> = [];
  let assetBytes = 0;
  const csv = { files: 0, raw: 0, gzip: 0 };
  for (const entry of await readdir(outDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    if (entry.name.endsWith('.html')) pages.push({ path: relative(outDir, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    else if (entry.name.endsWith('.csv')) {
      csv.files += 1;
      csv.raw += bytes.length;
      csv.gzip += gzipSync(bytes, { level: 6 }).length;
    } else assetBytes += gzipSync(bytes, { level: 9 }).length;
  }
  pages.sort((a, b) => b.gzip - a.gzip);
  const home = pages.find((page) => page.path === 'index.html')!;
  const total = pages.reduce((sum, page) => sum + page.gzip, 0);
  const rawTotal = pages.reduce((sum, page) => sum + page.raw, 0);

  console.log(`build: ${seconds.toFixed(1)} s for ${result.pages} pages (validation + Astro + CSP check), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`home: ${kb(home.gzip)} gzipped (${kb(home.raw)} raw) + ${kb(assetBytes)} gzipped CSS/script/assets shared by every page`);
  console.log(`all pages: ${(total / 1024 / 1024).toFixed(2)} MB gzipped (${(rawTotal / 1024 / 1024).toFixed(1)} MB raw), ${kb(total / pages.length)} gzipped on average`);
  const listingPages = pages.filter((page) => /^listings\/[^/]+\/index\.html$/.test(page.path));
  const listingBytes = listingPages.reduce((sum, page) => sum + page.gzip, 0);
  console.log(`listing pages: ${listingPages.length}, ${(listingBytes / 1024 / 1024).toFixed(2)} MB gzipped, ${kb(listingBytes / Math.max(1, listingPages.length))} on average`);
  console.log(`table downloads: ${csv.files} CSV files, ${(csv.raw / 1024 / 1024).toFixed(1)} MB (${(csv.gzip / 1024 / 1024).toFixed(1)} MB gzipped)`);
  console.log(`site size: ${((rawTotal + csv.raw) / 1024 / 1024).toFixed(1)} MB raw HTML and CSV`);
  console.log('heaviest pages (gzipped):');
  for (const page of pages.slice(0, 5)) console.log(`  ${kb(page.gzip).padStart(9)}  ${page.path}`);
  const budget = 100 * 1024;
  if (home.gzip > budget) console.log(`WARNING: the home page is over its ${kb(budget)} budget`);
  if (seconds > 60) console.log('WARNING: the build took more than a minute');
  if (keep) console.log(`kept: ${work}`);
} finally {
  if (!keep) await rm(work, { recursive: true, force: true });
}
