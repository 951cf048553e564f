import type { DriftSymptom, DriftSymptomKind, DriftTally } from '../lake/bronze.ts';
import type { SearchQuery } from './search-params.ts';
import type { PageShape } from './schemas.ts';

/**
 * Does the API still answer the question we asked, in the shape we read? Parameter names differ
 * between public clients (docs/wallapop-api.md), and an API that silently ignores a filter answers
 * 200 with plausible items: a category search quietly returns everything. So every page is held
 * against the request it answered, and a search whose answers do not honour it ends
 * `filter-ignored` or `drifted` instead of `complete`, which keeps gold from marking anything
 * vanished from it. Keywords are not checked: the API matches them loosely (stems, description).
 */

export type { DriftSymptom, DriftSymptomKind, DriftTally } from '../lake/bronze.ts';

export type DriftOutcome = 'filter-ignored' | 'drifted';

export interface DriftVerdict {
  /** Null while the answers honour the request. */
  outcome: DriftOutcome | null;
  symptoms: DriftSymptom[];
  /** So clear that fetching on would only pull more of the wrong market: stop now. */
  decisive: boolean;
}

/**
 * Tolerances. A filter counts as ignored when more than `FILTER_SHARE` of the checked items break
 * it (and at least `FILTER_MIN_ITEMS` do): one odd listing is the API's business, a share is not.
 */
export const DRIFT_LIMITS = {
  FILTER_SHARE: 0.05,
  FILTER_MIN_ITEMS: 3,
  /** Wallapop shows an approximate position: allow this much beyond the radius. */
  RADIUS_SLACK_SHARE: 0.15,
  RADIUS_SLACK_KM: 3,
  /** Prices are whole euros in the request; allow rounding. */
  PRICE_SLACK_EUR: 0.5,
  UNREADABLE_SHARE: 0.2,
  UNREADABLE_MIN_ITEMS: 5,
  /** Stop early when at least this many checked items… */
  DECISIVE_MIN_CHECKED: 20,
  /** …break a filter at this share. */
  DECISIVE_SHARE: 0.5,
} as const;

export function emptyDriftTally(): DriftTally {
  return {
    pages: 0,
    items: 0,
    categoryChecked: 0,
    outsideCategory: 0,
    priceChecked: 0,
    outsidePrice: 0,
    radiusChecked: 0,
    outsideRadius: 0,
    unreadable: {},
    firstFullPage: null,
    shortPages: 0,
    pendingShort: false,
    strayTokens: [],
    shapes: [],
    examples: {},
  };
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const absent = (value: unknown) => value === undefined || value === null;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isNumeric = (value: unknown) => isNumber(value) || (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value));

/** Fields the pipeline reads, and whether a present value has a shape it can read. */
const FIELD_SHAPES: ReadonlyArray<[path: string, read: (item: Json) => unknown, ok: (value: unknown) => boolean]> = [
  ['id', (item) => item.id, (value) => typeof value === 'string' && value.trim() !== ''],
  ['price', (item) => item.price, (value) => isNumeric(value) || (isRecord(value) && isNumeric(value.amount))],
  ['title', (item) => item.title, (value) => typeof value === 'string'],
  ['user_id', (item) => item.user_id, (value) => typeof value === 'string'],
  ['category_id', (item) => item.category_id, isNumeric],
  ['taxonomy', (item) => item.taxonomy, Array.isArray],
  ['location', (item) => item.location, (value) => isRecord(value) && (absent(value.latitude) || isNumber(value.latitude)) && (absent(value.longitude) || isNumber(value.longitude))],
  ['reserved', (item) => item.reserved, (value) => typeof value === 'boolean' || (isRecord(value) && (absent(value.flag) || typeof value.flag === 'boolean'))],
  ['created_at', (item) => item.created_at, (value) => isNumber(value) || (typeof value === 'string' && value !== '')],
  ['web_slug', (item) => item.web_slug, (value) => typeof value === 'string'],
  ['discount', (item) => item.discount, isRecord],
];
/** Without these an item is useless; absent counts as unreadable. */
const REQUIRED = new Set(['id', 'price']);

function priceOf(item: Json): number | null {
  const price = item.price;
  const amount = isRecord(price) ? price.amount : price;
  if (isNumber(amount)) return amount;
  return typeof amount === 'string' && isNumeric(amount) ? Number(amount) : null;
}

/** The category ids an item declares: its own and every taxonomy entry (the path from the root). */
function categoryIdsOf(item: Json): { ids: Set<number>; hasPath: boolean } {
  const ids = new Set<number>();
  if (isNumeric(item.category_id)) ids.add(Number(item.category_id));
  const taxonomy = Array.isArray(item.taxonomy) ? item.taxonomy : [];
  for (const entry of taxonomy) if (isRecord(entry) && isNumeric(entry.id)) ids.add(Number(entry.id));
  return { ids, hasPath: taxonomy.length > 0 };
}

const EARTH_RADIUS_KM = 6371.0088;
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The page held against the query that produced it. */
export function checkPage(query: SearchQuery, page: { items: readonly unknown[]; nextPage: string | null; shape: PageShape }): DriftTally {
  const tally = emptyDriftTally();
  tally.pages = 1;
  tally.items = page.items.length;
  tally.shapes = [shapeName(page.shape)];
  if (page.nextPage !== null) tally.firstFullPage = page.items.length;
  if (page.nextPage === null && page.shape.strayTokens.length > 0) tally.strayTokens = [...page.shape.strayTokens];
  const radiusLimit = query.distanceKm === undefined ? null : query.distanceKm * (1 + DRIFT_LIMITS.RADIUS_SLACK_SHARE) + DRIFT_LIMITS.RADIUS_SLACK_KM;

  for (const raw of page.items) {
    if (!isRecord(raw)) {
      tally.unreadable['(item)'] = (tally.unreadable['(item)'] ?? 0) + 1;
      continue;
    }
    for (const [path, read, ok] of FIELD_SHAPES) {
      const value = read(raw);
      if (absent(value) ? REQUIRED.has(path) : !ok(value)) tally.unreadable[path] = (tally.unreadable[path] ?? 0) + 1;
    }
    const id = typeof raw.id === 'string' ? raw.id : '?';

    if (query.categoryId !== undefined) {
      const { ids, hasPath } = categoryIdsOf(raw);
      // Without a taxonomy path a foreign leaf id may still be a descendant: not checkable.
      if (ids.has(query.categoryId)) tally.categoryChecked += 1;
      else if (hasPath) {
        tally.categoryChecked += 1;
        tally.outsideCategory += 1;
        tally.examples.category ??= `${id} in category ${[...ids].join('/')}`;
      }
    }

    if (query.minPrice !== undefined || query.maxPrice !== undefined) {
      const price = priceOf(raw);
      if (price !== null) {
        tally.priceChecked += 1;
        const below = query.minPrice !== undefined && price < query.minPrice - DRIFT_LIMITS.PRICE_SLACK_EUR;
        const above = query.maxPrice !== undefined && price > query.maxPrice + DRIFT_LIMITS.PRICE_SLACK_EUR;
        if (below || above) {
          tally.outsidePrice += 1;
          tally.examples.price ??= `${id} at ${price} €`;
        }
      }
    }

    if (radiusLimit !== null) {
      const location = raw.location;
      if (isRecord(location) && isNumber(location.latitude) && isNumber(location.longitude)) {
        tally.radiusChecked += 1;
        const km = distanceKm(query.latitude, query.longitude, location.latitude, location.longitude);
        if (km > radiusLimit) {
          tally.outsideRadius += 1;
          tally.examples.radius ??= `${id} ${Math.round(km)} km away`;
        }
      }
    }
  }
  return tally;
}

const shapeName = (shape: PageShape) => `${shape.itemsAt} + ${shape.tokenAt ?? 'no token'}`;

/** The tally of a search so far plus one more page (pages in order). */
export function addPage(total: DriftTally, page: DriftTally): DriftTally {
  const unreadable = { ...total.unreadable };
  for (const [path, count] of Object.entries(page.unreadable)) unreadable[path] = (unreadable[path] ?? 0) + count;
  const firstFullPage = total.firstFullPage ?? page.firstFullPage;
  const short = total.firstFullPage !== null && page.firstFullPage !== null && page.firstFullPage < total.firstFullPage / 2;
  const followed = total.pendingShort && page.pages > 0;
  return {
    pages: total.pages + page.pages,
    items: total.items + page.items,
    categoryChecked: total.categoryChecked + page.categoryChecked,
    outsideCategory: total.outsideCategory + page.outsideCategory,
    priceChecked: total.priceChecked + page.priceChecked,
    outsidePrice: total.outsidePrice + page.outsidePrice,
    radiusChecked: total.radiusChecked + page.radiusChecked,
    outsideRadius: total.outsideRadius + page.outsideRadius,
    unreadable,
    firstFullPage,
    shortPages: total.shortPages + page.shortPages + (followed ? 1 : 0),
    pendingShort: short,
    strayTokens: [...new Set([...total.strayTokens, ...page.strayTokens])],
    shapes: [...new Set([...total.shapes, ...page.shapes])],
    examples: { ...page.examples, ...total.examples },
  };
}

const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`;

/** What the tally says about the search: honoured, filter ignored, or drifted (and whether to stop now). */
export function driftVerdict(query: SearchQuery, tally: DriftTally): DriftVerdict {
  const symptoms: DriftSymptom[] = [];
  let decisive = false;
  const filter = (kind: DriftSymptomKind, outside: number, checked: number, asked: string, example: string | undefined) => {
    if (checked === 0 || outside < DRIFT_LIMITS.FILTER_MIN_ITEMS || outside / checked <= DRIFT_LIMITS.FILTER_SHARE) return;
    symptoms.push({ kind, message: `${asked} was ignored: ${outside} of ${checked} items checked (${pct(outside, checked)}) are outside it${example ? `, e.g. ${example}` : ''}` });
    if (checked >= DRIFT_LIMITS.DECISIVE_MIN_CHECKED && outside / checked >= DRIFT_LIMITS.DECISIVE_SHARE) decisive = true;
  };
  if (query.categoryId !== undefined) filter('category-ignored', tally.outsideCategory, tally.categoryChecked, `the category filter (${query.categoryId})`, tally.examples.category);
  if (query.minPrice !== undefined || query.maxPrice !== undefined) {
    filter('price-ignored', tally.outsidePrice, tally.priceChecked, `the price filter (${query.minPrice ?? 0}–${query.maxPrice ?? '∞'} €)`, tally.examples.price);
  }
  if (query.distanceKm !== undefined) filter('radius-ignored', tally.outsideRadius, tally.radiusChecked, `the ${query.distanceKm} km radius`, tally.examples.radius);
  const filterIgnored = symptoms.length > 0;

  const unreadable = Object.entries(tally.unreadable)
    .filter(([, count]) => count >= DRIFT_LIMITS.UNREADABLE_MIN_ITEMS && count / Math.max(1, tally.items) > DRIFT_LIMITS.UNREADABLE_SHARE)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (unreadable.length > 0) {
    const fields = unreadable.map(([path, count]) => `${path} (${count})`).join(', ');
    symptoms.push({ kind: 'unknown-shape', message: `items came in an unknown shape: ${fields} of ${tally.items} items could not be read` });
  }
  if (tally.shortPages > 0) {
    symptoms.push({ kind: 'page-size', severity: 'notice', message: `the page size changed: ${tally.shortPages} page(s) before the last held less than half of the first page's ${tally.firstFullPage} items` });
  }
  if (tally.strayTokens.length > 0) {
    symptoms.push({ kind: 'token-elsewhere', message: `pagination may have moved: a page without next_page carried ${tally.strayTokens.join(', ')}, so the search may have ended early` });
  }
  const outcome: DriftOutcome | null = filterIgnored ? 'filter-ignored' : symptoms.some((symptom) => symptom.severity !== 'notice') ? 'drifted' : null;
  return { outcome, symptoms, decisive };
}
