/**
 * PROTOTYPE of a change proposed for shared/silver/item.ts (docs/performance.md, "What should
 * change"): a hand-written check of the common, well-formed search item that builds the silver row
 * straight from the parsed JSON, falling back to `normaliseItem` (valibot, field repair, precise
 * quarantine reasons) for anything it does not recognise. It never decides a rejection itself, so
 * quarantine behaviour is unchanged; bench/experiments/silver.ts checks that it returns the same
 * rows as `normaliseItem` on every item of a benchmark day.
 */
import type { CategoryIndex } from '#shared/silver/categories.ts';
import { normaliseItem, type ItemContext, type NormaliseResult } from '#shared/silver/item.ts';
import { SILVER_SCHEMA_VERSION, type SilverRow } from '#shared/silver/schema.ts';
import { cleanText } from '#shared/silver/text.ts';

const TITLE_MAX_CHARS = 1000;
const DESCRIPTION_MAX_CHARS = 2000;
const LISTING_URL_BASE = 'https://es.wallapop.com/item/';
const INT32_MAX = 2_147_483_647;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const absent = (value: unknown) => value === undefined || value === null;
const optText = (value: unknown) => absent(value) || typeof value === 'string';
const optBool = (value: unknown) => absent(value) || typeof value === 'boolean';
const money = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const categoryId = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INT32_MAX;
/** `{ flag }` or a bare boolean, as the schema's Flag accepts; returns undefined when not in the fast shape. */
const flagOf = (value: unknown): { ok: boolean; flag: boolean | null } => {
  if (absent(value)) return { ok: true, flag: null };
  if (typeof value === 'boolean') return { ok: true, flag: value };
  if (isRecord(value) && optBool(value.flag)) return { ok: true, flag: (value.flag as boolean | null | undefined) ?? null };
  return { ok: false, flag: null };
};
/** Epoch ms as the schema's Instant transform gives it, for numbers only (strings take the slow path). */
const instantOf = (value: unknown): { ok: boolean; ms: number | null } => {
  if (absent(value)) return { ok: true, ms: null };
  if (typeof value !== 'number') return { ok: false, ms: null };
  const ms = Math.round(Math.abs(value) < 1e11 ? value * 1000 : value);
  return Number.isSafeInteger(ms) ? { ok: true, ms } : { ok: false, ms: null };
};

/** The same result as normaliseItem(raw, context), faster for well-formed items. */
export function normaliseItemFast(raw: unknown, context: ItemContext): NormaliseResult {
  const row = fastRow(raw, context.categories, context);
  return row ?? normaliseItem(raw, context);
}

function fastRow(raw: unknown, categories: CategoryIndex, context: ItemContext): NormaliseResult | undefined {
  if (!isRecord(raw)) return undefined;
  const { id, price } = raw;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  if (!isRecord(price) || !money(price.amount) || !optText(price.currency)) return undefined;
  if (!optText(raw.user_id) || !optText(raw.title) || !optText(raw.description) || !optText(raw.web_slug)) return undefined;
  const rawCategory = raw.category_id;
  if (!absent(rawCategory) && !categoryId(rawCategory)) return undefined;
  let taxonomyId: number | null = null;
  if (!absent(raw.taxonomy)) {
    if (!Array.isArray(raw.taxonomy)) return undefined;
    for (const entry of raw.taxonomy) {
      if (!isRecord(entry) || (!absent(entry.id) && !categoryId(entry.id))) return undefined;
    }
    const last = raw.taxonomy.at(-1) as Json | undefined;
    taxonomyId = (last?.id as number | null | undefined) ?? null;
  }
  let imageUrl: string | null = null;
  if (!absent(raw.images)) {
    if (!Array.isArray(raw.images)) return undefined;
    const first = raw.images[0];
    if (first !== undefined) {
      if (!isRecord(first)) return undefined;
      const urls = first.urls;
      if (!absent(urls)) {
        if (!isRecord(urls) || !optText(urls.small) || !optText(urls.medium) || !optText(urls.big)) return undefined;
        imageUrl = (urls.medium as string | null | undefined) || (urls.big as string | null | undefined) || (urls.small as string | null | undefined) || null;
      }
    }
  }
  const reserved = flagOf(raw.reserved);
  const refurbished = flagOf(raw.is_refurbished);
  const warranty = flagOf(raw.has_warranty);
  const topProfile = flagOf(raw.is_top_profile);
  if (!reserved.ok || !refurbished.ok || !warranty.ok || !topProfile.ok) return undefined;
  const location = raw.location;
  if (!absent(location)) {
    if (!isRecord(location)) return undefined;
    const { latitude, longitude } = location;
    if (!absent(latitude) && !(typeof latitude === 'number' && Number.isFinite(latitude) && latitude >= -90 && latitude <= 90)) return undefined;
    if (!absent(longitude) && !(typeof longitude === 'number' && Number.isFinite(longitude) && longitude >= -180 && longitude <= 180)) return undefined;
    if (!optText(location.postal_code) || !optText(location.city) || !optText(location.region) || !optText(location.country_code)) return undefined;
  }
  const shipping = raw.shipping;
  if (!absent(shipping) && (!isRecord(shipping) || !optBool(shipping.item_is_shippable) || !optBool(shipping.user_allows_shipping))) return undefined;
  const bump = raw.bump;
  if (!absent(bump) && (!isRecord(bump) || !optText(bump.type))) return undefined;
  const discount = raw.discount;
  if (!absent(discount) && (!isRecord(discount) || !(absent(discount.previous_price) || money(discount.previous_price)))) return undefined;
  const created = instantOf(raw.created_at);
  const modified = instantOf(raw.modified_at);
  if (!created.ok || !modified.ok) return undefined;

  let textRepaired = false;
  let textTruncated = false;
  const text = (value: unknown, max: number): string | null => {
    if (absent(value)) return null;
    const clean = cleanText(value as string, max);
    textRepaired ||= clean.repaired;
    textTruncated ||= clean.truncated;
    return clean.text;
  };
  const loc = (location ?? undefined) as Json | undefined;
  const ship = (shipping ?? undefined) as Json | undefined;
  const bumpType = (bump as Json | null | undefined)?.type as string | null | undefined;
  const slug = (raw.web_slug as string | null | undefined)?.trim();
  const resolvedCategory = (rawCategory as number | null | undefined) ?? taxonomyId;
  const category = resolvedCategory === null ? undefined : categories.get(resolvedCategory);
  const row: SilverRow = {
    listing_id: id,
    snapshot_day: context.day,
    search_slug: context.search,
    title: text(raw.title, TITLE_MAX_CHARS),
    description: text(raw.description, DESCRIPTION_MAX_CHARS),
    price: price.amount as number,
    currency: (price.currency as string | null | undefined) ?? null,
    previous_price: ((discount as Json | null | undefined)?.previous_price as number | null | undefined) ?? null,
    category_id: resolvedCategory,
    category_name: category?.name ?? null,
    category_path: category?.path ?? null,
    seller_id: (raw.user_id as string | null | undefined) ?? null,
    city: (loc?.city as string | null | undefined) ?? null,
    postal_code: (loc?.postal_code as string | null | undefined) ?? null,
    region: (loc?.region as string | null | undefined) ?? null,
    country_code: (loc?.country_code as string | null | undefined) ?? null,
    latitude: (loc?.latitude as number | null | undefined) ?? null,
    longitude: (loc?.longitude as number | null | undefined) ?? null,
    is_reserved: reserved.flag,
    is_shippable: (ship?.item_is_shippable as boolean | null | undefined) ?? null,
    seller_allows_shipping: (ship?.user_allows_shipping as boolean | null | undefined) ?? null,
    is_refurbished: refurbished.flag,
    has_warranty: warranty.flag,
    is_top_profile: topProfile.flag,
    is_bumped: bumpType === undefined || bumpType === null ? null : bumpType.trim() !== '',
    created_at: created.ms,
    modified_at: modified.ms,
    listing_url: slug ? `${LISTING_URL_BASE}${encodeURIComponent(slug)}` : null,
    image_url: imageUrl,
    fetched_at: context.fetchedAtMs,
    source_page: context.page,
    schema_version: SILVER_SCHEMA_VERSION,
  };
  return { ok: true, row, notes: { invalidFields: [], textRepaired, textTruncated, categoryUnknown: resolvedCategory !== null && category === undefined } };
}
