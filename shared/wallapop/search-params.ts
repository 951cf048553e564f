import type { SearchEndpoint } from './endpoints.ts';

export type OrderBy = 'newest' | 'most_relevance' | 'price_low_to_high' | 'price_high_to_low' | 'closest';
export type TimeFilter = 'today' | 'lastWeek' | 'lastMonth';

export interface SearchQuery {
  keywords?: string;
  categoryId?: number;
  /** Always sent: without coordinates Wallapop geolocates the caller by IP and, outside Spain, returns nothing. */
  latitude: number;
  longitude: number;
  distanceKm?: number;
  /** Whole euros. */
  minPrice?: number;
  /** Whole euros. */
  maxPrice?: number;
  /** Default `newest`: relevance and closest stop at ~53k/~59k results. */
  orderBy?: OrderBy;
  timeFilter?: TimeFilter;
}

/**
 * Query parameters in a fixed order, so equal queries give byte-equal URLs. Every later page resends
 * all filters with `next_page`: the token alone does not carry them.
 */
export function buildSearchParams(query: SearchQuery, endpoint: SearchEndpoint, nextPage?: string | null): Record<string, string> {
  requireFinite('latitude', query.latitude);
  requireFinite('longitude', query.longitude);
  const params: Record<string, string> = {};
  if (endpoint === 'section') params.section_type = 'organic_search_results';
  params.source = 'search_box';
  if (query.keywords !== undefined && query.keywords !== '') params.keywords = query.keywords;
  if (query.categoryId !== undefined) params.category_id = String(requireInteger('categoryId', query.categoryId));
  params.latitude = String(query.latitude);
  params.longitude = String(query.longitude);
  if (query.distanceKm !== undefined) params.distance_in_km = String(requireFinite('distanceKm', query.distanceKm));
  if (query.minPrice !== undefined) params.min_sale_price = String(requireInteger('minPrice', query.minPrice));
  if (query.maxPrice !== undefined) params.max_sale_price = String(requireInteger('maxPrice', query.maxPrice));
  params.order_by = query.orderBy ?? 'newest';
  if (query.timeFilter !== undefined) params.time_filter = query.timeFilter;
  if (nextPage) params.next_page = nextPage;
  return params;
}

function requireFinite(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`SearchQuery.${name} must be a finite number, got ${value}`);
  return value;
}

function requireInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`SearchQuery.${name} must be an integer, got ${value}`);
  return value;
}
