import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import { TIME_FILTER_DAYS, type SearchDefinition } from '../config/searches.ts';
import type { Bucketing } from '../silver/bucket.ts';
import type { SilverManifest } from '../silver/stage.ts';
import { GoldInputError } from './errors.ts';
import { canonicalJson } from './json.ts';
import { dayOfKey } from './keys.ts';
import { resolveGoldOptions, shardSettingsOf, type GoldOptions } from './options.ts';
import { GOLD_TASK_VERSION, type GoldTask, type GoldTaskSearch } from './task.ts';

export type GoldFanoutResult =
  | { status: 'waiting'; day: Day; /** Planned searches that have no silver manifest yet. */ missing: string[] }
  | { status: 'dispatched'; day: Day; /** The task keys written, shard 0 first. */ tasks: string[] };

/**
 * Runs on every silver manifest. While some planned search of the day has no silver manifest it
 * only reports which; once all have one, it writes one task per shard. Every trigger that sees the
 * complete set writes the same bytes (the tasks are a function of the run plan and the silver
 * manifests), so racing or repeated triggers are harmless: each rewrite re-triggers the shards,
 * which rewrite identical outputs.
 */
export async function runGoldFanout(lake: Lake, silverManifestKey: string, overrides: Partial<GoldOptions> = {}): Promise<GoldFanoutResult> {
  const options = resolveGoldOptions(overrides);
  const day = dayOfKey(silverManifestKey);
  const planKey = keys.runPlan(day);
  const plan = await getJson<RunPlan>(lake, planKey);
  if (plan === undefined) throw new GoldInputError(`no run plan ${planKey} for the day of ${silverManifestKey}`, planKey);

  const slugs = plan.searches.map((search) => search.slug).sort();
  const manifests = await Promise.all(slugs.map((slug) => getJson<SilverManifest>(lake, keys.silverManifest(day, slug))));
  const missing = slugs.filter((_, index) => manifests[index] === undefined);
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

  const tasks: string[] = [];
  for (let shard = 0; shard < shardCount; shard += 1) {
    const task: GoldTask = {
      taskVersion: GOLD_TASK_VERSION,
      day,
      shard,
      shardCount,
      bucketing,
      settings: shardSettingsOf(options),
      searches: searches.map((manifest) => taskSearch(manifest, definitions.get(manifest.search)!, shard, day)),
    };
    const taskKey = keys.goldTask(day, shard);
    await lake.put(taskKey, canonicalJson(task, { pretty: true }), 'application/json');
    tasks.push(taskKey);
  }
  return { status: 'dispatched', day, tasks };
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
