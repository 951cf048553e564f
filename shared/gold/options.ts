import * as v from 'valibot';

/**
 * Every tunable of the gold stage, with its default. The values that shape a shard's output travel
 * inside the task objects (fan-out writes them), so all shards of a day agree even if a Lambda's
 * environment were changed half-way through a day.
 */
export interface GoldOptions {
  /** Length of the market-wide and per-search lists (best deals, biggest price drops, newest, vanished). Default 50. */
  topN: number;
  /**
   * Length of the per-category lists (categories are many: this bounds partials and the dashboard
   * file). At most topN. Default 20 (or topN when that is smaller).
   */
  topNPerCategory: number;
  /**
   * What a deal is judged against: 'comparables' (default): its fair price, the median of listings
   * like it (./comparables.ts); 'category-median': the median of its whole category or search that
   * day (the first rule: a PS Vita against a PlayStation category priced by PS5s).
   */
  dealRule: DealRule;
  /** 'comparables' deals cost at most this fraction of their fair price. Default 0.6 (40 % below). */
  dealMaxPriceToFair: number;
  /** …and their fair price is the median of at least this many comparables. Default 8. */
  dealMinComparables: number;
  /** 'category-median' deals cost at most this fraction of their peer median. Default 0.6 (40 % below the median). */
  dealMaxPriceToMedian: number;
  /** A fair price needs at least this many comparable listings on the previous gold day. Default 5. */
  minComparables: number;
  /**
   * A new listing may re-publish a listing that went missing today or up to this many days before
   * (./relists.ts). Default 2.
   */
  relistWindowDays: number;
  /**
   * Listings cheaper than this (euros) are never deals: 0 € and 1 € asks are placeholders
   * ("a cambio", "consultar") rather than bargains. Default 1.
   */
  dealMinPrice: number;
  /** Vanished listings stay in the state this many days (in case they come back), then are dropped. Default 30. */
  vanishedRetentionDays: number;
  /** A search is flagged `sudden-drop` when it returns fewer than this fraction of its previous day's listings. Default 0.5. */
  suddenDropRatio: number;
  /** …and only when the previous day had at least this many listings (small searches fluctuate). Default 20. */
  suddenDropMinPrevious: number;
}

export const DEAL_RULES = ['comparables', 'category-median'] as const;
export type DealRule = (typeof DEAL_RULES)[number];

export const DEFAULT_GOLD_OPTIONS: Readonly<GoldOptions> = Object.freeze({
  topN: 50,
  topNPerCategory: 20,
  dealRule: 'comparables',
  dealMaxPriceToFair: 0.6,
  dealMinComparables: 8,
  dealMaxPriceToMedian: 0.6,
  minComparables: 5,
  relistWindowDays: 2,
  dealMinPrice: 1,
  vanishedRetentionDays: 30,
  suddenDropRatio: 0.5,
  suddenDropMinPrevious: 20,
});

const positiveInteger = v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be at least 1'));
const OptionsSchema = v.strictObject({
  topN: v.optional(v.pipe(positiveInteger, v.maxValue(1000, 'must be at most 1000'))),
  topNPerCategory: v.optional(v.pipe(positiveInteger, v.maxValue(1000, 'must be at most 1000'))),
  dealRule: v.optional(v.picklist(DEAL_RULES, `must be one of ${DEAL_RULES.join(', ')}`)),
  dealMaxPriceToFair: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1, 'must be at most 1 (a deal is below its fair price)'))),
  dealMinComparables: v.optional(v.pipe(positiveInteger, v.maxValue(10_000))),
  dealMaxPriceToMedian: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1, 'must be at most 1 (a deal is below the median)'))),
  minComparables: v.optional(v.pipe(positiveInteger, v.maxValue(10_000))),
  relistWindowDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(30))),
  dealMinPrice: v.optional(v.pipe(v.number(), v.minValue(0))),
  vanishedRetentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  suddenDropRatio: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  suddenDropMinPrevious: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

/** Defaults merged with `overrides`; unknown keys and out-of-range values are errors that name the field. */
export function resolveGoldOptions(overrides: Partial<GoldOptions> = {}): GoldOptions {
  const result = v.safeParse(OptionsSchema, overrides);
  if (!result.success) {
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(options)'}: ${issue.message}`);
    throw new TypeError(`invalid gold options: ${problems.join('; ')}`);
  }
  const defined = Object.fromEntries(Object.entries(result.output).filter(([, value]) => value !== undefined));
  const options = { ...DEFAULT_GOLD_OPTIONS, ...defined };
  if (defined.topNPerCategory === undefined) options.topNPerCategory = Math.min(options.topNPerCategory, options.topN);
  if (options.topNPerCategory > options.topN) throw new TypeError(`invalid gold options: topNPerCategory (${options.topNPerCategory}) must not exceed topN (${options.topN})`);
  return options;
}

/** The options a shard needs, as carried by its task. */
export type ShardSettings = Pick<
  GoldOptions,
  'topN' | 'topNPerCategory' | 'dealMinPrice' | 'vanishedRetentionDays' | 'dealRule' | 'dealMaxPriceToFair' | 'dealMinComparables' | 'minComparables' | 'relistWindowDays'
>;

export function shardSettingsOf(options: GoldOptions): ShardSettings {
  return {
    topN: options.topN,
    topNPerCategory: options.topNPerCategory,
    dealMinPrice: options.dealMinPrice,
    vanishedRetentionDays: options.vanishedRetentionDays,
    dealRule: options.dealRule,
    dealMaxPriceToFair: options.dealMaxPriceToFair,
    dealMinComparables: options.dealMinComparables,
    minComparables: options.minComparables,
    relistWindowDays: options.relistWindowDays,
  };
}
