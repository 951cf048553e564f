/**
 * The benchmark's simulated market: which days, which searches, which seed. Everything here is a
 * pure function of its inputs, so every process of a run (and every run) sees the same scenario.
 *
 * Searches: the 18 top-level categories nationwide (newest first, 2,000 km around Madrid covers
 * Spain, the Canaries included), the two largest (electronics, fashion) each split in two price
 * bands that share their boundary price (listings priced exactly there are found by both), and one
 * keyword search ("iphone") that overlaps electronics: 21 searches, the largest ~13 % of the
 * listings, ~6 % of listings returned by two searches. No time filter, so bronze holds every active
 * listing of the market once per search that matches it.
 */
import type { SearchDefinition } from '#shared/config/searches.ts';
import { buildSearchParams, type SearchQuery } from '#shared/wallapop/index.ts';
import { categoryTree } from '#simulator/categories.ts';

/** The measured day D and the day before it, whose gold state D reads. */
export const DAY = '2026-11-24';
export const PREVIOUS_DAY = '2026-11-23';
export const SEED = 20_261_124;

const MADRID = { latitude: 40.4168, longitude: -3.7038 } as const;
const NATIONWIDE_KM = 2000;

/** Price bands (euros, both ends inclusive) of the roots that are split. */
const PRICE_BANDS: Record<number, Array<{ suffix: string; minPrice?: number; maxPrice?: number }>> = {
  24200: [
    { suffix: 'to-200', maxPrice: 200 },
    { suffix: 'from-200', minPrice: 200 },
  ],
  12465: [
    { suffix: 'to-20', maxPrice: 20 },
    { suffix: 'from-20', minPrice: 20 },
  ],
};

const KEYWORD_SEARCHES = [{ slug: 'iphone-spain', keywords: 'iphone' }];

export interface BenchSearch {
  slug: string;
  definition: SearchDefinition;
  /** The query string the extractor sends for page 1 (the `search` endpoint). */
  params: Record<string, string>;
}

export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function benchSearch(slug: string, description: string, fields: Partial<SearchDefinition>): BenchSearch {
  // No timeFilter: the benchmark wants every listing of the market in bronze. The run plan's type
  // has one (the config schema defaults it); gold reads only the slugs.
  const definition = { slug, description, ...MADRID, distanceKm: NATIONWIDE_KM, orderBy: 'newest', maxPages: 5000, ...fields } as SearchDefinition;
  const query: SearchQuery = {
    ...(definition.keywords !== undefined ? { keywords: definition.keywords } : {}),
    ...(definition.categoryId !== undefined ? { categoryId: definition.categoryId } : {}),
    latitude: definition.latitude,
    longitude: definition.longitude,
    distanceKm: NATIONWIDE_KM,
    ...(definition.minPrice !== undefined ? { minPrice: definition.minPrice } : {}),
    ...(definition.maxPrice !== undefined ? { maxPrice: definition.maxPrice } : {}),
    orderBy: 'newest',
  };
  return { slug, definition, params: buildSearchParams(query, 'search') };
}

/** The 21 searches of the benchmark, sorted by slug. */
export function benchSearches(): BenchSearch[] {
  const searches: BenchSearch[] = [];
  for (const root of categoryTree().toJson().categories) {
    const base = slugify(root.name);
    const bands = PRICE_BANDS[root.id];
    if (bands === undefined) {
      searches.push(benchSearch(base, `${root.name}, all of Spain`, { categoryId: root.id }));
      continue;
    }
    for (const band of bands) {
      const { suffix, ...prices } = band;
      searches.push(benchSearch(`${base}-${suffix}`, `${root.name} ${suffix.replace('-', ' ')} €, all of Spain`, { categoryId: root.id, ...prices }));
    }
  }
  for (const { slug, keywords } of KEYWORD_SEARCHES) searches.push(benchSearch(slug, `"${keywords}" in all of Spain`, { keywords }));
  return searches.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}
