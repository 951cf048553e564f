import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { makeItem, random, searchBody, writeBronzeSearch, type PageSpec } from '../helpers/bronze-fixtures.ts';

/**
 * Issue 4 §5: a search with 50,000 listings (1,250 pages) within a 1024 MB Lambda. Silver runs in a
 * child process against the embedded S3 so the measured peak RSS is the stage's alone.
 * SILVER_MEMORY_LISTINGS scales it (e.g. 5000 for a quick run).
 */
const LISTINGS = Number(process.env.SILVER_MEMORY_LISTINGS ?? 50_000);
const PER_PAGE = 40;
const LAMBDA_MB = 1024;

test(`peak RSS of silver for ${LISTINGS} listings in ${Math.ceil(LISTINGS / PER_PAGE)} pages`, async (t) => {
  t.timeout(10 * 60_000);
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());

  const next = random(50_000);
  const filler = 'Se vende por no usar. Funciona perfectamente, batería al 89 %, sin golpes ni arañazos; incluye caja, cargador y funda. Entrega en mano o envío. ';
  const pages: PageSpec[] = [];
  for (let start = 0; start < LISTINGS; start += PER_PAGE) {
    const items = Array.from({ length: Math.min(PER_PAGE, LISTINGS - start) }, () => {
      const item = makeItem(next);
      // Real descriptions run to several hundred characters: size the rows like real ones.
      item.description = `${String(item.title)}. ${filler.repeat(3)}`;
      return item;
    });
    pages.push({ body: searchBody(items, 'search', `token-${start}`), itemCount: items.length });
  }
  const manifestKey = await writeBronzeSearch(s3.lake, { day: '2026-11-24', search: 'big-search', pages, shardCount: 16, concurrency: 32 });
  pages.length = 0;

  const child = fileURLToPath(new URL('../helpers/silver-memory-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', '--openssl-legacy-provider', child, s3.endpoint, s3.bucket, manifestKey], {
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { peakRssMb: number; baselineRssMb: number; elapsedMs: number; rowsWritten: number; sampledPeakHeapMb: number };
  t.log(`silver, ${LISTINGS} listings / ${Math.ceil(LISTINGS / PER_PAGE)} pages: peak RSS ${result.peakRssMb} MB (process baseline ${result.baselineRssMb} MB, sampled peak heap ${result.sampledPeakHeapMb} MB), ${result.elapsedMs} ms`);
  t.is(result.rowsWritten, LISTINGS);
  t.true(result.peakRssMb < LAMBDA_MB * 0.75, `peak RSS ${result.peakRssMb} MB leaves too little of a ${LAMBDA_MB} MB Lambda`);
});
