import { readClaim } from '../lake/claim.ts';
import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { goldDays, readGoldManifest, type GoldManifest } from './manifest.ts';

/**
 * Why a published gold day no longer follows from the history before it: it was computed from a
 * previous gold day that has since been recomputed (or a gap before it was filled), or from a day
 * that is itself stale. Its state, "new", "vanished" and drops rest on a history that no longer
 * exists; `wallapop replay --from <since> --from-stage gold` rebuilds it and every day after.
 */
export interface StaleGold {
  /** The gold day before this one now. */
  previousDay: Day | null;
  /** The first day of the chain whose link to its previous day is broken: backfill from here. */
  since: Day;
  reason: string;
}

/**
 * Whether a published gold day is still the result of its inputs. Two ways it is not:
 * - behind: a newer run of the day was dispatched (new silver, a replay) and has not been
 *   published (a shard failed or is still running); the published day is the earlier run's.
 * - stale: see `StaleGold`.
 */
export interface GoldFreshness {
  day: Day;
  published: boolean;
  runId: string | null;
  /** The run dispatched last, when it is not the published one. */
  behind: { dispatchedRunId: string } | null;
  stale: StaleGold | null;
}

/**
 * Whether the day's gold is published and is the run dispatched last: two small reads, for callers
 * that do not need staleness (which walks every earlier day's manifest).
 */
export async function goldPublication(lake: Lake, day: Day): Promise<Omit<GoldFreshness, 'stale'>> {
  const [manifest, dispatch] = await Promise.all([getJson<GoldManifest>(lake, keys.goldManifest(day)), readClaim(lake, keys.goldDispatchClaim(day))]);
  if (manifest === undefined) return { day, published: false, runId: null, behind: null };
  const runId = manifest.runId ?? null;
  const behind = dispatch !== undefined && runId !== null && dispatch.runId !== runId ? { dispatchedRunId: dispatch.runId } : null;
  return { day, published: true, runId, behind };
}

export async function goldFreshness(lake: Lake, day: Day): Promise<GoldFreshness> {
  const publication = await goldPublication(lake, day);
  if (!publication.published) return { ...publication, stale: null };
  const chain = await staleGoldDays(lake, (await goldDays(lake)).filter((candidate) => candidate <= day));
  return { ...publication, stale: chain.stale.get(day) ?? null };
}

/** How a day's manifest links to the manifest of the gold day before it, when that link is broken. */
function brokenLink(manifest: GoldManifest, previousDay: Day | null, previous: GoldManifest | undefined): string | null {
  if (previousDay !== manifest.previousDay) {
    return manifest.previousDay === null
      ? `it was computed as a first day, but ${previousDay} has gold now`
      : `it was computed from ${manifest.previousDay}, but the gold day before it is ${previousDay ?? 'none'} now`;
  }
  if (previous?.runId !== undefined && manifest.previousRunId !== undefined && previous.runId !== manifest.previousRunId) {
    return `${previousDay} was recomputed (run ${previous.runId}) after this day was computed from its run ${manifest.previousRunId}`;
  }
  return null;
}

/**
 * Walks the published days in order, so that staleness is inherited: after a past day is
 * recomputed, the day after it no longer matches it, and every later day rests on that one.
 */
export async function staleGoldDays(lake: Lake, publishedDays?: readonly Day[]): Promise<{ stale: Map<Day, StaleGold>; manifests: Map<Day, GoldManifest> }> {
  const days = [...(publishedDays ?? (await goldDays(lake)))].sort();
  const manifests = new Map<Day, GoldManifest>();
  const reads = 16;
  for (let start = 0; start < days.length; start += reads) {
    const batch = days.slice(start, start + reads);
    const read = await Promise.all(batch.map((day) => readGoldManifest(lake, day)));
    batch.forEach((day, index) => manifests.set(day, read[index]!));
  }
  const stale = new Map<Day, StaleGold>();
  days.forEach((day, index) => {
    const previousDay = index === 0 ? null : days[index - 1]!;
    const broken = brokenLink(manifests.get(day)!, previousDay, previousDay === null ? undefined : manifests.get(previousDay));
    const inherited = previousDay === null ? undefined : stale.get(previousDay);
    if (broken !== null) stale.set(day, { previousDay, since: day, reason: broken });
    else if (inherited !== undefined) stale.set(day, { previousDay, since: inherited.since, reason: `it was computed from ${previousDay}, which is stale since ${inherited.since} (${inherited.reason})` });
  });
  return { stale, manifests };
}
