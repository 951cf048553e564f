/**
 * DuckDB's copy of a day's bronze pages, made before the benchmark times anything (bench/duckdb.ts
 * reads it). Kept apart from bench/duckdb.ts so that the benchmark's parent process, which makes
 * the copy, does not load DuckDB.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { splitEnvelopeText } from '#shared/extract/envelope.ts';
import type { Day } from '#shared/lake/keys.ts';

/** Where the benchmark keeps DuckDB's copy of a day's pages (outside `duckdb/`, which every preparation clears). */
export const DUCKDB_PAGES = 'duckdb-input';
export const pagesDone = (root: string, day: Day) => join(root, DUCKDB_PAGES, `pages-${day}.json`);

/**
 * The day's search pages for DuckDB's silver, in envelope version 1: the same envelopes and bodies,
 * each page one JSON object, the body a JSON string in it. Since 2026-12-04 the pipeline writes
 * version 2 (a line of envelope, then the body: ../shared/lake/bronze.ts), which silver parses
 * faster; DuckDB reads version 2 slower, since each page's two lines must be paired by file (a
 * join that carries the bodies: reading the 100k day's pages into items took DuckDB 1.9–2.4 s of
 * CPU, one thread, against 0.95–1.1 s from version 1). The yardstick reads the layout it reads
 * fastest. Written once per lake and day, before anything is timed.
 */
export async function duckdbPages(root: string, day: Day): Promise<number> {
  const done = pagesDone(root, day);
  if (existsSync(done)) return (JSON.parse(await readFile(done, 'utf8')) as { pages: number }).pages;
  const dayDirectory = join(root, `bronze/search/dt=${day}`);
  const files = (await Promise.all((await readdir(dayDirectory)).map(async (search) => (await readdir(join(dayDirectory, search))).filter((name) => /^page-\d+\.json\.gz$/.test(name)).map((name) => join(search, name))))).flat();
  const unzip = promisify(gunzip);
  const zip = promisify(gzip);
  let next = 0;
  // zlib runs on libuv's threads: a few files at once keep both cores busy.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < files.length) {
        const file = files[next++]!;
        const text = (await unzip(await readFile(join(dayDirectory, file)))).toString('utf8');
        const version2 = splitEnvelopeText(text);
        const version1 = version2 === undefined ? text : JSON.stringify({ ...version2.header, envelopeVersion: 1, body: version2.body });
        const target = join(root, DUCKDB_PAGES, `bronze/search/dt=${day}`, file);
        await mkdir(join(target, '..'), { recursive: true });
        await writeFile(target, await zip(version1));
      }
    }),
  );
  await writeFile(done, JSON.stringify({ pages: files.length }));
  return files.length;
}
