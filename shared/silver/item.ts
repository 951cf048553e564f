import * as v from 'valibot';
import type { CategoryIndex } from './categories.ts';
import { fragmentOf, jsonFragment, type ItemQuarantineReason } from './quarantine.ts';
import { SILVER_SCHEMA_VERSION, type SilverRow } from './schema.ts';
import { cleanText } from './text-repair.ts';

/**
 * A Wallapop search item → one silver row, or the reason it cannot be one.
 *
 * Only `id` and `price` are required: without them a row cannot be tracked or priced. Every other
 * field is optional, and one that is present but unusable (a string latitude, a numeric city) is
 * dropped to null and reported in `notes.invalidFields`, so schema drift shows up in the manifest
 * instead of quietly costing whole listings. Unknown fields are ignored (loose objects).
 */

export const TITLE_MAX_CHARS = 1000;
export const DESCRIPTION_MAX_CHARS = 2000;
export const LISTING_URL_BASE = 'https://es.wallapop.com/item/';

const INT32_MAX = 2_147_483_647;

const Text = v.string();
const Flag = v.pipe(
  v.unknown(),
  // Some clients flatten the `{ flag }` wrapper to a bare boolean: accept both.
  v.transform((value) => (typeof value === 'boolean' ? { flag: value } : value)),
  v.looseObject({ flag: v.optional(v.nullable(v.boolean())) }),
);
const Money = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^\d+(\.\d+)?$/), v.transform(Number))]),
  v.number(),
  v.finite(),
  v.minValue(0),
);
const CategoryId = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))]),
  v.number(),
  v.integer(),
  v.minValue(0),
  v.maxValue(INT32_MAX),
);
/**
 * Epoch milliseconds. Numbers below 1e11 are read as seconds: as milliseconds they would be
 * before March 1973, years before Wallapop existed. ISO-8601 strings are accepted too.
 */
const Instant = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.minLength(1))]),
  v.transform((value) => {
    const ms = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Math.round(Math.abs(ms) < 1e11 ? ms * 1000 : ms);
  }),
  v.number(),
  v.safeInteger(),
);
/** A price as a bare amount or as `{amount, currency}` (both forms of a discount's previous price are seen). */
const MoneyOrObject = v.pipe(
  v.unknown(),
  v.transform((value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { amount?: unknown }).amount : value)),
  Money,
);
const Latitude = v.pipe(v.number(), v.finite(), v.minValue(-90), v.maxValue(90));
const Longitude = v.pipe(v.number(), v.finite(), v.minValue(-180), v.maxValue(180));
const opt = <T extends v.GenericSchema>(schema: T) => v.optional(v.nullable(schema));

const ImageSchema = v.looseObject({
  urls: opt(v.looseObject({ small: opt(Text), medium: opt(Text), big: opt(Text) })),
});

/** The fields silver reads from a search item (see wallapop-api.md, "A search item"). */
export const SearchItemSchema = v.looseObject({
  id: v.pipe(v.string(), v.check((id) => id.trim().length > 0, 'must not be blank')),
  price: v.pipe(
    v.unknown(),
    // The dead v3 general search served a flat number; tolerate it wherever it reappears.
    v.transform((value) => (typeof value === 'number' || typeof value === 'string' ? { amount: value } : value)),
    v.looseObject({ amount: Money, currency: opt(Text) }),
  ),
  user_id: opt(Text),
  title: opt(Text),
  description: opt(Text),
  category_id: opt(CategoryId),
  taxonomy: opt(v.array(v.looseObject({ id: opt(CategoryId) }))),
  images: opt(
    v.pipe(
      v.array(v.unknown()),
      // Only the first image is kept: validating the rest would only reject rows for unused data.
      v.transform((images) => images.slice(0, 1)),
      v.array(ImageSchema),
    ),
  ),
  reserved: opt(Flag),
  is_refurbished: opt(Flag),
  has_warranty: opt(Flag),
  is_top_profile: opt(Flag),
  location: opt(
    v.looseObject({
      latitude: opt(Latitude),
      longitude: opt(Longitude),
      postal_code: opt(Text),
      city: opt(Text),
      region: opt(Text),
      region2: opt(Text),
      country_code: opt(Text),
    }),
  ),
  shipping: opt(v.looseObject({ item_is_shippable: opt(v.boolean()), user_allows_shipping: opt(v.boolean()) })),
  bump: opt(v.looseObject({ type: opt(Text) })),
  web_slug: opt(Text),
  created_at: opt(Instant),
  modified_at: opt(Instant),
  discount: opt(v.looseObject({ previous_price: opt(MoneyOrObject) })),
  previous_price: opt(MoneyOrObject),
});

export type SearchItem = v.InferOutput<typeof SearchItemSchema>;

/** Where an item was seen: everything a row needs besides the item itself. */
export interface ItemContext {
  day: string;
  search: string;
  page: number;
  fetchedAtMs: number;
  categories: CategoryIndex;
}

/** What normalisation changed or could not use; the stage sums these into the manifest. */
export interface RowNotes {
  /** Fields present but unusable, dropped to null: dotted paths with `[]` for array positions. */
  invalidFields: string[];
  textRepaired: boolean;
  textTruncated: boolean;
  /** The row has a category id the day's snapshot does not know (or there is no snapshot). */
  categoryUnknown: boolean;
}

export type NormaliseResult =
  | { ok: true; row: SilverRow; notes: RowNotes }
  | { ok: false; reason: ItemQuarantineReason; detail: string; listingId: string | null; fragment: string; fragmentTruncated: boolean };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

type IssuePath = Array<string | number>;
const pathOf = (issue: v.BaseIssue<unknown>): IssuePath => (issue.path ?? []).map((item) => item.key as string | number);
const dotted = (path: IssuePath) => path.map((key) => (typeof key === 'number' ? '[]' : key)).join('.').replaceAll('.[]', '[]');

/** Deletes the value at `path` inside `root` (a private clone), so that re-validation sees it as absent. */
function deleteAt(root: Record<string, unknown>, path: IssuePath): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    node = (node as Record<string | number, unknown> | undefined)?.[key];
    if (typeof node !== 'object' || node === null) return;
  }
  const last = path.at(-1);
  if (last === undefined) return;
  delete (node as Record<string | number, unknown>)[last];
}

/** The id and price rules, checked before the schema so their failures get precise reasons. */
function rejectReason(raw: Record<string, unknown>): { reason: ItemQuarantineReason; detail: string } | undefined {
  const id = raw.id;
  if (id === undefined || id === null || id === '') return { reason: 'missing-id', detail: 'the item has no id' };
  if (typeof id !== 'string') return { reason: 'invalid-id', detail: `id is a ${typeof id}, not a string` };
  if (id.trim() === '') return { reason: 'missing-id', detail: 'the id is blank' };
  const price = raw.price;
  if (price === undefined || price === null) return { reason: 'missing-price', detail: 'the item has no price' };
  if (isRecord(price) && (price.amount === undefined || price.amount === null)) return { reason: 'missing-price', detail: 'price has no amount' };
  const money = v.safeParse(Money, isRecord(price) ? price.amount : price);
  if (!money.success) return { reason: 'invalid-price', detail: `price ${jsonFragment(isRecord(price) ? price.amount : price)} is not a finite amount >= 0` };
  return undefined;
}

/** Each pass drops every failing field at once; a second pass only catches fields exposed by the first. */
const MAX_REPAIR_PASSES = 4;

function validate(raw: Record<string, unknown>): { item: SearchItem; invalidFields: string[] } | undefined {
  const first = v.safeParse(SearchItemSchema, raw);
  if (first.success) return { item: first.output, invalidFields: [] };
  const invalid = new Set<string>();
  const copy = structuredClone(raw);
  let issues = first.issues;
  for (let pass = 0; pass < MAX_REPAIR_PASSES; pass += 1) {
    for (const issue of issues) {
      const path = pathOf(issue);
      // rejectReason vetted id and amount, so a failure there is not a droppable optional field.
      if (path.length === 0 || path[0] === 'id' || (path[0] === 'price' && path[1] !== 'currency')) return undefined;
      invalid.add(dotted(path));
      // An unusable array element (not just a field inside one) costs the whole array: a hole
      // would fail again, and a shifted array would make a later element pass for the first.
      const lastObjectField = path.findLastIndex((key) => typeof key === 'string');
      deleteAt(copy, typeof path.at(-1) === 'number' ? path.slice(0, lastObjectField + 1) : path);
    }
    const next = v.safeParse(SearchItemSchema, copy);
    if (next.success) return { item: next.output, invalidFields: [...invalid].sort() };
    issues = next.issues;
  }
  return undefined;
}

function reject(raw: unknown, reason: ItemQuarantineReason, detail: string): NormaliseResult {
  const id = isRecord(raw) && typeof raw.id === 'string' && raw.id.trim() !== '' ? raw.id : null;
  return { ok: false, reason, detail, listingId: id, ...fragmentOf(jsonFragment(raw)) };
}

/**
 * Normalises one item seen on one page. Pure and total: never throws, whatever `raw` is.
 *
 * Most items have the common, well-formed shape: `fastRow` checks that shape by hand and builds
 * the row straight from the parsed JSON (valibot's copy of every nested object was most of the
 * cost). Anything else, including every item that would be rejected or repaired, goes through
 * `normaliseItemChecked` (valibot), so a quarantine decision or reason never depends on which
 * path ran; tests/silver/item-fast.test.ts checks that both paths agree.
 *
 * Two parsers on purpose (issue 16 weighed it): the checked one is the definition, the fast one a
 * copy of its accepting case only. Measured on 24,920 simulator items: 10.2–10.8 µs an item checked,
 * 2.0–2.8 µs fast, and the fast path fell back on none of them nor on the captured pages; silver
 * with the checked path alone spent 17–40 % more CPU (the parser 24.6 % of the stage's profile
 * instead of 7 %). Not generated from the schema: 12 of its 20 fields go through `v.transform`,
 * opaque functions a generator cannot compile. So a change to `SearchItemSchema` changes `fastRow`
 * and the test's field values too; the test fails while its fields and the schema's differ.
 */
export function normaliseItem(raw: unknown, context: ItemContext): NormaliseResult {
  return fastRow(raw, context) ?? normaliseItemChecked(raw, context);
}

/** The schema-checked path of `normaliseItem` (field repair, precise quarantine reasons), for any input. */
export function normaliseItemChecked(raw: unknown, context: ItemContext): NormaliseResult {
  if (!isRecord(raw)) return reject(raw, 'item-not-object', `an items entry is ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}`);
  const rejected = rejectReason(raw);
  if (rejected) return reject(raw, rejected.reason, rejected.detail);
  let validated: ReturnType<typeof validate>;
  try {
    validated = validate(raw);
  } catch (error) {
    // Only input that JSON.parse cannot produce (a function, a cycle) gets here.
    return reject(raw, 'invalid-item', `the item cannot be validated: ${(error as Error).message}`);
  }
  if (!validated) return reject(raw, 'invalid-item', 'the item does not validate even without its unusable optional fields');
  const { item, invalidFields } = validated;

  const image = item.images?.[0]?.urls;
  const bumpType = item.bump?.type;
  const reading: ItemReading = {
    listing_id: item.id,
    title: item.title,
    description: item.description,
    price: item.price.amount,
    currency: item.price.currency ?? null,
    previous_price: item.discount?.previous_price ?? item.previous_price ?? null,
    category_id: item.category_id ?? item.taxonomy?.at(-1)?.id ?? null,
    seller_id: item.user_id ?? null,
    city: item.location?.city ?? null,
    postal_code: item.location?.postal_code ?? null,
    region: item.location?.region ?? null,
    province: item.location?.region2 ?? null,
    country_code: item.location?.country_code ?? null,
    latitude: item.location?.latitude ?? null,
    longitude: item.location?.longitude ?? null,
    is_reserved: item.reserved?.flag ?? null,
    is_shippable: item.shipping?.item_is_shippable ?? null,
    seller_allows_shipping: item.shipping?.user_allows_shipping ?? null,
    is_refurbished: item.is_refurbished?.flag ?? null,
    has_warranty: item.has_warranty?.flag ?? null,
    is_top_profile: item.is_top_profile?.flag ?? null,
    is_bumped: bumpType === undefined || bumpType === null ? null : bumpType.trim() !== '',
    created_at: item.created_at ?? null,
    modified_at: item.modified_at ?? null,
    web_slug: item.web_slug,
    image_url: image?.medium || image?.big || image?.small || null,
  };
  return rowOf(reading, invalidFields, context);
}

/**
 * What either path read from an item, named by the silver columns the values become, before the
 * steps both paths share (`rowOf`).
 */
type ItemReading = Omit<SilverRow, 'snapshot_day' | 'search_slug' | 'title' | 'description' | 'category_name' | 'category_path' | 'listing_url' | 'fetched_at' | 'source_page' | 'schema_version'> & {
  title: string | null | undefined;
  description: string | null | undefined;
  web_slug: string | null | undefined;
};

/** The row from what an item says: text cleaned, category looked up, listing URL, the page's context. */
function rowOf(reading: ItemReading, invalidFields: string[], context: ItemContext): NormaliseResult {
  let textRepaired = false;
  let textTruncated = false;
  const text = (value: string | null | undefined, max: number): string | null => {
    if (value === null || value === undefined) return null;
    const clean = cleanText(value, max);
    textRepaired ||= clean.repaired;
    textTruncated ||= clean.truncated;
    return clean.text;
  };
  const categoryId = reading.category_id;
  const category = categoryId === null ? undefined : context.categories.get(categoryId);
  const slug = reading.web_slug?.trim();

  const row: SilverRow = {
    listing_id: reading.listing_id,
    snapshot_day: context.day,
    search_slug: context.search,
    title: text(reading.title, TITLE_MAX_CHARS),
    description: text(reading.description, DESCRIPTION_MAX_CHARS),
    price: reading.price,
    currency: reading.currency,
    previous_price: reading.previous_price,
    category_id: categoryId,
    category_name: category?.name ?? null,
    category_path: category?.path ?? null,
    seller_id: reading.seller_id,
    city: reading.city,
    postal_code: reading.postal_code,
    region: reading.region,
    province: reading.province,
    country_code: reading.country_code,
    latitude: reading.latitude,
    longitude: reading.longitude,
    is_reserved: reading.is_reserved,
    is_shippable: reading.is_shippable,
    seller_allows_shipping: reading.seller_allows_shipping,
    is_refurbished: reading.is_refurbished,
    has_warranty: reading.has_warranty,
    is_top_profile: reading.is_top_profile,
    is_bumped: reading.is_bumped,
    created_at: reading.created_at,
    modified_at: reading.modified_at,
    listing_url: slug ? listingUrlOf(slug) : null,
    image_url: reading.image_url,
    fetched_at: context.fetchedAtMs,
    source_page: context.page,
    schema_version: SILVER_SCHEMA_VERSION,
  };
  return { ok: true, row, notes: { invalidFields, textRepaired, textTruncated, categoryUnknown: categoryId !== null && category === undefined } };
}

// ---------------------------------------------------------------------------------------------
// The fast path: accepts only what SearchItemSchema accepts on its first pass without any
// transform that changes a value other than the ones mirrored here (bare-boolean flags, epoch
// seconds), and returns `undefined` (→ the checked path) for everything else: string amounts,
// string timestamps, arrays where objects belong, out-of-range numbers, wrong types.

type Json = Record<string, unknown>;
const absent = (value: unknown): value is null | undefined => value === undefined || value === null;
const optText = (value: unknown) => value === undefined || value === null || typeof value === 'string';
const optBool = (value: unknown) => value === undefined || value === null || typeof value === 'boolean';
const isMoney = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** A previous price as MoneyOrObject reads it, for numbers only (string amounts take the checked path). */
function previousPriceOf(value: unknown): number | null | typeof SLOW {
  if (absent(value)) return null;
  if (isMoney(value)) return value;
  if (isRecord(value) && isMoney(value.amount)) return value.amount;
  return SLOW;
}
const isCategoryId = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INT32_MAX;
const inRange = (value: unknown, limit: number) => absent(value) || (typeof value === 'number' && Number.isFinite(value) && value >= -limit && value <= limit);

/** Marks a field the fast path does not handle. */
const SLOW = Symbol('slow');

/** `{ flag }` or a bare boolean, as the schema's Flag accepts them. */
function flagOf(value: unknown): boolean | null | typeof SLOW {
  if (absent(value)) return null;
  if (typeof value === 'boolean') return value;
  if (!isRecord(value)) return SLOW;
  const flag = value.flag;
  if (absent(flag)) return null;
  return typeof flag === 'boolean' ? flag : SLOW;
}

/** Epoch ms as the schema's Instant gives it, for numbers only (strings take the checked path). */
function instantOf(value: unknown): number | null | typeof SLOW {
  if (absent(value)) return null;
  if (typeof value !== 'number') return SLOW;
  const ms = Math.round(Math.abs(value) < 1e11 ? value * 1000 : value);
  return Number.isSafeInteger(ms) ? ms : SLOW;
}

/**
 * The row of a well-formed item, equal to what `normaliseItemChecked` returns; undefined for
 * anything else. Exported for tests (both paths must agree); callers use `normaliseItem`.
 */
export function fastRow(raw: unknown, context: ItemContext): NormaliseResult | undefined {
  if (!isRecord(raw)) return undefined;
  const id = raw.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const price = raw.price;
  if (!isRecord(price) || !isMoney(price.amount) || !optText(price.currency)) return undefined;
  const { user_id: userId, title, description, web_slug: webSlug, category_id: rawCategory } = raw;
  if (!optText(userId) || !optText(title) || !optText(description) || !optText(webSlug)) return undefined;
  if (!absent(rawCategory) && !isCategoryId(rawCategory)) return undefined;

  let taxonomyId: number | null = null;
  const taxonomy = raw.taxonomy;
  if (!absent(taxonomy)) {
    if (!Array.isArray(taxonomy)) return undefined;
    for (let i = 0; i < taxonomy.length; i += 1) {
      const entry: unknown = taxonomy[i];
      if (!isRecord(entry) || !(absent(entry.id) || isCategoryId(entry.id))) return undefined;
    }
    if (taxonomy.length > 0) taxonomyId = ((taxonomy[taxonomy.length - 1] as Json).id as number | null | undefined) ?? null;
  }

  let imageUrl: string | null = null;
  const images = raw.images;
  if (!absent(images)) {
    if (!Array.isArray(images)) return undefined;
    if (images.length > 0) {
      const first: unknown = images[0];
      if (!isRecord(first)) return undefined;
      const urls = first.urls;
      if (!absent(urls)) {
        if (!isRecord(urls)) return undefined;
        const { small, medium, big } = urls;
        if (!optText(small) || !optText(medium) || !optText(big)) return undefined;
        imageUrl = (medium as string | null | undefined) || (big as string | null | undefined) || (small as string | null | undefined) || null;
      }
    }
  }

  const reserved = flagOf(raw.reserved);
  const refurbished = flagOf(raw.is_refurbished);
  const warranty = flagOf(raw.has_warranty);
  const topProfile = flagOf(raw.is_top_profile);
  if (reserved === SLOW || refurbished === SLOW || warranty === SLOW || topProfile === SLOW) return undefined;

  let latitude: number | null = null;
  let longitude: number | null = null;
  let city: string | null = null;
  let postalCode: string | null = null;
  let region: string | null = null;
  let province: string | null = null;
  let countryCode: string | null = null;
  const location = raw.location;
  if (!absent(location)) {
    if (!isRecord(location)) return undefined;
    if (!inRange(location.latitude, 90) || !inRange(location.longitude, 180)) return undefined;
    if (!optText(location.postal_code) || !optText(location.city) || !optText(location.region) || !optText(location.region2) || !optText(location.country_code)) return undefined;
    latitude = (location.latitude as number | null | undefined) ?? null;
    longitude = (location.longitude as number | null | undefined) ?? null;
    city = (location.city as string | null | undefined) ?? null;
    postalCode = (location.postal_code as string | null | undefined) ?? null;
    region = (location.region as string | null | undefined) ?? null;
    province = (location.region2 as string | null | undefined) ?? null;
    countryCode = (location.country_code as string | null | undefined) ?? null;
  }

  let isShippable: boolean | null = null;
  let allowsShipping: boolean | null = null;
  const shipping = raw.shipping;
  if (!absent(shipping)) {
    if (!isRecord(shipping) || !optBool(shipping.item_is_shippable) || !optBool(shipping.user_allows_shipping)) return undefined;
    isShippable = (shipping.item_is_shippable as boolean | null | undefined) ?? null;
    allowsShipping = (shipping.user_allows_shipping as boolean | null | undefined) ?? null;
  }

  let isBumped: boolean | null = null;
  const bump = raw.bump;
  if (!absent(bump)) {
    if (!isRecord(bump) || !optText(bump.type)) return undefined;
    const bumpType = bump.type as string | null | undefined;
    isBumped = absent(bumpType) ? null : bumpType.trim() !== '';
  }

  let previousPrice: number | null = null;
  const discount = raw.discount;
  if (!absent(discount)) {
    if (!isRecord(discount)) return undefined;
    const previous = previousPriceOf(discount.previous_price);
    if (previous === SLOW) return undefined;
    previousPrice = previous;
  }
  const topLevelPrevious = previousPriceOf(raw.previous_price);
  if (topLevelPrevious === SLOW) return undefined;
  previousPrice ??= topLevelPrevious;

  const createdAt = instantOf(raw.created_at);
  const modifiedAt = instantOf(raw.modified_at);
  if (createdAt === SLOW || modifiedAt === SLOW) return undefined;

  const reading: ItemReading = {
    listing_id: id,
    title: title as string | null | undefined,
    description: description as string | null | undefined,
    price: price.amount,
    currency: (price.currency as string | null | undefined) ?? null,
    previous_price: previousPrice,
    category_id: (rawCategory as number | null | undefined) ?? taxonomyId,
    seller_id: (userId as string | null | undefined) ?? null,
    city,
    postal_code: postalCode,
    region,
    province,
    country_code: countryCode,
    latitude,
    longitude,
    is_reserved: reserved,
    is_shippable: isShippable,
    seller_allows_shipping: allowsShipping,
    is_refurbished: refurbished,
    has_warranty: warranty,
    is_top_profile: topProfile,
    is_bumped: isBumped,
    created_at: createdAt,
    modified_at: modifiedAt,
    web_slug: webSlug as string | null | undefined,
    image_url: imageUrl,
  };
  return rowOf(reading, [], context);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The listing's page from its web slug. JSON can carry a lone surrogate, which
 * `encodeURIComponent` refuses; it becomes U+FFFD, as a browser would send it, rather than failing
 * the whole page on every retry.
 */
export function listingUrlOf(slug: string): string {
  try {
    return `${LISTING_URL_BASE}${encodeURIComponent(slug)}`;
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    return `${LISTING_URL_BASE}${encodeURIComponent(slug.replace(LONE_SURROGATE, '\uFFFD'))}`;
  }
}
