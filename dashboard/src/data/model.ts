/**
 * What the pages show, computed once per build from the validated gold JSON: groups with their
 * URL slugs, today's KPIs beside their series, changes versus the previous day and a week ago, and
 * the pre-rendered table orderings. Pages pick from this; none of them walks the raw data.
 */
import type {
  CityKpis,
  ProvinceKpis,
  DashboardDay,
  DashboardSeries,
  Kpis,
  ListingCard,
  ListingLists,
  SearchKpis,
  SearchQuality,
  SeriesColumns,
  SeriesMetric,
} from '../../../shared/gold/dashboard.ts';
import type { Alert } from '../../../shared/alerts/alert.ts';
import { pagedListingIds, type ListingHistory } from '../../../shared/gold/histories.ts';
import { addDays } from '../../../shared/lake/days.ts';
import { buildAlertsView, type AlertsView } from './alerts.ts';
import { dashboardData, type DashboardData } from './gold-input.ts';
import { photoMode, type PhotoMode } from './photos.ts';
import { locale } from './format.ts';
import { lang, tr, type Lang } from '../i18n/lang.ts';
import { placeKey } from './places.ts';

export type Day = string;

// Day arithmetic lives once, beside the keys it names (the pages import it from here).
export { addDays };

/** URL-safe, readable slug: "Comunidad de Madrid" → "comunidad-de-madrid". */
export function slugify(text: string): string {
  return (
    placeKey(text)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'x'
  );
}

/** Gives each key a distinct slug (a second "Valencia" becomes "valencia-2"), in a stable order. */
function uniqueSlugs<T>(items: readonly T[], key: (item: T) => string, wanted: (item: T) => string): Map<string, string> {
  const taken = new Set<string>();
  const result = new Map<string, string>();
  for (const item of [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))) {
    const base = wanted(item);
    let slug = base;
    for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`;
    taken.add(slug);
    result.set(key(item), slug);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

/** A figure compared with an earlier day. */
export interface Change {
  /** The earlier day, or null when there is none to compare with. */
  day: Day | null;
  /** The earlier value, or null (no run that day, or no data for the group). */
  base: number | null;
  abs: number | null;
  /** abs / base, or null when base is null or zero. */
  rel: number | null;
}

export type KpiKey = 'activeListings' | 'newListings' | 'soldListings' | 'priceP50' | 'soldPriceP50' | 'priceDropCount';

export interface KpiFigure {
  key: KpiKey;
  label: string;
  help: string;
  kind: 'count' | 'euro';
  value: number | null;
  vsPrevious: Change;
  vsWeek: Change;
  /** For a rising figure, is that good news for a buyer? Only colours the arrow. */
}

/** The KPI cards, in the build's language. */
export const KPI_DEFINITIONS: ReadonlyArray<{ key: KpiKey; label: string; help: string; kind: 'count' | 'euro' }> = [
  definition('activeListings', 'count', 'Anuncios activos', 'Active listings', 'Anuncios a la venta al final del día (vistos hoy o no confirmados como retirados).', 'Listings for sale at the end of the day (seen today, or not confirmed gone).'),
  definition('newListings', 'count', 'Nuevos hoy', 'New today', 'Anuncios vistos hoy por primera vez (los reeditados por su vendedor no cuentan: son el mismo artículo).', 'Listings seen today for the first time (those re-published by their seller do not count: they are the same item).'),
  definition('soldListings', 'count', 'Vendidos (probablemente)', 'Sold (likely)', 'Anuncios que una búsqueda completa que aún podía verlos dejó de encontrar hoy, y que su vendedor no volvió a publicar.', 'Listings a complete search that could still see them stopped finding today, and that their seller did not re-publish.'),
  definition('priceP50', 'euro', 'Precio pedido mediano', 'Median asking price', 'Mediana de los precios pedidos hoy (±1 %).', 'Median of today\'s asking prices (±1 %).'),
  definition('soldPriceP50', 'euro', 'Precio de venta mediano', 'Median sold price', 'Mediana del último precio pedido de los vendidos hoy (±1 %): lo más parecido a lo que se paga.', 'Median of the last asking price of those sold today (±1 %): the closest to what is paid.'),
  definition('priceDropCount', 'count', 'Bajadas de precio', 'Price drops', 'Anuncios cuyo precio de hoy es menor que en la observación anterior.', 'Listings whose price today is lower than at the previous observation.'),
];

/** A KPI card's definition whose label and help are read in the build's language when used. */
function definition(key: KpiKey, kind: 'count' | 'euro', labelEs: string, labelEn: string, helpEs: string, helpEn: string): { key: KpiKey; kind: 'count' | 'euro'; readonly label: string; readonly help: string } {
  return {
    key,
    kind,
    get label() {
      return tr(labelEs, labelEn);
    },
    get help() {
      return tr(helpEs, helpEn);
    },
  };
}

export interface GroupView {
  /** Gold's key of the group ("" for "unknown"). */
  key: string;
  slug: string;
  name: string;
  /** Today's row, or null when the group had no listings today. */
  today: Kpis | null;
  /** The group's daily series, or null when the series does not know it. */
  metrics: SeriesColumns | null;
}

export interface CategoryView extends GroupView {
  categoryId: number | null;
  lists: ListingLists | null;
}

export interface RegionView extends GroupView {
  region: string | null;
  /** Today's provinces of the region (location.region2); empty for days gold wrote before provinces. */
  provinces: ProvinceKpis[];
  cities: CityKpis[];
}

export interface SearchView extends GroupView {
  today: SearchKpis | null;
  quality: SearchQuality | null;
  lists: ListingLists | null;
  /** Planned today (every planned search has a row, even when it returned nothing). */
  planned: boolean;
}

/** A column the categories table sorts by: its header (in the build's language), its value, its first direction. */
function sortColumn(labelEs: string, labelEn: string, value: (g: GroupView) => number | string | null, defaultDir: 'asc' | 'desc') {
  return {
    get label() {
      return tr(labelEs, labelEn);
    },
    value,
    defaultDir,
  };
}

export const CATEGORY_SORTS = {
  active: sortColumn('Activos', 'Active', (g) => g.today?.activeListings ?? null, 'desc'),
  name: sortColumn('Categoría', 'Category', (g) => g.name, 'asc'),
  new: sortColumn('Nuevos', 'New', (g) => g.today?.newListings ?? null, 'desc'),
  sold: sortColumn('Vendidos', 'Sold', (g) => g.today?.soldListings ?? null, 'desc'),
  median: sortColumn('Mediana', 'Median', (g) => g.today?.priceP50 ?? null, 'desc'),
  drops: sortColumn('Bajadas', 'Drops', (g) => g.today?.priceDropCount ?? null, 'desc'),
  dom: sortColumn('Días hasta la venta', 'Days to sell', (g) => g.today?.daysToSellMedian ?? null, 'asc'),
};
export type CategorySortKey = keyof typeof CATEGORY_SORTS;
export type SortDir = 'asc' | 'desc';
export const CATEGORY_SORT_KEYS = Object.keys(CATEGORY_SORTS) as CategorySortKey[];

/**
 * A listing with a page of its own: one of the market-wide or search lists (its card), or of an
 * alert in the 30-day window (its alerts; a card too when it is also in today's lists).
 */
export interface ListingPageView {
  id: string;
  card: ListingCard | null;
  /** Its alerts in the window, newest first. */
  alerts: Alert[];
  /** Its price and status path (histories.json), or null without one. */
  history: ListingHistory | null;
}

/** Listing ids become URL paths: anything but a plain id gets no page (and no broken link). */
const PAGE_ID = /^[A-Za-z0-9_-]{1,80}$/;

export interface Model {
  latest: DashboardDay;
  series: DashboardSeries;
  day: Day;
  previousDay: Day | null;
  weekAgoDay: Day;
  lastIndex: number;
  previousIndex: number | null;
  weekAgoIndex: number | null;
  /** Whether tables show a photo column (`--photos` is not off), and where photos come from. */
  thumbnails: boolean;
  photos: PhotoMode;
  overallKpis: KpiFigure[];
  categories: CategoryView[];
  regions: RegionView[];
  searches: SearchView[];
  categoryBySlug: Map<string, CategoryView>;
  categoryByKey: Map<string, CategoryView>;
  regionBySlug: Map<string, RegionView>;
  regionByName: Map<string, RegionView>;
  searchBySlug: Map<string, SearchView>;
  searchByKey: Map<string, SearchView>;
  /** The Alerts view, or null when the lake has no alerts file (no watches configured). */
  alerts: AlertsView | null;
  listing(id: string): ListingCard | undefined;
  /** Every listing page, in list order (market-wide lists, then searches, then alerts). */
  listingPages: ListingPageView[];
  /** Whether the listing has a page (its id then names the page: paths.listing). */
  hasListingPage(id: string): boolean;
  /** Today's cards by seller id, and by the comparable group of their fair price. */
  cardsBySeller: Map<string, ListingCard[]>;
  cardsByFairGroup: Map<string, ListingCard[]>;
  kpiFigures(today: Kpis | null, metrics: SeriesColumns | null): KpiFigure[];
  sortedCategories(key: CategorySortKey, dir: SortDir): CategoryView[];
}

const collators = new Map<string, Intl.Collator>();
/** Names sort as the build's readers expect (accents and case do not decide). */
const collator = { compare: (a: string, b: string) => { const key = locale(); let found = collators.get(key); if (found === undefined) { found = new Intl.Collator(key, { sensitivity: 'base', numeric: true }); collators.set(key, found); } return found.compare(a, b); } };

function change(value: number | null, base: number | null, day: Day | null): Change {
  if (day === null) return { day: null, base: null, abs: null, rel: null };
  if (value === null || base === null) return { day, base, abs: null, rel: null };
  const abs = Math.round((value - base) * 100) / 100;
  return { day, base, abs, rel: base === 0 ? null : abs / base };
}

export function buildModel(data: DashboardData, options: { photos?: PhotoMode } = {}): Model {
  const { latest, series } = data;
  const indexOfDay = new Map(series.days.map((day, index) => [day, index]));
  const lastIndex = series.days.length - 1;
  const previousIndex = latest.previousDay === null ? null : (indexOfDay.get(latest.previousDay) ?? null);
  const weekAgoDay = addDays(latest.day, -7);
  const weekAgoIndex = indexOfDay.get(weekAgoDay) ?? null;

  const at = (metrics: SeriesColumns | null, metric: SeriesMetric, index: number | null): number | null =>
    metrics === null || index === null ? null : (metrics[metric][index] ?? null);

  const kpiFigures = (today: Kpis | null, metrics: SeriesColumns | null): KpiFigure[] =>
    KPI_DEFINITIONS.map((definition) => {
      const value = today === null ? null : today[definition.key];
      return {
        ...definition,
        value,
        vsPrevious: change(value, at(metrics, definition.key, previousIndex), previousIndex === null ? null : latest.previousDay),
        vsWeek: change(value, at(metrics, definition.key, weekAgoIndex), weekAgoIndex === null ? null : weekAgoDay),
      };
    });

  // Categories: every category the series or today knows, today's order first (by listings).
  const categoryRows = new Map(latest.categories.map((row) => [row.categoryId === null ? '' : String(row.categoryId), row]));
  const categoryKeys = [...new Set([...categoryRows.keys(), ...Object.keys(series.categories)])];
  const categorySlugs = uniqueSlugs(categoryKeys, (key) => key, (key) => (key === '' ? 'sin-categoria' : slugify(key)));
  const categories: CategoryView[] = categoryKeys.map((key) => {
    const row = categoryRows.get(key) ?? null;
    const history = series.categories[key];
    const name = row?.categoryName ?? history?.categoryName ?? null;
    return {
      key,
      slug: categorySlugs.get(key)!,
      name: name ?? (key === '' ? tr('Sin categoría', 'No category') : tr(`Categoría ${key}`, `Category ${key}`)),
      categoryId: row?.categoryId ?? history?.categoryId ?? (key === '' ? null : Number(key)),
      today: row,
      metrics: history?.metrics ?? null,
      lists: latest.lists.categories[key] ?? null,
    };
  });

  const byRegion = <Row extends { region: string | null }>(rows: readonly Row[]): Map<string, Row[]> => {
    const grouped = new Map<string, Row[]>();
    for (const row of rows) {
      const key = row.region ?? '';
      const list = grouped.get(key) ?? [];
      list.push(row);
      grouped.set(key, list);
    }
    return grouped;
  };
  const citiesByRegion = byRegion(latest.cities);
  const provincesByRegion = byRegion(latest.provinces ?? []);
  const regionRows = new Map(latest.regions.map((row) => [row.region ?? '', row]));
  const regionKeys = [...new Set([...regionRows.keys(), ...Object.keys(series.regions)])];
  const regionSlugs = uniqueSlugs(regionKeys, (key) => key, (key) => (key === '' ? 'sin-region' : slugify(key)));
  const regions: RegionView[] = regionKeys.map((key) => ({
    key,
    slug: regionSlugs.get(key)!,
    name: key === '' ? tr('Sin región', 'No region') : key,
    region: key === '' ? null : key,
    today: regionRows.get(key) ?? null,
    metrics: series.regions[key]?.metrics ?? null,
    provinces: provincesByRegion.get(key) ?? [],
    cities: citiesByRegion.get(key) ?? [],
  }));

  const searchRows = new Map(latest.searches.map((row) => [row.searchSlug, row]));
  const qualityBySlug = new Map(latest.quality.searches.map((row) => [row.searchSlug, row]));
  const searchKeys = [...new Set([...searchRows.keys(), ...Object.keys(series.searches)])].sort();
  const searchSlugs = uniqueSlugs(searchKeys, (key) => key, (key) => (/^[a-z0-9][a-z0-9-]*$/.test(key) ? key : slugify(key)));
  const searches: SearchView[] = searchKeys.map((key) => ({
    key,
    slug: searchSlugs.get(key)!,
    name: key,
    today: searchRows.get(key) ?? null,
    quality: qualityBySlug.get(key) ?? null,
    lists: latest.lists.searches[key] ?? null,
    metrics: series.searches[key]?.metrics ?? null,
    planned: searchRows.has(key),
  }));

  const byListings = (a: GroupView, b: GroupView) =>
    (b.today?.activeListings ?? -1) - (a.today?.activeListings ?? -1) || collator.compare(a.name, b.name);
  categories.sort(byListings);
  regions.sort(byListings);

  const sortCache = new Map<string, CategoryView[]>();
  const sortedCategories = (key: CategorySortKey, dir: SortDir): CategoryView[] => {
    const cacheKey = `${key}:${dir}`;
    const cached = sortCache.get(cacheKey);
    if (cached) return cached;
    const value = CATEGORY_SORTS[key].value;
    const sign = dir === 'asc' ? 1 : -1;
    const sorted = [...categories].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return x === y ? collator.compare(a.name, b.name) : x === null ? 1 : -1; // no data last, either way
      const order = typeof x === 'string' || typeof y === 'string' ? collator.compare(String(x), String(y)) : x - y;
      return sign * order || collator.compare(a.name, b.name);
    });
    sortCache.set(cacheKey, sorted);
    return sorted;
  };

  const pageIds = new Set(pagedListingIds(latest).filter((id) => PAGE_ID.test(id) && id in latest.listings));
  const alertsByListing = new Map<string, Alert[]>();
  for (const alert of data.alerts?.alerts ?? []) {
    if (!PAGE_ID.test(alert.listingId)) continue;
    pageIds.add(alert.listingId);
    const list = alertsByListing.get(alert.listingId) ?? [];
    list.push(alert);
    alertsByListing.set(alert.listingId, list);
  }
  const listingPages: ListingPageView[] = [...pageIds].map((id) => ({
    id,
    card: latest.listings[id] ?? null,
    alerts: alertsByListing.get(id) ?? [],
    history: data.histories?.listings[id] ?? null,
  }));
  const groupCards = (key: (card: ListingCard) => string | null): Map<string, ListingCard[]> => {
    const groups = new Map<string, ListingCard[]>();
    for (const card of Object.values(latest.listings)) {
      const value = key(card);
      if (value === null) continue;
      const list = groups.get(value) ?? [];
      list.push(card);
      groups.set(value, list);
    }
    return groups;
  };

  return {
    latest,
    series,
    day: latest.day,
    previousDay: latest.previousDay,
    weekAgoDay,
    lastIndex,
    previousIndex,
    weekAgoIndex,
    thumbnails: (options.photos ?? 'off') !== 'off',
    photos: options.photos ?? 'off',
    overallKpis: kpiFigures(latest.overall, series.overall),
    categories,
    regions,
    searches,
    categoryBySlug: new Map(categories.map((view) => [view.slug, view])),
    categoryByKey: new Map(categories.map((view) => [view.key, view])),
    regionBySlug: new Map(regions.map((view) => [view.slug, view])),
    regionByName: new Map(regions.map((view) => [view.key, view])),
    searchBySlug: new Map(searches.map((view) => [view.slug, view])),
    searchByKey: new Map(searches.map((view) => [view.key, view])),
    alerts: data.alerts === null ? null : buildAlertsView(data.alerts, latest.day),
    listing: (id) => latest.listings[id],
    listingPages,
    hasListingPage: (id) => pageIds.has(id),
    cardsBySeller: groupCards((card) => card.sellerId),
    cardsByFairGroup: groupCards((card) => card.fairPriceGroup),
    kpiFigures,
    sortedCategories,
  };
}

const MODEL = Symbol.for('wallapop.dashboard.model');
const holder = globalThis as typeof globalThis & { [MODEL]?: { data: DashboardData; photos: PhotoMode; lang: Lang; model: Model } };

/** The model of this build's data, computed once and shared by every page. */
export async function model(): Promise<Model> {
  const data = await dashboardData();
  const cached = holder[MODEL];
  const photos = photoMode();
  // Group names ("Sin categoría") are in the build's language: another language is another model.
  if (cached !== undefined && cached.data === data && cached.photos === photos && cached.lang === lang()) return cached.model;
  const built = buildModel(data, { photos });
  holder[MODEL] = { data, photos, lang: lang(), model: built };
  return built;
}
