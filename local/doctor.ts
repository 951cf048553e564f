import { indexCategories, EMPTY_CATEGORY_INDEX, type CategoryIndex } from '#shared/silver/categories.ts';
import { normaliseItem } from '#shared/silver/item.ts';
import { driftVerdict, checkPage, type DriftVerdict } from '#shared/wallapop/drift.ts';
import {
  WallapopBadRequestError,
  WallapopBlockedError,
  WallapopError,
  isOtherSection,
  searchHeaders,
  type PageShape,
  type SearchEndpoint,
  type SearchPage,
  type SearchQuery,
  type WallapopClient,
} from '#shared/wallapop/index.ts';

/**
 * `wallapop doctor`: one request per endpoint (categories, /search, /search/section, and a second
 * page), each held against what the pipeline expects: the shape it reads, the fields silver can
 * read, and whether the answers honour the request. It prints what it sent and got and ends in one
 * verdict, so a user sees a drift before a day of data is spent on it.
 */

export type Verdict = 'ok' | 'warning' | 'broken';

export interface DoctorCheck {
  name: 'categories' | 'search' | 'section' | 'second page';
  request: { url: string; endpoint: string; headers: Record<string, string> } | null;
  status: number | null;
  /** Where the page kept items and token, or how the category tree looked. */
  shape: string | null;
  items: number | null;
  /** The page carried a next_page token. */
  nextPage: boolean | null;
  /** Fields present but unreadable, and items silver would quarantine, with counts. */
  unreadable: string[];
  /** How many items carry each optional field the pipeline reads (`location.region2`: 40/40). */
  coverage: Record<string, string>;
  drift: Pick<DriftVerdict, 'outcome' | 'symptoms'> | null;
  verdict: Verdict;
  notes: string[];
}

export interface DoctorReport {
  baseUrl: string;
  probe: SearchQuery;
  checks: DoctorCheck[];
  verdict: Verdict;
  /** One sentence. */
  summary: string;
}

/** Optional fields whose presence the doctor counts: a field the API stopped sending shows up here. */
const COVERAGE: ReadonlyArray<[name: string, present: (item: Record<string, unknown>) => boolean]> = [
  ['user_id', (item) => item.user_id != null],
  ['category_id', (item) => item.category_id != null],
  ['taxonomy', (item) => Array.isArray(item.taxonomy) && item.taxonomy.length > 0],
  ['location.region', (item) => (item.location as Record<string, unknown> | undefined)?.region != null],
  ['location.region2 (province)', (item) => (item.location as Record<string, unknown> | undefined)?.region2 != null],
  ['location.latitude', (item) => (item.location as Record<string, unknown> | undefined)?.latitude != null],
  ['created_at', (item) => item.created_at != null],
  ['web_slug', (item) => item.web_slug != null],
  ['discount / previous_price', (item) => item.discount != null || item.previous_price != null],
];

const worst = (verdicts: Verdict[]): Verdict => (verdicts.includes('broken') ? 'broken' : verdicts.includes('warning') ? 'warning' : 'ok');

function emptyCheck(name: DoctorCheck['name']): DoctorCheck {
  return { name, request: null, status: null, shape: null, items: null, nextPage: null, unreadable: [], coverage: {}, drift: null, verdict: 'ok', notes: [] };
}

const shapeText = (shape: PageShape) => `${shape.sectionType ?? 'untyped'} section, items at ${shape.itemsAt}, token at ${shape.tokenAt ?? '(none)'}`;

/** What the API says it applied (`stats.filters_applied_count`, seen on /search captures), for the record: its meaning is not documented. */
function filtersApplied(body: string): number | null {
  try {
    const count = (JSON.parse(body) as { stats?: { filters_applied_count?: unknown } }).stats?.filters_applied_count;
    return typeof count === 'number' ? count : null;
  } catch {
    return null;
  }
}

/** What silver would make of the items: unreadable fields and quarantine reasons, counted. */
function silverReading(items: readonly unknown[], categories: CategoryIndex): string[] {
  const counts = new Map<string, number>();
  const add = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
  const context = { day: '2000-01-01', search: 'doctor', page: 1, fetchedAtMs: 0, categories };
  for (const item of items) {
    const result = normaliseItem(item, context);
    if (!result.ok) add(`quarantined: ${result.reason}`);
    else for (const field of result.notes.invalidFields) add(field);
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([what, count]) => `${what} (${count}/${items.length})`);
}

function coverageOf(items: readonly Record<string, unknown>[]): Record<string, string> {
  return Object.fromEntries(COVERAGE.map(([name, present]) => [name, `${items.filter(present).length}/${items.length}`]));
}

function pageCheck(name: DoctorCheck['name'], query: SearchQuery, page: SearchPage, categories: CategoryIndex): DoctorCheck {
  const check = emptyCheck(name);
  check.request = { url: page.request.url, endpoint: page.request.endpoint, headers: searchHeaders(page.request.endpoint === 'section' ? 'section' : 'search') };
  check.status = page.status;
  check.shape = shapeText(page.shape);
  check.items = page.items.length;
  check.nextPage = page.nextPage !== null;
  check.unreadable = silverReading(page.items, categories);
  check.coverage = coverageOf(page.items);
  const verdict = driftVerdict(query, checkPage(query, page));
  check.drift = { outcome: verdict.outcome, symptoms: verdict.symptoms };
  if (verdict.outcome !== null) check.verdict = 'broken';
  if (page.items.length === 0) {
    check.verdict = 'broken';
    check.notes.push('no items: a block, a wrong geolocation or a query the API no longer understands (the pipeline would record the search as empty)');
  }
  if (page.shape.strayTokens.length > 0) check.notes.push(`token-like fields in unknown places: ${page.shape.strayTokens.join(', ')}`);
  if (isOtherSection(page.shape)) {
    check.notes.push(`a ${page.shape.sectionType} section, not the results: the pipeline keeps such a page as evidence and ends the search there`);
    if (check.verdict === 'ok') check.verdict = 'warning';
  }
  const applied = filtersApplied(page.body);
  if (applied !== null) check.notes.push(`the API reports ${applied} filter(s) applied (stats.filters_applied_count)`);
  if (check.unreadable.length > 0 && check.verdict === 'ok') check.verdict = 'warning';
  const province = check.coverage['location.region2 (province)'];
  if (page.items.length > 0 && province?.startsWith('0/')) {
    check.notes.push('no item carries location.region2: the province column will be empty');
    if (check.verdict === 'ok') check.verdict = 'warning';
  }
  return check;
}

function failedCheck(name: DoctorCheck['name'], error: unknown, request: DoctorCheck['request']): DoctorCheck {
  const check = emptyCheck(name);
  check.request = request;
  check.verdict = 'broken';
  if (error instanceof WallapopError) {
    check.request = error.url ? { ...(request ?? { endpoint: name, headers: {} }), url: error.url } : request;
    check.status = error.response?.status ?? null;
    check.notes.push(`${error.name}: ${error.message}`);
    if (error instanceof WallapopBlockedError) check.notes.push('blocked by CloudFront: try later, from another network, or at a lower rate');
  } else {
    check.notes.push(`${(error as Error).name}: ${(error as Error).message}`);
  }
  return check;
}

export interface DoctorOptions {
  client: WallapopClient;
  baseUrl: string;
  probe: SearchQuery;
}

export async function runDoctor({ client, baseUrl, probe }: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  let categories: CategoryIndex = EMPTY_CATEGORY_INDEX;

  try {
    const response = await client.fetchCategories();
    const index = indexCategories({ categories: response.categories });
    categories = index;
    const check = emptyCheck('categories');
    check.request = { url: response.request.url, endpoint: 'categories', headers: searchHeaders('search') };
    check.status = response.status;
    check.shape = `${response.categories.length} root categories, ${index.size} nodes`;
    if (index.skippedNodes > 0) {
      check.unreadable.push(`category nodes (${index.skippedNodes})`);
      check.verdict = 'warning';
    }
    if (probe.categoryId !== undefined && index.get(probe.categoryId) === undefined) {
      check.notes.push(`the probe's category ${probe.categoryId} is not in the tree`);
      check.verdict = 'warning';
    }
    checks.push(check);
  } catch (error) {
    const failed = failedCheck('categories', error, { url: `${baseUrl}/api/v3/categories`, endpoint: 'categories', headers: searchHeaders('search') });
    // Silver still works without the tree (rows lose category names): not fatal.
    failed.verdict = 'warning';
    checks.push(failed);
  }

  const firstPages = new Map<SearchEndpoint, SearchPage>();
  for (const endpoint of ['search', 'section'] as const) {
    try {
      const page = await client.fetchSearchPage(probe, null, { endpoint, fallback: false });
      firstPages.set(endpoint, page);
      checks.push(pageCheck(endpoint, probe, page, categories));
    } catch (error) {
      const check = failedCheck(endpoint, error, null);
      // One endpoint refusing is what the fallback is for; it is broken only if both are.
      if (error instanceof WallapopBadRequestError) check.verdict = 'warning';
      checks.push(check);
    }
  }

  const paging = [...firstPages.entries()].find(([, page]) => page.nextPage !== null && page.items.length > 0);
  if (paging) {
    const [endpoint, first] = paging;
    try {
      const second = await client.fetchSearchPage(probe, first.nextPage, { endpoint, fallback: false });
      const check = pageCheck('second page', probe, second, categories);
      const firstIds = new Set(first.items.map((item) => item.id));
      const repeated = second.items.filter((item) => firstIds.has(item.id)).length;
      if (repeated > 0) {
        check.verdict = 'broken';
        check.notes.push(`${repeated} of its ${second.items.length} items were already on the first page: the token did not move the search on`);
      }
      if (second.items.length > 0 && second.nextPage !== null && second.items.length < first.items.length / 2) {
        check.notes.push(`a shorter page than the first (${second.items.length} against ${first.items.length})`);
        if (check.verdict === 'ok') check.verdict = 'warning';
      }
      checks.push(check);
    } catch (error) {
      checks.push(failedCheck('second page', error, null));
    }
  } else {
    const check = emptyCheck('second page');
    check.verdict = firstPages.size === 0 ? 'broken' : 'warning';
    check.notes.push(firstPages.size === 0 ? 'not tried: no endpoint gave a first page' : 'not tried: no first page carried a next_page token (a probe with fewer results than a page, or pagination moved)');
    checks.push(check);
  }

  const bothSearchesDown = !firstPages.has('search') && !firstPages.has('section');
  const verdict: Verdict = bothSearchesDown ? 'broken' : worst(checks.map((check) => check.verdict));
  return { baseUrl, probe, checks, verdict, summary: summaryOf(verdict, checks, bothSearchesDown) };
}

function summaryOf(verdict: Verdict, checks: DoctorCheck[], bothSearchesDown: boolean): string {
  if (bothSearchesDown) return 'Broken: neither search endpoint gave a page the pipeline can read; a run now would record every search as failed or blocked.';
  const drift = checks.flatMap((check) => check.drift?.symptoms.map((symptom) => `${check.name}: ${symptom.message}`) ?? []);
  if (verdict === 'broken') {
    const reasons = [...drift, ...checks.filter((check) => check.verdict === 'broken' && (check.drift?.symptoms.length ?? 0) === 0).map((check) => `${check.name}: ${check.notes[0] ?? 'failed'}`)];
    return `Broken: ${reasons.join('; ')}. A run now would mark such searches ${drift.length > 0 ? 'filter-ignored or drifted' : 'failed'} and nothing vanished from them.`;
  }
  if (verdict === 'warning') {
    const reasons = checks.filter((check) => check.verdict === 'warning').map((check) => `${check.name}: ${check.notes[0] ?? (check.unreadable.length > 0 ? `unreadable ${check.unreadable.join(', ')}` : 'see above')}`);
    return `Works, with warnings: ${reasons.join('; ')}.`;
  }
  return 'OK: both search endpoints answer in a shape the pipeline reads, honour the filters, and page on.';
}

/** The report for a person: what was sent, what came back, what could not be read, and the verdict. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`wallapop doctor: ${report.baseUrl}`, `probe: ${JSON.stringify(report.probe)}`, ''];
  const mark: Record<Verdict, string> = { ok: 'ok', warning: 'WARNING', broken: 'BROKEN' };
  for (const check of report.checks) {
    lines.push(`[${mark[check.verdict]}] ${check.name}`);
    if (check.request) {
      // A next_page token is a long JWT: its head is enough to see that one was sent.
      lines.push(`  sent: GET ${check.request.url.replace(/(next_page=)([^&]{16})[^&]+/, '$1$2…')}`);
      const headers = Object.entries(check.request.headers).filter(([name]) => name !== 'User-Agent');
      if (headers.length > 0) lines.push(`        ${headers.map(([name, value]) => `${name}: ${value}`).join(' | ')}`);
    }
    if (check.status !== null) lines.push(`  got:  HTTP ${check.status}${check.shape ? `, ${check.shape}` : ''}${check.items !== null ? `, ${check.items} items${check.nextPage ? ', a next page' : ', no next page'}` : ''}`);
    else if (check.shape) lines.push(`  got:  ${check.shape}`);
    if (check.unreadable.length > 0) lines.push(`  could not read: ${check.unreadable.join(', ')}`);
    const coverage = Object.entries(check.coverage);
    if (coverage.length > 0) lines.push(`  fields present: ${coverage.map(([name, share]) => `${name} ${share}`).join(', ')}`);
    for (const symptom of check.drift?.symptoms ?? []) lines.push(`  ${symptom.severity === 'notice' ? 'notice' : 'drift'}: ${symptom.message}`);
    for (const note of check.notes) lines.push(`  note: ${note}`);
  }
  lines.push('', `Verdict: ${report.summary}`);
  return lines.join('\n');
}
