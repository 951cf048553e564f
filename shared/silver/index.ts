/** What silver publishes, for its readers (gold, tools): the manifest, the schema and the shard reader. The entry point (`stage.ts`) is not here. */
export { SilverError, SILVER_MANIFEST_VERSION, type SilverManifest } from './stage.ts';
export { SILVER_COLUMNS, SILVER_COLUMNS_ADDED, SILVER_COLUMN_NAMES, SILVER_SCHEMA_VERSION, type SilverColumnKind, type SilverColumnName, type SilverColumnSpec, type SilverRow } from './schema.ts';
export { SILVER_PARQUET, SILVER_PARQUET_SCHEMA, readSilverRowGroups, readSilverRows, silverParquetMetadata, writeSilverParquet, type ReadSilverOptions } from './parquet.ts';
export { BUCKETING, fnv1a32, shardOf, shardOfListing, type Bucketing } from '../lake/bucket.ts';
export { normaliseItem, SearchItemSchema, type ItemContext, type NormaliseResult, type RowNotes } from './item.ts';
export { ITEM_QUARANTINE_REASONS, PAGE_QUARANTINE_REASONS, type QuarantineReason, type QuarantineRecord } from './quarantine.ts';
export { renderSilverDictionary } from './dictionary.ts';
