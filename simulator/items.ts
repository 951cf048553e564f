import type { CategoryNode, CategoryTree, TaxonomyEntry } from './categories.ts';
import { CITIES, postalCodeOf } from './geography.ts';
import type { IdCodec } from './ids.ts';
import { hash3, unitHash } from './random.ts';
import type { ListingStore } from './store.ts';
import { descriptionOf, editTitle, hasQuirk, quirksOf, slugOf, titleOf } from './listing-text.ts';

/** A search result item, in the shape of `data.section.payload.items[]` (see wallapop-api.md). */
export interface SearchItem {
  id: string;
  user_id: string;
  title: string;
  /** Absent for the few listings without one. */
  description?: string;
  category_id: number;
  taxonomy: TaxonomyEntry[];
  price: { amount: number; currency: string };
  images: ItemImage[];
  reserved: { flag: boolean };
  favorited: { flag: boolean };
  is_favoriteable: { flag: boolean };
  is_refurbished: { flag: boolean };
  is_top_profile: { flag: boolean };
  has_warranty: { flag: boolean };
  location: ItemLocation;
  shipping: { item_is_shippable: boolean; user_allows_shipping: boolean };
  bump: { type: string };
  web_slug: string;
  created_at: number;
  modified_at: number;
  discount?: { previous_price: number; percentage: number };
}

export interface ItemImage {
  id: string;
  average_color: string;
  urls: { small: string; medium: string; big: string };
}

export interface ItemLocation {
  latitude: number;
  longitude: number;
  postal_code: string;
  city: string;
  region: string;
  region2: string;
  country_code: string;
}

/** `GET /api/v3/items/{id}`: the detail shape, deliberately unlike the search item. */
export interface ItemDetail {
  id: string;
  type: string;
  user_id: string;
  title: { original: string; translated: null };
  description: { original: string };
  category_id: number;
  taxonomies: TaxonomyEntry[];
  price: { cash: { amount: number; currency: string } };
  images: ItemImage[];
  location: ItemLocation;
  reserved: { flag: boolean };
  sold: { flag: boolean };
  shipping: { item_is_shippable: boolean; user_allows_shipping: boolean };
  is_refurbished: { flag: boolean };
  has_warranty: { flag: boolean };
  slug: string;
  share_url: string;
  created_at: number;
  modified_at: number;
  counters: { views: number; favorites: number; conversations: number };
}

/** Salts for per-listing hashes; one per attribute so attributes are independent. */
const SALT = {
  user: 0x75736572,
  images: 0x696d6773,
  imageColour: 0x636f6c72,
  flags: 0x666c6167,
  shipping: 0x73686970,
  postal: 0x706f7374,
  discount: 0x64697363,
  counters: 0x636e7472,
  slug: 0x736c7567,
} as const;

export const LISTING_URL_BASE = 'https://es.wallapop.com/item/';
const IMAGE_BASE = 'https://cdn.wallapop.com/images/10420';

export interface ItemContext {
  seed: number;
  store: ListingStore;
  tree: CategoryTree;
  listingIds: IdCodec;
  userIds: IdCodec;
  imageIds: IdCodec;
  /** How many distinct sellers the market has. */
  sellers: number;
  /** Epoch ms of the start day's snapshot: listings created before it were on sale before the market began. */
  startSnapshot: number;
}

/** What a listing shows on a given day: everything the two item shapes are rendered from. */
interface ListingFacts {
  id: string;
  userId: string;
  title: string;
  description: string | undefined;
  node: CategoryNode;
  priceCents: number;
  images: ItemImage[];
  reserved: boolean;
  location: ItemLocation;
  shippable: boolean;
  allowsShipping: boolean;
  refurbished: boolean;
  warranty: boolean;
  topProfile: boolean;
  bump: string;
  slug: string;
  createdAt: number;
  modifiedAt: number;
  discount: { previous_price: number; percentage: number } | undefined;
}

export class ItemRenderer {
  constructor(
    private readonly context: ItemContext,
    private readonly modifiedAt: (serial: number, day: number) => number,
  ) {}

  /** The same shape as the API's search items. */
  searchItem(serial: number, day: number): SearchItem {
    const facts = this.facts(serial, day);
    return {
      id: facts.id,
      user_id: facts.userId,
      title: facts.title,
      ...(facts.description !== undefined ? { description: facts.description } : {}),
      category_id: facts.node.id,
      taxonomy: facts.node.path.map((entry) => ({ ...entry })),
      price: { amount: facts.priceCents / 100, currency: 'EUR' },
      images: facts.images,
      reserved: { flag: facts.reserved },
      favorited: { flag: false },
      is_favoriteable: { flag: true },
      is_refurbished: { flag: facts.refurbished },
      is_top_profile: { flag: facts.topProfile },
      has_warranty: { flag: facts.warranty },
      location: facts.location,
      shipping: { item_is_shippable: facts.shippable, user_allows_shipping: facts.allowsShipping },
      bump: { type: facts.bump },
      web_slug: facts.slug,
      created_at: facts.createdAt,
      modified_at: facts.modifiedAt,
      ...(facts.discount ? { discount: facts.discount } : {}),
    };
  }

  detail(serial: number, day: number): ItemDetail {
    const facts = this.facts(serial, day);
    const { seed } = this.context;
    const ageDays = Math.max(0, (facts.modifiedAt - facts.createdAt) / 86_400_000) + 1;
    const popularity = unitHash(seed, serial, SALT.counters);
    const views = Math.round(ageDays * (5 + 60 * popularity));
    return {
      id: facts.id,
      type: facts.node.verticalId,
      user_id: facts.userId,
      title: { original: facts.title, translated: null },
      description: { original: facts.description ?? '' },
      category_id: facts.node.id,
      taxonomies: facts.node.path.map((entry) => ({ ...entry })),
      price: { cash: { amount: facts.priceCents / 100, currency: 'EUR' } },
      images: facts.images,
      location: facts.location,
      reserved: { flag: facts.reserved },
      sold: { flag: false },
      shipping: { item_is_shippable: facts.shippable, user_allows_shipping: facts.allowsShipping },
      is_refurbished: { flag: facts.refurbished },
      has_warranty: { flag: facts.warranty },
      slug: facts.slug,
      share_url: LISTING_URL_BASE + facts.slug,
      created_at: facts.createdAt,
      modified_at: facts.modifiedAt,
      counters: { views, favorites: Math.floor(views * 0.04 * popularity), conversations: Math.floor(views * 0.02) },
    };
  }

  /** Just the title, for keyword matching: much cheaper than a whole item. */
  title(serial: number): string {
    const { seed, store, tree } = this.context;
    const origin = store.origin[serial]!;
    return editTitle(titleOf(seed, origin, tree.node(store.category[serial]!), quirksOf(seed, origin)), store.titleEdit[serial]!);
  }

  private facts(serial: number, day: number): ListingFacts {
    const { seed, store, tree, listingIds, userIds, sellers } = this.context;
    const origin = store.origin[serial]!;
    const node = tree.node(store.category[serial]!);
    const cityIndex = store.city[serial]!;
    const city = CITIES[cityIndex]!;
    const quirks = quirksOf(seed, origin);
    const originalTitle = titleOf(seed, origin, node, quirks);
    // A relist may touch up its title; its description is pasted unchanged.
    const title = editTitle(originalTitle, store.titleEdit[serial]!);
    const id = listingIds.encode(serial);
    const slugNumber = 1_000_000_000 + serial * 997 + (hash3(seed, serial, SALT.slug) % 997);
    const titleSlug = slugOf(title);
    const slug = titleSlug ? `${titleSlug}-${slugNumber}` : String(slugNumber);

    // Sellers follow a power law: a few shops hold many listings, most people one or two.
    const sellerDraw = unitHash(seed, origin, SALT.user);
    const seller = Math.floor(sellers * sellerDraw * sellerDraw);
    const flags = hash3(seed, origin, SALT.flags);
    const isTech = node.family === 'tech';
    const shippingDraw = unitHash(seed, origin, SALT.shipping);
    const shippable = shippingDraw < node.shippable;
    const priceCents = store.priceCents(serial, day);

    return {
      id,
      userId: userIds.encode(seller),
      title,
      description: descriptionOf(seed, origin, node, city.name, originalTitle, quirks),
      node,
      priceCents,
      images: hasQuirk(quirks, 'noImages') ? [] : this.images(serial, slugNumber),
      reserved: store.isReserved(serial, day),
      location: {
        latitude: store.latitudeE5[serial]! / 1e5,
        longitude: store.longitudeE5[serial]! / 1e5,
        postal_code: postalCodeOf(cityIndex, unitHash(seed, origin, SALT.postal)),
        city: city.name,
        region: city.region,
        region2: city.region2,
        country_code: 'ES',
      },
      shippable,
      allowsShipping: shippable && shippingDraw < node.shippable * 0.9,
      refurbished: isTech && flags % 100 < 2,
      warranty: isTech && (flags >>> 8) % 100 < 3,
      topProfile: hash3(seed, seller, SALT.flags) % 100 < 5,
      bump: ['', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'zone_bump', 'city_bump'][(flags >>> 16) % 20]!,
      slug,
      createdAt: store.createdAt[serial]!,
      modifiedAt: this.modifiedAt(serial, day),
      discount: this.discount(serial, day, priceCents, hasQuirk(quirks, 'discount')),
    };
  }

  /**
   * What the API shows as the listing's discount: the price before its latest drop, while that drop
   * is in force (Wallapop derives it from the seller's own price edits). A listing already on sale
   * when the market starts may carry one from a drop before day 0 (the `discount` quirk).
   */
  private discount(serial: number, day: number, priceCents: number, preHistory: boolean): { previous_price: number; percentage: number } | undefined {
    const { store, seed } = this.context;
    const drop = store.dropInForce(serial, day);
    if (drop >= 0) {
      const beforeCents = store.priceBeforeDrop(drop);
      if (beforeCents <= priceCents) return undefined;
      return { previous_price: beforeCents / 100, percentage: Math.round((1 - priceCents / beforeCents) * 100) };
    }
    return preHistory && store.createdAt[serial]! < this.context.startSnapshot ? discountOf(priceCents, unitHash(seed, store.origin[serial]!, SALT.discount)) : undefined;
  }

  private images(serial: number, slugNumber: number): ItemImage[] {
    const { seed, imageIds } = this.context;
    const count = 1 + (hash3(seed, serial, SALT.images) % 6);
    const images: ItemImage[] = [];
    for (let index = 0; index < count; index += 1) {
      const colour = hash3(seed, serial * 8 + index, SALT.imageColour) & 0xffffff;
      const pictureNumber = slugNumber * 10 + index;
      const path = `${IMAGE_BASE}/${(colour >>> 16) % 100}/${(colour >>> 8) % 100}/__/c10420p${slugNumber}/i${pictureNumber}.jpg`;
      images.push({
        id: imageIds.encode((serial * 8 + index) >>> 0),
        average_color: `#${colour.toString(16).padStart(6, '0').toUpperCase()}`,
        urls: { small: `${path}?pictureSize=W320`, medium: `${path}?pictureSize=W640`, big: `${path}?pictureSize=W800` },
      });
    }
    return images;
  }
}

/** A "was" price 10–40 % above the current one, rounded like a real price. */
function discountOf(priceCents: number, unit: number): { previous_price: number; percentage: number } | undefined {
  if (priceCents < 200) return undefined;
  const previousCents = roundPriceCents(priceCents / (0.9 - unit * 0.3));
  if (previousCents <= priceCents) return undefined;
  return { previous_price: previousCents / 100, percentage: Math.round((1 - priceCents / previousCents) * 100) };
}

/** Rounds a price the way sellers do: 0.50 € steps under 10 €, whole euros to 100, then 5, 50, 100, 1000. */
export function roundPriceCents(cents: number): number {
  if (!(cents > 0)) return 0;
  const euros = cents / 100;
  const step = euros < 10 ? 0.5 : euros < 100 ? 1 : euros < 1_000 ? 5 : euros < 10_000 ? 50 : euros < 100_000 ? 100 : 1_000;
  return Math.max(100, Math.round(Math.round(euros / step) * step * 100));
}
