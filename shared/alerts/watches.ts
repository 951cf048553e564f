import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { SEARCH_LIMITS } from '../config/searches.ts';
import { describeIssueAt } from '../config/issues.ts';

/**
 * Watches: what a user wants to be told about, per configured search. They live in a file beside
 * the search configuration (`watches.yml` next to `searches.yml`), are validated once at load, and
 * every other module takes the inferred `WatchConfig` type. Reference: docs/alerts.md.
 *
 *   watches:
 *     iphone-13-madrid:
 *       - id: iphone-under-300
 *         rule: new-under-price
 *         maxPrice: 300
 *         exclude: [roto, icloud]
 */

export const RULE_KINDS = ['new-under-price', 'price-drop', 'deal', 'reserved', 'vanished'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * What a deal is measured against: 'comparables' (default): the listing's fair price, the median
 * of listings like it (docs/gold.md, "Comparables"); 'search' / 'category': today's median of the
 * whole search or category (a PS Vita against a category priced by PS5s: kept for those who want it).
 */
export const DEAL_PEERS = ['comparables', 'search', 'category'] as const;
export type DealPeer = (typeof DEAL_PEERS)[number];

/** Alerts one rule may raise on one day unless it says otherwise (the best ones are kept). */
export const DEFAULT_MAX_PER_DAY = 20;

const ruleId = v.pipe(
  v.string('is required (a string)'),
  v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (1–63 chars), starting with a letter or digit'),
);
// The same bounds as searches' prices and texts: a value past them is a typo, not a market.
const priceLimit = v.maxValue<number, number, string>(SEARCH_LIMITS.maxPriceEur, `must be at most ${SEARCH_LIMITS.maxPriceEur.toLocaleString('en')} €`);
const euros = v.pipe(v.number('must be a number (euros)'), v.minValue(0, 'must not be negative'), priceLimit);
const description = v.optional(v.pipe(v.string('must be a string'), v.maxLength(SEARCH_LIMITS.descriptionMaxChars, `must be at most ${SEARCH_LIMITS.descriptionMaxChars} characters`)));
const terms = v.pipe(
  v.array(v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(SEARCH_LIMITS.keywordsMaxChars, `must be at most ${SEARCH_LIMITS.keywordsMaxChars} characters`)), 'must be a list of words or phrases'),
  v.minLength(1, 'must list at least one term (or leave the field out)'),
);
const maxPerDay = v.optional(
  v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be at least 1'), v.maxValue(1000, 'must be at most 1000')),
  DEFAULT_MAX_PER_DAY,
);

/** Fields every market rule (all but reserved/vanished) accepts. */
const marketFields = {
  id: ruleId,
  description,
  /** The title must contain at least one of these words or phrases. */
  include: v.optional(terms),
  /** The title must contain none of these. */
  exclude: v.optional(terms),
  /** Listings cheaper than this are ignored (0 € and 1 € asks are usually placeholders). */
  minPrice: v.optional(euros),
  maxPerDay,
};

const NewUnderPriceSchema = v.strictObject({
  ...marketFields,
  rule: v.literal('new-under-price'),
  maxPrice: v.pipe(v.number('is required (a number, euros): the price a new listing must not exceed'), v.minValue(0, 'must not be negative'), priceLimit),
});

const PriceDropSchema = v.pipe(
  v.strictObject({
    ...marketFields,
    rule: v.literal('price-drop'),
    maxPrice: v.optional(euros),
    minPct: v.optional(v.pipe(v.number('must be a number (percent)'), v.minValue(0.01, 'must be above 0'), v.maxValue(99.99, 'must be below 100'))),
    minEuros: v.optional(v.pipe(v.number('must be a number (euros)'), v.minValue(0.01, 'must be above 0'), priceLimit)),
  }),
  v.check((rule) => rule.minPct !== undefined || rule.minEuros !== undefined, 'needs minPct or minEuros (or both: then a drop must meet both)'),
);

const DealSchema = v.strictObject({
  ...marketFields,
  rule: v.literal('deal'),
  maxPrice: v.optional(euros),
  belowMedianPct: v.pipe(
    v.number('is required (a number, percent): how far below the fair price (or the peer median) a deal must be'),
    v.minValue(1, 'must be at least 1'),
    v.maxValue(99, 'must be at most 99'),
  ),
  peer: v.optional(v.picklist(DEAL_PEERS, `must be one of ${DEAL_PEERS.join(', ')}`), 'comparables'),
  /** peer 'comparables': the fair price must be the median of at least this many listings. */
  minComparables: v.optional(v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be at least 1'), v.maxValue(10_000, 'must be at most 10000')), 8),
});

const listingIds = v.pipe(
  v.array(v.pipe(v.string('must be a string (a Wallapop listing id)'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(64, 'is too long for a Wallapop listing id')), 'must be a list of listing ids'),
  v.minLength(1, 'must list at least one listing id'),
  v.check((ids) => new Set(ids).size === ids.length, 'must not repeat a listing id'),
);

const MarkedSchema = v.strictObject({
  id: ruleId,
  description,
  rule: v.picklist(['reserved', 'vanished'] as const),
  listingIds,
});

export const WatchRuleSchema = v.variant(
  'rule',
  [NewUnderPriceSchema, PriceDropSchema, DealSchema, MarkedSchema],
  `must be one of ${RULE_KINDS.join(', ')}`,
);

const searchSlug = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a search slug'));

export const WatchConfigSchema = v.pipe(
  v.strictObject({
    watches: v.pipe(
      v.optional(v.nullable(v.record(searchSlug, v.pipe(v.nullable(v.array(WatchRuleSchema, 'must be a list of rules')), v.transform((rules) => rules ?? [])))), {}),
      v.transform((watches) => watches ?? {}),
    ),
  }),
);

export type WatchRule = v.InferOutput<typeof WatchRuleSchema>;
export type MarketRule = Exclude<WatchRule, { rule: 'reserved' | 'vanished' }>;
export type MarkedRule = Extract<WatchRule, { rule: 'reserved' | 'vanished' }>;
export const isMarkedRule = (rule: WatchRule): rule is MarkedRule => rule.rule === 'reserved' || rule.rule === 'vanished';

export interface WatchConfig {
  /** Rules per search slug, in file order. */
  watches: Record<string, WatchRule[]>;
}

export class WatchConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'WatchConfigError';
  }
}

/**
 * Validates a parsed watch file against the searches it may refer to. Every problem names the
 * search slug, the rule (by id, and position) and the field; the message names the file.
 */
export function parseWatchConfig(raw: unknown, source: string, searchSlugs: readonly string[]): WatchConfig {
  const result = v.safeParse(WatchConfigSchema, raw ?? {});
  const problems: string[] = [];
  if (!result.success) problems.push(...result.issues.map((issue) => describeIssue(raw, issue)));
  // Cross-references are checked on the raw file too, so one run reports every problem.
  const watches = (raw as { watches?: unknown } | null | undefined)?.watches;
  if (watches !== null && typeof watches === 'object' && !Array.isArray(watches)) {
    const known = new Set(searchSlugs);
    const seen = new Map<string, string>();
    for (const [slug, rules] of Object.entries(watches as Record<string, unknown>)) {
      if (!known.has(slug)) {
        problems.push(`search "${slug}": is not a search of the search configuration (known: ${[...known].sort().join(', ') || 'none'})`);
      }
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule: { id?: unknown } | null, index) => {
        const id = rule?.id;
        if (typeof id !== 'string') return;
        const other = seen.get(id);
        if (other !== undefined) problems.push(`${where(slug, id, index)}, field "id": is already the id of a rule of search "${other}" (rule ids must be unique in the file: alerts are keyed by them)`);
        else seen.set(id, slug);
      });
    }
  }
  if (problems.length > 0 || !result.success) throw new WatchConfigError(`${source} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  return result.output as WatchConfig;
}

/** A short digest of the effective configuration: alerts files record which watches produced them. */
export function watchConfigDigest(config: WatchConfig): string {
  const ordered = Object.keys(config.watches)
    .sort()
    .map((slug) => [slug, config.watches[slug]!.map((rule) => Object.fromEntries(Object.entries(rule).sort(([a], [b]) => (a < b ? -1 : 1))))]);
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex').slice(0, 16);
}

/** Whether a config has any rule at all (none: the evaluation reads no state). */
export function hasRules(config: WatchConfig): boolean {
  return Object.values(config.watches).some((rules) => rules.length > 0);
}

function where(slug: string, id: unknown, index: number): string {
  return `search "${slug}", rule ${typeof id === 'string' ? `"${id}" ` : ''}(#${index + 1})`;
}

function describeIssue(raw: unknown, issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((item) => item.key);
  let location = 'watch file';
  let field: unknown[] = path;
  if (path[0] === 'watches' && typeof path[1] === 'string') {
    const slug = path[1];
    if (typeof path[2] === 'number') {
      location = where(slug, ruleAt(raw, slug, path[2])?.id, path[2]);
      field = path.slice(3);
    } else {
      location = `search "${slug}"`;
      field = path.slice(2);
    }
  }
  return describeIssueAt(location, field, issue);
}

function ruleAt(raw: unknown, slug: string, index: number): { id?: unknown } | undefined {
  const rules = (raw as { watches?: Record<string, unknown> } | undefined)?.watches?.[slug];
  return Array.isArray(rules) ? (rules[index] as { id?: unknown } | undefined) : undefined;
}
