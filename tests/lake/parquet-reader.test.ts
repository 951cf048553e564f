import test from 'ava';
import fc from 'fast-check';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { readColumns } from '#shared/gold/parquet.ts';
import { readRowGroupFast } from '#shared/lake/parquet-reader.ts';
import { names, readWithHyparquet, tableArb, withDuckDb, writeLibrary, writeOurs, type Table } from '../helpers/parquet-tables.ts';

/**
 * The fast path for reading the lake's own files against hyparquet: on random tables written by
 * the lake's writer and by hyparquet-writer (every state file before it), each row group reads as
 * the same values; a file of another writer (DuckDB's data pages v1) is left to hyparquet.
 */

const metadataOf = (bytes: Uint8Array) => parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

/** Row group by row group through the fast path, concatenated; undefined if any group fell back. */
function readFast(bytes: Uint8Array, table: Table): Record<string, unknown[]> | undefined {
  const metadata = metadataOf(bytes);
  const columns: Record<string, unknown[]> = Object.fromEntries(names(table).map((name) => [name, []]));
  for (let group = 0; group < metadata.row_groups.length; group += 1) {
    const part = readRowGroupFast(bytes, metadata, group, names(table));
    if (part === undefined) return undefined;
    for (const name of names(table)) columns[name]!.push(...part[name]!);
  }
  return columns;
}

test('every row group of both writers’ files reads through the fast path as hyparquet reads it', async (t) => {
  await fc.assert(
    fc.asyncProperty(tableArb, async (table) => {
      for (const bytes of [writeOurs(table), writeLibrary(table)]) {
        const expected = await readWithHyparquet(bytes, names(table));
        const fast = readFast(bytes, table);
        t.not(fast, undefined, 'the fast path understood the file');
        t.deepEqual(fast, expected);
      }
    }),
    { numRuns: 300 },
  );
});

test('a file of another writer (DuckDB: data pages v1) is left to hyparquet, and readColumns still reads it', async (t) => {
  await withDuckDb('parquet-reader-', async (connection, dir) => {
    const tables = fc.sample(tableArb.filter((table) => table.data.c0!.length > 0), { numRuns: 10, seed: 20261204 });
    let fellBack = 0;
    for (const [index, table] of tables.entries()) {
      const ours = join(dir, `ours-${index}.parquet`);
      const theirs = join(dir, `duckdb-${index}.parquet`);
      await writeFile(ours, writeOurs(table));
      await connection.run(`COPY (SELECT ${names(table).join(', ')} FROM read_parquet('${ours}')) TO '${theirs}' (FORMAT parquet)`);
      const bytes = new Uint8Array(await readFile(theirs));
      if (readFast(bytes, table) === undefined) fellBack += 1;
      const expected = await readWithHyparquet(bytes, names(table));
      const read = await readColumns(bytes, names(table));
      t.deepEqual(read.columns, expected, `table ${index}`);
    }
    t.is(fellBack, tables.length, 'every DuckDB file fell back to hyparquet');
  });
});
