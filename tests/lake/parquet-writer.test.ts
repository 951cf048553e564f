import test from 'ava';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, type DecodedArray } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { readColumns } from '#shared/gold/parquet.ts';
import { LakeParquetWriter, parquetSchemaOf, type LakeColumn, type LakeColumnKind } from '#shared/lake/parquet-writer.ts';
import { snappyCompressors } from '#shared/lake/snappy.ts';

/**
 * The lake's own writer against hyparquet-writer, the library it replaces for our files: random
 * tables of every column kind, written by both, must read back as the same values (hyparquet, and
 * DuckDB as an independent reader) with the same chunk statistics.
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

const tableArb = fc
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

type Table = { columns: LakeColumn[]; groups: number; pageSize: number; data: Record<string, unknown[]> };

const rowCountOf = (table: Table) => table.data[table.columns[0]!.name]!.length;

function groupsOf(table: Table): Array<Record<string, unknown[]>> {
  const rows = rowCountOf(table);
  const size = Math.max(1, Math.ceil(rows / table.groups));
  const groups = [];
  for (let start = 0; start < rows; start += size) groups.push(Object.fromEntries(table.columns.map((column) => [column.name, table.data[column.name]!.slice(start, start + size)])));
  return groups;
}

function writeOurs(table: Table): Uint8Array {
  const writer = new LakeParquetWriter(table.columns, { pageSize: table.pageSize, statisticsTruncateLength: 32, createdBy: 'test', kvMetadata: { b: '2', a: '1' } });
  for (const group of groupsOf(table)) writer.writeGroup(group);
  return writer.finish();
}

function writeLibrary(table: Table): Uint8Array {
  const size = Math.max(1, Math.ceil(rowCountOf(table) / table.groups));
  const columnData: ColumnSource[] = table.columns.map((column) => ({
    name: column.name,
    data: table.data[column.name] as DecodedArray,
    ...(column.statistics ? {} : { statistics: false }),
    ...(column.plain ? { encoding: 'PLAIN' as const } : {}),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: parquetSchemaOf(table.columns), codec: 'SNAPPY', compressors: snappyCompressors(), rowGroupSize: size, pageSize: table.pageSize, statisticsTruncateLength: 32 }));
}

const names = (table: Table) => table.columns.map((column) => column.name);

/** Chunk statistics as comparable plain data (bytes as hex). */
function statisticsOf(bytes: Uint8Array, table: Table) {
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return metadata.row_groups.map((group) =>
    group.columns
      .filter((_, index) => table.columns[index]!.statistics && table.columns[index]!.kind !== 'STRING_LIST')
      .map((chunk) => {
        const stats = chunk.meta_data?.statistics;
        return { min: String(stats?.min_value), max: String(stats?.max_value), nulls: String(stats?.null_count) };
      }),
  );
}

test('random tables of every column kind read back as the values hyparquet-writer’s file holds, with the same statistics', async (t) => {
  await fc.assert(
    fc.asyncProperty(tableArb, async (table) => {
      const ours = writeOurs(table);
      const library = writeLibrary(table);
      const [mine, theirs] = await Promise.all([readColumns(ours, names(table)), readColumns(library, names(table))]);
      t.deepEqual(mine, theirs);
      t.deepEqual(statisticsOf(ours, table), statisticsOf(library, table));
      const metadata = parquetMetadata(ours.buffer.slice(ours.byteOffset, ours.byteOffset + ours.byteLength) as ArrayBuffer);
      t.deepEqual(metadata.key_value_metadata, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    }),
    { numRuns: 300 },
  );
});

test('DuckDB reads the same rows from our file as from hyparquet-writer’s', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'parquet-writer-'));
  const duckdb = await DuckDBInstance.create(':memory:');
  const connection = await duckdb.connect();
  try {
    const tables = fc.sample(tableArb, { numRuns: 25, seed: 20261204 });
    for (const [index, table] of tables.entries()) {
      const ours = join(dir, `ours-${index}.parquet`);
      const library = join(dir, `library-${index}.parquet`);
      await writeFile(ours, writeOurs(table));
      await writeFile(library, writeLibrary(table));
      const read = (path: string) => `SELECT * FROM read_parquet('${path}', file_row_number = true)`;
      const differing = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ((${read(ours)} EXCEPT ALL ${read(library)}) UNION ALL (${read(library)} EXCEPT ALL ${read(ours)}))`);
      const counted = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet('${ours}')`);
      t.is(differing.getRows()[0]![0], 0, `table ${index}: rows differ`);
      t.is(counted.getRows()[0]![0], rowCountOf(table), `table ${index}: row count`);
    }
  } finally {
    connection.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad input is refused with the column named: a null in a required column, a value of the wrong kind', (t) => {
  const columns: LakeColumn[] = [
    { name: 'id', kind: 'STRING', nullable: false },
    { name: 'n', kind: 'INT32', nullable: true },
  ];
  const writer = () => new LakeParquetWriter(columns, { pageSize: 1024, statisticsTruncateLength: 32, createdBy: 'test' });
  t.throws(() => writer().writeGroup({ id: ['a', null], n: [1, 2] }), { message: /required column id has no value at row 1/ });
  t.throws(() => writer().writeGroup({ id: ['a', 'b'], n: [1, 2.5] }), { message: /INT32 column holds 2.5/ });
  t.throws(() => writer().writeGroup({ id: ['a', 'b'] }), { message: /no data for column n/ });
  t.throws(() => writer().writeGroup({ id: ['a', 'b'], n: [1] }), { message: /column n has 1 values, expected 2/ });
});
