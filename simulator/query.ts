import { foldForSearch } from './listing-text.ts';

/**
 * Search parameters as the API reads them, shared by the HTTP server and the ground truth so both
 * answer the same question. Parsing is where every 400 of the search endpoints comes from.
 */

export const ORDER_BY = ['newest', 'most_relevance', 'price_low_to_high', 'price_high_to_low', 'closest'] as const;
export type OrderBy = (typeof ORDER_BY)[number];

export const TIME_FILTERS = { today: 1, lastWeek: 7, lastMonth: 30 } as const;
export type TimeFilter = keyof typeof TIME_FILTERS;

/** When `distance_in_km` is absent the search covers this radius around the given point. */
export const DEFAULT_DISTANCE_KM = 500;
export const MAX_DISTANCE_KM = 2000;
/** Wallapop's default order when `order_by` is absent. */
export const DEFAULT_ORDER_BY: OrderBy = 'most_relevance';

export interface SearchQuery {
  /** Whitespace-separated tokens, already folded (lower case, no accents); empty when absent. */
  keywordTokens: string[];
  categoryId?: number;
  /** Both or neither: without a point the API answers an empty list (IP geolocation from abroad). */
  latitude?: number;
  longitude?: number;
  distanceKm: number;
  minPrice?: number;
  maxPrice?: number;
  orderBy: OrderBy;
  timeFilter?: TimeFilter;
}

/** Parameters as a query string or a plain record (numbers allowed), API names (`distance_in_km`). */
export type SearchParamsInput = URLSearchParams | Readonly<Record<string, string | number | undefined | null>>;

export class QueryError extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly parameter: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

function reader(input: SearchParamsInput): (name: string) => string | undefined {
  if (input instanceof URLSearchParams) return (name) => input.get(name) ?? undefined;
  return (name) => {
    const value = input[name];
    return value === undefined || value === null ? undefined : String(value);
  };
}

function numberParam(get: (name: string) => string | undefined, name: string): number | undefined {
  const raw = get(name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new QueryError(`${name} must be a number, got ${JSON.stringify(raw)}`, name);
  return value;
}

export function foldKeywords(keywords: string): string[] {
  return foldForSearch(keywords)
    .split(/\s+/)
    .filter((token) => token.length > 0);
}

/** Reads and validates search parameters; throws QueryError (→ HTTP 400) on anything the API rejects. */
export function parseSearchQuery(input: SearchParamsInput): SearchQuery {
  const get = reader(input);

  const orderRaw = get('order_by')?.trim() || undefined;
  if (orderRaw !== undefined && !(ORDER_BY as readonly string[]).includes(orderRaw)) {
    throw new QueryError(`order_by must be one of ${ORDER_BY.join(', ')}, got ${JSON.stringify(orderRaw)}`, 'order_by');
  }
  const timeRaw = get('time_filter')?.trim() || undefined;
  if (timeRaw !== undefined && !Object.hasOwn(TIME_FILTERS, timeRaw)) {
    throw new QueryError(`time_filter must be one of ${Object.keys(TIME_FILTERS).join(', ')}, got ${JSON.stringify(timeRaw)}`, 'time_filter');
  }

  const categoryRaw = get('category_id')?.trim() || undefined;
  if (categoryRaw !== undefined && !/^\d{1,9}$/.test(categoryRaw)) {
    throw new QueryError(`category_id must be an integer id, got ${JSON.stringify(categoryRaw)}`, 'category_id');
  }

  const latitude = numberParam(get, 'latitude');
  const longitude = numberParam(get, 'longitude');
  if (latitude !== undefined && Math.abs(latitude) > 90) throw new QueryError(`latitude out of range: ${latitude}`, 'latitude');
  if (longitude !== undefined && Math.abs(longitude) > 180) throw new QueryError(`longitude out of range: ${longitude}`, 'longitude');

  const distanceKm = numberParam(get, 'distance_in_km') ?? DEFAULT_DISTANCE_KM;
  if (distanceKm <= 0 || distanceKm > MAX_DISTANCE_KM) {
    throw new QueryError(`distance_in_km must be in (0, ${MAX_DISTANCE_KM}], got ${distanceKm}`, 'distance_in_km');
  }

  const minPrice = numberParam(get, 'min_sale_price');
  const maxPrice = numberParam(get, 'max_sale_price');
  for (const [name, value] of [['min_sale_price', minPrice], ['max_sale_price', maxPrice]] as const) {
    if (value !== undefined && value < 0) throw new QueryError(`${name} must not be negative, got ${value}`, name);
  }

  const hasPoint = latitude !== undefined && longitude !== undefined;
  return {
    keywordTokens: foldKeywords(get('keywords') ?? ''),
    ...(categoryRaw !== undefined ? { categoryId: Number(categoryRaw) } : {}),
    ...(hasPoint ? { latitude, longitude } : {}),
    distanceKm,
    ...(minPrice !== undefined ? { minPrice } : {}),
    ...(maxPrice !== undefined ? { maxPrice } : {}),
    orderBy: (orderRaw as OrderBy | undefined) ?? DEFAULT_ORDER_BY,
    ...(timeRaw !== undefined ? { timeFilter: timeRaw as TimeFilter } : {}),
  };
}

/**
 * One string per distinct question: equal for queries the API treats as equal ("40.40" and "40.4",
 * "iPhone  13" and "iphone 13"). Keys the result cache and binds next_page tokens to their query.
 */
export function queryKey(query: SearchQuery): string {
  return JSON.stringify([
    query.keywordTokens.join(' '),
    query.categoryId ?? null,
    query.latitude ?? null,
    query.longitude ?? null,
    query.distanceKm,
    query.minPrice ?? null,
    query.maxPrice ?? null,
    query.orderBy,
    query.timeFilter ?? null,
  ]);
}

/** The query in API parameter names, as carried inside next_page tokens. */
export function queryParams(query: SearchQuery): Record<string, string | number> {
  return {
    ...(query.keywordTokens.length > 0 ? { keywords: query.keywordTokens.join(' ') } : {}),
    ...(query.categoryId !== undefined ? { category_id: query.categoryId } : {}),
    ...(query.latitude !== undefined ? { latitude: query.latitude } : {}),
    ...(query.longitude !== undefined ? { longitude: query.longitude } : {}),
    distance_in_km: query.distanceKm,
    ...(query.minPrice !== undefined ? { min_sale_price: query.minPrice } : {}),
    ...(query.maxPrice !== undefined ? { max_sale_price: query.maxPrice } : {}),
    order_by: query.orderBy,
    ...(query.timeFilter !== undefined ? { time_filter: query.timeFilter } : {}),
  };
}
