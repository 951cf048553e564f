import { categoryKey, listingFacts } from '../gold/index.ts';
import { dayNumber } from '../lake/days.ts';
import type { ListingState } from '../gold/index.ts';
import type { Day } from '../lake/keys.ts';
import { alertIdOf, formatEuros, formatPct, round, safeHttpsUrl, type Alert, type RuleOutcome } from './alert.ts';
import { TermMatcher } from './keyword-match.ts';
import { isMarkedRule, type MarkedRule, type MarketRule, type WatchConfig, type WatchRule } from './watches.ts';

/**
 * The watches evaluated on one day's listing state: rows in, alerts out, no I/O. The stage
 * (./evaluate-stage.ts) streams the day's state shards through a `WatchEvaluator`; tests call
 * `evaluateWatches` with rows they build.
 *
 * What fires, for a listing of the watched search (its `searches` contains the slug), seen today
 * and active, within the rule's price bounds and keyword terms:
 *   new-under-price  first seen today (never on the first gold day: that day is a baseline), price ≤ maxPrice
 *   price-drop       its price changed today and went down by ≥ minPct % and/or ≥ minEuros €
 *   deal             it became a deal today, by being listed or by a price drop, and costs at most
 *                    (100 − belowMedianPct) % of its fair price (peer 'comparables', the default: the
 *                    median of its comparables, from at least minComparables of them, as gold's state
 *                    carries it) or of today's median of the search or its category (as gold's
 *                    dashboard file reports it); never below gold's dealMinPrice
 * and for the listings a rule names (`listingIds`), whatever search returned them:
 *   reserved         seen today reserved, and not reserved at its previous observation
 *   vanished         gold marked it vanished today (a complete search no longer returned it)
 * Each rule keeps at most `maxPerDay` alerts a day, best first (cheapest new listing, biggest drop,
 * lowest price-to-median); its outcome records how many it matched.
 */

/** Today's peer medians from gold's dashboard day file. */
export interface PeerMedians {
  /** priceP50 per search slug (null: the search saw no priced listing). */
  search: ReadonlyMap<string, number | null>;
  /** priceP50 per category key (`categoryKey(categoryId)`). */
  category: ReadonlyMap<string, number | null>;
  /** Gold's deal floor: listings cheaper than this are placeholders, never deals. */
  dealMinPrice: number;
}

export interface EvaluationContext {
  day: Day;
  /** The first gold day: every listing is first seen, so nothing counts as new. */
  isFirstDay: boolean;
  config: WatchConfig;
  peers: PeerMedians;
  /**
   * `is_reserved` of the listings named by `reserved` rules at the previous gold day (absent: it was
   * not in the previous state). Only those listings: see `reservedListingIds`.
   */
  previousReserved?: ReadonlyMap<string, boolean | null>;
}

interface CompiledMarketRule {
  slug: string;
  rule: MarketRule;
  include: TermMatcher | null;
  exclude: TermMatcher | null;
}

interface Candidate {
  alert: Alert;
  /** Lower ranks first. */
  score: number;
}

export interface EvaluationResult {
  alerts: Alert[];
  rules: RuleOutcome[];
}

/** The listing ids that `reserved` rules name: the evaluation needs their previous observation. */
export function reservedListingIds(config: WatchConfig): Set<string> {
  const ids = new Set<string>();
  for (const rules of Object.values(config.watches)) for (const rule of rules) if (rule.rule === 'reserved') for (const id of rule.listingIds) ids.add(id);
  return ids;
}

export class WatchEvaluator {
  private readonly dayNumber: number;
  private readonly marketRules = new Map<string, CompiledMarketRule[]>();
  private readonly markedRules = new Map<string, Array<{ slug: string; rule: MarkedRule }>>();
  private readonly candidates = new Map<string, Candidate[]>();
  private readonly order: Array<{ slug: string; rule: WatchRule }> = [];

  constructor(private readonly context: EvaluationContext) {
    this.dayNumber = dayNumber(context.day);
    for (const slug of Object.keys(context.config.watches).sort()) {
      for (const rule of context.config.watches[slug]!) {
        this.order.push({ slug, rule });
        this.candidates.set(ruleKey(slug, rule.id), []);
        if (isMarkedRule(rule)) {
          for (const id of rule.listingIds) push(this.markedRules, id, { slug, rule });
        } else {
          push(this.marketRules, slug, {
            slug,
            rule,
            include: rule.include ? new TermMatcher(rule.include) : null,
            exclude: rule.exclude ? new TermMatcher(rule.exclude) : null,
          });
        }
      }
    }
  }

  /** One state row of the day (any order; each listing once). */
  push(row: ListingState): void {
    const today = this.dayNumber;
    const seenActiveToday = row.last_seen_day === today && row.status === 'active';
    if (seenActiveToday) {
      for (const slug of row.searches) {
        const rules = this.marketRules.get(slug);
        if (rules === undefined) continue;
        for (const compiled of rules) this.evaluateMarketRule(compiled, row);
      }
    }
    const marked = this.markedRules.get(row.listing_id);
    if (marked !== undefined) {
      for (const { slug, rule } of marked) {
        if (rule.rule === 'reserved') {
          const before = this.context.previousReserved?.get(row.listing_id);
          if (row.last_seen_day === today && row.is_reserved === true && before !== true) this.add(slug, rule.id, rule.rule, row, 0, {}, 'Reserved');
        } else if (row.status === 'vanished' && row.vanished_on === today) {
          const days = row.days_on_market;
          this.add(slug, rule.id, rule.rule, row, 0, { daysOnMarket: days }, `Gone (likely sold) at ${formatEuros(row.last_price)}${days === null ? '' : ` after ${days} day${days === 1 ? '' : 's'}`}`);
        }
      }
    }
  }

  finish(): EvaluationResult {
    const alerts: Alert[] = [];
    const rules: RuleOutcome[] = [];
    for (const { slug, rule } of this.order) {
      const found = this.candidates.get(ruleKey(slug, rule.id))!;
      found.sort((a, b) => a.score - b.score || compare(a.alert.listingId, b.alert.listingId));
      const cap = 'maxPerDay' in rule ? rule.maxPerDay : Number.POSITIVE_INFINITY;
      const kept = found.slice(0, cap);
      rules.push({ searchSlug: slug, ruleId: rule.id, kind: rule.rule, matched: found.length, kept: kept.length });
      alerts.push(...kept.map((candidate) => candidate.alert));
    }
    // Rules are visited by slug, then file order; alerts are listed by slug, rule id, then rank.
    const stable = alerts.map((alert, index) => ({ alert, index }));
    stable.sort((a, b) => compare(a.alert.searchSlug, b.alert.searchSlug) || compare(a.alert.ruleId, b.alert.ruleId) || a.index - b.index);
    rules.sort((a, b) => compare(a.searchSlug, b.searchSlug) || compare(a.ruleId, b.ruleId));
    return { alerts: stable.map(({ alert }) => alert), rules };
  }

  private evaluateMarketRule({ slug, rule, include, exclude }: CompiledMarketRule, row: ListingState): void {
    const price = row.last_price;
    if (rule.minPrice !== undefined && price < rule.minPrice) return;
    if (rule.maxPrice !== undefined && price > rule.maxPrice) return;
    if (include !== null && !include.matchesAny(row.title)) return;
    if (exclude !== null && exclude.matchesAny(row.title)) return;
    const today = this.dayNumber;
    const isNew = !this.context.isFirstDay && row.first_seen_day === today;
    const before = row.price_before_change;
    const droppedToday = row.price_changed_on === today && before !== null && price < before;
    switch (rule.rule) {
      case 'new-under-price':
        if (isNew) this.add(slug, rule.id, rule.rule, row, price, {}, `New at ${formatEuros(price)} (watch: up to ${formatEuros(rule.maxPrice)})`);
        return;
      case 'price-drop': {
        if (!droppedToday) return;
        const euros = before - price;
        const pct = (euros / before) * 100;
        if (rule.minPct !== undefined && pct < rule.minPct) return;
        if (rule.minEuros !== undefined && euros < rule.minEuros) return;
        this.add(slug, rule.id, rule.rule, row, -pct, { previousPrice: before, dropPct: round(pct, 2) }, `Price drop ${formatEuros(before)} → ${formatEuros(price)} (−${formatPct(pct)})`);
        return;
      }
      case 'deal': {
        if (!isNew && !droppedToday) return;
        if (price < this.context.peers.dealMinPrice) return;
        const byComparables = rule.peer === 'comparables';
        if (byComparables && row.comparables < rule.minComparables) return;
        const median = byComparables
          ? row.fair_price
          : rule.peer === 'search'
            ? this.context.peers.search.get(slug)
            : row.category_id === null
              ? undefined
              : this.context.peers.category.get(categoryKey(row.category_id));
        if (median === undefined || median === null || median <= 0) return;
        if (price > ((100 - rule.belowMedianPct) / 100) * median) return;
        const ratio = price / median;
        const group = rule.peer === 'search' ? 'the median of the search' : `the median of its category${row.category_name ? ` (${row.category_name})` : ''}`;
        const measure = byComparables ? `its fair price (${formatEuros(median)}, median of ${row.comparables} comparable listings)` : `${group} (${formatEuros(median)})`;
        this.add(
          slug,
          rule.id,
          rule.rule,
          row,
          ratio,
          {
            peer: rule.peer,
            peerMedian: round(median, 2),
            priceToMedian: round(ratio, 4),
            comparables: byComparables ? row.comparables : null,
            ...(droppedToday ? { previousPrice: before, dropPct: round(((before - price) / before) * 100, 2) } : {}),
          },
          `Deal: ${formatEuros(price)}, ${formatPct((1 - ratio) * 100)} below ${measure}`,
        );
        return;
      }
    }
  }

  private add(slug: string, ruleId: string, kind: Alert['kind'], row: ListingState, score: number, extra: Partial<Alert>, summary: string): void {
    const alert: Alert = {
      ...listingFacts(row),
      listingUrl: safeHttpsUrl(row.listing_url),
      imageUrl: safeHttpsUrl(row.image_url),
      alertId: alertIdOf(this.context.day, slug, ruleId, row.listing_id),
      day: this.context.day,
      searchSlug: slug,
      ruleId,
      kind,
      price: round(row.last_price, 2),
      previousPrice: null,
      dropPct: null,
      peer: null,
      peerMedian: null,
      priceToMedian: null,
      comparables: null,
      daysOnMarket: null,
      summary,
      ...extra,
    };
    this.candidates.get(ruleKey(slug, ruleId))!.push({ alert, score });
  }
}

/** Evaluates every rule on a day's rows at once (the stage streams rows into a `WatchEvaluator`). */
export function evaluateWatches(rows: Iterable<ListingState>, context: EvaluationContext): EvaluationResult {
  const evaluator = new WatchEvaluator(context);
  for (const row of rows) evaluator.push(row);
  return evaluator.finish();
}

const ruleKey = (slug: string, ruleId: string) => `${slug}\n${ruleId}`;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
