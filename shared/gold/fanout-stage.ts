import { createHash } from 'node:crypto';
import { claimWork, finishClaim, releaseClaim, standaloneInvocation, type Invocation } from '../lake/claim.ts';
import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import { TIME_FILTER_DAYS, type SearchDefinition } from '../config/searches.ts';
import type { Bucketing } from '../lake/bucket.ts';
import type { SilverManifest } from '../silver/index.ts';
import { GoldInputError } from './gold-errors.ts';
import { canonicalJson } from '../lake/json.ts';
import { started } from '../lake/read-ahead.ts';
import { WriteQueue } from '../lake/write-queue.ts';
import { dayOfKey } from './trigger-day.ts';
import { resolveGoldOptions, shardSettingsOf, type GoldOptions } from './options.ts';
import { GOLD_TASK_VERSION, type GoldTask, type GoldTaskSearch } from './task.ts';

/** Gold tasks written at once (a few hundred bytes each): a day's 8 shards in one round trip. */
const TASK_WRITES_IN_FLIGHT = 8;

export type GoldFanoutResult =
  | { status: 'waiting'; day: Day; /** Planned searches that have no silver manifest yet. */ missing: string[] }
  | { status: 'dispatched'; day: Day; runId: string; /** The task keys written, shard 0 first. */ tasks: string[] }
  | { status: 'already-dispatched'; day: Day; runId: string; /** The invocation that holds the dispatch. */ by: string };

/**
 * Runs on every silver manifest. While some planned search of the day has no silver manifest it
 * only reports which; once all have one, it dispatches the day's gold run: one task per shard.
 *
 * The run's identity (`runId`) is a digest of everything the tasks are computed from (the run plan,
 * the silver manifests, the gold settings) and of an operator's rerun request, if any. The
 * dispatch is claimed with a conditional write (../lake/claim.ts): when the last manifests land
 * together, every fan-out that sees the complete set computes the same run, one claims it and
 * writes the tasks, the others stop. New inputs (a silver rerun) make a new run, which takes the
 * claim over. Shards copy the run id into their partials; the fan-in merges only the current run's.
 */
export async function runGoldFanout(
  lake: Lake,
  silverManifestKey: string,
  overrides: Partial<GoldOptions> = {},
  invocation: Invocation = standaloneInvocation(),
): Promise<GoldFanoutResult> {
  const options = resolveGoldOptions(overrides);
  const day = dayOfKey(silverManifestKey);
  const planKey = keys.runPlan(day);
  // The rerun request is keyed by the day alone: read with the plan, not two round trips later.
  const rerunRead = started(lake.get(keys.goldRerunRequest(day)));
  const plan = await getJson<RunPlan>(lake, planKey);
  if (plan === undefined) throw new GoldInputError(`no run plan ${planKey} for the day of ${silverManifestKey}`, planKey);

  const slugs = plan.searches.map((search) => search.slug).sort();
  const manifests = await Promise.all(slugs.map((slug) => getJson<SilverManifest>(lake, keys.silverManifest(day, slug))));
  // After a forced plan, a manifest of the earlier attempt is as good as missing: its search is being extracted again.
  const missing = slugs.filter((_, index) => manifests[index] === undefined || (plan.attempt !== undefined && manifests[index]!.planAttempt !== plan.attempt));
  if (missing.length > 0) return { status: 'waiting', day, missing };

  const { shardCount } = plan;
  const searches = manifests.map((manifest, index) => {
    const key = keys.silverManifest(day, slugs[index]!);
    if (manifest!.shardCount !== shardCount) {
      throw new GoldInputError(`${key} was written for ${manifest!.shardCount} shards but the run plan has ${shardCount}: re-run silver for the day`, key);
    }
    return manifest!;
  });

  // Rows of one day must all be bucketed alike, or a seller's listings would sit in different shards.
  const bucketings = new Set<Bucketing>(searches.map((manifest) => manifest.bucketing ?? 'listing'));
  if (bucketings.size > 1) {
    throw new GoldInputError(`the silver manifests of ${day} bucket rows differently (${[...bucketings].sort().join(' and ')}): re-run silver for the day`, keys.silverManifest(day, slugs[0]!));
  }
  const bucketing = [...bucketings][0]!;
  const definitions = new Map(plan.searches.map((search) => [search.slug, search]));

  const planned: Array<Omit<GoldTask, 'runId'>> = [];
  for (let shard = 0; shard < shardCount; shard += 1) {
    planned.push({
      taskVersion: GOLD_TASK_VERSION,
      day,
      shard,
      shardCount,
      bucketing,
      settings: shardSettingsOf(options),
      searches: searches.map((manifest) => taskSearch(manifest, definitions.get(manifest.search)!, shard, day)),
    });
  }
  const rerun = await rerunRead;
  const runId = runIdOf(canonicalJson(planned), rerun);

  const claimKey = keys.goldDispatchClaim(day);
  const claimed = await claimWork(lake, claimKey, { runId, claimant: invocation.id, leaseMs: invocation.remainingTimeMs() });
  if (claimed.status === 'taken') return { status: 'already-dispatched', day, runId, by: claimed.by.claimant };
  const tasks: string[] = [];
  try {
    // Each task triggers its shard on its own: they are written together, not one round trip each.
    const writes = new WriteQueue(TASK_WRITES_IN_FLIGHT);
    for (const task of planned) {
      const taskKey = keys.goldTask(day, task.shard);
      await writes.write(() => lake.put(taskKey, canonicalJson({ ...task, runId }, { pretty: true }), 'application/json'));
      tasks.push(taskKey);
    }
    await writes.settle();
  } catch (error) {
    // A failed dispatch must not hold the day: the retry (or anyone) may dispatch again at once.
    await releaseClaim(lake, claimKey, claimed.claim).catch(() => undefined);
    throw error;
  }
  await finishClaim(lake, claimKey, claimed.claim);
  return { status: 'dispatched', day, runId, tasks };
}

/** 16 hex digits of SHA-256 over the tasks' canonical text and the rerun request. */
export function runIdOf(tasksText: string, rerunRequest: Uint8Array | undefined): string {
  const hash = createHash('sha256').update(tasksText);
  if (rerunRequest !== undefined) hash.update('\0rerun\0').update(rerunRequest);
  return hash.digest('hex').slice(0, 16);
}

function taskSearch(manifest: SilverManifest, definition: SearchDefinition, shard: number, day: Day): GoldTaskSearch {
  const entry = manifest.shards.find((item) => item.shard === shard);
  const manifestKey = keys.silverManifest(day, manifest.search);
  if (entry === undefined) throw new GoldInputError(`${manifestKey} lists no file for shard ${shard}`, manifestKey);
  return {
    slug: manifest.search,
    outcome: manifest.outcome,
    snapshotComplete: manifest.snapshotComplete,
    marksVanished: manifest.snapshotComplete && manifest.outcome === 'complete',
    silverKey: entry.key,
    silverRows: entry.rows,
    sight: {
      // Silver written before it recorded its sight: the time window is ignored, as gold did then.
      timeFilterDays: definition.timeFilter === undefined || manifest.sight === undefined ? null : TIME_FILTER_DAYS[definition.timeFilter],
      firstFetchedAt: manifest.sight?.firstFetchedAt ?? null,
      oldestCreatedAt: manifest.sight?.oldestCreatedAt ?? null,
      minPrice: definition.minPrice ?? null,
      maxPrice: definition.maxPrice ?? null,
    },
  };
}

/** Why a fan-out dispatched nothing, in one sentence (for tools that run gold themselves). */
export function undispatchedReason(result: Exclude<GoldFanoutResult, { status: 'dispatched' }>): string {
  if (result.status === 'waiting') return `the fan-out of ${result.day} is waiting for the silver manifests of ${result.missing.join(', ')}`;
  return `gold run ${result.runId} of ${result.day} was already dispatched by invocation ${result.by}`;
}
