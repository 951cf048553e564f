import { createHash } from 'node:crypto';
import type { ListingFacts } from '../gold/index.ts';
import type { Day } from '../lake/keys.ts';
import type { DealPeer, RuleKind } from './watches.ts';

/**
 * The alert records: what `alert-evaluate` writes and `alert` delivers, and what the dashboard's
 * Alerts view reads. docs/alerts.md describes every field. Money is in euros, rounded to cents;
 * percentages to 2 decimals. Titles and URLs are untrusted user text: escape them when rendering.
 */

export const ALERTS_VERSION = 1;
export const ALERTS_WINDOW_VERSION = 1;
/** The dashboard's window: the day itself and the 29 before it. */
export const ALERTS_WINDOW_DAYS = 30;

/** An alert carries the listing's facts as the dashboard's cards do; its URLs are `https://` only (anything else is dropped). */
export interface Alert extends ListingFacts {
  /** Digest of (day, search, rule, listing): the same alert has the same id on every run. */
  alertId: string;
  day: Day;
  searchSlug: string;
  ruleId: string;
  kind: RuleKind;
  /** The asking price today (reserved/vanished: the last one seen). */
  price: number;
  /** price-drop (and a deal by a drop): the price before today's change. */
  previousPrice: number | null;
  /** price-drop: (previousPrice − price) / previousPrice × 100. */
  dropPct: number | null;
  /** deal: what it was measured against: its fair price ('comparables'), or the median asking price of the search or category that day. */
  peer: DealPeer | null;
  peerMedian: number | null;
  /** deal: price / peerMedian. */
  priceToMedian: number | null;
  /** deal by comparables: how many listings the fair price is the median of (absent in alerts from before comparables). */
  comparables?: number | null;
  /** vanished: days between first seen and vanished. */
  daysOnMarket: number | null;
  /** One line for people: "New at 250 € (watch: up to 300 €)". */
  summary: string;
}

/** How many listings each rule matched on the day, and how many it kept (`maxPerDay`, best first). */
export interface RuleOutcome {
  searchSlug: string;
  ruleId: string;
  kind: RuleKind;
  matched: number;
  kept: number;
}

/** `gold/alerts/dt=D/alerts.json`: every alert of day D, the commit marker of the evaluation. */
export interface DayAlerts {
  alertsVersion: typeof ALERTS_VERSION;
  day: Day;
  /** The gold day the state was advanced from; null on the first gold day (a baseline: nothing is "new"). */
  previousDay: Day | null;
  isFirstDay: boolean;
  goldManifest: string;
  /** Digest of the watch configuration that produced these alerts. */
  watchConfigDigest: string;
  /** Which watches were evaluated: those the run plan recorded, or the deployed ones (absent before plans recorded them). */
  watchesFrom?: 'run plan' | 'deployment';
  rules: RuleOutcome[];
  /** Sorted by search, rule id, then rank within the rule (best first). */
  alerts: Alert[];
}

/** `gold/dashboard/alerts/dt=D.json` (and `gold/dashboard/alerts.json` for the newest day). */
export interface AlertsWindow {
  schemaVersion: typeof ALERTS_WINDOW_VERSION;
  /** The newest day of the window: "today". */
  day: Day;
  /** The oldest day the window can hold (day − 29). */
  fromDay: Day;
  windowDays: number;
  /** Alerts per day, for every day of the window that had an evaluation, newest first. */
  days: Array<{ day: Day; count: number }>;
  /** Newest day first; within a day in DayAlerts order. */
  alerts: Alert[];
}

export function alertIdOf(day: Day, searchSlug: string, ruleId: string, listingId: string): string {
  return createHash('sha256').update(`${day}\n${searchSlug}\n${ruleId}\n${listingId}`).digest('hex').slice(0, 16);
}

/** `1.234,5 €`-style euros as Spanish users write them (grouping from 10.000), without ICU. */
export function formatEuros(amount: number): string {
  const cents = Math.round(amount * 100);
  const whole = Math.trunc(Math.abs(cents) / 100);
  const fraction = Math.abs(cents) % 100;
  const digits = String(whole);
  const grouped = digits.length > 4 ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.') : digits;
  return `${cents < 0 ? '−' : ''}${grouped}${fraction === 0 ? '' : `,${String(fraction).padStart(2, '0')}`} €`;
}

export const formatPct = (pct: number): string => `${String(Math.round(pct * 10) / 10).replace('.', ',')} %`;

/** A URL fit to put in a message or a link: https only, no spaces or control characters. */
export function safeHttpsUrl(url: string | null): string | null {
  if (url === null || !/^https:\/\/[^\s\p{Cc}]+$/u.test(url)) return null;
  try {
    return new URL(url).protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

export const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
