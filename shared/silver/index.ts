/** The silver stage's public surface: the handler needs `runSilver`; gold needs the schema and the reader. */
export { runSilver, loadCategories, SilverError, SILVER_MANIFEST_VERSION, type SilverManifest, type SilverOptions, type SilverPageProgress } from './stage.ts';
export { SILVER_COLUMNS, SILVER_COLUMN_NAMES, SILVER_SCHEMA_VERSION, type SilverColumnKind, type SilverColumnName, type SilverColumnSpec, type SilverRow } from './schema.ts';
export { SILVER_PARQUET, SILVER_PARQUET_SCHEMA, readSilverRowGroups, readSilverRows, silverParquetMetadata, writeSilverParquet, type ReadSilverOptions } from './parquet.ts';
export { BUCKETING, fnv1a32, shardOf, shardOfListing, type Bucketing } from '../lake/bucket.ts';
export { normaliseItem, SearchItemSchema, type ItemContext, type NormaliseResult, type RowNotes } from './item.ts';
export { ITEM_QUARANTINE_REASONS, PAGE_QUARANTINE_REASONS, type QuarantineReason, type QuarantineRecord } from './quarantine.ts';
export { renderSilverDictionary } from './dictionary.ts';
