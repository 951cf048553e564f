import { keys } from '../lake/keys.ts';
import type { Lake } from '../lake/lake.ts';
import { shardOf } from '../silver/bucket.ts';
import { compareUtf8 } from '../silver/parquet.ts';
import { GoldInputError } from './errors.ts';
import type { GoldManifest } from './manifest.ts';
import { StateTable } from './state.ts';

/**
 * State shard K as of the previous gold day, sorted by listing id.
 *
 * Normally that is the one file the previous manifest lists for shard K. If the shard count
 * changed between the two days, listings are bucketed differently, so shard K reads every previous
 * shard and keeps the listings that now hash to K: a one-off cost on the day of the change that
 * keeps every listing's history (docs/gold.md, "Choosing the shard count").
 */
export async function loadPreviousState(lake: Lake, previous: GoldManifest | null, shard: number, shardCount: number): Promise<StateTable> {
  if (previous === null) return StateTable.empty();
  if (previous.shardCount === shardCount) {
    const entry = previous.state.find((item) => item.shard === shard);
    if (entry === undefined) throw new GoldInputError(`gold manifest of ${previous.day} lists no state for shard ${shard}`, keys.goldManifest(previous.day));
    return sortedById(await readState(lake, entry.key));
  }
  const parts: StateTable[] = [];
  for (const entry of previous.state) {
    const table = await readState(lake, entry.key);
    const mine: number[] = [];
    for (let row = 0; row < table.rowCount; row += 1) if (shardOf(table.id(row), shardCount) === shard) mine.push(row);
    parts.push(table.select(mine));
  }
  return sortedById(parts.length === 0 ? StateTable.empty() : StateTable.concat(parts));
}

async function readState(lake: Lake, key: string): Promise<StateTable> {
  const bytes = await lake.get(key);
  if (bytes === undefined) throw new GoldInputError(`state file ${key} is listed by a gold manifest but missing`, key);
  try {
    return await StateTable.fromParquet(bytes);
  } catch (cause) {
    throw new GoldInputError(`cannot read state file ${key}: ${(cause as Error).message}`, key, { cause });
  }
}

function sortedById(table: StateTable): StateTable {
  let sorted = true;
  for (let row = 1; row < table.rowCount && sorted; row += 1) sorted = compareUtf8(table.id(row - 1), table.id(row)) < 0;
  if (sorted) return table;
  const order = Array.from({ length: table.rowCount }, (_, row) => row).sort((a, b) => compareUtf8(table.id(a), table.id(b)));
  return table.select(order);
}
