import type { BronzeManifest, ExtractOutcome } from '../lake/bronze.ts';
import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { outcomeSentence } from '../lake/outcome-sentence.ts';
import type { RunPlan } from '../lake/run-plan.ts';

/**
 * What the watchdog finds at the deadline: whether the day reached gold, and every planned search
 * whose snapshot is not complete, each in one sentence. Read from the run plan and the bronze
 * manifests, so a search that drifted is reported even when gold never ran.
 */
export interface DayCheck {
  day: Day;
  finished: boolean;
  planned: boolean;
  searches: Array<{ search: string; outcome: ExtractOutcome | 'missing'; sentence: string }>;
}

export async function runWatchdog(lake: Lake, day: Day): Promise<DayCheck> {
  // Independent reads, concurrently: one round trip for the plan, one for every search's manifest.
  const [finished, plan] = await Promise.all([lake.exists(keys.goldManifest(day)), getJson<RunPlan>(lake, keys.runPlan(day))]);
  const slugs = (plan?.searches ?? []).map((search) => search.slug);
  const manifests = await Promise.all(slugs.map((slug) => getJson<BronzeManifest>(lake, keys.bronzeManifest(day, slug))));
  const searches: DayCheck['searches'] = [];
  slugs.forEach((slug, index) => {
    const bronze = manifests[index];
    const sentence = outcomeSentence(slug, bronze);
    if (sentence !== null) searches.push({ search: slug, outcome: bronze?.outcome ?? 'missing', sentence });
  });
  return { day, finished, planned: plan !== undefined, searches };
}

/** Searches whose answers did not honour the request or changed shape. */
export const driftedSearches = (check: DayCheck) => check.searches.filter((search) => search.outcome === 'filter-ignored' || search.outcome === 'drifted');

/**
 * The notice for the alarm topic when Wallapop's API no longer answers as the pipeline reads it:
 * a subject (SNS: ≤ 100 ASCII characters) and one line per search. Null when nothing drifted.
 */
export function driftNotice(check: DayCheck): { subject: string; text: string } | null {
  const drifted = driftedSearches(check);
  if (drifted.length === 0) return null;
  const subject = `Wallapop API drift on ${check.day}: ${drifted.length} search${drifted.length === 1 ? '' : 'es'} not as requested`;
  const text = [
    `On ${check.day} Wallapop's API did not answer ${drifted.length === 1 ? 'one search' : `${drifted.length} searches`} the way the pipeline asked and reads it:`,
    '',
    ...drifted.map((search) => `- ${search.sentence}`),
    '',
    'Their listings were kept but none was marked sold. Run `npm run wallapop -- doctor` to see what the API sends today, and docs/wallapop-api.md for the parameters in use.',
  ].join('\n');
  return { subject, text };
}
