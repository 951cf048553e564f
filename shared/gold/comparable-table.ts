import type { Day } from '../lake/keys.ts';
import type { Lake } from '../lake/lake.ts';
import { ComparableReference, comparableGroupsOf, parseComparableKey, type ComparableReferenceGroup } from './comparables.ts';
import { columnExtractor } from '../lake/columns.ts';
import { dayNumber } from '../lake/days.ts';
import { GoldInputError } from './gold-errors.ts';
import { categoryKey } from './groups.ts';
import type { GoldManifest } from './manifest.ts';
import type { ComparableAggregate, GoldPartial } from './partial.ts';
import { readColumns, writeColumns, type GoldColumnSpec } from './parquet.ts';

/**
 * The `comparable_daily` gold table: one row per comparable group (./comparables.ts) per day, with
 * exact asking and sold price quantiles. It answers "what does this kind of item ask, and sell for,
 * and how fast", and it is the next day's reference: shards read its groups to give every listing a
 * fair price.
 */

export const COMPARABLE_COLUMNS = [
  { name: 'day', kind: 'DATE', nullable: false, description: 'The day (equals the dt= partition).' },
  { name: 'group_key', kind: 'STRING', nullable: false, description: "The group: category id and title words ('24200|iphone 13 pro'); a listing's comparable_key and its prefixes down to two words are its groups." },
  { name: 'category_id', kind: 'INT32', nullable: false, description: 'Category id of the group.' },
  { name: 'category_name', kind: 'STRING', nullable: true, description: "Category name from that day's snapshot.", statistics: false },
  { name: 'words', kind: 'STRING', nullable: false, description: "The group's title words ('iphone 13 pro').", statistics: false },
  { name: 'word_count', kind: 'INT32', nullable: false, description: 'How many words: 4 is the most specific, 2 the broadest group a fair price may come from.' },
  { name: 'active_listings', kind: 'INT32', nullable: false, description: 'Active listings in the group at the end of the day.' },
  { name: 'seen_listings', kind: 'INT32', nullable: false, description: 'Listings of the group a search returned today (the fair-price sample of the next day).' },
  { name: 'price_p25', kind: 'DOUBLE', nullable: true, description: "25th percentile of today's asking prices (exact, nearest rank ⌈0.25·n⌉: DuckDB's quantile_disc)." },
  { name: 'price_p50', kind: 'DOUBLE', nullable: true, description: 'Median asking price today (exact, lower median): the fair price of the next day.' },
  { name: 'price_p75', kind: 'DOUBLE', nullable: true, description: '75th percentile of asking prices (exact).' },
  { name: 'sold_listings', kind: 'INT32', nullable: false, description: 'Listings of the group sold today (vanished and not re-published).' },
  { name: 'sold_price_p25', kind: 'DOUBLE', nullable: true, description: 'Last asking prices of those sold listings: 25th percentile (exact).' },
  { name: 'sold_price_p50', kind: 'DOUBLE', nullable: true, description: 'Median last asking price of sold listings (exact, lower median): what the item sells for.' },
  { name: 'sold_price_p75', kind: 'DOUBLE', nullable: true, description: '75th percentile of sold listings’ last asking prices (exact).' },
  { name: 'days_to_sell_median', kind: 'INT32', nullable: true, description: 'Median days on market of the sold listings, across relists (exact, lower median).' },
  { name: 'sell_through', kind: 'DOUBLE', nullable: true, description: 'sold_listings / active_listings; null without active listings.' },
] as const satisfies readonly GoldColumnSpec[];

export interface ComparableRow {
  day: number;
  group_key: string;
  category_id: number;
  category_name: string | null;
  words: string;
  word_count: number;
  active_listings: number;
  seen_listings: number;
  price_p25: number | null;
  price_p50: number | null;
  price_p75: number | null;
  sold_listings: number;
  sold_price_p25: number | null;
  sold_price_p50: number | null;
  sold_price_p75: number | null;
  days_to_sell_median: number | null;
  sell_through: number | null;
}

/**
 * The nearest-rank quantile of a sorted list: the value of rank ⌈q·n⌉ (1-based), as DuckDB's
 * quantile_disc gives it (for the median: the lower median); null when empty.
 */
export function exactQuantile(sorted: ArrayLike<number>, q: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

interface GroupParts {
  active: number;
  seen: number[][];
  sold: number[][];
  days: number[][];
}

/** Every group of the day's comparable keys (each key counts in itself and its prefixes), sorted by group key. */
export function comparableRows(day: Day, merged: Pick<GoldPartial, 'comparables' | 'groups'>): ComparableRow[] {
  const groups = new Map<string, GroupParts>();
  for (const [key, aggregate] of merged.comparables) {
    for (const group of comparableGroupsOf(key)) {
      let parts = groups.get(group);
      if (parts === undefined) groups.set(group, (parts = { active: 0, seen: [], sold: [], days: [] }));
      addParts(parts, aggregate);
    }
  }
  const dayNo = dayNumber(day);
  const rows: ComparableRow[] = [];
  for (const groupKey of [...groups.keys()].sort()) {
    const parts = groups.get(groupKey)!;
    const seen = sortedCents(parts.seen);
    const sold = sortedCents(parts.sold);
    const days = parts.days.flat().sort((a, b) => a - b);
    const { categoryId, words } = parseComparableKey(groupKey);
    rows.push({
      day: dayNo,
      group_key: groupKey,
      category_id: categoryId,
      category_name: merged.groups.category.get(categoryKey(categoryId))?.label ?? null,
      words,
      word_count: words.split(' ').length,
      active_listings: parts.active,
      seen_listings: seen.length,
      price_p25: euros(exactQuantile(seen, 0.25)),
      price_p50: euros(exactQuantile(seen, 0.5)),
      price_p75: euros(exactQuantile(seen, 0.75)),
      sold_listings: sold.length,
      sold_price_p25: euros(exactQuantile(sold, 0.25)),
      sold_price_p50: euros(exactQuantile(sold, 0.5)),
      sold_price_p75: euros(exactQuantile(sold, 0.75)),
      days_to_sell_median: exactQuantile(days, 0.5),
      sell_through: parts.active === 0 ? null : sold.length / parts.active,
    });
  }
  return rows;
}

function addParts(parts: GroupParts, aggregate: ComparableAggregate): void {
  parts.active += aggregate.active;
  if (aggregate.seenCents.length > 0) parts.seen.push(aggregate.seenCents);
  if (aggregate.soldCents.length > 0) {
    parts.sold.push(aggregate.soldCents);
    parts.days.push(aggregate.soldDays);
  }
}

function sortedCents(lists: number[][]): Float64Array {
  let length = 0;
  for (const list of lists) length += list.length;
  const all = new Float64Array(length);
  let at = 0;
  for (const list of lists) {
    all.set(list, at);
    at += list.length;
  }
  return all.sort();
}

const euros = (cents: number | null) => (cents === null ? null : cents / 100);

const comparableColumnsOf = columnExtractor<ComparableRow, keyof ComparableRow>(COMPARABLE_COLUMNS.map((column) => column.name));

export function writeComparableTable(rows: readonly ComparableRow[]): Uint8Array {
  return writeColumns(COMPARABLE_COLUMNS, comparableColumnsOf(rows) as never, { 'gold.comparables.version': '1' });
}

/**
 * The previous gold day's groups that can give a fair price (at least `minComparables` listings
 * seen). Empty on the first day, and after a day published before comparables existed.
 */
export async function readComparableReference(lake: Lake, previous: GoldManifest | null, minComparables: number): Promise<ComparableReference> {
  const key = previous?.tables.comparable_daily;
  if (previous === null || key === undefined) return new ComparableReference(new Map(), minComparables);
  const bytes = await lake.get(key);
  if (bytes === undefined) throw new GoldInputError(`comparable groups ${key} are listed by the gold manifest of ${previous.day} but missing`, key);
  const { columns, rowCount } = await readColumns(bytes, ['group_key', 'seen_listings', 'price_p50']);
  const groups = new Map<string, ComparableReferenceGroup>();
  const keys = columns.group_key as string[];
  const seen = columns.seen_listings as ArrayLike<number>;
  const medians = columns.price_p50 as ArrayLike<number | null>;
  for (let row = 0; row < rowCount; row += 1) {
    const median = medians[row];
    if (seen[row]! >= minComparables && median !== null && median !== undefined) groups.set(keys[row]!, { listings: seen[row]!, median });
  }
  return new ComparableReference(groups, minComparables);
}
