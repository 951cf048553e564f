/**
 * The gold stage's public surface: the three Lambda entry points, the partial-aggregate algebra,
 * and the dashboard's JSON types.
 */
export { runGoldFanout, undispatchedReason, type GoldFanoutResult } from './fanout.ts';
export { runGoldShard, type GoldShardResult } from './shard.ts';
export { runGoldFanin, unpublishedReason, type GoldFaninResult } from './fanin.ts';
export { DEFAULT_GOLD_OPTIONS, resolveGoldOptions, type GoldOptions } from './options.ts';
export { GoldError, GoldInputError } from './errors.ts';
export { GOLD_TABLES, goldKeys, type GoldTable } from './keys.ts';
export { GOLD_TABLE_COLUMNS } from './tables.ts';
export { STATE_COLUMNS, type ListingState } from './state.ts';
export { mergePartials, type GoldPartial } from './partial.ts';
export { decodePartial, encodePartial } from './partial-file.ts';
export { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './sketch.ts';
export { previousGoldDay, readGoldManifest, type GoldManifest } from './manifest.ts';
export type { GoldTask } from './task.ts';
export * from './dashboard.ts';
