import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import { parseWatchConfig, type WatchConfig } from './watches.ts';

/** Where a day's watches came from: the run plan that recorded them, or the deployed configuration. */
export type WatchesSource = 'run plan' | 'deployment';

/** A day's watches and, when known, where they came from. */
export interface DayWatches {
  config: WatchConfig;
  source?: WatchesSource;
}

/**
 * The watches day D is evaluated with. A day remembers its configuration: the plan records the
 * watches it ran with, so a replay (even from a folder whose watches.yml has changed since)
 * raises the day's own alerts. Plans from before that record, or `prefer: 'deployment'` (the
 * operator asks to evaluate a past day with today's watches), use the deployed ones.
 */
export async function watchesOfDay(
  lake: Lake,
  day: Day,
  deployed: () => Promise<WatchConfig>,
  prefer: WatchesSource = 'run plan',
): Promise<{ config: WatchConfig; source: WatchesSource }> {
  if (prefer === 'run plan') {
    const planKey = keys.runPlan(day);
    const plan = await getJson<RunPlan>(lake, planKey);
    if (plan?.configuration !== undefined) {
      const slugs = plan.searches.map((search) => search.slug);
      return { config: parseWatchConfig(plan.configuration.watches, `the watches recorded in ${planKey}`, slugs), source: 'run plan' };
    }
  }
  return { config: await deployed(), source: 'deployment' };
}

/** `WATCHES_FROM=deployment` makes alert evaluation use the deployed watches for every day. */
export function preferredWatchesSource(env: NodeJS.ProcessEnv = process.env): WatchesSource {
  const value = env.WATCHES_FROM;
  if (value === undefined || value === '' || value === 'plan') return 'run plan';
  if (value === 'deployment') return 'deployment';
  throw new Error(`WATCHES_FROM must be "plan" or "deployment", got "${value}"`);
}
