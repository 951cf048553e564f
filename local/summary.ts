import { formatEuros, type DayAlerts } from '#shared/alerts/alert.ts';
import { cleanTitle } from '#shared/alerts/message.ts';
import type { Backfill, DayRun } from './pipeline.ts';

/** A person's view of a day's run: one line per search, then the problems. */
export function formatDayRun(run: DayRun): string {
  const { report } = run;
  const lines: string[] = [];
  const totals = { pages: 0, items: 0, accepted: 0, duplicates: 0, quarantined: 0 };
  lines.push(`Day ${report.day}: ${report.searches.length} searches, ${report.shardCount ?? '?'} shards, gold ${goldState(report.gold)} (${(run.wallTimeMs / 1000).toFixed(1)} s)`);
  const width = Math.max(6, ...report.searches.map((s) => s.search.length));
  lines.push(`  ${'search'.padEnd(width)}  outcome         pages    items   silver  dupes  quarantined`);
  for (const search of report.searches) {
    const extract = search.extract;
    const silver = search.silver;
    totals.pages += extract?.pages ?? 0;
    totals.items += extract?.items ?? 0;
    totals.accepted += silver?.accepted ?? 0;
    totals.duplicates += silver?.duplicates ?? 0;
    totals.quarantined += silver?.quarantined ?? 0;
    lines.push(
      `  ${search.search.padEnd(width)}  ${(extract?.outcome ?? 'missing').padEnd(14)} ${num(extract?.pages)} ${num(extract?.items)} ${num(silver?.accepted)} ${num(silver?.duplicates, 6)} ${num(silver?.quarantined, 12)}`,
    );
  }
  lines.push(`  ${'total'.padEnd(width)}  ${''.padEnd(14)} ${num(totals.pages)} ${num(totals.items)} ${num(totals.accepted)} ${num(totals.duplicates, 6)} ${num(totals.quarantined, 12)}`);
  const timings = Object.entries(run.functions).map(([name, f]) => `${name} ${(f.totalMs / 1000).toFixed(1)} s/${f.invocations}${f.failures ? ` (${f.failures} failed)` : ''}`);
  if (timings.length > 0) lines.push(`  time per function (summed/invocations): ${timings.join(', ')}`);
  for (const problem of report.problems) lines.push(`  ! ${problem}`);
  for (const letter of run.deadLetters) lines.push(`  ✗ dead letter ${letter.id}: ${letter.functionName} on ${letter.objectKey ?? 'a scheduled event'}: ${letter.error.message}`);
  return lines.join('\n');
}

function goldState(gold: DayRun['report']['gold']): string {
  if (!gold.complete) return 'not complete';
  if (gold.behind) return 'behind (an earlier run is what is published)';
  if (gold.stale) return 'stale (its previous day was recomputed since)';
  return 'complete';
}

/** A backfill, day by day: what each recomputed day changed, then where it stopped if it did. */
export function formatBackfill(backfill: Backfill): string {
  const lines: string[] = [];
  for (const step of backfill.days) {
    lines.push(formatDayRun(step.run));
    const { changes } = step;
    const moved = Object.entries(changes.totals)
      .filter(([, change]) => change.before !== change.after)
      .map(([name, change]) => `${name} ${change.before ?? '-'} → ${change.after ?? '-'}`);
    lines.push(`  changed: ${moved.length === 0 ? 'no gold total moved' : moved.join(', ')}`);
    lines.push(`  alerts: ${changes.alertsAdded.length} added, ${changes.alertsRemoved.length} removed${changes.alertsAdded.length + changes.alertsRemoved.length === 0 ? '' : ` (${[...changes.alertsAdded.map((id) => `+${id}`), ...changes.alertsRemoved.map((id) => `-${id}`)].slice(0, 6).join(' ')}${changes.alertsAdded.length + changes.alertsRemoved.length > 6 ? ' …' : ''})`}`);
  }
  if (backfill.staleAfter.length > 0) {
    lines.push(`Stale now: ${backfill.staleAfter.join(', ')} rest on the days recomputed here; rebuild them with \`wallapop replay --from ${backfill.staleAfter[0]} --from-stage gold\`.`);
  }
  if (backfill.stoppedAt) lines.push(`Stopped at ${backfill.stoppedAt.day}: ${backfill.stoppedAt.reason}. Later days were not rebuilt: fix the failure, then run the backfill again from ${backfill.stoppedAt.day}.`);
  else lines.push(`Backfilled ${backfill.days.length} day(s), ${backfill.days[0]?.day ?? '-'} through ${backfill.days.at(-1)?.day ?? '-'}, in order.`);
  return lines.join('\n');
}

const num = (value: number | undefined, width = 8): string => (value === undefined ? '-' : value.toLocaleString('en-US')).padStart(width);

function watchesSource(alerts: DayAlerts): string {
  if (alerts.watchesFrom === 'run plan') return `; watches as the day's plan recorded them (${alerts.watchConfigDigest})`;
  if (alerts.watchesFrom === 'deployment') return `; watches of this deployment, not the day's recorded ones (${alerts.watchConfigDigest})`;
  return '';
}

/**
 * The day's alerts for a person: how many, where they were delivered, and the first few (rule,
 * title, price, link). `undefined`: the day has no evaluated alerts (gold did not finish).
 */
export function formatDayAlerts(alerts: DayAlerts | undefined, options: { outboxFile?: string; webhook?: boolean; limit?: number } = {}): string {
  if (alerts === undefined) return '  alerts: none evaluated (no gold for the day)';
  const limit = options.limit ?? 6;
  const where = [options.outboxFile, options.webhook ? 'the webhook' : undefined].filter((target) => target !== undefined);
  const lines = [`  alerts: ${alerts.alerts.length}${alerts.alerts.length > 0 && where.length > 0 ? ` → ${where.join(' and ')}` : ''}${alerts.isFirstDay ? ' (first gold day: a baseline, nothing is new yet)' : ''}${watchesSource(alerts)}`];
  // A few of every rule rather than the first rule's: take one alert per rule in turn.
  const byRule = new Map<string, DayAlerts['alerts']>();
  for (const alert of alerts.alerts) byRule.set(alert.ruleId, [...(byRule.get(alert.ruleId) ?? []), alert]);
  const shown: DayAlerts['alerts'] = [];
  for (let rank = 0; shown.length < Math.min(limit, alerts.alerts.length); rank += 1) {
    for (const list of byRule.values()) if (list[rank] !== undefined && shown.length < limit) shown.push(list[rank]!);
  }
  const width = Math.max(0, ...shown.map((alert) => alert.ruleId.length));
  for (const alert of shown) {
    lines.push(`    ${alert.ruleId.padEnd(width)}  ${cleanTitle(alert.title).slice(0, 48).padEnd(48)} ${formatEuros(alert.price).padStart(10)}  ${alert.listingUrl ?? alert.listingId}`);
  }
  if (alerts.alerts.length > limit) lines.push(`    … and ${alerts.alerts.length - limit} more`);
  return lines.join('\n');
}
