import { exactQuantile } from './comparable-table.ts';
import { PRICE_POSITIONS, pricePositionOf, titleWords, type PricePosition } from './comparables.ts';
import type { ListingState } from './state.ts';

/**
 * A reseller's first question, answered from one day's listing state: what does this kind of item
 * sell for, and how fast, at which price? The state keeps every listing sold in the retention
 * period (30 days by default) beside the ones on sale, so one day's files hold the whole answer.
 * `wallapop prices` prints it; docs/gold.md has the same question in SQL.
 */

export interface PriceQuestion {
  /** Every one of these words must be among the title's significant words (folded like comparable keys). */
  words: string[];
  /** None of these may be. */
  exclude?: string[];
  categoryId?: number;
  region?: string;
  /** Province as the listings give it (location.region2, e.g. Córdoba). */
  province?: string;
  city?: string;
  search?: string;
  /** Sales of the last N days up to the state's day (default 30). */
  days?: number;
}

export interface PriceSummary {
  listings: number;
  p25: number | null;
  median: number | null;
  p75: number | null;
}

export interface SoldPriceAnswer {
  /** The state's day (day number). */
  day: number;
  fromDay: number;
  sold: PriceSummary & { medianDaysToSell: number | null; relistedBeforeSelling: number };
  /** Sales by where the last price sat against the fair price; `unknown`: no fair price. */
  byPosition: Record<PricePosition | 'unknown', { sold: number; medianPrice: number | null; medianDaysToSell: number | null }>;
  /** Listings of the kind on sale (seen on the state's day). */
  onSale: PriceSummary & { medianFairPrice: number | null };
}

function summary(prices: number[]): PriceSummary {
  const sorted = Float64Array.from(prices).sort();
  return { listings: sorted.length, p25: exactQuantile(sorted, 0.25), median: exactQuantile(sorted, 0.5), p75: exactQuantile(sorted, 0.75) };
}

const median = (values: number[]) => exactQuantile(Float64Array.from(values).sort(), 0.5);

/** Folds the question's words as titles are folded ("iPhone 13" → ["iphone", "13"]). */
export function questionWords(text: string): string[] {
  return titleWords(text);
}

/** Whether a state row is of the kind asked about (cheap filters first: the title is folded last). */
export function matchesQuestion(row: ListingState, question: PriceQuestion): boolean {
  if (question.categoryId !== undefined && row.category_id !== question.categoryId) return false;
  if (question.region !== undefined && row.region !== question.region) return false;
  if (question.province !== undefined && row.province !== question.province) return false;
  if (question.city !== undefined && row.city !== question.city) return false;
  if (question.search !== undefined && !row.searches.includes(question.search)) return false;
  if (row.title === null) return false;
  const titleSet = new Set(titleWords(row.title));
  return question.words.every((word) => titleSet.has(word)) && !(question.exclude ?? []).some((word) => titleSet.has(word));
}

/** The answer over the rows of one day's state that match the question (`matchesQuestion`). */
export function answerSoldPrices(matching: readonly ListingState[], question: PriceQuestion, day: number): SoldPriceAnswer {
  const days = question.days ?? 30;
  const fromDay = day - days + 1;
  const sold = matching.filter((row) => row.status === 'vanished' && row.vanished_on !== null && row.vanished_on >= fromDay);
  const onSale = matching.filter((row) => row.status === 'active' && row.last_seen_day === day);
  const byPosition = {} as SoldPriceAnswer['byPosition'];
  for (const position of [...PRICE_POSITIONS, 'unknown'] as const) {
    const group = sold.filter((row) => (pricePositionOf(row.last_price, row.fair_price) ?? 'unknown') === position);
    byPosition[position] = { sold: group.length, medianPrice: median(group.map((row) => row.last_price)), medianDaysToSell: median(group.map((row) => row.days_on_market ?? 0)) };
  }
  return {
    day,
    fromDay,
    sold: {
      ...summary(sold.map((row) => row.last_price)),
      medianDaysToSell: median(sold.map((row) => row.days_on_market ?? 0)),
      relistedBeforeSelling: sold.filter((row) => row.relisted_from !== null).length,
    },
    byPosition,
    onSale: { ...summary(onSale.map((row) => row.last_price)), medianFairPrice: median(onSale.flatMap((row) => (row.fair_price === null ? [] : [row.fair_price]))) },
  };
}
