import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetRead, type DecodedArray } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { LakeParquetWriter, parquetSchemaOf, type LakeColumn, type LakeColumnKind } from '#shared/lake/parquet-writer.ts';
import { SNAPPY_DECOMPRESSORS, snappyCompressors } from '#shared/lake/snappy.ts';

/**
 * Random tables of every column kind the lake writes, and the two writers that can write them:
 * the lake's own (shared/lake/parquet-writer.ts) and hyparquet-writer, which wrote every file
 * before it. Shared by the writer's and the reader's property tests.
 */

const KINDS: LakeColumnKind[] = ['STRING', 'DOUBLE', 'INT32', 'BOOLEAN', 'TIMESTAMP', 'DATE', 'STRING_LIST'];

// Few distinct values (dictionaries), near-unique ones (PLAIN), and text that is awkward in UTF-8.
const text = fc.oneof(fc.constantFrom('a', 'b', 'Córdoba', '', 'ß', '\u{1F600}', '\uE000', 'x'.repeat(40)), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
const valueOf: Record<LakeColumnKind, fc.Arbitrary<unknown>> = {
  STRING: text,
  DOUBLE: fc.oneof(fc.constantFrom(0, -0, 1.5, 10, 999.99), fc.double({ noDefaultInfinity: true })),
  INT32: fc.oneof(fc.constantFrom(0, 1, -1, 7), fc.integer()),
  BOOLEAN: fc.boolean(),
  TIMESTAMP: fc.oneof(fc.constantFrom(0, 1_764_000_000_000), fc.integer({ min: -1e12, max: 4e12 })),
  DATE: fc.oneof(fc.constantFrom(20_400, 20_401), fc.integer({ min: -100_000, max: 100_000 })),
  STRING_LIST: fc.array(fc.constantFrom('ropa', 'moviles', 'iphone', 'consolas', 'ñandú'), { maxLength: 4 }),
};

const columnArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  nullable: fc.boolean(),
  statistics: fc.boolean(),
  plain: fc.boolean(),
});

export const tableArb = fc
  .record({
    specs: fc.array(columnArb, { minLength: 1, maxLength: 5 }),
    rows: fc.nat({ max: 260 }),
    groups: fc.integer({ min: 1, max: 3 }),
    pageSize: fc.constantFrom(64, 300, 1 << 18),
    seed: fc.integer(),
  })
  .chain(({ specs, rows, groups, pageSize }) => {
    const columns: LakeColumn[] = specs.map((spec, index) => ({ name: `c${index}`, ...spec }));
    const data = fc.tuple(
      ...columns.map((column) => {
        const value = valueOf[column.kind];
        return fc.array(column.nullable ? fc.option(value, { freq: 4 }) : value, { minLength: rows, maxLength: rows });
      }),
    );
    return data.map((arrays) => ({ columns, groups, pageSize, data: Object.fromEntries(columns.map((column, index) => [column.name, arrays[index]!])) as Record<string, unknown[]> }));
  });

export type Table = { columns: LakeColumn[]; groups: number; pageSize: number; data: Record<string, unknown[]> };

export const rowCountOf = (table: Table) => table.data[table.columns[0]!.name]!.length;

function groupsOf(table: Table): Array<Record<string, unknown[]>> {
  const rows = rowCountOf(table);
  const size = Math.max(1, Math.ceil(rows / table.groups));
  const groups = [];
  for (let start = 0; start < rows; start += size) groups.push(Object.fromEntries(table.columns.map((column) => [column.name, table.data[column.name]!.slice(start, start + size)])));
  return groups;
}

/** `bufferPartSize`: the writer's output in parts of that many bytes (the file must not depend on it). */
export function writeOurs(table: Table, bufferPartSize?: number): Uint8Array {
  const writer = new LakeParquetWriter(table.columns, { pageSize: table.pageSize, statisticsTruncateLength: 32, createdBy: 'test', kvMetadata: { b: '2', a: '1' }, ...(bufferPartSize === undefined ? {} : { bufferPartSize }) });
  for (const group of groupsOf(table)) writer.writeGroup(group);
  return writer.finish();
}

export function writeLibrary(table: Table): Uint8Array {
  const size = Math.max(1, Math.ceil(rowCountOf(table) / table.groups));
  const columnData: ColumnSource[] = table.columns.map((column) => ({
    name: column.name,
    data: table.data[column.name] as DecodedArray,
    ...(column.statistics ? {} : { statistics: false }),
    ...(column.plain ? { encoding: 'PLAIN' as const } : {}),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: parquetSchemaOf(table.columns), codec: 'SNAPPY', compressors: snappyCompressors(), rowGroupSize: size, pageSize: table.pageSize, statisticsTruncateLength: 32 }));
}

export const names = (table: Table) => table.columns.map((column) => column.name);


/** Every row of `names`, one array per column, read by hyparquet alone (no fast path), values as the pipeline reads them. */
export async function readWithHyparquet(bytes: Uint8Array, columns: readonly string[]): Promise<Record<string, unknown[]>> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: unknown[][] = [];
  await parquetRead({
    file,
    columns: [...columns],
    compressors: SNAPPY_DECOMPRESSORS,
    parsers: { timestampFromMilliseconds: (millis: bigint) => Number(millis), dateFromDays: (days: number) => days },
    onComplete: (data) => {
      rows = data as unknown[][];
    },
  });
  return Object.fromEntries(columns.map((name, index) => [name, rows.map((row) => row[index])]));
}

/** An in-memory DuckDB and a scratch directory for its files, both gone after `use`. */
export async function withDuckDb<T>(prefix: string, use: (connection: DuckDBConnection, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    return await use(connection, dir);
  } finally {
    connection.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
