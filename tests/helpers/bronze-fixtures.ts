/**
 * Builds realistic bronze input for silver tests: search items shaped like Wallapop's, pages in
 * gzip envelopes, the day's categories snapshot, the run plan and the bronze manifest.
 * Everything is seeded, so a fixture is the same bytes on every run.
 */
import { gzipSync } from 'node:zlib';
import type { BronzeEnvelope, BronzeManifest, ExtractOutcome } from '#shared/lake/bronze.ts';
import { keys } from '#shared/lake/keys.ts';
import { putJson, type Lake } from '#shared/lake/lake.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import { indexCategories } from '#shared/silver/categories.ts';
import type { ItemContext } from '#shared/silver/item.ts';

/** mulberry32: a tiny seeded PRNG, enough for fixtures. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;

export const CATEGORY_TREE = {
  categories: [
    {
      id: 24200,
      name: 'Tecnología y electrónica',
      vertical_id: 'consumer_goods',
      icon: 'tech',
      subcategories: [
        {
          id: 24201,
          parent_id: 24200,
          name: 'Móviles y telefonía',
          subcategories: [{ id: 24202, parent_id: 24201, name: 'Smartphones', subcategories: [] }],
        },
        {
          id: 24210,
          parent_id: 24200,
          name: 'Informática',
          subcategories: [{ id: 10304, parent_id: 24210, name: 'Componentes de PC', subcategories: [] }],
        },
      ],
    },
    { id: 100, name: 'Coches', vertical_id: 'cars', icon: 'car', subcategories: [] },
    {
      id: 12800,
      name: 'Motor y accesorios',
      vertical_id: 'consumer_goods',
      icon: 'motor',
      subcategories: [{ id: 12801, parent_id: 12800, name: 'Recambios', subcategories: [] }],
    },
  ],
};

const CITIES = [
  { city: 'Madrid', postal_code: '28004', region: 'Comunidad de Madrid', region2: 'Madrid', latitude: 40.4237, longitude: -3.7027 },
  { city: 'Barcelona', postal_code: '08001', region: 'Cataluña', region2: 'Barcelona', latitude: 41.3809, longitude: 2.1734 },
  { city: 'València', postal_code: '46001', region: 'Comunitat Valenciana', region2: 'Valencia', latitude: 39.4742, longitude: -0.3776 },
  { city: 'A Coruña', postal_code: '15001', region: 'Galicia', region2: 'A Coruña', latitude: 43.3713, longitude: -8.396 },
] as const;

const TITLES = [
  'iPhone 13 128GB azul',
  'Cámara réflex Canon 📷 como nueva',
  'PlayStation 5 + 2 mandos "edición digital"',
  'Bici de montaña talla M — ¡urge!',
  'Portátil <script>alert(1)</script> i7',
  'Ñandú de peluche',
  'Pantalla 27" 4K con caja',
];

export interface ItemOptions {
  id?: string;
  price?: number;
  categoryId?: number;
}

/** One search item as the API returns it (every field of wallapop-api.md, plus extras). */
export function makeItem(next: () => number, options: ItemOptions = {}): Record<string, unknown> {
  const id = options.id ?? Array.from({ length: 12 }, () => pick(next, [...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');
  const place = pick(next, CITIES);
  const created = 1_790_000_000_000 + Math.floor(next() * 30 * 86_400_000);
  const hasImages = next() > 0.1;
  const title = pick(next, TITLES);
  const price = options.price ?? Math.round(Math.exp(3 + next() * 4) * 100) / 100;
  return {
    id,
    user_id: `u${id.slice(0, 8)}`,
    title,
    description: next() > 0.15 ? `${title}. Envío disponible, precio negociable. Entrega en ${place.city}.` : undefined,
    category_id: options.categoryId ?? pick(next, [24202, 24202, 10304, 100, 12801]),
    taxonomy: [{ id: 24200, name: 'Tecnología y electrónica', icon: 'tech' }],
    price: { amount: price, currency: 'EUR' },
    images: hasImages
      ? [{ id: `img-${id}`, average_color: '#aabbcc', urls: { small: `https://cdn.wallapop.com/images/${id}/s.jpg`, medium: `https://cdn.wallapop.com/images/${id}/m.jpg`, big: `https://cdn.wallapop.com/images/${id}/b.jpg` } }]
      : [],
    reserved: { flag: next() < 0.1 },
    favorited: { flag: false },
    is_favoriteable: { flag: true },
    is_refurbished: { flag: next() < 0.05 },
    is_top_profile: { flag: next() < 0.2 },
    has_warranty: { flag: next() < 0.1 },
    location: { ...place, country_code: 'ES' },
    shipping: { item_is_shippable: next() < 0.7, user_allows_shipping: next() < 0.6 },
    bump: { type: next() < 0.1 ? 'country' : '' },
    web_slug: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${Math.floor(next() * 1e9)}`,
    created_at: created,
    modified_at: created + Math.floor(next() * 86_400_000),
    ...(next() < 0.05 ? { discount: { previous_price: Math.round(price * 1.2 * 100) / 100, percentage: 17 } } : {}),
  };
}

/** One well-formed search item as the API returns it (iPhone 13, Madrid), with `overrides` applied. */
export const sampleItem = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'pzpko29729j3',
  user_id: 'qjwy4weydwzo',
  title: 'iPhone 13 128GB azul',
  description: 'Como nuevo',
  category_id: 24202,
  taxonomy: [{ id: 24200, name: 'Tecnología y electrónica', icon: 'tech' }],
  price: { amount: 385.0, currency: 'EUR' },
  images: [{ id: 'i1', average_color: '#fff', urls: { small: 'https://img/s.jpg', medium: 'https://img/m.jpg', big: 'https://img/b.jpg' } }],
  reserved: { flag: false },
  favorited: { flag: false },
  is_refurbished: { flag: false },
  is_top_profile: { flag: true },
  has_warranty: { flag: false },
  location: { latitude: 40.42, longitude: -3.7, postal_code: '28004', city: 'Madrid', region: 'Comunidad de Madrid', region2: 'Madrid', country_code: 'ES' },
  shipping: { item_is_shippable: true, user_allows_shipping: false },
  bump: { type: '' },
  web_slug: 'iphone-13-128gb-azul-1275712826',
  created_at: 1_790_000_000_000,
  modified_at: 1_790_000_100_000,
  ...overrides,
});

/** Where the item tests normalise: page 3 of search iphone-13 on 2026-11-24, the fixture category tree. */
export const ITEM_CONTEXT: ItemContext = {
  day: '2026-11-24',
  search: 'iphone-13',
  page: 3,
  fetchedAtMs: Date.parse('2026-11-24T06:00:04.500Z'),
  categories: indexCategories(CATEGORY_TREE),
};

/** A search response body with its items where the given endpoint puts them. */
export function searchBody(items: unknown[], endpoint: 'search' | 'section' = 'search', nextPage?: string): string {
  const section = endpoint === 'search' ? { type: 'organic_search_results', payload: { items } } : { type: 'organic_search_results', items };
  return JSON.stringify({ data: { section }, meta: nextPage ? { next_page: nextPage } : {} });
}

export const CLOUDFRONT_403 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n<H1>403 ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n</BODY></HTML>';

export interface PageSpec {
  body: string;
  status?: number;
  contentType?: string | null;
  endpoint?: 'search' | 'section';
  /** ISO time; defaults to a time derived from the page number. */
  fetchedAt?: string;
  itemCount?: number;
}

export function fetchedAtOf(day: string, page: number): string {
  return new Date(Date.parse(`${day}T06:00:00Z`) + page * 1500).toISOString();
}

export function envelope(day: string, search: string, page: number, spec: PageSpec): BronzeEnvelope {
  const endpoint = spec.endpoint ?? 'search';
  return {
    envelopeVersion: 1,
    kind: 'search-page',
    day,
    search,
    page,
    request: {
      method: 'GET',
      url: `https://api.wallapop.com/api/v3/${endpoint === 'search' ? 'search' : 'search/section'}?source=search_box&keywords=${search}`,
      endpoint,
      params: { source: 'search_box', keywords: search },
    },
    response: {
      status: spec.status ?? 200,
      contentType: spec.contentType === undefined ? 'application/json' : spec.contentType,
      fetchedAt: spec.fetchedAt ?? fetchedAtOf(day, page),
      attempts: 1,
      elapsedMs: 120,
      itemCount: spec.itemCount ?? 0,
    },
    body: spec.body,
  };
}

export const encode = (value: BronzeEnvelope | string): Uint8Array => gzipSync(typeof value === 'string' ? value : JSON.stringify(value));

export function categoriesEnvelope(day: string, body: string = JSON.stringify(CATEGORY_TREE)): BronzeEnvelope {
  return {
    envelopeVersion: 1,
    kind: 'categories',
    day,
    request: { method: 'GET', url: 'https://api.wallapop.com/api/v3/categories', endpoint: 'categories', params: {} },
    response: { status: 200, contentType: 'application/json', fetchedAt: `${day}T05:59:00.000Z`, attempts: 1, elapsedMs: 80, itemCount: 0 },
    body,
  };
}

export interface BronzeSearchSpec {
  day: string;
  search: string;
  pages: PageSpec[];
  outcome?: ExtractOutcome;
  shardCount?: number;
  /** `false` writes no categories snapshot; a string writes it with that body. Default: CATEGORY_TREE. */
  categories?: boolean | string;
  /** Pages listed in the manifest but never written (1-based). */
  missingPages?: number[];
  /** Upload concurrency. */
  concurrency?: number;
}

/** Writes a search's day of bronze (pages, categories, plan, manifest last) and returns the manifest key. */
export async function writeBronzeSearch(lake: Lake, spec: BronzeSearchSpec): Promise<string> {
  const { day, search } = spec;
  const missing = new Set(spec.missingPages ?? []);
  const manifestPages: BronzeManifest['pages'] = [];
  const concurrency = spec.concurrency ?? 16;
  for (let start = 0; start < spec.pages.length; start += concurrency) {
    await Promise.all(
      spec.pages.slice(start, start + concurrency).map(async (page, offset) => {
        const number = start + offset + 1;
        const key = keys.bronzePage(day, search, number);
        if (!missing.has(number)) await lake.put(key, encode(envelope(day, search, number, page)), 'application/gzip');
      }),
    );
  }
  spec.pages.forEach((page, index) => {
    manifestPages.push({ key: keys.bronzePage(day, search, index + 1), page: index + 1, items: page.itemCount ?? 0, endpoint: page.endpoint ?? 'search' });
  });
  if (spec.categories !== false) {
    const body = typeof spec.categories === 'string' ? spec.categories : undefined;
    await lake.put(keys.bronzeCategories(day), encode(categoriesEnvelope(day, body)), 'application/gzip');
  }
  const plan: RunPlan = {
    planVersion: 1,
    day,
    shardCount: spec.shardCount ?? 4,
    searches: [{ slug: search, keywords: search, latitude: 40.4168, longitude: -3.7038, timeFilter: 'lastMonth', orderBy: 'newest', maxPages: 5000 }],
    categoriesSnapshot: { key: keys.bronzeCategories(day), ok: spec.categories !== false },
  };
  await putJson(lake, keys.runPlan(day), plan);
  const manifest: BronzeManifest = {
    manifestVersion: 1,
    day,
    search,
    outcome: spec.outcome ?? 'complete',
    pages: manifestPages,
    pageCount: manifestPages.length,
    itemCount: manifestPages.reduce((sum, page) => sum + page.items, 0),
    estimatedTotal: null,
    invocations: 1,
    firstFetchedAt: spec.pages.length > 0 ? fetchedAtOf(day, 1) : null,
    lastFetchedAt: spec.pages.length > 0 ? fetchedAtOf(day, spec.pages.length) : null,
    errors: [],
  };
  const manifestKey = keys.bronzeManifest(day, search);
  await putJson(lake, manifestKey, manifest);
  return manifestKey;
}

/** Pages of `perPage` fresh items each (distinct ids), as PageSpecs. */
export function itemPages(next: () => number, pageCount: number, perPage = 40, endpoint: 'search' | 'section' = 'search'): { pages: PageSpec[]; items: Array<Record<string, unknown>> } {
  const items: Array<Record<string, unknown>> = [];
  const pages: PageSpec[] = [];
  for (let page = 0; page < pageCount; page += 1) {
    const pageItems = Array.from({ length: perPage }, () => makeItem(next));
    items.push(...pageItems);
    pages.push({ body: searchBody(pageItems, endpoint, `token-${page + 1}`), endpoint, itemCount: pageItems.length });
  }
  return { pages, items };
}
