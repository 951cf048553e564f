import type { DecodedArray } from 'hyparquet';
import type { Lake } from '../lake/lake.ts';
import { compareUtf8 } from '../silver/parquet.ts';
import type { SilverColumnName } from '../silver/schema.ts';
import type { Observation } from './advance.ts';
import { GoldInputError } from './errors.ts';
import { readColumns } from './parquet.ts';

/**
 * Day D's silver shard K, all searches, as one observation per listing. A listing returned by
 * several searches is one listing: its attributes come from the occurrence fetched last (ties: the
 * first search in slug order), and it remembers every search that returned it.
 *
 * Silver files are read column by column, and the merged view stores, per listing, only where its
 * chosen row is; `observation(i)` builds the object when the shard gets to that listing.
 */

const COLUMNS = [
  'listing_id',
  'price',
  'currency',
  'is_reserved',
  'is_shippable',
  'title',
  'category_id',
  'category_name',
  'region',
  'city',
  'created_at',
  'listing_url',
  'image_url',
  'fetched_at',
] as const satisfies readonly SilverColumnName[];

type Column = (typeof COLUMNS)[number];

export interface SilverShardInput {
  slug: string;
  key: string;
}

export class DayObservations {
  private constructor(
    private readonly slugs: readonly string[],
    private readonly files: ReadonlyArray<Record<Column, DecodedArray>>,
    /** Listing ids in UTF-8 byte order, and for each: its chosen (file, row) and the files that returned it. */
    readonly ids: readonly string[],
    private readonly chosenFile: Int32Array,
    private readonly chosenRow: Int32Array,
    private readonly returnedBy: ReadonlyArray<number[]>,
    /** Rows read per search. */
    readonly rowsBySearch: Readonly<Record<string, number>>,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  static async read(lake: Lake, inputs: readonly SilverShardInput[]): Promise<DayObservations> {
    const ordered = [...inputs].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    const files: Array<Record<Column, DecodedArray>> = [];
    const rowsBySearch: Record<string, number> = {};
    const slotOf = new Map<string, number>();
    const slotIds: string[] = [];
    const chosenFile: number[] = [];
    const chosenRow: number[] = [];
    const chosenFetchedAt: number[] = [];
    const returnedBy: number[][] = [];

    for (const [fileIndex, input] of ordered.entries()) {
      const bytes = await lake.get(input.key);
      if (bytes === undefined) throw new GoldInputError(`silver shard ${input.key} (search ${input.slug}) is listed by its manifest but missing`, input.key);
      let table;
      try {
        table = await readColumns(bytes, COLUMNS);
      } catch (cause) {
        throw new GoldInputError(`cannot read silver shard ${input.key}: ${(cause as Error).message}`, input.key, { cause });
      }
      const columns = table.columns as Record<Column, DecodedArray>;
      files.push(columns);
      rowsBySearch[input.slug] = table.rowCount;
      const ids = columns.listing_id;
      const fetchedAt = columns.fetched_at;
      for (let row = 0; row < table.rowCount; row += 1) {
        const id = ids[row] as string;
        const at = Number(fetchedAt[row]);
        const slot = slotOf.get(id);
        if (slot === undefined) {
          slotOf.set(id, slotIds.length);
          slotIds.push(id);
          chosenFile.push(fileIndex);
          chosenRow.push(row);
          chosenFetchedAt.push(at);
          returnedBy.push([fileIndex]);
          continue;
        }
        // Files come in slug order, so a later file wins only when strictly fresher.
        if (at > chosenFetchedAt[slot]!) {
          chosenFile[slot] = fileIndex;
          chosenRow[slot] = row;
          chosenFetchedAt[slot] = at;
        }
        const searches = returnedBy[slot]!;
        if (searches[searches.length - 1] !== fileIndex) searches.push(fileIndex);
      }
    }

    const order = slotIds.map((_, slot) => slot).sort((a, b) => compareUtf8(slotIds[a]!, slotIds[b]!));
    return new DayObservations(
      ordered.map((input) => input.slug),
      files,
      order.map((slot) => slotIds[slot]!),
      Int32Array.from(order, (slot) => chosenFile[slot]!),
      Int32Array.from(order, (slot) => chosenRow[slot]!),
      order.map((slot) => returnedBy[slot]!),
      rowsBySearch,
    );
  }

  observation(index: number): Observation {
    const file = this.files[this.chosenFile[index]!]!;
    const row = this.chosenRow[index]!;
    const value = <T>(column: Column) => (file[column][row] ?? null) as T;
    return {
      listing_id: this.ids[index]!,
      price: value<number>('price'),
      currency: value('currency'),
      is_reserved: value('is_reserved'),
      is_shippable: value('is_shippable'),
      title: value('title'),
      category_id: value('category_id'),
      category_name: value('category_name'),
      region: value('region'),
      city: value('city'),
      created_at: value('created_at'),
      listing_url: value('listing_url'),
      image_url: value('image_url'),
      searches: this.returnedBy[index]!.map((file) => this.slugs[file]!),
    };
  }
}
