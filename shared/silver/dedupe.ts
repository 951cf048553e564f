import type { SilverRow } from './schema.ts';

/**
 * Collapses the occurrences of one listing within one search and day to a single row.
 *
 * Duplicates are normal: with `order_by=newest`, listings published during the extraction push
 * older ones down, so the same listing shows up at the end of one page and the start of the next;
 * a continuation may refetch a page.
 *
 * The rule: keep the occurrence observed last, i.e. the greatest (fetched_at, source_page,
 * position on the page), compared in that order. The latest observation is the freshest state
 * (price, reserved flag), and because the rule compares values rather than arrival order, the
 * result does not depend on the order pages are read in.
 */

/** Where one occurrence of a listing was seen. */
export interface Occurrence {
  fetchedAtMs: number;
  page: number;
  /** 0-based position in the page's items array. */
  index: number;
}

/** True when occurrence `a` supersedes occurrence `b` under the rule above. */
export function supersedes(a: Occurrence, b: Occurrence): boolean {
  if (a.fetchedAtMs !== b.fetchedAtMs) return a.fetchedAtMs > b.fetchedAtMs;
  if (a.page !== b.page) return a.page > b.page;
  return a.index > b.index;
}

export class ListingDeduper {
  readonly #kept = new Map<string, { row: SilverRow; occurrence: Occurrence }>();
  #duplicates = 0;

  /** Offers a row; returns whether it is now the kept row for its listing. */
  add(row: SilverRow, occurrence: Occurrence): boolean {
    const current = this.#kept.get(row.listing_id);
    if (current === undefined) {
      this.#kept.set(row.listing_id, { row, occurrence });
      return true;
    }
    this.#duplicates += 1;
    if (!supersedes(occurrence, current.occurrence)) return false;
    this.#kept.set(row.listing_id, { row, occurrence });
    return true;
  }

  /** Occurrences collapsed into another (rows offered minus distinct listings). */
  get duplicates(): number {
    return this.#duplicates;
  }

  get size(): number {
    return this.#kept.size;
  }

  /** Forgets every row (lets the stage release them once they are bucketed). */
  clear(): void {
    this.#kept.clear();
  }

  /** The kept rows, in no particular order (the Parquet writer sorts). */
  *rows(): IterableIterator<SilverRow> {
    for (const { row } of this.#kept.values()) yield row;
  }
}

/** Dedupes a list in one go (for tests and small inputs). */
export function dedupeRows(entries: Iterable<{ row: SilverRow; occurrence: Occurrence }>): { rows: SilverRow[]; duplicates: number } {
  const deduper = new ListingDeduper();
  for (const { row, occurrence } of entries) deduper.add(row, occurrence);
  return { rows: [...deduper.rows()], duplicates: deduper.duplicates };
}
