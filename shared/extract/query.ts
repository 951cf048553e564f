import type { SearchDefinition } from '../config/searches.ts';
import type { SearchQuery } from '../wallapop/index.ts';

/** The API query a configured search stands for. */
export function searchQueryOf(search: SearchDefinition): SearchQuery {
  return {
    ...(search.keywords !== undefined ? { keywords: search.keywords } : {}),
    ...(search.categoryId !== undefined ? { categoryId: search.categoryId } : {}),
    latitude: search.latitude,
    longitude: search.longitude,
    ...(search.distanceKm !== undefined ? { distanceKm: search.distanceKm } : {}),
    ...(search.minPrice !== undefined ? { minPrice: search.minPrice } : {}),
    ...(search.maxPrice !== undefined ? { maxPrice: search.maxPrice } : {}),
    orderBy: search.orderBy,
    timeFilter: search.timeFilter,
  };
}
