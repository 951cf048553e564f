import { isDay, type Day } from '../lake/keys.ts';

/**
 * Where alerts live in the lake. Every key is a function of the day (and the alert or channel),
 * so an evaluation or a delivery that runs twice rewrites the same keys.
 *
 *   gold/alerts/dt=D/alerts.json                 the day's alerts; commit marker, triggers `alert`
 *   gold/dashboard/alerts/dt=D.json              the 30 days of alerts through D (dashboard)
 *   gold/dashboard/alerts.json                   copy of the newest day's window, at a fixed key
 *   control/deliveries/dt=D/<channel>/<id>.json  proof that alert <id> went out on <channel>
 */

export const alertPrefixes = {
  alerts: 'gold/alerts/',
  dashboard: 'gold/dashboard/alerts',
  deliveries: 'control/deliveries/',
} as const;

export const alertKeys = {
  day: (day: Day) => `${alertPrefixes.alerts}dt=${day}/alerts.json`,
  window: (day: Day) => `${alertPrefixes.dashboard}/dt=${day}.json`,
  windowLatest: `${alertPrefixes.dashboard}.json`,
  delivery: (day: Day, channel: string, alertId: string) => `${alertPrefixes.deliveries}dt=${day}/${channel}/${alertId}.json`,
  deliveriesOf: (day: Day, channel: string) => `${alertPrefixes.deliveries}dt=${day}/${channel}/`,
} as const;

/** The day of a day's alerts key (`gold/alerts/dt=D/alerts.json`), or undefined for any other key. */
export function dayOfAlertsKey(key: string): Day | undefined {
  const match = /^gold\/alerts\/dt=(\d{4}-\d{2}-\d{2})\/alerts\.json$/.exec(key);
  return match?.[1] !== undefined && isDay(match[1]) ? match[1] : undefined;
}

/** The alert id of a delivery record key. */
export function alertIdOfDeliveryKey(key: string): string | undefined {
  return /\/([0-9a-f]{16})\.json$/.exec(key)?.[1];
}
