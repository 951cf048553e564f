/**
 * Builds the static dashboard from the gold layer's dashboard JSON.
 *
 *   npm run dashboard:build -- --from <dir>                         a copy of gold/dashboard/, a lake
 *                                                                   mirror, or the local runner's data dir (.data)
 *   npm run dashboard:build -- --from s3://bucket[/prefix] [--s3-endpoint URL]
 *   options: --out <dir> (default dashboard/dist)  --photos wallapop|copy|off  --image-origin URL  --verbose
 *
 * Steps: fetch latest.json and series.json (and alerts.json, the Alerts view's optional window, when
 * the lake has it) into a temporary directory, validate them (a missing required file, or any
 * malformed one, fails naming the file and the problem), run Astro's build with the directory in
 * DASHBOARD_DATA_DIR, then check the output has nothing a strict CSP would block. With
 * `--photos copy` the listing photos are downloaded first (scripts/dashboard-photos.ts).
 * Exit codes: 0 built, 1 bad input or failed build, 2 bad usage.
 */
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ALERTS_FILE,
  DATA_DIR_ENV,
  DATA_FILES,
  HISTORIES_FILE,
  OPTIONAL_FILES,
  DashboardDataError,
  primeDashboardData,
  readDashboardData,
} from '../dashboard/src/data/gold-input.ts';
import { DEFAULT_LANG, LANG_ENV, LANGS, type Lang } from '../dashboard/src/i18n/lang.ts';
import { DEFAULT_PHOTO_MODE, PHOTO_DIR, PHOTO_MODES, PHOTOS_ENV, primeCopiedPhotos, type PhotoMode } from '../dashboard/src/data/photos.ts';
import pMap from 'p-map';
import { writePageCsvs } from './dashboard-csv.ts';
import { copyPhotos, installPhotos, MAX_PHOTOS } from './dashboard-photos.ts';
import { HTML_ATTRIBUTE, HTML_TAG } from './html-tags.ts';

/** Counts in the log as the CLI and README write them (English: 12,680). */
const count = (value: number): string => value.toLocaleString('en-US');

const isOptional = (file: string): boolean => (OPTIONAL_FILES as readonly string[]).includes(file);

process.env.ASTRO_TELEMETRY_DISABLED = '1';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DASHBOARD_ROOT = join(repoRoot, 'dashboard');
export const DEFAULT_OUT_DIR = join(DASHBOARD_ROOT, 'dist');
/** Where gold writes the dashboard JSON in the lake. */
const LAKE_PREFIX = 'gold/dashboard/';
const S3RVER_OBJECT = '._S3rver_object';

export interface DashboardBuildOptions {
  /** A directory or an s3://bucket[/prefix] URL. */
  from: string;
  s3Endpoint?: string;
  outDir?: string;
  /** The site's language (dashboard/src/i18n/lang.ts): 'es' by default. */
  lang?: Lang;
  /** Where listing photos come from (dashboard/src/data/photos.ts); 'wallapop' by default. */
  photos?: PhotoMode;
  /** `photos: 'copy'`: fetch the CDN's paths from this origin instead (the simulator). */
  imageOrigin?: string;
  /** `photos: 'copy'`: where downloaded photos are kept between builds. */
  photoCache?: string;
  verbose?: boolean;
  log?: (line: string) => void;
}

export interface DashboardBuildResult {
  outDir: string;
  pages: number;
  day: string;
  seconds: number;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

// ---- input -------------------------------------------------------------------------------------

interface Input {
  /** A directory holding latest.json and series.json, and alerts.json when the lake has one. */
  dir: string;
  /** How to name a file of the input in messages (the user's path or URL, not the temp copy). */
  shownAs: (file: string) => string;
  cleanup: () => Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function stagingDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dashboard-data-'));
}

/**
 * A local directory: gold/dashboard/ itself, a mirror of the lake (dir/gold/dashboard/), or an
 * s3rver directory as the local runner keeps it (dir/s3/<bucket>/gold/dashboard/…._S3rver_object).
 */
async function localInput(from: string): Promise<Input> {
  const dir = resolve(from);
  if (!(await exists(dir))) throw new DashboardDataError(dir, 'directory does not exist');
  const noCleanup = async () => {};
  for (const candidate of [dir, join(dir, LAKE_PREFIX)]) {
    if (await exists(join(candidate, DATA_FILES.latest))) return { dir: candidate, shownAs: (file) => join(candidate, file), cleanup: noCleanup };
  }
  // s3rver keeps each object as <bucket>/<key>._S3rver_object.
  const buckets: string[] = [];
  for (const root of [dir, join(dir, 's3')]) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && (await exists(join(root, entry.name, LAKE_PREFIX, `${DATA_FILES.latest}${S3RVER_OBJECT}`)))) buckets.push(join(root, entry.name));
    }
  }
  if (buckets.length > 1) throw new UsageError(`${dir} holds several lakes (${buckets.join(', ')}): pass one of them with --from`);
  const bucket = buckets[0];
  if (bucket === undefined) {
    // Nothing found: name the file the user most likely meant.
    throw new DashboardDataError(join(dir, DATA_FILES.latest), `file is missing (also looked for ${LAKE_PREFIX}${DATA_FILES.latest} and a local lake under ${dir})`);
  }
  const source = join(bucket, LAKE_PREFIX);
  const staging = await stagingDir();
  for (const file of [...Object.values(DATA_FILES), ...OPTIONAL_FILES]) {
    await copyFile(join(source, `${file}${S3RVER_OBJECT}`), join(staging, file)).catch((cause: NodeJS.ErrnoException) => {
      // alerts.json is optional (without it the Alerts view says no watches are configured), and so is histories.json.
      if (isOptional(file) && cause.code === 'ENOENT') return;
      throw new DashboardDataError(join(source, file), cause.code === 'ENOENT' ? 'file is missing' : `cannot be read (${cause.message})`, { cause });
    });
  }
  return { dir: staging, shownAs: (file) => join(source, file), cleanup: () => rm(staging, { recursive: true, force: true }) };
}

/**
 * s3://bucket[/prefix]: downloads the two files, and alerts.json when it exists (prefix defaults to
 * gold/dashboard/).
 */
async function s3Input(from: string, endpoint: string | undefined): Promise<Input> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(from);
  if (!match) throw new UsageError(`--from ${from}: expected s3://bucket or s3://bucket/prefix`);
  const bucket = match[1]!;
  const rawPrefix = match[2] ?? '';
  const prefix = rawPrefix === '' ? LAKE_PREFIX : rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const local = endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID;
  const client = new S3Client({
    region: process.env.AWS_REGION ?? 'eu-west-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // The embedded local S3 (s3rver) accepts only these; real endpoints use the usual credential chain.
    ...(local ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const staging = await stagingDir();
  const shownAs = (file: string) => `s3://${bucket}/${prefix}${file}`;
  try {
    for (const file of [...Object.values(DATA_FILES), ...OPTIONAL_FILES]) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${file}` }));
        await writeFile(join(staging, file), await response.Body!.transformToByteArray());
      } catch (cause) {
        const name = (cause as { name?: string }).name;
        const missing = name === 'NoSuchKey' || name === 'NotFound';
        // alerts.json is optional (a lake without watches has none), and so is histories.json.
        if (missing && isOptional(file)) continue;
        const problem = missing
          ? 'file is missing'
          : `cannot be downloaded (${(cause as Error).message})${name === 'AccessDenied' && isOptional(file) ? ' (S3 also answers AccessDenied for a missing file when the credentials may not list the bucket)' : ''}`;
        throw new DashboardDataError(shownAs(file), problem, { cause });
      }
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    client.destroy();
  }
  return { dir: staging, shownAs, cleanup: () => rm(staging, { recursive: true, force: true }) };
}

// ---- output checks -------------------------------------------------------------------------------

async function htmlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) found.push(join(entry.parentPath, entry.name));
  }
  return found.sort();
}

/**
 * What the strict CSP would block (or what would run script) in one page: inline or off-site
 * <script>s (the site's own script files are allowed), <style> elements, style="" or on…=""
 * attributes, javascript: URLs. Reads tags only: text and attribute
 * values are escaped, so a listing titled "<script>" cannot look like a tag here.
 */
export function cspViolations(html: string): string[] {
  const problems: string[] = [];
  let scriptEnds = -1;
  for (const tag of html.matchAll(HTML_TAG)) {
    if (tag[1] === '/') {
      if (tag[2]!.toLowerCase() === 'script' && tag.index !== scriptEnds) problems.push('an inline script');
      continue;
    }
    const element = tag[2]!.toLowerCase();
    if (element === 'style') problems.push(`a <${element}> element`);
    let src: string | undefined;
    for (const attribute of (tag[3] ?? '').matchAll(HTML_ATTRIBUTE)) {
      const name = attribute[1]!.toLowerCase();
      const raw = (attribute[2] ?? '').replace(/^["']|["']$/g, '');
      const value = raw.trim().toLowerCase();
      if (name === 'src') src = raw;
      if (name === 'style') problems.push(`a style attribute on <${element}>`);
      else if (name.startsWith('on')) problems.push(`an event handler attribute ${name} on <${element}>`);
      else if ((name === 'href' || name === 'src' || name.endsWith(':href')) && value.startsWith('javascript:')) problems.push(`a javascript: URL in ${name}`);
    }
    if (element === 'script') {
      // Only the site's own script files run (script-src 'self'): a src on this origin, no body.
      if (src === undefined || !src.startsWith('/') || src.startsWith('//')) problems.push(`a <script> that is not one of the site's own files (${src ?? 'inline'})`);
      scriptEnds = tag.index + tag[0].length;
    }
  }
  return problems;
}

/**
 * One pass over the built pages, a few at a time: each is checked against the CSP (throws naming
 * the page and the problem when it would break under it), then gets its tables' CSV downloads.
 */
async function finishBuiltSite(outDir: string): Promise<{ pages: number; csvFiles: number }> {
  const pages = await htmlFiles(outDir);
  const counts = await pMap(
    pages,
    async (page) => {
      const html = await readFile(page, 'utf8');
      const problems = cspViolations(html);
      if (problems.length > 0) throw new Error(`${relative(outDir, page)} contains ${problems.slice(0, 3).join(', ')}: the site's CSP forbids it`);
      return writePageCsvs(page, html);
    },
    { concurrency: 16 },
  );
  return { pages: pages.length, csvFiles: counts.reduce((sum, count) => sum + count, 0) };
}

// ---- build ---------------------------------------------------------------------------------------

export async function buildDashboard(options: DashboardBuildOptions): Promise<DashboardBuildResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const input = options.from.startsWith('s3://') ? await s3Input(options.from, options.s3Endpoint) : await localInput(options.from);
  try {
    const data = await readDashboardData(input.dir, input.shownAs);
    log(`dashboard: ${input.shownAs(DATA_FILES.latest)} is valid (day ${data.latest.day}, ${data.series.days.length} days of series)`);
    log(
      data.alerts === null
        ? `dashboard: no ${input.shownAs(ALERTS_FILE)}: the Alerts view will say no watches are configured`
        : `dashboard: ${input.shownAs(ALERTS_FILE)} is valid (${count(data.alerts.alerts.length)} alerts in the ${data.alerts.windowDays} days through ${data.alerts.day})`,
    );
    log(
      data.histories === null
        ? `dashboard: no ${input.shownAs(HISTORIES_FILE)}: listing pages draw each price path from the listing's card alone`
        : `dashboard: ${input.shownAs(HISTORIES_FILE)} is valid (price paths of ${count(Object.keys(data.histories.listings).length)} listings)`,
    );
    primeDashboardData(input.dir, data);
    process.env[DATA_DIR_ENV] = input.dir;
    const phases: Record<string, number> = {};
    const siteLang = options.lang ?? DEFAULT_LANG;
    process.env[LANG_ENV] = siteLang;
    const photos = options.photos ?? DEFAULT_PHOTO_MODE;
    process.env[PHOTOS_ENV] = photos;
    const photoCache = resolve(options.photoCache ?? join(DASHBOARD_ROOT, '.astro', 'photos'));
    let copied: Map<string, string> = new Map();
    if (photos === 'copy') {
      const photosStarted = performance.now();
      const urls = [...Object.values(data.latest.listings).map((card) => card.imageUrl), ...(data.alerts?.alerts ?? []).map((alert) => alert.imageUrl)];
      const result = await copyPhotos(urls, { cacheDir: photoCache, ...(options.imageOrigin === undefined ? {} : { imageOrigin: options.imageOrigin }) });
      copied = result.files;
      phases.photos = performance.now() - photosStarted;
      log(
        `dashboard: ${count(result.files.size)} photos (${count(result.fetched)} downloaded from ${options.imageOrigin ?? 'Wallapop'}, ${count(result.cached)} from ${photoCache})` +
          (result.failed.length > 0 ? `; ${count(result.failed.length)} could not be fetched (first: ${result.failed[0]!.url}: ${result.failed[0]!.problem}), shown as "sin foto"` : '') +
          (result.overLimit > 0 ? `; ${count(result.overLimit)} over the limit of ${count(MAX_PHOTOS)} shown as "sin foto"` : ''),
      );
    }
    primeCopiedPhotos(copied);

    // Astro writes its server chunks inside the output directory only when that is below the
    // working directory (else into ./.astro, shared by concurrent builds, where they also fail to
    // resolve packages). So every build renders into its own staging directory under
    // dashboard/.astro/ (git-ignored), with the repository as working directory, then moves the
    // site to --out. Caches go to a per-build directory too.
    await mkdir(join(DASHBOARD_ROOT, '.astro'), { recursive: true });
    const staging = await mkdtemp(join(DASHBOARD_ROOT, '.astro', 'build-'));
    const cacheDir = join(staging, 'cache');
    const siteDir = join(staging, 'dist');
    const cwd = process.cwd();
    try {
      process.chdir(repoRoot);
      const { build } = await import('astro');
      const astroStarted = performance.now();
      await build({
        root: DASHBOARD_ROOT,
        outDir: siteDir,
        cacheDir,
        vite: { cacheDir: join(cacheDir, 'vite') },
        logLevel: options.verbose ? 'info' : 'warn',
      });
      phases.astro = performance.now() - astroStarted;
      process.chdir(cwd);
      await rm(outDir, { recursive: true, force: true });
      await mkdir(dirname(outDir), { recursive: true });
      await rename(siteDir, outDir).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        await cp(siteDir, outDir, { recursive: true });
      });
    } finally {
      process.chdir(cwd);
      await rm(staging, { recursive: true, force: true });
    }
    if (copied.size > 0) await installPhotos(copied, photoCache, join(outDir, PHOTO_DIR));
    const phaseStarted = performance.now();
    const { pages, csvFiles } = await finishBuiltSite(outDir);
    phases['CSP check and CSV'] = performance.now() - phaseStarted;
    const seconds = (performance.now() - started) / 1000;
    const phaseText = Object.entries(phases).map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`).join(', ');
    log(`dashboard: built ${count(pages)} pages and ${count(csvFiles)} table downloads (CSV) into ${outDir} in ${seconds.toFixed(1)} s (${phaseText}; language: ${siteLang}; photos: ${photos})`);
    return { outDir, pages, day: data.latest.day, seconds };
  } finally {
    await input.cleanup();
  }
}

const USAGE = `usage: npm run dashboard:build -- --from <dir | s3://bucket[/prefix]> [--s3-endpoint URL] [--out DIR] [--lang es|en] [--photos wallapop|copy|off] [--image-origin URL] [--verbose]

  --from         a copy of the lake's gold/dashboard/ (latest.json, series.json, and alerts.json
                 when there are watches), a mirror of the lake, the local runner's data dir
                 (.data), or s3://bucket[/prefix] (prefix defaults to gold/dashboard/)
  --s3-endpoint  an S3-compatible endpoint (the local runner's embedded S3)
  --out          where to write the site (default dashboard/dist)
  --lang         the site's language: es (default) or en; figures follow it (1.234,50 € or €1,234.50)
  --photos       where listing photos come from: wallapop (default: readers' browsers load them
                 from Wallapop's CDN, which the CSP allows for images only), copy (the build
                 downloads them once and the site serves them: no third-party requests), off
  --image-origin with --photos copy: fetch the photos from this origin instead of Wallapop's CDN
                 (the simulator's, e.g. http://127.0.0.1:8787)
  --verbose      Astro's full build log`;

async function main(argv: string[]): Promise<number> {
  let values: { from?: string; 's3-endpoint'?: string; out?: string; lang?: string; photos?: string; 'image-origin'?: string; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        's3-endpoint': { type: 'string' },
        out: { type: 'string' },
        lang: { type: 'string' },
        photos: { type: 'string' },
        'image-origin': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.from) {
    console.error(`--from is required\n\n${USAGE}`);
    return 2;
  }
  if (values.lang !== undefined && !(LANGS as readonly string[]).includes(values.lang)) {
    console.error(`--lang ${values.lang}: expected one of ${LANGS.join(', ')}`);
    return 2;
  }
  if (values.photos !== undefined && !(PHOTO_MODES as readonly string[]).includes(values.photos)) {
    console.error(`--photos ${values.photos}: expected one of ${PHOTO_MODES.join(', ')}`);
    return 2;
  }
  if (values['image-origin'] !== undefined && !/^https?:\/\/[^/]+\/?$/.test(values['image-origin'])) {
    console.error(`--image-origin ${values['image-origin']}: expected an origin such as http://127.0.0.1:8787`);
    return 2;
  }
  try {
    await buildDashboard({
      from: values.from,
      ...(values['s3-endpoint'] ? { s3Endpoint: values['s3-endpoint'] } : {}),
      ...(values.out ? { outDir: values.out } : {}),
      ...(values.lang === undefined ? {} : { lang: values.lang as Lang }),
      ...(values.photos === undefined ? {} : { photos: values.photos as PhotoMode }),
      ...(values['image-origin'] === undefined ? {} : { imageOrigin: values['image-origin'] }),
      verbose: values.verbose ?? false,
    });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DashboardDataError) {
      console.error(`dashboard build failed: ${error.message}`);
      return 1;
    }
    console.error(`dashboard build failed: ${(error as Error).stack ?? error}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
