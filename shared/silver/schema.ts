/**
 * The silver listings dataset: one row per listing per search per day.
 *
 * This column list is the only definition of the dataset. The Parquet schema (./parquet.ts),
 * the `SilverRow` type below and the data dictionary (docs/data-dictionary.md, rendered by
 * ./dictionary.ts) are all derived from it, so they cannot disagree.
 */

/**
 * Bump when a column is added, removed, renamed or changes meaning. Readers see it in every row
 * (`schema_version`) and in the silver manifest.
 */
export const SILVER_SCHEMA_VERSION = 2;

/**
 * Columns added since version 1, with the version that added them. A reader of an older file
 * reads them as null (shared/gold/observations.ts); every other column is in every version.
 */
export const SILVER_COLUMNS_ADDED: Readonly<Record<string, number>> = { province: 2 };

/**
 * Column kinds and how each is stored:
 * - STRING: BYTE_ARRAY UTF8.
 * - DOUBLE: IEEE double (money is a double with its currency beside it, never a scaled integer).
 * - INT32: 32-bit signed integer.
 * - BOOLEAN: Parquet boolean.
 * - TIMESTAMP: INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true): an instant; DuckDB reads it as
 *   TIMESTAMP WITH TIME ZONE, Athena as timestamp. In TypeScript: epoch milliseconds.
 * - DATE: INT32 DATE (days since 1970-01-01): DuckDB and Athena both read it as a native date, so
 *   `snapshot_day` filters and joins without string parsing. In TypeScript: 'YYYY-MM-DD'.
 */
export type SilverColumnKind = 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE';

export interface SilverColumnSpec {
  readonly name: string;
  readonly kind: SilverColumnKind;
  readonly nullable: boolean;
  /** Where the value comes from: a field of the search item, the envelope, or the snapshot. */
  readonly source: string;
  readonly description: string;
}

export const SILVER_COLUMNS = [
  {
    name: 'listing_id',
    kind: 'STRING',
    nullable: false,
    source: 'item `id`',
    description: "Wallapop's listing id (opaque string). Unique within one file; each shard file is sorted by it.",
  },
  {
    name: 'snapshot_day',
    kind: 'DATE',
    nullable: false,
    source: 'bronze manifest `day`',
    description: 'The day (Europe/Madrid) of the extraction that saw the listing; equals the `dt=` partition.',
  },
  {
    name: 'search_slug',
    kind: 'STRING',
    nullable: false,
    source: 'bronze manifest `search`',
    description: 'The configured search that returned the listing; equals the `search=` part of the key.',
  },
  {
    name: 'title',
    kind: 'STRING',
    nullable: true,
    source: 'item `title`',
    description: 'Listing title; safely repairable mojibake fixed, cut to 1,000 characters.',
  },
  {
    name: 'description',
    kind: 'STRING',
    nullable: true,
    source: 'item `description`',
    description: 'Listing description; safely repairable mojibake fixed, cut to 2,000 characters.',
  },
  {
    name: 'price',
    kind: 'DOUBLE',
    nullable: false,
    source: 'item `price.amount` (or `price` when it is a plain number)',
    description: 'Asking price in `currency` units. Always present and >= 0 (items without one are quarantined).',
  },
  {
    name: 'currency',
    kind: 'STRING',
    nullable: true,
    source: 'item `price.currency`',
    description: 'ISO 4217 code as served (e.g. EUR); null when the API did not say (never assumed).',
  },
  {
    name: 'previous_price',
    kind: 'DOUBLE',
    nullable: true,
    source: 'item `discount.previous_price` (a number or `{amount, currency}`), else a top-level `previous_price`',
    description: "The listing's own \"was\" price: what the seller asked before their latest reduction, as the API reports it, in `currency` units; null without one.",
  },
  {
    name: 'category_id',
    kind: 'INT32',
    nullable: true,
    source: 'item `category_id`',
    description: "Wallapop category id of the listing (the leaf of the item's taxonomy).",
  },
  {
    name: 'category_name',
    kind: 'STRING',
    nullable: true,
    source: "day's categories snapshot, by `category_id`",
    description: 'Name of the category; null when the snapshot is missing or does not know the id.',
  },
  {
    name: 'category_path',
    kind: 'STRING',
    nullable: true,
    source: "day's categories snapshot, by `category_id`",
    description: "Names from the root category down to this one joined by ' > ' (e.g. 'Tecnología y electrónica > Móviles').",
  },
  {
    name: 'seller_id',
    kind: 'STRING',
    nullable: true,
    source: 'item `user_id`',
    description: "Wallapop's seller (user) id.",
  },
  {
    name: 'city',
    kind: 'STRING',
    nullable: true,
    source: 'item `location.city`',
    description: 'City of the listing as the seller set it.',
  },
  {
    name: 'postal_code',
    kind: 'STRING',
    nullable: true,
    source: 'item `location.postal_code`',
    description: 'Postal code (a string: leading zeros matter).',
  },
  {
    name: 'region',
    kind: 'STRING',
    nullable: true,
    source: 'item `location.region`',
    description: 'Region (comunidad autónoma, e.g. Andalucía), as Wallapop reports it.',
  },
  {
    name: 'province',
    kind: 'STRING',
    nullable: true,
    source: 'item `location.region2`',
    description: 'Province (e.g. Córdoba), what Spanish users filter by; null when the API does not say. Added in schema version 2.',
  },
  {
    name: 'country_code',
    kind: 'STRING',
    nullable: true,
    source: 'item `location.country_code`',
    description: 'ISO 3166-1 alpha-2 country code, e.g. ES.',
  },
  {
    name: 'latitude',
    kind: 'DOUBLE',
    nullable: true,
    source: 'item `location.latitude`',
    description: 'Latitude in degrees (WGS84); Wallapop blurs it to an approximate position.',
  },
  {
    name: 'longitude',
    kind: 'DOUBLE',
    nullable: true,
    source: 'item `location.longitude`',
    description: 'Longitude in degrees (WGS84); blurred like `latitude`.',
  },
  {
    name: 'is_reserved',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `reserved.flag`',
    description: 'The seller marked the listing reserved.',
  },
  {
    name: 'is_shippable',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `shipping.item_is_shippable`',
    description: 'The item can be shipped through Wallapop.',
  },
  {
    name: 'seller_allows_shipping',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `shipping.user_allows_shipping`',
    description: 'The seller accepts shipping for this listing.',
  },
  {
    name: 'is_refurbished',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `is_refurbished.flag`',
    description: 'Sold as refurbished.',
  },
  {
    name: 'has_warranty',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `has_warranty.flag`',
    description: 'Sold with a warranty.',
  },
  {
    name: 'is_top_profile',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `is_top_profile.flag`',
    description: 'The seller has a top (professional/featured) profile.',
  },
  {
    name: 'is_bumped',
    kind: 'BOOLEAN',
    nullable: true,
    source: 'item `bump.type`',
    description: 'The listing was promoted: `bump.type` is a non-empty string ("" means not bumped); null without `bump`.',
  },
  {
    name: 'created_at',
    kind: 'TIMESTAMP',
    nullable: true,
    source: 'item `created_at` (epoch ms)',
    description: 'When the listing was published (UTC instant).',
  },
  {
    name: 'modified_at',
    kind: 'TIMESTAMP',
    nullable: true,
    source: 'item `modified_at` (epoch ms)',
    description: 'When the listing was last edited (UTC instant).',
  },
  {
    name: 'listing_url',
    kind: 'STRING',
    nullable: true,
    source: 'item `web_slug`',
    description: 'https://es.wallapop.com/item/<web_slug>; null without a slug (never guessed from the id).',
  },
  {
    name: 'image_url',
    kind: 'STRING',
    nullable: true,
    source: 'item `images[0].urls` (medium, else big, else small)',
    description: 'URL of the first image; null for listings without images.',
  },
  {
    name: 'fetched_at',
    kind: 'TIMESTAMP',
    nullable: false,
    source: 'bronze envelope `response.fetchedAt`',
    description: 'When the page holding the kept occurrence of the listing was received (UTC instant).',
  },
  {
    name: 'source_page',
    kind: 'INT32',
    nullable: false,
    source: 'bronze envelope `page`',
    description: "1-based page of the search's bronze pages that the row was read from (lineage).",
  },
  {
    name: 'schema_version',
    kind: 'INT32',
    nullable: false,
    source: 'constant',
    description: 'Version of this schema the row was written with.',
  },
] as const satisfies readonly SilverColumnSpec[];

type Columns = (typeof SILVER_COLUMNS)[number];
export type SilverColumnName = Columns['name'];

type TsOf<Kind extends SilverColumnKind> = Kind extends 'STRING' | 'DATE' ? string : Kind extends 'BOOLEAN' ? boolean : number;

/**
 * One silver row in TypeScript: TIMESTAMP columns are epoch milliseconds (UTC), DATE columns are
 * 'YYYY-MM-DD' strings; nullable columns admit `null`.
 */
export type SilverRow = {
  -readonly [Column in Columns as Column['name']]: Column['nullable'] extends true ? TsOf<Column['kind']> | null : TsOf<Column['kind']>;
};

export const SILVER_COLUMN_NAMES: readonly SilverColumnName[] = SILVER_COLUMNS.map((column) => column.name);
