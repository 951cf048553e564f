import { canonicalJson } from '../lake/json.ts';
import { alertIdOfDeliveryKey, alertKeys, dayOfAlertsKey, type Day } from '../lake/keys.ts';
import { addDays } from '../lake/days.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import type { Alert, DayAlerts } from './alert.ts';
import type { DeliveryChannel, TimeBudget } from './channels.ts';
import { AlertDeliveryError, AlertInputError } from './alert-errors.ts';

export interface AlertDeliveryOptions {
  lake: Lake;
  /** `gold/alerts/dt=D/alerts.json`, the object that triggered delivery. */
  alertsKey: string;
  channels: readonly DeliveryChannel[];
  remainingTimeMs?: () => number;
  /**
   * Alerts of a day more than this many days before `today` are not delivered (0: no limit): a
   * replay of last month's gold must not announce last month's deals, and the delivery records
   * under control/ expire after 30 days.
   */
  maxAgeDays?: number;
  today?: Day;
}

export interface AlertDeliveryResult {
  day: Day;
  status: 'delivered' | 'too-old';
  alerts: number;
  /** Per channel: alerts not yet delivered on it when the invocation started, and those it sent. */
  channels: Record<string, { pending: number; sent: number; note?: string }>;
}

/**
 * Delivers a day's alerts on every channel, each alert at most once per channel: an alert whose
 * delivery record `control/deliveries/dt=D/<channel>/<alertId>.json` exists is skipped, and the
 * record is written right after the alert went out. Idempotence without conditional writes rests
 * on the `alert` function's reserved concurrency of 1: deliveries never run concurrently, so the
 * check and the record cannot interleave with another invocation's (docs/alerts.md).
 *
 * Every channel is tried even if an earlier one fails; then any failure fails the invocation
 * (Lambda retries twice, then the dead-letter queue). The alerts stay in the lake either way.
 */
export async function runAlertDelivery(options: AlertDeliveryOptions): Promise<AlertDeliveryResult> {
  const { lake, alertsKey } = options;
  const day = dayOfAlertsKey(alertsKey);
  if (day === undefined) throw new AlertInputError(`${alertsKey} is not a day's alerts (gold/alerts/dt=YYYY-MM-DD/alerts.json)`, alertsKey);
  const file = await getJson<DayAlerts>(lake, alertsKey);
  if (file === undefined) throw new AlertInputError(`${alertsKey} does not exist`, alertsKey);
  const result: AlertDeliveryResult = { day, status: 'delivered', alerts: file.alerts.length, channels: {} };
  const maxAge = options.maxAgeDays ?? 0;
  if (maxAge > 0 && options.today !== undefined && day < addDays(options.today, -maxAge)) return { ...result, status: 'too-old' };

  const budget: TimeBudget = { remainingMs: options.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY) };
  const failures: Array<{ channel: string; error: Error }> = [];
  for (const channel of options.channels) {
    const done = new Set((await lake.list(alertKeys.deliveriesOf(day, channel.name))).map(alertIdOfDeliveryKey));
    const pending = file.alerts.filter((alert) => !done.has(alert.alertId));
    const entry: AlertDeliveryResult['channels'][string] = { pending: pending.length, sent: 0 };
    result.channels[channel.name] = entry;
    if (pending.length === 0) continue;
    const record = async (sent: readonly Alert[]) => {
      await Promise.all(sent.map((alert) => lake.put(alertKeys.delivery(day, channel.name, alert.alertId), deliveryRecord(alert, channel.name, alertsKey), 'application/json')));
      entry.sent += sent.length;
    };
    try {
      const outcome = await channel.deliver(day, pending, record, budget);
      if (outcome.note !== undefined) entry.note = outcome.note;
    } catch (error) {
      failures.push({ channel: channel.name, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  if (failures.length > 0) {
    const summary = failures.map(({ channel, error }) => `${channel}: ${error.message}`).join('; ');
    throw new AlertDeliveryError(`delivering ${alertsKey} failed on ${failures.length} channel(s): ${summary}`, alertsKey, failures);
  }
  return result;
}

/** The record's bytes depend only on the alert and the channel (S3 keeps the time it was written). */
function deliveryRecord(alert: Alert, channel: string, alertsKey: string): string {
  return canonicalJson({ alertId: alert.alertId, alertsKey, channel, day: alert.day, listingId: alert.listingId, ruleId: alert.ruleId, searchSlug: alert.searchSlug });
}
