import * as v from 'valibot';
import { EXTRACT_OUTCOMES, type ExtractOutcome } from '../lake/bronze.ts';
import { dayInKey, keys, type Day } from '../lake/keys.ts';
import { isDay } from '../lake/days.ts';
import { getJson, LakeObjectError, putJson, type Lake } from '../lake/lake.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import { BUCKETING, shardOfListing, type Bucketing } from '../lake/bucket.ts';
import { CategoryTreeError, EMPTY_CATEGORY_INDEX, indexCategories, type CategoryIndex } from './categories.ts';
import { ListingDeduper } from './dedupe.ts';
import { normaliseItem } from './item.ts';
import { decodeEnvelope, jsonErrorOf, parseSearchBody } from './page.ts';
import { writeSilverParquet } from './parquet.ts';
import { readAhead, started } from '../lake/read-ahead.ts';
import { WriteQueue } from '../lake/write-queue.ts';
import {
  ITEM_QUARANTINE_REASONS,
  PAGE_QUARANTINE_REASONS,
  fragmentOf,
  quarantineLine,
  type PageQuarantineReason,
  type QuarantineReason,
} from './quarantine.ts';
import { SILVER_SCHEMA_VERSION, type SilverRow } from './schema.ts';

/**
 * The silver stage: one search's bronze pages for one day → N bucketed, sorted Parquet shards, a
 * quarantine file, and the silver manifest, written last (the commit marker gold waits for).
 *
 * Memory: pages are fetched a few ahead and parsed one at a time; only normalised rows survive a
 * page. Determinism: every output is a function of the bronze manifest, its pages, the run plan's
 * shard count and the day's categories snapshot; nothing reads the clock.
 *
 * A rerun (a duplicated S3 event, a replay after a re-extraction) recomputes and rewrites the same
 * keys: there is no "already done" shortcut, because a re-extracted bronze must replace silver.
 */

export const SILVER_MANIFEST_VERSION = 1;

export interface SilverManifest {
  manifestVersion: typeof SILVER_MANIFEST_VERSION;
  schemaVersion: number;
  day: Day;
  search: string;
  /** Copied from the bronze manifest: only `complete` lets gold treat absent listings as vanished. */
  outcome: ExtractOutcome;
  /**
   * `outcome` is `complete` and every listed page was readable. When false, a missing listing may
   * just be on a lost page: gold must not mark this search's listings vanished for the day.
   */
  snapshotComplete: boolean;
  bronzeManifestKey: string;
  /** Copied from the bronze manifest: which forced attempt of the day's plan extracted it (gold waits for the current one's). */
  planAttempt?: string;
  shardCount: number;
  /** What rows are bucketed by (./bucket.ts); absent in manifests written before seller buckets: 'listing'. */
  bucketing?: Bucketing;
  /**
   * Where the search's view ended, for gold to tell "sold" from "aged out of the time filter":
   * when its first page was fetched, and the oldest publication time among the listings it returned
   * (null when it returned none).
   */
  sight?: { firstFetchedAt: number | null; oldestCreatedAt: number | null };
  /** Every shard 0…shardCount-1, in order, including empty ones (written as valid empty files). */
  shards: Array<{ shard: number; key: string; rows: number }>;
  quarantineKey: string;
  categories: {
    key: string;
    /** `missing`/`invalid`: rows carry category_id but null category_name/category_path. */
    status: 'ok' | 'missing' | 'invalid';
    nodes: number;
    skippedNodes: number;
    detail: string | null;
  };
  counts: {
    pagesListed: number;
    /** Pages whose items array was read (pagesListed − pagesQuarantined). */
    pagesRead: number;
    pagesQuarantined: number;
    /** Items the extractor counted, from the bronze manifest (to compare with itemsSeen). */
    bronzeItems: number;
    /** Entries of the items arrays of the pages read. itemsSeen = itemsAccepted + itemsQuarantined. */
    itemsSeen: number;
    itemsAccepted: number;
    itemsQuarantined: number;
    /** Accepted items that were another occurrence of a listing already seen. itemsAccepted = rowsWritten + duplicatesCollapsed. */
    duplicatesCollapsed: number;
    rowsWritten: number;
    /** Every reason, in a fixed order, zero included. */
    quarantinedByReason: Record<QuarantineReason, number>;
    /** Optional fields present but unusable (dropped to null) among accepted items, by field path. */
    invalidFields: Record<string, number>;
    /** Accepted items whose title or description had mojibake repaired / was cut to its bound. */
    textRepaired: number;
    textTruncated: number;
    /** Written rows without a category id / whose id the categories snapshot does not know. */
    rowsWithoutCategoryId: number;
    rowsWithUnknownCategory: number;
  };
}

export interface SilverOptions {
  /** Overrides the run plan's shard count (a replay tool without a plan). Default: the plan's. */
  shardCount?: number;
  /**
   * Pages fetched ahead of the one being parsed (default 16): hides S3 latency (20–50 ms to first
   * byte, several pages' worth of parsing), holds ~200 KB of gzip pages at most.
   */
  prefetch?: number;
  /** Called after each page, for progress logs. */
  onPage?: (progress: SilverPageProgress) => void;
}

export interface SilverPageProgress {
  page: number;
  key: string;
  /** Entries in the page's items array (0 for a quarantined page). */
  items: number;
  accepted: number;
  /** The page's quarantine reason, or null when its items were read. */
  quarantined: PageQuarantineReason | null;
}

const OptionsSchema = v.strictObject({
  shardCount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000))),
  prefetch: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64))),
  onPage: v.optional(v.function()),
});

const BronzeManifestSchema = v.looseObject({
  manifestVersion: v.literal(1),
  day: v.pipe(v.string(), v.check(isDay, 'must be a YYYY-MM-DD day')),
  search: v.pipe(v.string(), v.minLength(1)),
  outcome: v.picklist(EXTRACT_OUTCOMES),
  pages: v.array(v.looseObject({ key: v.string(), page: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
  itemCount: v.optional(v.number(), 0),
  planAttempt: v.optional(v.string()),
});

export class SilverError extends LakeObjectError {
  override name = 'SilverError';
}

/** See SilverOptions.prefetch: 4 in flight would cap silver at 80–200 pages/s on S3, below what its CPU handles. */
const DEFAULT_PREFETCH = 16;

/**
 * Shard files written at once: a day's 8 shards and the quarantine in one round trip. Each file is
 * encoded as its write starts, so at most this many encoded files are held (the largest search at
 * 1M listings: 2.4 MB each).
 */
const SHARD_WRITES_IN_FLIGHT = 9;

/**
 * Runs silver for the search whose bronze manifest is `manifestKey`. Returns the manifest it wrote.
 * Throws `SilverError` when the input cannot be processed at all (no bronze manifest, no shard
 * count) and `LakeError` when the lake fails: both make Lambda retry, which is safe.
 */
export async function runSilver(lake: Lake, manifestKey: string, options: SilverOptions = {}): Promise<SilverManifest> {
  const checked = v.safeParse(OptionsSchema, options);
  if (!checked.success) throw new SilverError(`invalid silver options: ${checked.issues.map((issue) => `${v.getDotPath(issue) ?? ''} ${issue.message}`).join('; ')}`, manifestKey);

  // The plan and the category tree are keyed by the day alone, which the manifest's key names (and
  // must match, below): they are read with the manifest, one round trip instead of two.
  const keyDay = dayInKey(manifestKey);
  const early = keyDay === undefined ? undefined : { day: keyDay, ...independentReads(lake, keyDay, options) };
  const raw = await getJson<unknown>(lake, manifestKey);
  if (raw === undefined) throw new SilverError(`bronze manifest ${manifestKey} does not exist`, manifestKey);
  const parsed = v.safeParse(BronzeManifestSchema, raw);
  if (!parsed.success) {
    throw new SilverError(`${manifestKey} is not a bronze manifest: ${parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`).join('; ')}`, manifestKey);
  }
  const bronze = parsed.output;
  const { day, search } = bronze;
  if (keys.bronzeManifest(day, search) !== manifestKey) {
    throw new SilverError(`${manifestKey} names day ${day} and search ${search}, whose manifest key is ${keys.bronzeManifest(day, search)}`, manifestKey);
  }

  const { categoriesRead, planRead } = early?.day === day ? early : independentReads(lake, day, options);
  const pages = readAhead(lake, bronze.pages, options.prefetch ?? DEFAULT_PREFETCH);
  const shardCount = options.shardCount ?? (await planRead)?.shardCount;
  if (shardCount === undefined || !Number.isInteger(shardCount) || shardCount < 1) {
    throw new SilverError(`no usable shardCount: the run plan ${keys.runPlan(day)} is missing or has none`, keys.runPlan(day));
  }

  const categories = await categoriesRead;
  const counts = emptyCounts(bronze.pages.length, bronze.itemCount);
  const deduper = new ListingDeduper();
  const quarantine: string[] = [];
  const invalidFields = new Map<string, number>();
  let firstFetchedAt: number | null = null;
  let oldestCreatedAt: number | null = null;

  const quarantinePage = (key: string, page: number, reason: PageQuarantineReason, detail: string, text: string) => {
    counts.pagesQuarantined += 1;
    counts.quarantinedByReason[reason] += 1;
    quarantine.push(quarantineLine({ reason, sourceKey: key, page, itemIndex: null, listingId: null, detail, ...fragmentOf(text) }));
    options.onPage?.({ page, key, items: 0, accepted: 0, quarantined: reason });
  };

  for await (const { entry, bytes } of pages) {
    const { key, page } = entry;
    if (bytes === undefined) {
      quarantinePage(key, page, 'page-missing', 'the bronze manifest lists this key but the lake has no such object', '');
      continue;
    }
    const decoded = decodeEnvelope(bytes);
    if (!decoded.ok) {
      quarantinePage(key, page, 'invalid-envelope', decoded.detail, decoded.text);
      continue;
    }
    const envelope = decoded.envelope;
    if (envelope.kind !== 'search-page') {
      quarantinePage(key, page, 'invalid-envelope', `a ${envelope.kind} envelope where a search page belongs`, '');
      continue;
    }
    if (envelope.day !== day || envelope.search !== search || (envelope.page !== null && envelope.page !== page)) {
      const found = `day ${envelope.day}, search ${envelope.search}, page ${envelope.page}`;
      quarantinePage(key, page, 'envelope-mismatch', `the envelope says ${found}; the manifest says day ${day}, search ${search}, page ${page}`, '');
      continue;
    }
    const body = parseSearchBody(envelope, envelope.status, envelope.contentType);
    if (!body.ok) {
      quarantinePage(key, page, body.reason, body.detail, envelope.body);
      continue;
    }

    counts.pagesRead += 1;
    if (firstFetchedAt === null || envelope.fetchedAtMs < firstFetchedAt) firstFetchedAt = envelope.fetchedAtMs;
    let accepted = 0;
    const context = { day, search, page, fetchedAtMs: envelope.fetchedAtMs, categories };
    body.items.forEach((item, index) => {
      counts.itemsSeen += 1;
      const result = normaliseItem(item, context);
      if (!result.ok) {
        counts.itemsQuarantined += 1;
        counts.quarantinedByReason[result.reason] += 1;
        const { reason, detail, listingId, fragment, fragmentTruncated } = result;
        quarantine.push(quarantineLine({ reason, sourceKey: key, page, itemIndex: index, listingId, detail, fragment, fragmentTruncated }));
        return;
      }
      accepted += 1;
      counts.itemsAccepted += 1;
      const createdAt = result.row.created_at;
      if (createdAt !== null && (oldestCreatedAt === null || createdAt < oldestCreatedAt)) oldestCreatedAt = createdAt;
      if (result.notes.textRepaired) counts.textRepaired += 1;
      if (result.notes.textTruncated) counts.textTruncated += 1;
      for (const field of result.notes.invalidFields) invalidFields.set(field, (invalidFields.get(field) ?? 0) + 1);
      deduper.add(result.row, { fetchedAtMs: envelope.fetchedAtMs, page, index });
    });
    options.onPage?.({ page, key, items: body.items.length, accepted, quarantined: null });
  }

  counts.duplicatesCollapsed = deduper.duplicates;
  counts.invalidFields = Object.fromEntries([...invalidFields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  const buckets: SilverRow[][] = Array.from({ length: shardCount }, () => []);
  for (const row of deduper.rows()) {
    buckets[shardOfListing(row.listing_id, row.seller_id, shardCount)]!.push(row);
    if (row.category_id === null) counts.rowsWithoutCategoryId += 1;
    else if (row.category_name === null) counts.rowsWithUnknownCategory += 1;
  }
  deduper.clear();

  // The shard files and the quarantine are independent; the manifest, written last, commits them.
  const writes = new WriteQueue(SHARD_WRITES_IN_FLIGHT);
  const shards: SilverManifest['shards'] = [];
  for (let shard = 0; shard < shardCount; shard += 1) {
    const rows = buckets[shard]!;
    const key = keys.silverShard(day, shard, search);
    // Each file is encoded once its write has a slot, and its bucket freed: peak memory is the rows
    // plus the files in flight, not the rows plus every file.
    await writes.write(() => {
      buckets[shard] = [];
      return lake.put(key, writeSilverParquet(rows), 'application/vnd.apache.parquet');
    });
    shards.push({ shard, key, rows: rows.length });
    counts.rowsWritten += rows.length;
  }

  const quarantineKey = keys.quarantine(day, search);
  await writes.write(() => lake.put(quarantineKey, new TextEncoder().encode(quarantine.join('')), 'application/x-ndjson'));
  await writes.settle();

  const manifest: SilverManifest = {
    manifestVersion: SILVER_MANIFEST_VERSION,
    schemaVersion: SILVER_SCHEMA_VERSION,
    day,
    search,
    outcome: bronze.outcome,
    snapshotComplete: bronze.outcome === 'complete' && counts.pagesQuarantined === 0,
    bronzeManifestKey: manifestKey,
    ...(bronze.planAttempt === undefined ? {} : { planAttempt: bronze.planAttempt }),
    shardCount,
    bucketing: BUCKETING,
    sight: { firstFetchedAt, oldestCreatedAt },
    shards,
    quarantineKey,
    categories: categories.summary,
    counts,
  };
  await putJson(lake, keys.silverManifest(day, search), manifest);
  return manifest;
}

/** The plan and the category tree of a day; a rejection is held until awaited (the manifest may fail first). */
function independentReads(lake: Lake, day: Day, options: SilverOptions) {
  const categoriesRead = started(loadCategories(lake, day));
  const planRead = started(options.shardCount === undefined ? getJson<RunPlan>(lake, keys.runPlan(day)) : Promise.resolve(undefined));
  return { categoriesRead, planRead };
}

function emptyCounts(pagesListed: number, bronzeItems: number): SilverManifest['counts'] {
  const byReason = Object.fromEntries([...PAGE_QUARANTINE_REASONS, ...ITEM_QUARANTINE_REASONS].map((reason) => [reason, 0]));
  return {
    pagesListed,
    pagesRead: 0,
    pagesQuarantined: 0,
    bronzeItems,
    itemsSeen: 0,
    itemsAccepted: 0,
    itemsQuarantined: 0,
    duplicatesCollapsed: 0,
    rowsWritten: 0,
    quarantinedByReason: byReason as Record<QuarantineReason, number>,
    invalidFields: {},
    textRepaired: 0,
    textTruncated: 0,
    rowsWithoutCategoryId: 0,
    rowsWithUnknownCategory: 0,
  };
}

type LoadedCategories = CategoryIndex & { summary: SilverManifest['categories'] };

/** The day's category index; a missing or broken snapshot yields an empty index and says why. */
export async function loadCategories(lake: Lake, day: Day): Promise<LoadedCategories> {
  const key = keys.bronzeCategories(day);
  const without = (status: 'missing' | 'invalid', detail: string): LoadedCategories => ({
    ...EMPTY_CATEGORY_INDEX,
    summary: { key, status, nodes: 0, skippedNodes: 0, detail },
  });
  const bytes = await lake.get(key);
  if (bytes === undefined) return without('missing', 'no categories snapshot for the day');
  const decoded = decodeEnvelope(bytes);
  if (!decoded.ok) return without('invalid', decoded.detail);
  const { envelope } = decoded;
  if (envelope.kind !== 'categories') return without('invalid', `a ${envelope.kind} envelope, not categories`);
  if (envelope.status < 200 || envelope.status > 299) return without('invalid', `HTTP ${envelope.status}`);
  let body: unknown;
  try {
    body = JSON.parse(envelope.bodyJson);
  } catch (error) {
    return without('invalid', `the categories body is not JSON: ${jsonErrorOf(envelope.body, { text: envelope.bodyJson, error })}`);
  }
  try {
    const index = indexCategories(body);
    return {
      get: index.get,
      size: index.size,
      skippedNodes: index.skippedNodes,
      summary: { key, status: 'ok', nodes: index.size, skippedNodes: index.skippedNodes, detail: null },
    };
  } catch (error) {
    if (error instanceof CategoryTreeError) return without('invalid', error.message);
    throw error;
  }
}

