import * as v from 'valibot';
import { describeIssueAt } from './issues.ts';

/**
 * The searches users track. Validated once at load (plan, CLI, tests); every other module takes
 * the inferred `SearchDefinition` type. Field reference: README "Search configuration".
 */

const TIME_FILTERS = ['today', 'lastWeek', 'lastMonth'] as const;

/** How many days back each time filter reaches (what gold assumes when it tells "aged out" from "sold"). */
export const TIME_FILTER_DAYS = { today: 1, lastWeek: 7, lastMonth: 30 } as const satisfies Record<(typeof TIME_FILTERS)[number], number>;
const ORDERS = ['newest', 'most_relevance', 'price_low_to_high', 'price_high_to_low', 'closest'] as const;

/**
 * Bounds that keep a configuration from passing validation only to fail at run time: prices the
 * client can send exactly (safe integers, far beyond any listing), and text short enough for a
 * URL (200,000 characters of keywords were answered with HTTP 431).
 */
export const SEARCH_LIMITS = { maxPriceEur: 100_000_000, keywordsMaxChars: 200, descriptionMaxChars: 1000 } as const;

/** `is required` when absent; otherwise what the value should have been. */
const numberField = (what: string) => v.number((issue) => (issue.input === undefined ? `is required (${what})` : `must be a number (${what})`));
const price = v.optional(
  v.pipe(
    v.number((issue) => `must be a number of euros, got ${typeof issue.input}`),
    v.safeInteger('must be a whole number of euros'),
    v.minValue(0, 'must not be negative'),
    v.maxValue(SEARCH_LIMITS.maxPriceEur, `must be at most ${SEARCH_LIMITS.maxPriceEur.toLocaleString('en')} €`),
  ),
);

export const SearchSchema = v.pipe(
  v.strictObject({
    slug: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (1–63 chars), starting with a letter or digit'),
    ),
    description: v.optional(v.pipe(v.string(), v.maxLength(SEARCH_LIMITS.descriptionMaxChars, `must be at most ${SEARCH_LIMITS.descriptionMaxChars} characters`))),
    keywords: v.optional(
      v.pipe(
        v.string(),
        v.trim(),
        v.minLength(1, 'must not be empty'),
        v.maxLength(SEARCH_LIMITS.keywordsMaxChars, `must be at most ${SEARCH_LIMITS.keywordsMaxChars} characters (they go into the request's URL)`),
      ),
    ),
    categoryId: v.optional(v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be positive'), v.maxValue(2_147_483_647, 'is not a category id'))),
    latitude: v.pipe(numberField('degrees; without it Wallapop geolocates the caller by IP and may return nothing'), v.minValue(-90), v.maxValue(90)),
    longitude: v.pipe(numberField('degrees'), v.minValue(-180), v.maxValue(180)),
    distanceKm: v.optional(v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1), v.maxValue(2000, 'must be at most 2000 (the API rejects more)'))),
    minPrice: price,
    maxPrice: price,
    timeFilter: v.optional(v.picklist(TIME_FILTERS, `must be one of ${TIME_FILTERS.join(', ')}`), 'lastMonth'),
    orderBy: v.optional(v.picklist(ORDERS, `must be one of ${ORDERS.join(', ')}`), 'newest'),
    maxPages: v.optional(v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1), v.maxValue(5000)), 250),
  }),
  v.check((s) => s.keywords !== undefined || s.categoryId !== undefined, 'needs keywords or categoryId (or both)'),
  v.check((s) => s.minPrice === undefined || s.maxPrice === undefined || s.minPrice <= s.maxPrice, 'minPrice must not exceed maxPrice'),
);

export const SearchConfigSchema = v.pipe(
  v.strictObject({
    searches: v.pipe(v.array(SearchSchema), v.minLength(1, 'must list at least one search')),
  }),
  v.check(
    (c) => new Set(c.searches.map((s) => s.slug)).size === c.searches.length,
    (issue) => {
      const slugs = (issue.input as { searches: Array<{ slug: string }> }).searches.map((s) => s.slug);
      const repeated = [...new Set(slugs.filter((slug, index) => slugs.indexOf(slug) !== index))];
      const positions = (slug: string) => slugs.flatMap((other, index) => (other === slug ? [`#${index + 1}`] : [])).join(', ');
      return `search slugs must be unique: ${repeated.map((slug) => `"${slug}" is used by searches ${positions(slug)}`).join('; ')}`;
    },
  ),
);

export type SearchDefinition = v.InferOutput<typeof SearchSchema>;
export type SearchConfig = v.InferOutput<typeof SearchConfigSchema>;

export class SearchConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'SearchConfigError';
  }
}

/** Validates a parsed config object. Errors name the search (by slug or position) and the field. */
export function parseSearchConfig(raw: unknown, source = 'search configuration'): SearchConfig {
  // One problem per field, the first rule it breaks (1e20 is "not a whole number", not also "too big").
  const result = v.safeParse(SearchConfigSchema, raw, { abortPipeEarly: true });
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => describeIssue(raw, issue));
  throw new SearchConfigError(`${source} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
}

function describeIssue(raw: unknown, issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((item) => item.key);
  let where = 'config';
  let field = path;
  if (path[0] === 'searches' && typeof path[1] === 'number') {
    const slug = slugAt(raw, path[1]);
    where = slug ? `search "${slug}" (#${path[1] + 1})` : `search #${path[1] + 1}`;
    field = path.slice(2);
  }
  return describeIssueAt(where, field, issue);
}

function slugAt(raw: unknown, index: number): string | undefined {
  const searches = (raw as { searches?: unknown })?.searches;
  if (!Array.isArray(searches)) return undefined;
  const slug = (searches[index] as { slug?: unknown } | undefined)?.slug;
  return typeof slug === 'string' ? slug : undefined;
}
