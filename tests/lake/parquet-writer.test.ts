import test from 'ava';
import fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { LakeParquetWriter, type LakeColumn } from '#shared/lake/parquet-writer.ts';
import { names, readWithHyparquet, rowCountOf, tableArb, withDuckDb, writeLibrary, writeOurs, type Table } from '../helpers/parquet-tables.ts';

/**
 * The lake's own writer against hyparquet-writer, the library it replaces for our files: random
 * tables of every column kind, written by both, must read back as the same values (hyparquet, and
 * DuckDB as an independent reader) with the same chunk statistics.
 */

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
      t.deepEqual(writeOurs(table, 7), ours, 'the same bytes when the output is kept in 7-byte parts');
      const library = writeLibrary(table);
      const [mine, theirs] = await Promise.all([readWithHyparquet(ours, names(table)), readWithHyparquet(library, names(table))]);
      t.deepEqual(mine, theirs);
      t.deepEqual(statisticsOf(ours, table), statisticsOf(library, table));
      const metadata = parquetMetadata(ours.buffer.slice(ours.byteOffset, ours.byteOffset + ours.byteLength) as ArrayBuffer);
      t.deepEqual(metadata.key_value_metadata, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    }),
    { numRuns: 300 },
  );
});

test('DuckDB reads the same rows from our file as from hyparquet-writer’s', async (t) => {
  await withDuckDb('parquet-writer-', async (connection, dir) => {
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
  });
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
  // A refused group leaves the groups written before it, and the file, whole. Columns are written
  // one by one, so the refused group's first column is already written when the second fails: in
  // 8-byte parts, its bytes fill several parts that the writer must drop.
  const reads = [undefined, 8].map((bufferPartSize) => {
    const kept = new LakeParquetWriter(columns, { pageSize: 1024, statisticsTruncateLength: 32, createdBy: 'test', ...(bufferPartSize === undefined ? {} : { bufferPartSize }) });
    kept.writeGroup({ id: ['a'], n: [1] });
    t.throws(() => kept.writeGroup({ id: ['b', 'c'], n: [2, 'three'] }), { message: /INT32 column holds three/ });
    kept.writeGroup({ id: ['d'], n: [null] });
    return kept.finish();
  });
  t.deepEqual(reads[1], reads[0], 'the same bytes with the output in 8-byte parts');
  return readWithHyparquet(reads[0]!, ['id', 'n']).then((read) => t.deepEqual(read, { id: ['a', 'd'], n: [1, null] }));
});
