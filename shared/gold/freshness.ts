import { readClaim } from '../lake/claim.ts';
import { keys, type Day } from '../lake/keys.ts';
import type { Lake } from '../lake/lake.ts';
import { goldDays, readGoldManifest } from './manifest.ts';

/**
 * Whether a published gold day is still the result of its inputs. Two ways it is not:
 * - behind: a newer run of the day was dispatched (new silver, a replay) and has not been
 *   published (a shard failed or is still running); the published day is the earlier run's.
 * - stale: the day was computed from a previous gold day that has since been recomputed (or a
 *   gap before it was filled): its state, "new", "vanished" and drops rest on a history that no
 *   longer exists. `wallapop replay --from <day> --through <last> --from-stage gold` rebuilds it.
 */
export interface GoldFreshness {
  day: Day;
  published: boolean;
  runId: string | null;
  /** The run dispatched last, when it is not the published one. */
  behind: { dispatchedRunId: string } | null;
  stale: { previousDay: Day | null; reason: string } | null;
}

export async function goldFreshness(lake: Lake, day: Day, publishedDays?: readonly Day[]): Promise<GoldFreshness> {
  const days = publishedDays ?? (await goldDays(lake));
  const dispatch = await readClaim(lake, keys.goldDispatchClaim(day));
  if (!days.includes(day)) return { day, published: false, runId: null, behind: null, stale: null };
  const manifest = await readGoldManifest(lake, day);
  const runId = manifest.runId ?? null;
  const behind = dispatch !== undefined && runId !== null && dispatch.runId !== runId ? { dispatchedRunId: dispatch.runId } : null;
  const previousDay = days.filter((candidate) => candidate < day).at(-1) ?? null;
  let stale: GoldFreshness['stale'] = null;
  if (previousDay !== manifest.previousDay) {
    stale = {
      previousDay,
      reason:
        manifest.previousDay === null
          ? `it was computed as a first day, but ${previousDay} has gold now`
          : `it was computed from ${manifest.previousDay}, but the gold day before it is ${previousDay ?? 'none'} now`,
    };
  } else if (previousDay !== null && manifest.previousRunId !== undefined) {
    const previous = await readGoldManifest(lake, previousDay);
    if (previous.runId !== undefined && previous.runId !== manifest.previousRunId) {
      stale = { previousDay, reason: `${previousDay} was recomputed (run ${previous.runId}) after this day was computed from its run ${manifest.previousRunId}` };
    }
  }
  return { day, published: true, runId, behind, stale };
}
