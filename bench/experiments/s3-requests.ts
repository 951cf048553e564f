/**
 * What one S3 request costs the stage that makes it: the CPU the client spends per GetObject /
 * PutObject (AWS SDK v3 through S3Lake: signing, middleware, stream collection), measured in a
 * child process while the server (s3rver) runs in this one, so its CPU is not counted. Also the
 * same reads from a local directory. Bronze pages of a benchmark lake are the objects.
 *
 *   npx tsx --openssl-legacy-provider bench/experiments/s3-requests.ts --dir .data/bench/listings-100000-shards-8 [--objects 1000]
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createS3Client, S3Lake } from '#shared/lake/s3-lake.ts';
import { LOCAL_CREDENTIALS, startEmbeddedS3 } from '#local/embedded-s3.ts';
import type { Lake } from '#shared/lake/lake.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    objects: { type: 'string', default: '1000' },
    child: { type: 'string' },
    endpoint: { type: 'string' },
    bucket: { type: 'string' },
    keys: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
  },
});

async function measure(lake: Lake, keys: string[], concurrency: number): Promise<{ cpuMsPerGet: number; wallMsPerGet: number; cpuMsPerPut: number }> {
  // Warm-up: the first requests load and initialise parts of the SDK.
  for (const key of keys.slice(0, 20)) await lake.get(key);
  let cpu = process.cpuUsage();
  let started = performance.now();
  let next = 0;
  const bodies: Uint8Array[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const body = await lake.get(keys[next++]!);
        if (body) bodies.push(body);
      }
    }),
  );
  let used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  const getCpu = (used.user + used.system) / 1000;
  cpu = process.cpuUsage();
  started = performance.now();
  const puts = bodies.slice(0, 200);
  for (const [index, body] of puts.entries()) await lake.put(`bench-put/${index}.bin`, body);
  used = process.cpuUsage(cpu);
  return { cpuMsPerGet: getCpu / keys.length, wallMsPerGet: wall / keys.length, cpuMsPerPut: (used.user + used.system) / 1000 / puts.length };
}

if (values.child) {
  const keys = JSON.parse(await readFile(values.keys!, 'utf8')) as string[];
  const lake = values.child === 's3' ? new S3Lake(createS3Client({ endpoint: values.endpoint!, credentials: LOCAL_CREDENTIALS }), values.bucket!) : new DirectoryLake(values.dir!);
  process.stdout.write(`${JSON.stringify(await measure(lake, keys, Number(values.concurrency)))}\n`);
} else {
  if (!values.dir) throw new Error('--dir <benchmark lake> is required');
  const source = new DirectoryLake(values.dir);
  const keys = (await source.list('bronze/search/')).filter((key) => key.endsWith('.json.gz')).slice(0, Number(values.objects));
  const s3 = await startEmbeddedS3();
  try {
    for (const key of keys) await s3.lake.put(key, (await source.get(key))!);
    const keysFile = join(s3.directory, 'keys.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(keysFile, JSON.stringify(keys));
    const child = (kind: string, concurrency: number) =>
      new Promise<string>((resolve, reject) => {
        const args = ['--import=tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), fileURLToPath(import.meta.url), '--child', kind, '--keys', keysFile, '--concurrency', String(concurrency), '--dir', values.dir!, '--endpoint', s3.endpoint, '--bucket', s3.bucket];
        const process_ = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        process_.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        process_.on('close', (code) => (code === 0 ? resolve(output.trim()) : reject(new Error(`child exited ${code}`))));
      });
    const bytes = (await Promise.all(keys.slice(0, 100).map(async (key) => (await source.get(key))!.byteLength))).reduce((a, b) => a + b, 0) / 100;
    console.log(`${keys.length} bronze pages (~${(bytes / 1024).toFixed(0)} KB each)`);
    for (const concurrency of [1, 4, 16]) console.log(`S3Lake → s3rver, ${concurrency} at a time: ${await child('s3', concurrency)}`);
    console.log(`DirectoryLake: ${await child('dir', 1)}`);
  } finally {
    await s3.close();
  }
}
