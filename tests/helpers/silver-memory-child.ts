/**
 * Runs silver alone in a fresh process so its peak RSS is silver's, not the test runner's or the
 * embedded S3 server's. Args: <endpoint> <bucket> <manifestKey>. Prints one JSON line.
 */
import { createS3Client, S3Lake } from '#shared/lake/s3-lake.ts';
import { LOCAL_CREDENTIALS } from '#local/embedded-s3.ts';
import { runSilver } from '#shared/silver/stage.ts';

const [endpoint, bucket, manifestKey] = process.argv.slice(2);
if (!endpoint || !bucket || !manifestKey) throw new Error('usage: silver-memory-child <endpoint> <bucket> <manifestKey>');
const lake = new S3Lake(createS3Client({ endpoint, credentials: LOCAL_CREDENTIALS }), bucket);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const baselineRssMb = mb(process.memoryUsage().rss);
let sampledPeakHeapMb = 0;
const sampler = setInterval(() => {
  sampledPeakHeapMb = Math.max(sampledPeakHeapMb, mb(process.memoryUsage().heapUsed));
}, 100);
const started = performance.now();
const manifest = await runSilver(lake, manifestKey);
clearInterval(sampler);
console.log(
  JSON.stringify({
    baselineRssMb,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    sampledPeakHeapMb,
    elapsedMs: Math.round(performance.now() - started),
    rowsWritten: manifest.counts.rowsWritten,
    pagesRead: manifest.counts.pagesRead,
  }),
);
lake.client.destroy();
