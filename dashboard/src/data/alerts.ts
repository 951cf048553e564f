/**
 * The Alerts view's model, from the optional `alerts.json` (`AlertsWindow`, written by the
 * alert-evaluate stage): the newest evaluated day's alerts, the other days of the 30-day window,
 * counts per day, kind and rule, and each alert described in Spanish from its fields (gold's
 * `summary` is English, for e-mail and webhooks). Titles and URLs stay untrusted: pages print them
 * through Astro expressions, and links go through `safeListingUrl`.
 */
import { byLang, tr } from '../i18n/lang.ts';
import type { Alert, AlertsWindow } from '../../../shared/alerts/alert.ts';
import type { RuleKind } from '../../../shared/alerts/watches.ts';
import { addDays } from '../../../shared/lake/days.ts';
import { fmt } from './format.ts';
import { safeListingUrl } from './links.ts';

type Day = string;

/** Every rule kind, in the order the view's columns show them. */
export const ALERT_KINDS: readonly RuleKind[] = ['new-under-price', 'price-drop', 'deal', 'reserved', 'vanished'];

/** What fired, one alert at a time. */
export const ALERT_KIND_LABELS = byLang<Record<RuleKind, string>>(
  { 'new-under-price': 'Nuevo bajo precio', 'price-drop': 'Bajada de precio', deal: 'Chollo', reserved: 'Reservado', vanished: 'Desaparecido' },
  { 'new-under-price': 'New under price', 'price-drop': 'Price drop', deal: 'Deal', reserved: 'Reserved', vanished: 'Gone' },
);

/** Column headers of the counts per kind. */
export const ALERT_KIND_COLUMNS = byLang<Record<RuleKind, string>>(
  { 'new-under-price': 'Nuevos', 'price-drop': 'Bajadas', deal: 'Chollos', reserved: 'Reservados', vanished: 'Desaparecidos' },
  { 'new-under-price': 'New', 'price-drop': 'Drops', deal: 'Deals', reserved: 'Reserved', vanished: 'Gone' },
);

export type KindCounts = Record<RuleKind, number>;

export interface AlertRow {
  alert: Alert;
  /** Position within its rule that day (alerts come best first per rule), from 1. */
  rank: number;
  /** The listing on es.wallapop.com, or null when the alert's URL is missing or not Wallapop's. */
  url: string | null;
  /** What happened, in Spanish: "380,00 € → 320,00 € (−15,8 %)". */
  detail: string;
}

export interface AlertDay {
  day: Day;
  count: number;
  byKind: KindCounts;
  rows: AlertRow[];
  /** The newest day of the window (the one the view's first section shows). */
  newest: boolean;
}

export interface AlertRuleTotal {
  searchSlug: string;
  ruleId: string;
  kind: RuleKind;
  newest: number;
  window: number;
}

export interface AlertsView {
  /** The newest evaluated day ("today" when it is the dashboard's day). */
  day: Day;
  fromDay: Day;
  windowDays: number;
  /** Whether the alerts are of the dashboard's own day (false: evaluation lags behind gold). */
  current: boolean;
  total: number;
  newest: AlertDay;
  /** Every evaluated day of the window, newest first (the first is `newest`). */
  days: AlertDay[];
  /** Days between the oldest evaluated day and the newest one that had no evaluation. */
  unevaluatedDays: Day[];
  /** Alerts per search and rule over the window, by search then rule. */
  rules: AlertRuleTotal[];
  byKind: KindCounts;
}

const zeroCounts = (): KindCounts => ({ 'new-under-price': 0, 'price-drop': 0, deal: 0, reserved: 0, vanished: 0 });

/** One alert's facts in the build's language, from its fields. */
export function alertDetail(alert: Alert): string {
  switch (alert.kind) {
    case 'new-under-price':
      return tr('anuncio nuevo por debajo del precio vigilado', 'a new listing under the watched price');
    case 'price-drop':
      return alert.previousPrice === null
        ? tr(`bajó a ${fmt.eur(alert.price)}`, `dropped to ${fmt.eur(alert.price)}`)
        : `${fmt.eur(alert.previousPrice)} → ${fmt.eur(alert.price)}${alert.dropPct === null ? '' : ` (−${fmt.pct(alert.dropPct)})`}`;
    case 'deal': {
      const peer = alert.peer === 'comparables' ? tr('su precio justo', 'its fair price') : alert.peer === 'category' ? tr('la mediana de su categoría', 'its category\'s median') : tr('la mediana de la búsqueda', 'the search\'s median');
      const basis = alert.peer === 'comparables' && alert.comparables != null ? `, ${fmt.int(alert.comparables)} comparables` : '';
      const versus =
        alert.priceToMedian === null
          ? tr(`por debajo de ${peer}`, `below ${peer}`)
          : `${fmt.signedShare(alert.priceToMedian - 1)} ${tr('frente a', 'against')} ${peer}${alert.peerMedian === null ? '' : ` (${fmt.eur(alert.peerMedian)}${basis})`}`;
      return alert.previousPrice === null ? versus : `${versus}; ${tr('antes', 'was')} ${fmt.eur(alert.previousPrice)}`;
    }
    case 'reserved':
      return tr('pasó a reservado', 'became reserved');
    case 'vanished':
      return alert.daysOnMarket === null ? tr('desaparecido: probablemente vendido o retirado', 'gone: likely sold or withdrawn') : tr(`desaparecido tras ${fmt.days(alert.daysOnMarket)} en venta: probablemente vendido`, `gone after ${fmt.days(alert.daysOnMarket)} for sale: likely sold`);
  }
}

/** The days that get a page of their own: every earlier day with alerts (the newest is on /alerts/). */
export function dayPages(view: AlertsView | null): AlertDay[] {
  return view === null ? [] : view.days.filter((day) => !day.newest && day.count > 0);
}

export function buildAlertsView(window: AlertsWindow, dashboardDay: Day): AlertsView {
  const alertsByDay = new Map<Day, Alert[]>();
  for (const alert of window.alerts) {
    const list = alertsByDay.get(alert.day) ?? [];
    list.push(alert);
    alertsByDay.set(alert.day, list);
  }

  const byKind = zeroCounts();
  const days: AlertDay[] = window.days.map((entry, index) => {
    const alerts = alertsByDay.get(entry.day) ?? [];
    const counts = zeroCounts();
    let previousRule = '';
    let rank = 0;
    const rows = alerts.map((alert) => {
      counts[alert.kind] += 1;
      byKind[alert.kind] += 1;
      const rule = `${alert.searchSlug}\n${alert.ruleId}`;
      rank = rule === previousRule ? rank + 1 : 1;
      previousRule = rule;
      return { alert, rank, url: safeListingUrl(alert.listingUrl), detail: alertDetail(alert) };
    });
    return { day: entry.day, count: entry.count, byKind: counts, rows, newest: index === 0 };
  });

  const evaluated = new Set(window.days.map((entry) => entry.day));
  const unevaluatedDays: Day[] = [];
  const oldest = window.days.at(-1)?.day ?? window.day;
  for (let day = addDays(window.day, -1); day > oldest; day = addDays(day, -1)) if (!evaluated.has(day)) unevaluatedDays.push(day);

  const rules = new Map<string, AlertRuleTotal>();
  for (const alert of window.alerts) {
    const key = `${alert.searchSlug}\n${alert.ruleId}`;
    const total = rules.get(key) ?? { searchSlug: alert.searchSlug, ruleId: alert.ruleId, kind: alert.kind, newest: 0, window: 0 };
    total.window += 1;
    if (alert.day === window.day) total.newest += 1;
    rules.set(key, total);
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  return {
    day: window.day,
    fromDay: window.fromDay,
    windowDays: window.windowDays,
    current: window.day === dashboardDay,
    total: window.alerts.length,
    newest: days[0]!,
    days,
    unevaluatedDays,
    rules: [...rules.values()].sort((a, b) => order(a.searchSlug, b.searchSlug) || order(a.ruleId, b.ruleId)),
    byKind,
  };
}
