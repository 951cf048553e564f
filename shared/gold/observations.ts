import { rowReader } from '../lake/columns.ts';
import type { Lake } from '../lake/lake.ts';
import { compareUtf8 } from '../lake/parquet.ts';
import { SILVER_COLUMNS, SILVER_COLUMNS_ADDED, type SilverColumnName } from '../silver/index.ts';
import type { Observation } from './advance.ts';
import { parquetSchema, type DecodedArray } from 'hyparquet';
import { ParquetListingCursor, parquetMetadataOf, type RowReader } from './cursor.ts';
import { GoldInputError } from './gold-errors.ts';

/**
 * Day D's silver shard K, all searches, as one observation per listing, in listing_id order.
 * Each search's file is sorted by listing_id, so the files are merged like sorted lists, one row
 * group per file in memory. A listing returned by several searches is one listing: its attributes
 * come from the occurrence fetched last (ties: the search first in slug order), and it remembers
 * every search that returned it.
 */

const COLUMNS = [
  'listing_id',
  'seller_id',
  'price',
  'currency',
  'is_reserved',
  'is_shippable',
  'title',
  'category_id',
  'category_name',
  'region',
  'province',
  'city',
  'created_at',
  'listing_url',
  'image_url',
  'fetched_at',
  'previous_price',
] as const satisfies readonly SilverColumnName[];

export interface SilverShardInput {
  slug: string;
  key: string;
}

/** A search's silver file of the shard, fetched once (the shard reads it twice: relists, then the merge). */
export interface SilverShardFile extends SilverShardInput {
  bytes: Uint8Array;
}

export async function fetchSilverShard(lake: Lake, inputs: readonly SilverShardInput[]): Promise<SilverShardFile[]> {
  const ordered = [...inputs].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return Promise.all(
    ordered.map(async (input) => {
      const bytes = await lake.get(input.key);
      if (bytes === undefined) throw new GoldInputError(`silver shard ${input.key} (search ${input.slug}) is listed by its manifest but missing`, input.key);
      return { ...input, bytes };
    }),
  );
}

/** A silver row as read: at least its id and when it was fetched (to pick the freshest), and the searches `take` fills in. */
export interface SilverRowBase {
  listing_id: string;
  fetched_at: number;
  searches: string[];
}

/** Which silver columns to read and how to make rows of them. */
export interface SilverProjection<Row extends SilverRowBase> {
  names: readonly SilverColumnName[];
  read: RowReader<Row>;
}

/** A silver row as an observation of its listing, plus when it was fetched (to pick the freshest). */
interface SilverObservation extends Observation {
  fetched_at: number;
}

/** Replaced by the searches that returned the listing, on the row `take` chooses. */
const NO_SEARCHES: string[] = [];

export const silverColumnSpecs = (names: readonly SilverColumnName[]) => names.map((name) => SILVER_COLUMNS.find((column) => column.name === name)!);

/** A silver row as an observation (one literal per row, columns bound once per row group); the shard sets comparable_key. */
const OBSERVATION: SilverProjection<SilverObservation> = {
  names: COLUMNS,
  read: rowReader<SilverObservation>(silverColumnSpecs(COLUMNS), { searches: NO_SEARCHES, comparable_key: null }),
};

/**
 * A cursor over one silver file. Columns added to silver after the file was written
 * (SILVER_COLUMNS_ADDED, e.g. `province` in version 2) read as null; any other missing column is
 * an error naming the file.
 */
async function openSilverCursor<Row>(file: SilverShardFile, projection: SilverProjection<Row & SilverRowBase>): Promise<ParquetListingCursor<Row & SilverRowBase>> {
  const metadata = await parquetMetadataOf(file.key, file.bytes);
  const available = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
  const absent = projection.names.filter((name) => !available.has(name));
  const unknown = absent.filter((name) => SILVER_COLUMNS_ADDED[name] === undefined);
  if (unknown.length > 0) throw new GoldInputError(`${file.key} is not a silver file this release reads: it has no column(s) ${unknown.join(', ')}`, file.key);
  if (absent.length === 0) return ParquetListingCursor.open(file.key, file.bytes, projection.names, projection.read, metadata);
  const present = projection.names.filter((name) => available.has(name));
  const read: RowReader<Row & SilverRowBase> = (columns) => projection.read({ ...columns, ...Object.fromEntries(absent.map((name) => [name, NO_VALUES])) });
  return ParquetListingCursor.open(file.key, file.bytes, present, read, metadata);
}

/** A column a file lacks: every index reads undefined, which a nullable column's reader turns into null. */
const NO_VALUES: DecodedArray = [];

export class DayObservations<Row extends SilverRowBase = SilverObservation> {
  /** Silver rows read per search (every input present, zero included). */
  readonly rowsBySearch: Record<string, number> = {};
  /** Distinct listings returned so far. */
  listings = 0;
  /**
   * Sources with a row left, as a binary min-heap by their current listing id: a day has a file
   * per search (21 in the benchmark), and scanning every file for the smallest id on every
   * listing was most of the merge's own time.
   */
  private readonly heap: number[] = [];
  /** Sources `take` advanced: back into the heap once their next row is loaded (on the next `currentId`). */
  private advanced: number[] = [];
  private loads: Promise<void>[] = [];

  /** Each source's slug as a one-element list. */
  private readonly alone: string[][];

  private constructor(private readonly sources: ReadonlyArray<{ slug: string; cursor: ParquetListingCursor<Row> }>) {
    this.alone = sources.map((source) => [source.slug]);
    for (const source of sources) this.rowsBySearch[source.slug] = 0;
    for (let index = 0; index < sources.length; index += 1) this.insert(index);
  }

  /** Every observation of the day's silver shard (the files of `fetchSilverShard`, in slug order). */
  static async open(files: readonly SilverShardFile[]): Promise<DayObservations<SilverObservation>>;
  static async open<Projected extends SilverRowBase>(files: readonly SilverShardFile[], projection: SilverProjection<Projected>): Promise<DayObservations<Projected>>;
  static async open(files: readonly SilverShardFile[], projection: SilverProjection<SilverRowBase> = OBSERVATION as unknown as SilverProjection<SilverRowBase>): Promise<DayObservations<SilverRowBase>> {
    const sources = [];
    for (const file of files) sources.push({ slug: file.slug, cursor: await openSilverCursor(file, projection) });
    return new DayObservations(sources);
  }

  /** The smallest listing id not yet taken, or undefined when every file is exhausted. */
  get currentId(): string | undefined {
    if (this.advanced.length > 0) {
      for (const index of this.advanced) this.insert(index);
      this.advanced = [];
    }
    return this.heap.length === 0 ? undefined : this.sources[this.heap[0]!]!.cursor.currentId;
  }

  /**
   * The observation of the listing `currentId`, advancing every file that returned it. When a file
   * moves on to its next row group, `loading()` must be awaited before the next call.
   */
  take(): Row {
    const taken = this.sourcesOfCurrent();
    // Sources are visited in slug order: a later search wins only when strictly fresher.
    if (taken.length > 1) taken.sort((a, b) => a - b);
    // Most listings come from one search: they share its one-slug list (lists are never mutated).
    const searches: string[] = taken.length === 1 ? this.alone[taken[0]!]! : [];
    let chosen: Row | undefined;
    for (const index of taken) {
      const { slug, cursor } = this.sources[index]!;
      const row = cursor.current();
      if (chosen === undefined || row.fetched_at > chosen.fetched_at) chosen = row;
      if (taken.length > 1) searches.push(slug);
      this.moveOn(index);
    }
    chosen!.searches = searches;
    this.listings += 1;
    return chosen!;
  }

  /** Moves past the listing `currentId` without reading its row (the relist pre-pass needs only new listings' rows). */
  skip(): void {
    for (const index of this.sourcesOfCurrent()) this.moveOn(index);
    this.listings += 1;
  }

  /** The sources whose current row is the listing `currentId`, taken out of the heap. */
  private sourcesOfCurrent(): number[] {
    const id = this.currentId;
    if (id === undefined) throw new RangeError('no observation left');
    const taken: number[] = [];
    while (this.heap.length > 0 && this.sources[this.heap[0]!]!.cursor.currentId === id) taken.push(this.removeTop());
    return taken;
  }

  /** Counts source `index`'s current row and advances it; it goes back into the heap on the next `currentId`. */
  private moveOn(index: number): void {
    const { slug, cursor } = this.sources[index]!;
    this.rowsBySearch[slug]! += 1;
    const loading = cursor.advance();
    if (loading !== undefined) this.loads.push(loading);
    this.advanced.push(index);
  }

  /** The row groups the last `take` or `skip` started decoding, if any. */
  loading(): Promise<unknown> | undefined {
    if (this.loads.length === 0) return undefined;
    const loads = this.loads;
    this.loads = [];
    return Promise.all(loads);
  }

  private idOf(position: number): string {
    return this.sources[this.heap[position]!]!.cursor.currentId!;
  }

  /** Adds source `index` to the heap, unless its file is exhausted. */
  private insert(index: number): void {
    const id = this.sources[index]!.cursor.currentId;
    if (id === undefined) return;
    const heap = this.heap;
    let position = heap.length;
    heap.push(index);
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (compareUtf8(this.idOf(parent), id) <= 0) break;
      heap[position] = heap[parent]!;
      position = parent;
    }
    heap[position] = index;
  }

  private removeTop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    const id = this.sources[last]!.cursor.currentId!;
    let position = 0;
    for (;;) {
      let child = 2 * position + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && compareUtf8(this.idOf(child + 1), this.idOf(child)) < 0) child += 1;
      if (compareUtf8(this.idOf(child), id) >= 0) break;
      heap[position] = heap[child]!;
      position = child;
    }
    heap[position] = last;
    return top;
  }
}
