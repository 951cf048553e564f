/**
 * Silver input for gold tests, written by hand: each fixture day says which listings each search
 * returned (and how the search ended), so every gold figure has a ground truth a test can state.
 * Files are real silver Parquet (silver's own writer), bucketed with silver's own hash.
 */
import type { BronzeManifest, ExtractOutcome } from '#shared/lake/bronze.ts';
import { keys, prefixes, type Day } from '#shared/lake/keys.ts';
import { putJson, type Lake } from '#shared/lake/lake.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import type { SearchDefinition } from '#shared/config/searches.ts';
import { BUCKETING, shardOf, shardOfListing } from '#shared/lake/bucket.ts';
import { writeSilverParquet } from '#shared/silver/parquet.ts';
import type { SilverRow } from '#shared/silver/schema.ts';
import type { SilverManifest } from '#shared/silver/stage.ts';
import { readGoldManifest, type GoldOptions } from '#shared/gold/index.ts';
import { runGoldFanin, unpublishedReason, type GoldFaninResult } from '#shared/gold/fanin-stage.ts';
import { runGoldFanout, undispatchedReason } from '#shared/gold/fanout-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';


export interface FixtureListing {
  id: string;
  price: number;
  categoryId?: number | null;
  categoryName?: string | null;
  region?: string | null;
  province?: string | null;
  city?: string | null;
  reserved?: boolean;
  shippable?: boolean;
  /** epoch ms; default: noon of the day before the snapshot. */
  createdAt?: number | null;
  title?: string;
  /** Default: a seller of its own (`seller-<id>`), so listings spread over the shards. */
  sellerId?: string | null;
  /** epoch ms the page was fetched; default: 08:00 UTC of the day. */
  fetchedAt?: number;
}

export interface FixtureSearch {
  slug: string;
  outcome?: ExtractOutcome;
  /** Default: outcome === 'complete'. */
  snapshotComplete?: boolean;
  listings: FixtureListing[];
  pagesQuarantined?: number;
  itemsQuarantined?: number;
}

export interface FixtureDay {
  day: Day;
  shardCount: number;
  searches: FixtureSearch[];
  /** 'listing': silver as the release before seller buckets wrote it (bucketed by listing id, no `bucketing` in its manifests). */
  bucketing?: 'listing';
}

const DAY_MS = 86_400_000;

export function silverRow(day: Day, search: string, listing: FixtureListing): SilverRow {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  return {
    listing_id: listing.id,
    snapshot_day: day,
    search_slug: search,
    title: listing.title ?? `Listing ${listing.id}`,
    description: null,
    price: listing.price,
    currency: 'EUR',
    previous_price: null,
    category_id: listing.categoryId === undefined ? 100 : listing.categoryId,
    category_name: listing.categoryName === undefined ? (listing.categoryId === null ? null : `Category ${listing.categoryId ?? 100}`) : listing.categoryName,
    category_path: null,
    seller_id: listing.sellerId === undefined ? `seller-${listing.id}` : listing.sellerId,
    city: listing.city === undefined ? 'Madrid' : listing.city,
    postal_code: null,
    region: listing.region === undefined ? 'Comunidad de Madrid' : listing.region,
    province: listing.province === undefined ? 'Madrid' : listing.province,
    country_code: 'ES',
    latitude: null,
    longitude: null,
    is_reserved: listing.reserved ?? false,
    is_shippable: listing.shippable ?? true,
    seller_allows_shipping: null,
    is_refurbished: null,
    has_warranty: null,
    is_top_profile: null,
    is_bumped: null,
    created_at: listing.createdAt === undefined ? midnight - DAY_MS / 2 : listing.createdAt,
    modified_at: null,
    listing_url: `https://es.wallapop.com/item/${listing.id}`,
    image_url: null,
    fetched_at: listing.fetchedAt ?? midnight + 8 * 3_600_000,
    source_page: 1,
    schema_version: 1,
  };
}

const searchDefinition = (slug: string) =>
  ({ slug, keywords: slug, latitude: 40.4, longitude: -3.7, timeFilter: 'lastMonth', orderBy: 'newest', maxPages: 250 }) as SearchDefinition;

/** Writes everything upstream of gold for one day: run plan, bronze manifests, silver shards and manifests. */
export async function writeSilverDay(lake: Lake, fixture: FixtureDay): Promise<string[]> {
  const { day, shardCount } = fixture;
  const plan: RunPlan = {
    planVersion: 1,
    day,
    shardCount,
    searches: fixture.searches.map((search) => searchDefinition(search.slug)),
    categoriesSnapshot: { key: keys.bronzeCategories(day), ok: true },
  };
  await putJson(lake, keys.runPlan(day), plan);
  const manifestKeys: string[] = [];
  for (const search of fixture.searches) {
    const outcome = search.outcome ?? 'complete';
    const bronze: BronzeManifest = {
      manifestVersion: 1,
      day,
      search: search.slug,
      outcome,
      pages: [],
      pageCount: Math.ceil(search.listings.length / 40),
      itemCount: search.listings.length,
      estimatedTotal: search.listings.length,
      invocations: 1,
      firstFetchedAt: null,
      lastFetchedAt: null,
      errors: outcome === 'complete' || outcome === 'page-cap' || outcome === 'empty' ? [] : [{ page: 1, kind: outcome, message: outcome }],
    };
    await putJson(lake, keys.bronzeManifest(day, search.slug), bronze);
    const buckets: SilverRow[][] = Array.from({ length: shardCount }, () => []);
    for (const listing of search.listings) {
      const row = silverRow(day, search.slug, listing);
      buckets[fixture.bucketing === 'listing' ? shardOf(row.listing_id, shardCount) : shardOfListing(row.listing_id, row.seller_id, shardCount)]!.push(row);
    }
    const shards: SilverManifest['shards'] = [];
    for (let shard = 0; shard < shardCount; shard += 1) {
      const key = keys.silverShard(day, shard, search.slug);
      await lake.put(key, writeSilverParquet(buckets[shard]!));
      shards.push({ shard, key, rows: buckets[shard]!.length });
    }
    const manifest = {
      manifestVersion: 1,
      schemaVersion: 1,
      day,
      search: search.slug,
      outcome,
      snapshotComplete: search.snapshotComplete ?? (outcome === 'complete' && (search.pagesQuarantined ?? 0) === 0),
      bronzeManifestKey: keys.bronzeManifest(day, search.slug),
      shardCount,
      ...(fixture.bucketing === 'listing' ? {} : { bucketing: BUCKETING }),
      shards,
      quarantineKey: keys.quarantine(day, search.slug),
      categories: { key: keys.bronzeCategories(day), status: 'ok', nodes: 1, skippedNodes: 0, detail: null },
      counts: {
        pagesListed: bronze.pageCount,
        pagesRead: bronze.pageCount - (search.pagesQuarantined ?? 0),
        pagesQuarantined: search.pagesQuarantined ?? 0,
        bronzeItems: search.listings.length + (search.itemsQuarantined ?? 0),
        itemsSeen: search.listings.length + (search.itemsQuarantined ?? 0),
        itemsAccepted: search.listings.length,
        itemsQuarantined: search.itemsQuarantined ?? 0,
        duplicatesCollapsed: 0,
        rowsWritten: search.listings.length,
        quarantinedByReason: {},
        invalidFields: {},
        textRepaired: 0,
        textTruncated: 0,
        rowsWithoutCategoryId: 0,
        rowsWithUnknownCategory: 0,
      },
    } as unknown as SilverManifest;
    const manifestKey = keys.silverManifest(day, search.slug);
    await putJson(lake, manifestKey, manifest);
    manifestKeys.push(manifestKey);
  }
  return manifestKeys;
}

/** Fan-out, every shard, fan-in: what the S3-event chain does, called directly. */
export async function runGoldDay(lake: Lake, day: Day, options: Partial<GoldOptions> = {}): Promise<Extract<GoldFaninResult, { status: 'published' }>> {
  const plan = JSON.parse(new TextDecoder().decode((await lake.get(keys.runPlan(day)))!)) as RunPlan;
  const lastSearch = plan.searches[plan.searches.length - 1]!.slug;
  const fanout = await runGoldFanout(lake, keys.silverManifest(day, lastSearch), options);
  if (fanout.status === 'waiting') throw new Error(undispatchedReason(fanout));
  // A run already dispatched (the same inputs again): its shards rerun from its tasks, as a redrive would.
  const tasks = fanout.status === 'dispatched' ? fanout.tasks : Array.from({ length: plan.shardCount }, (_, shard) => keys.goldTask(day, shard));
  for (const task of tasks) await runGoldShard(lake, task);
  const fanin = await runGoldFanin(lake, keys.goldPartial(day, plan.shardCount - 1), options);
  if (fanin.status === 'claimed-elsewhere' && fanin.done) {
    const manifest = await readGoldManifest(lake, day);
    return { status: 'published', day, manifestKey: keys.goldManifest(day), manifest, latestUpdated: (await lake.list(prefixes.goldManifests)).every((key) => key <= keys.goldManifest(day)) };
  }
  if (fanin.status !== 'published') throw new Error(unpublishedReason(fanin));
  return fanin;
}

export async function readJson<T>(lake: Lake, key: string): Promise<T> {
  const bytes = await lake.get(key);
  if (bytes === undefined) throw new Error(`${key} does not exist`);
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

/** `count` listings with ids `${prefix}-0000`… */
export function listings(prefix: string, count: number, make: (index: number) => Omit<FixtureListing, 'id'> = () => ({ price: 100 })): FixtureListing[] {
  return Array.from({ length: count }, (_, index) => ({ id: `${prefix}-${String(index).padStart(4, '0')}`, ...make(index) }));
}
