import type { BronzeManifest } from '../lake/bronze.ts';
import { GOLD_TABLES, goldKeys, keyFields, keys, prefixes, type Day, type GoldTable } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { readAhead, started } from '../lake/read-ahead.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import type { SilverManifest } from '../silver/index.ts';
import type { DashboardDay, DashboardSeries } from './dashboard.ts';
import { staleGoldDays } from './freshness.ts';
import { dayNumber } from '../lake/days.ts';
import { buildDashboardDay } from './day-file.ts';
import { GoldInputError } from './gold-errors.ts';
import { canonicalJson, canonicalJsonBytes } from '../lake/json.ts';
import { dayOfKey } from './trigger-day.ts';
import { GOLD_MANIFEST_VERSION, goldDays, previousGoldDay, type GoldManifest } from './manifest.ts';
import { resolveGoldOptions, type GoldOptions } from './options.ts';
import { checkMergeable, mergeAllPartials, PartialMergeError, type GoldPartial } from './partial.ts';
import { decodePartial } from './partial-file.ts';
import { buildQuality, type SearchSources } from './quality.ts';
import { buildDayFigures } from './day-figures.ts';
import { extendHistories, type ListingHistories } from './histories.ts';
import { extendSeries } from './series.ts';
import { goldTableFiles } from './tables.ts';
import { comparableRows } from './comparable-table.ts';
import { claimWork, finishClaim, readClaim, releaseClaim, standaloneInvocation, type Invocation } from '../lake/claim.ts';

export type GoldFaninResult =
  | {
      status: 'waiting';
      day: Day;
      /** Partials not written yet, written by another run than the dispatched one, or against an outdated previous day (their shards were re-dispatched). */
      missing: string[];
    }
  | { status: 'claimed-elsewhere'; day: Day; runId: string; /** The invocation publishing (or that published) this run. */ by: string; done: boolean }
  | {
      status: 'published';
      day: Day;
      manifestKey: string;
      manifest: GoldManifest;
      /** Whether `latest.json` / `series.json` now show this day (false when re-running a past day). */
      latestUpdated: boolean;
    };

/** How many decoded partials the fan-in holds before merging them (one pass each batch). */
const MERGE_BATCH = 4;
/** Partials downloading while one is decoded: four held at most. */
const PARTIALS_AHEAD = 3;

/**
 * Runs on every partial. Until all N partials of the day exist, come from the dispatched run (the
 * run id in the dispatch claim, ./fanout-stage.ts) and agree on the previous gold day, it only reports
 * which are missing; then it merges them and publishes the day: gold tables, quality record,
 * dashboard day, series, the `latest` copies (unless a later day is already published), and the
 * gold manifest last. A partial of another run is never merged: it is the output of an earlier
 * run whose shard has not rerun yet, or failed.
 *
 * Publication is claimed per run (../lake/claim.ts): of the fan-ins that see the last partials
 * arrive together, one publishes and the others stop; a duplicated event after publication does
 * nothing. Every output is a function of the partials, the day's manifests and the previous gold
 * day's series, so a publication redone after a failure writes the same bytes.
 */
export async function runGoldFanin(
  lake: Lake,
  partialKey: string,
  overrides: Partial<GoldOptions> = {},
  invocation: Invocation = standaloneInvocation(),
): Promise<GoldFaninResult> {
  const options = resolveGoldOptions(overrides);
  const day = dayOfKey(partialKey);
  const planKey = keys.runPlan(day);
  // The dispatch claim is keyed by the day alone: read with the plan and the partials' listing,
  // before any partial is (the partials must come from the run it names).
  const dispatchRead = started(readClaim(lake, keys.goldDispatchClaim(day)));
  const [plan, presentKeys] = await Promise.all([getJson<RunPlan>(lake, planKey), lake.list(goldKeys.partialsOfDay(day))]);
  if (plan === undefined) throw new GoldInputError(`no run plan ${planKey} for ${partialKey}`, planKey);
  const { shardCount } = plan;

  const expected = Array.from({ length: shardCount }, (_, shard) => keys.goldPartial(day, shard));
  const present = new Set(presentKeys);
  const missing = expected.filter((key) => !present.has(key));
  if (missing.length > 0) return { status: 'waiting', day, missing };

  const dispatch = await dispatchRead;
  // Days dispatched before run identity have no claim: their partials carry no run id either.
  const runId = dispatch?.runId ?? LEGACY_RUN;
  const claimKey = keys.goldPublishClaim(day);
  const claimed = await claimWork(lake, claimKey, { runId, claimant: invocation.id, leaseMs: invocation.remainingTimeMs() });
  if (claimed.status === 'taken') return { status: 'claimed-elsewhere', day, runId, by: claimed.by.claimant, done: claimed.by.done };
  try {
    const published = await publishDay(lake, day, plan, expected, dispatch?.runId, options);
    if (published.status === 'waiting') await releaseClaim(lake, claimKey, claimed.claim);
    else await finishClaim(lake, claimKey, claimed.claim);
    return published;
  } catch (error) {
    await releaseClaim(lake, claimKey, claimed.claim).catch(() => undefined);
    throw error;
  }
}

/** The run id claims use for days dispatched before run identity. */
const LEGACY_RUN = 'no-run-identity';

async function publishDay(lake: Lake, day: Day, plan: RunPlan, expected: string[], runId: string | undefined, options: GoldOptions): Promise<GoldFaninResult> {
  const { shardCount } = plan;
  // What the publication needs besides the partials is read while they are fetched and merged.
  const previous = started(previousGoldDay(lake, day));
  const slugs = plan.searches.map((search) => search.slug).sort();
  const sourcesRead = started(Promise.all(slugs.map((slug) => searchSources(lake, day, slug))));
  const contextRead = started(
    previous.then(async (found) => {
      const [previousSeries, previousHistories, unfinished] = await Promise.all([
        found === null ? null : readSeries(lake, found.manifest.dashboard.seriesThrough),
        // Days published before listing pages have no histories: the paths start again from the state rows.
        found?.manifest.dashboard.histories === undefined ? null : readHistories(lake, found.manifest.dashboard.histories),
        unfinishedDays(lake, found?.day ?? null, day),
      ]);
      return { previousSeries, previousHistories, unfinished };
    }),
  );

  const outcome = await mergeDay(lake, expected, day, shardCount, previous, runId);
  if ('stale' in outcome) return { status: 'waiting', day, missing: outcome.stale };
  const { merged } = outcome;
  const { previousDay } = merged;
  const previousRun = (await previous)?.manifest.runId;
  const [sources, { previousSeries, previousHistories, unfinished }] = await Promise.all([sourcesRead, contextRead]);
  const figures = buildDayFigures(
    merged,
    sources.map((source) => ({ slug: source.slug, outcome: source.silver.outcome, snapshotComplete: source.silver.snapshotComplete })),
    options,
  );
  const quality = buildQuality({
    day,
    previousDay,
    gapDays: previousDay === null ? 0 : dayNumber(day) - dayNumber(previousDay) - 1,
    unfinishedDays: unfinished,
    shardCount,
    sources,
    merged,
    figures,
    previousSeries,
    options,
  });
  const dayFile = buildDashboardDay(figures, { day, previousDay, options: { ...options, ...merged.settings } }, quality);
  const series = extendSeries(previousSeries, dayFile);
  const histories = extendHistories(previousHistories, dayFile);

  const tables = goldTableFiles(day, figures, comparableRows(day, merged), merged.settings.dealRule);
  const tableKeys = {} as Record<GoldTable, string>;
  for (const table of GOLD_TABLES) tableKeys[table] = goldKeys.table(table, day);
  // The fan-in has memory to spare (1,024 MB) and these files are large (the day 15 MB at 100,000
  // listings): the faster writer, and each file encoded once for its two keys.
  const dayBytes = canonicalJsonBytes(dayFile);
  const seriesBytes = canonicalJsonBytes(series);
  const historiesBytes = canonicalJsonBytes(histories);
  // Independent objects are written concurrently (S3 round trips are most of a small day's fan-in);
  // the manifest, which announces them, only once they all exist.
  await Promise.all([
    ...GOLD_TABLES.map((table) => lake.put(tableKeys[table], tables[table], 'application/vnd.apache.parquet')),
    lake.put(goldKeys.quality(day), canonicalJson(quality, { pretty: true }), 'application/json'),
    lake.put(goldKeys.dashboardDay(day), dayBytes, 'application/json'),
    lake.put(goldKeys.dashboardSeriesThrough(day), seriesBytes, 'application/json'),
    lake.put(goldKeys.dashboardHistoriesThrough(day), historiesBytes, 'application/json'),
  ]);

  // Re-running a past day must not roll the dashboard back.
  const latestUpdated = (await goldDays(lake)).every((published) => published <= day);
  if (latestUpdated) {
    await Promise.all([
      lake.put(goldKeys.dashboardLatest, dayBytes, 'application/json'),
      lake.put(goldKeys.dashboardSeries, seriesBytes, 'application/json'),
      lake.put(goldKeys.dashboardHistories, historiesBytes, 'application/json'),
    ]);
  }

  const manifest: GoldManifest = {
    manifestVersion: GOLD_MANIFEST_VERSION,
    day,
    ...(runId === undefined ? {} : { runId }),
    previousDay,
    // Which run of the previous day this one advanced: a later recompute of that day makes this one stale (docs/operations).
    ...(previousRun === undefined ? {} : { previousRunId: previousRun }),
    shardCount,
    bucketing: sources[0]?.silver.bucketing ?? 'listing',
    state: Array.from({ length: shardCount }, (_, shard) => ({ shard, key: keys.goldState(day, shard) })),
    partials: expected,
    tables: tableKeys,
    dashboard: { day: goldKeys.dashboardDay(day), seriesThrough: goldKeys.dashboardSeriesThrough(day), histories: goldKeys.dashboardHistoriesThrough(day) },
    quality: goldKeys.quality(day),
    totals: {
      stateRows: merged.inputs.stateRows,
      activeListings: figures.overall.activeListings,
      seenListings: figures.overall.seenListings,
      newListings: figures.overall.newListings,
      vanishedListings: figures.overall.vanishedListings,
      soldListings: figures.overall.soldListings,
      relistedListings: figures.overall.relistedListings,
      priceDrops: figures.overall.priceDropCount,
    },
  };
  const manifestKey = keys.goldManifest(day);
  await lake.put(manifestKey, canonicalJson(manifest, { pretty: true }), 'application/json');
  await markStaleHistory(lake, latestUpdated ? dayFile : undefined);
  return { status: 'published', day, manifestKey, manifest, latestUpdated };
}

/**
 * Keeps `latest.json`'s `staleHistory` true after a past day is recomputed: the newest day then
 * rests on a history that no longer exists until a backfill reaches it. A daily run pays one read
 * of a small marker; the walk over every gold manifest happens only while the marker says stale.
 */
async function markStaleHistory(lake: Lake, latestDay: DashboardDay | undefined): Promise<void> {
  const marker = await getJson<{ since: Day | null }>(lake, keys.goldStaleHistory);
  if (latestDay !== undefined && (marker === undefined || marker.since === null)) return;
  const chain = await staleGoldDays(lake);
  const newest = [...chain.manifests.keys()].sort().at(-1);
  const stale = newest === undefined ? undefined : chain.stale.get(newest);
  if (stale !== undefined || latestDay === undefined) {
    const latest = latestDay ?? (await getJson<DashboardDay>(lake, goldKeys.dashboardLatest));
    if (latest !== undefined) {
      const { staleHistory: _previousMark, ...day } = latest;
      const marked: DashboardDay = stale === undefined ? day : { ...day, staleHistory: { since: stale.since, reason: stale.reason } };
      await lake.put(goldKeys.dashboardLatest, canonicalJson(marked), 'application/json');
    }
  }
  await lake.put(keys.goldStaleHistory, canonicalJson({ since: stale?.since ?? null }), 'application/json');
}

/**
 * All partials of the day merged, or the shards whose partial was computed against another
 * previous day than the one gold has now (they ran while an earlier day was being published).
 * Those are re-dispatched: rewriting a task object (same bytes) triggers its shard again, and its
 * new partial triggers this fan-in again.
 */
async function mergeDay(
  lake: Lake,
  partialKeys: readonly string[],
  day: Day,
  shardCount: number,
  previous: Promise<{ day: Day } | null>,
  runId: string | undefined,
): Promise<{ merged: GoldPartial } | { stale: string[] }> {
  let merged: GoldPartial | undefined;
  // Partials are merged MERGE_BATCH at a time in one pass (mergeAllPartials), which bounds memory
  // to that many decoded partials however many shards there are.
  let pending: GoldPartial[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    try {
      merged = mergeAllPartials(merged === undefined ? pending : [merged, ...pending]);
    } catch (error) {
      if (!(error instanceof PartialMergeError)) throw error;
      throw new GoldInputError(`the partials of ${day} cannot be merged: ${error.message}`, goldKeys.partialsOfDay(day), { cause: error });
    }
    pending = [];
  };
  let first: GoldPartial | undefined;
  const stale: string[] = [];
  const otherRun: string[] = [];
  // The round trips overlap, and memory holds a bounded number of partials whatever the shard count.
  const fetched = readAhead(lake, partialKeys.map((key) => ({ key })), PARTIALS_AHEAD);
  const expectedPrevious = (await previous)?.day ?? null;
  let shard = -1;
  for await (const { entry: { key }, bytes } of fetched) {
    shard += 1;
    if (bytes === undefined) throw new GoldInputError(`partial ${key} was listed but cannot be read`, key);
    const partial = decodePartial(bytes, key);
    if (partial.day !== day || partial.shardCount !== shardCount || partial.shards.length !== 1 || partial.shards[0] !== shard) {
      throw new GoldInputError(`${key} is not shard ${shard} of ${shardCount} of ${day} (it says shards ${partial.shards.join(',')} of ${partial.shardCount}, day ${partial.day})`, key);
    }
    if (runId !== undefined && partial.runId !== runId) {
      otherRun.push(key);
      continue;
    }
    if (partial.previousDay !== expectedPrevious) {
      stale.push(key);
      continue;
    }
    if (stale.length > 0 || otherRun.length > 0) continue; // nothing will be published: no need to merge
    try {
      if (first === undefined) first = partial;
      else checkMergeable(first, partial);
    } catch (error) {
      if (!(error instanceof PartialMergeError)) throw error;
      throw new GoldInputError(`${key} cannot be merged with shards 0…${shard - 1}: ${error.message}`, key, { cause: error });
    }
    pending.push(partial);
    if (pending.length >= MERGE_BATCH) flush();
  }
  // Another run's partial: its shard of this run has not finished yet, or failed (a dead letter).
  if (otherRun.length > 0) return { stale: [...otherRun, ...stale] };
  if (stale.length > 0) {
    for (const key of stale) {
      const taskKey = keys.goldTask(day, Number(keyFields(key).shard));
      const task = await lake.get(taskKey);
      if (task === undefined) throw new GoldInputError(`${key} is stale and its task ${taskKey} is gone: re-run fan-out for ${day}`, taskKey);
      await lake.put(taskKey, task, 'application/json');
    }
    return { stale };
  }
  flush();
  if (merged === undefined) throw new GoldInputError(`day ${day} has no partials`, goldKeys.partialsOfDay(day));
  return { merged };
}

async function readHistories(lake: Lake, key: string): Promise<ListingHistories> {
  const histories = await getJson<ListingHistories>(lake, key);
  if (histories === undefined) throw new GoldInputError(`listing histories ${key} are listed by a gold manifest but missing`, key);
  return histories;
}

async function readSeries(lake: Lake, key: string): Promise<DashboardSeries> {
  const series = await getJson<DashboardSeries>(lake, key);
  if (series === undefined) throw new GoldInputError(`series ${key} is listed by a gold manifest but missing`, key);
  return series;
}

async function searchSources(lake: Lake, day: Day, slug: string): Promise<SearchSources> {
  const silverKey = keys.silverManifest(day, slug);
  const silver = await getJson<SilverManifest>(lake, silverKey);
  if (silver === undefined) throw new GoldInputError(`silver manifest ${silverKey} is missing, yet the day's partials exist`, silverKey);
  return { slug, silver, bronze: await getJson<BronzeManifest>(lake, silver.bronzeManifestKey ?? keys.bronzeManifest(day, slug)) };
}

/** Days between the previous gold day and `day` that were planned but never reached gold. */
async function unfinishedDays(lake: Lake, previousDay: Day | null, day: Day): Promise<Day[]> {
  if (previousDay === null) return [];
  const planned = (await lake.list(prefixes.runPlans))
    .map((key) => /dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1])
    .filter((planDay): planDay is Day => planDay !== undefined && planDay > previousDay && planDay < day);
  return [...new Set(planned)].sort();
}

/** Why a fan-in published nothing, in one sentence (for tools that run gold themselves). */
export function unpublishedReason(result: Exclude<GoldFaninResult, { status: 'published' }>): string {
  if (result.status === 'waiting') return `the fan-in of ${result.day} is waiting for ${result.missing.join(', ')}`;
  return `gold run ${result.runId} of ${result.day} ${result.done ? 'was already published' : 'is being published'} by invocation ${result.by}`;
}
