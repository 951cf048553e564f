import * as v from 'valibot';
import { SearchSchema } from '../config/searches.ts';
import type { BronzeManifest } from '../lake/bronze.ts';
import { emptyDriftTally, type DriftTally } from '../wallapop/index.ts';

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The drift check's running tally (../wallapop/drift.ts), carried across continuations. */
const DriftTallySchema: v.GenericSchema<unknown, DriftTally> = v.object({
  pages: Count,
  items: Count,
  categoryChecked: Count,
  outsideCategory: Count,
  priceChecked: Count,
  outsidePrice: Count,
  radiusChecked: Count,
  outsideRadius: Count,
  unreadable: v.record(v.string(), Count),
  firstFullPage: v.nullable(Count),
  shortPages: Count,
  pendingShort: v.optional(v.boolean(), false),
  strayTokens: v.array(v.string()),
  shapes: v.array(v.string()),
  examples: v.object({ category: v.optional(v.string()), price: v.optional(v.string()), radius: v.optional(v.string()) }),
});

/**
 * An extract task: "fetch search S for day D, starting at page P". Plan writes the first one;
 * extract writes a continuation when its invocation is about to run out of time, carrying
 * everything the next invocation needs to go on as if nothing had happened.
 */
export const ExtractTaskSchema = v.object({
  taskVersion: v.literal(1),
  day: v.pipe(v.string(), v.isoDate()),
  search: SearchSchema,
  /** 1-based number of the next page to fetch. */
  startPage: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** The `next_page` token that fetches `startPage`; null for the first page. */
  nextPage: v.nullable(v.string()),
  /** Tokens already followed (a repeated token ends pagination). */
  seenTokens: v.array(v.string()),
  /** Pages already stored by earlier invocations of this extraction. */
  pages: v.array(
    v.object({ key: v.string(), page: v.number(), items: v.number(), endpoint: v.picklist(['search', 'section']) }),
  ),
  estimatedTotal: v.nullable(v.number()),
  firstFetchedAt: v.nullable(v.string()),
  invocations: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Re-extract even when the day's manifest already exists (set by `replay`); otherwise a duplicate event is a no-op. */
  force: v.optional(v.boolean(), false),
  /** The forced attempt of the day's plan (`RunPlan.attempt`), carried into the bronze manifest. */
  planAttempt: v.optional(v.string()),
  /** What the pages so far showed against the request; absent in tasks written before the check. */
  drift: v.optional(DriftTallySchema, emptyDriftTally),
});

export type ExtractTask = v.InferOutput<typeof ExtractTaskSchema>;
export type PageSummary = BronzeManifest['pages'][number];

export function parseExtractTask(raw: unknown, key: string): ExtractTask {
  const result = v.safeParse(ExtractTaskSchema, raw);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  throw new Error(`extract task ${key} is invalid: ${problems.join('; ')}`);
}

export function initialExtractTask(day: string, search: ExtractTask['search'], force = false, planAttempt?: string): ExtractTask {
  return {
    ...(planAttempt === undefined ? {} : { planAttempt }),
    taskVersion: 1,
    day,
    search,
    startPage: 1,
    nextPage: null,
    seenTokens: [],
    pages: [],
    estimatedTotal: null,
    firstFetchedAt: null,
    invocations: 0,
    force,
    drift: emptyDriftTally(),
  };
}
