/**
 * What gold publishes, for its readers (alerts, the dashboard, tools): the tables' and the state's
 * columns and readers, the manifest, the partial-aggregate algebra and the dashboard's JSON types.
 * The three Lambda entry points are not here: each handler imports its own `*-stage.ts`, so a
 * reader's bundle carries none of the stage's running code.
 */
export { DEFAULT_GOLD_OPTIONS, resolveGoldOptions, type GoldOptions } from './options.ts';
export { GoldError, GoldInputError } from './gold-errors.ts';
export { GOLD_TABLES, dayOfGoldManifest, goldKeys, type GoldTable } from '../lake/keys.ts';
export { GOLD_TABLE_COLUMNS } from './tables.ts';
export { STATE_COLUMNS, openStateCursor, type ListingState, type StateProjection } from './state.ts';
export { categoryKey } from './groups.ts';
export { listingFacts } from './cards.ts';
export { mergePartials, type GoldPartial } from './partial.ts';
export { decodePartial, encodePartial } from './partial-file.ts';
export { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './sketch.ts';
export { previousGoldDay, readGoldManifest, type GoldManifest } from './manifest.ts';
export type { GoldTask } from './task.ts';
export * from './dashboard.ts';
