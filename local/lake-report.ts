import { goldFreshness, type GoldFreshness } from '#shared/gold/freshness.ts';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { keys, prefixes, type Day } from '#shared/lake/keys.ts';
import { getJson, type Lake } from '#shared/lake/lake.ts';
import { outcomeSentence } from '#shared/lake/outcome-sentence.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import { PAGE_QUARANTINE_REASONS } from '#shared/silver/quarantine.ts';
import type { SilverManifest } from '#shared/silver/stage.ts';

/** What the lake holds for one day, stage by stage: the basis of `status` and of a run's summary. */
export interface DayReport {
  day: Day;
  planned: boolean;
  shardCount: number | null;
  categoriesSnapshot: boolean;
  searches: Array<{
    search: string;
    extract: { outcome: BronzeManifest['outcome']; pages: number; items: number; errors: number } | null;
    /** `quarantined`: items; `pagesQuarantined`: whole pages silver could not read (each loses up to a page of listings). */
    silver: { accepted: number; duplicates: number; quarantined: number; pagesQuarantined: number } | null;
  }>;
  /** `runId`: the published run; `behind`/`stale`: why the published day is not (or no longer) its inputs' result (../shared/gold/freshness.ts). */
  gold: { complete: boolean; runId: string | null; behind: GoldFreshness['behind']; stale: GoldFreshness['stale'] };
  problems: string[];
}

export async function reportDay(lake: Lake, day: Day): Promise<DayReport> {
  const plan = await getJson<RunPlan>(lake, keys.runPlan(day));
  const problems: string[] = [];
  const planned = plan !== undefined;
  const slugs = plan
    ? plan.searches.map((search) => search.slug)
    : (await lake.list(`${prefixes.bronzeSearch}dt=${day}/`)).filter((key) => key.endsWith('/_manifest.json')).map((key) => /search=([^/]+)/.exec(key)![1]!);
  if (!planned) problems.push(`no run plan for ${day} (${keys.runPlan(day)})`);
  if (plan && !plan.categoriesSnapshot.ok) problems.push(`category snapshot failed: ${plan.categoriesSnapshot.error}`);

  const searches: DayReport['searches'] = [];
  for (const search of slugs) {
    const bronze = await getJson<BronzeManifest>(lake, keys.bronzeManifest(day, search));
    const silver = await getJson<SilverManifest>(lake, keys.silverManifest(day, search));
    if (!bronze) problems.push(`${search}: not extracted (no ${keys.bronzeManifest(day, search)})`);
    else if (bronze.outcome !== 'complete') problems.push(outcomeSentence(search, bronze)!);
    if (bronze && !silver) problems.push(`${search}: extracted but not in silver`);
    if (silver && silver.counts.pagesQuarantined > 0) problems.push(quarantinedPages(search, silver));
    searches.push({
      search,
      extract: bronze ? { outcome: bronze.outcome, pages: bronze.pageCount, items: bronze.itemCount, errors: bronze.errors.length } : null,
      silver: silver
        ? { accepted: silver.counts.itemsAccepted, duplicates: silver.counts.duplicatesCollapsed, quarantined: silver.counts.itemsQuarantined, pagesQuarantined: silver.counts.pagesQuarantined }
        : null,
    });
  }
  const freshness = await goldFreshness(lake, day);
  const goldComplete = freshness.published;
  if (freshness.behind) {
    problems.push(
      `gold: run ${freshness.behind.dispatchedRunId} of ${day} was dispatched but not published (a shard failed or is still running: see \`wallapop dlq\`); gold still shows the earlier run ${freshness.runId}`,
    );
  }
  if (freshness.stale) problems.push(`gold: ${day} is stale: ${freshness.stale.reason}; rebuild it and the days after it with \`wallapop replay --from ${freshness.stale.since} --from-stage gold\``);
  return {
    day,
    planned,
    shardCount: plan?.shardCount ?? null,
    categoriesSnapshot: plan?.categoriesSnapshot.ok ?? false,
    searches,
    gold: { complete: goldComplete, runId: freshness.runId, behind: freshness.behind, stale: freshness.stale },
    problems,
  };
}


/** One sentence: how many pages were lost, why, and what that means for the day. */
function quarantinedPages(search: string, silver: SilverManifest): string {
  const reasons = Object.entries(silver.counts.quarantinedByReason)
    .filter(([reason, count]) => count > 0 && (PAGE_QUARANTINE_REASONS as readonly string[]).includes(reason))
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  const pages = silver.counts.pagesQuarantined;
  return `${search}: ${pages} of ${silver.counts.pagesListed} page(s) unreadable and quarantined (${reasons}): the snapshot is partial, nothing was marked vanished from it (${silver.quarantineKey})`;
}
