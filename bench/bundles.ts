/**
 * The deployed artefacts: package every function with the framework (`serverless package`), read
 * each zip's size and the size of the handler bundle inside it, and run the bundles the way Lambda
 * does: a fresh `node` process imports the handler .mjs and handles one S3 event against an
 * embedded S3 server (s3rver, in this process). Two uses:
 *   - cold start: time from the child's process start to the handler's result, on a small day;
 *   - "as deployed": the bundled silver / gold shard / fan-in handlers over the benchmark's own
 *     lake, copied into an embedded S3, reporting handler time and the process's peak RSS.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startEmbeddedS3, LOCAL_CREDENTIALS, type EmbeddedS3 } from '#local/embedded-s3.ts';
import { keys } from '#shared/lake/keys.ts';
import type { Lake } from '#shared/lake/lake.ts';
import { createMarket, startSimulator, type SimulatorHandle } from '#simulator/index.ts';
import { functionBuildOptions } from './esbuild-options.ts';
import { ZipFile } from './zip.ts';
import { S3_ROUND_TRIP_MS } from './results.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface BundleInfo {
  /** The function's name in serverless.yml. */
  name: string;
  zipBytes: number;
  /** The handler bundle (.mjs) inside the zip, uncompressed. */
  mjsBytes: number;
  /** The source map beside it, uncompressed (loaded only with --enable-source-maps). */
  mapBytes: number;
  /** Where the zip was extracted. */
  handlerPath: string;
  /** From the packaged CloudFormation template: the function's memory and its NODE_OPTIONS. */
  memoryMb: number;
  nodeOptions: string[];
}

interface TemplateFunction {
  Type: string;
  Properties: { MemorySize?: number; Environment?: { Variables?: Record<string, unknown> } };
}

/** Not copied into the packaging copy of the service: dependencies are linked, the rest is not the service's. */
const NOT_COPIED = new Set(['node_modules', '.git', '.data', '.esbuild', '.serverless', 'test-artifacts', 'bench/results', 'dashboard/dist', 'dashboard/.astro', 'dashboard/node_modules']);

/**
 * Runs `serverless package` into `outDir` and extracts every function's zip beside it. The
 * framework runs on a copy of the service (node_modules linked), because serverless-esbuild
 * builds in `.esbuild/` of the service directory and another packaging run (a test) may be using
 * the repository's at the same moment.
 */
export async function packageFunctions(outDir: string): Promise<{ ms: number; bundles: BundleInfo[] }> {
  // Beside the package directory, not in it: the framework moves its artifacts into that one.
  const service = `${outDir}-service`;
  await rm(outDir, { recursive: true, force: true });
  await rm(service, { recursive: true, force: true });
  // Entry by entry: the bench's lake (and so `service`) may live inside the repository (.data/), and
  // fs.cp refuses to copy a directory into itself before any filter is asked.
  await mkdir(service, { recursive: true });
  for (const entry of await readdir(REPO)) {
    if (NOT_COPIED.has(entry)) continue;
    await cp(join(REPO, entry), join(service, entry), { recursive: true, filter: (source) => !NOT_COPIED.has(relative(REPO, source).split(sep).join('/')) });
  }
  await symlink(join(REPO, 'node_modules'), join(service, 'node_modules'), 'dir');
  const started = performance.now();
  // serverless-esbuild leaves a copy of every zip's contents in the temporary directory: give it
  // one of its own and delete it afterwards.
  const scratch = `${outDir}-tmp`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    await runCommand(join(REPO, 'node_modules/.bin/serverless'), ['package', '--stage', 'dev', '--region', 'eu-west-1', '--package', outDir], service, { TMPDIR: scratch });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const ms = performance.now() - started;
  const template = JSON.parse(await readFile(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, TemplateFunction> };
  const bundles: BundleInfo[] = [];
  for (const file of (await readdir(outDir)).filter((name) => name.endsWith('.zip') && name !== 'custom-resources.zip').sort()) {
    const name = file.slice(0, -'.zip'.length);
    const zip = await ZipFile.open(join(outDir, file));
    const target = join(outDir, 'extracted', name);
    let handlerPath = '';
    let mjsBytes = 0;
    let mapBytes = 0;
    for (const entry of zip.entries) {
      if (entry.name.endsWith('/')) continue;
      const path = join(target, entry.name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, zip.read(entry));
      if (entry.name.endsWith('.mjs')) {
        mjsBytes += entry.size;
        if (entry.name.endsWith('handler.mjs')) handlerPath = path;
      } else if (entry.name.endsWith('.map')) mapBytes += entry.size;
    }
    if (handlerPath === '') throw new Error(`${file} has no handler.mjs`);
    const resource = template.Resources[`${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`];
    const nodeOptions = resource?.Properties.Environment?.Variables?.NODE_OPTIONS;
    bundles.push({
      name,
      zipBytes: (await stat(join(outDir, file))).size,
      mjsBytes,
      mapBytes,
      handlerPath,
      memoryMb: resource?.Properties.MemorySize ?? 1024,
      nodeOptions: typeof nodeOptions === 'string' ? nodeOptions.split(/\s+/).filter(Boolean) : [],
    });
  }
  return { ms, bundles };
}

function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // osls prints "Error:" and may still exit 0.
      if (code === 0 && !/^Error:/m.test(output)) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

/** The child: imports the bundle, handles one event, prints its timings (ms since process start). */
const RUNNER = `
const importStarted = performance.now();
const [handlerPath, eventJson, functionName, memory] = process.argv.slice(2);
const { handler } = await import(new URL('file://' + handlerPath).href);
const imported = performance.now();
const deadline = Date.now() + 900000;
const context = {
  functionName, functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:' + functionName,
  memoryLimitInMB: memory, awsRequestId: 'bench-' + process.pid, logGroupName: '/aws/lambda/' + functionName,
  logStreamName: 'bench', callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => deadline - Date.now(),
};
let error = null;
const cpu = process.cpuUsage();
try { await handler(JSON.parse(eventJson), context); } catch (caught) { error = String(caught && caught.stack || caught); }
const handled = performance.now();
const used = process.cpuUsage(cpu);
const handlerCpuMs = (used.user + used.system) / 1000;
process.stderr.write('\\n__BENCH__' + JSON.stringify({ importStarted, imported, handled, handlerCpuMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), error }) + '\\n');
process.exit(error ? 1 : 0);
`;

export interface HandlerRun {
  /** From process start to the handler's result (what a cold start costs). */
  coldMs: number;
  /** From process start to the bundle imported: Lambda's init phase as this machine runs it. */
  initMs: number;
  /** The import of the bundle (Lambda's init phase, node's own boot excluded). */
  importMs: number;
  /** The handler call alone. */
  handlerMs: number;
  handlerCpuMs: number;
  /** As the parent saw it: spawn to the result line. */
  wallMs: number;
  maxRssMb: number;
}

export interface HandlerEnvironment {
  s3: EmbeddedS3;
  /** Extra environment (the simulator's URL for plan and extract). */
  env?: Record<string, string>;
  /** Node flags instead of the function's NODE_OPTIONS (as serverless.yml sets them). */
  nodeFlags?: string[];
}

export async function runBundledHandler(bundle: BundleInfo, event: unknown, environment: HandlerEnvironment, runnerDir: string): Promise<HandlerRun> {
  const memoryMb = bundle.memoryMb;
  const runner = join(runnerDir, 'bench-lambda-runner.mjs');
  await mkdir(runnerDir, { recursive: true });
  await writeFile(runner, RUNNER);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: bundle.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    DATA_BUCKET: environment.s3.bucket,
    S3_ENDPOINT: environment.s3.endpoint,
    SHARD_COUNT: '8',
    POWERTOOLS_SERVICE_NAME: 'wallapop-market',
    POWERTOOLS_METRICS_NAMESPACE: 'WallapopMarket',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...environment.env,
  };
  const started = performance.now();
  const child = spawn(process.execPath, [...(environment.nodeFlags ?? bundle.nodeOptions), runner, bundle.handlerPath, JSON.stringify(event), bundle.name, String(memoryMb)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let wallMs = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (wallMs === 0 && stderr.includes('__BENCH__')) wallMs = performance.now() - started;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stderr.split('\n').find((text) => text.startsWith('__BENCH__'));
  if (!line) throw new Error(`${bundle.name} bundle exited with ${code} without a result:\n${stderr.slice(-2000)}`);
  const report = JSON.parse(line.slice('__BENCH__'.length)) as { importStarted: number; imported: number; handled: number; handlerCpuMs: number; maxRssMb: number; error: string | null };
  if (report.error) throw new Error(`${bundle.name} bundle failed: ${report.error}`);
  return {
    coldMs: report.handled,
    initMs: report.imported,
    importMs: report.imported - report.importStarted,
    handlerMs: report.handled - report.imported,
    handlerCpuMs: report.handlerCpuMs,
    wallMs,
    maxRssMb: report.maxRssMb,
  };
}

/** An S3 event notification for one object, keys encoded as S3 encodes them. */
export function s3Event(bucket: string, key: string): unknown {
  const encoded = encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+');
  return { Records: [{ eventName: 'ObjectCreated:Put', eventTime: '2026-11-24T07:00:00.000Z', s3: { bucket: { name: bucket }, object: { key: encoded } } }] };
}

/** Copies the keys of a directory lake that `keep` selects into another lake (the embedded S3). */
export async function copyLake(root: string, target: Lake, keep: (key: string) => boolean, concurrency = 8): Promise<{ objects: number; bytes: number }> {
  const keysFound: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const key = relative(root, path).split(sep).join('/');
        if (keep(key)) keysFound.push(key);
      }
    }
  };
  await walk(root);
  let bytes = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keysFound.length) {
        const key = keysFound[next++]!;
        const body = await readFile(join(root, key));
        bytes += body.length;
        await target.put(key, body);
      }
    }),
  );
  return { objects: keysFound.length, bytes };
}

/**
 * The same runner importing a module that holds only an empty handler: what Node's boot and the
 * runner cost on this machine at that moment, the anchor a function's cold start is read against
 * (this machine's speed moves between runs by half as much again).
 */
export interface NodeBaselineRuns {
  idleMs: number[];
  loadedMs: number[];
  /** The runtime alone (./cold-start-floor.ts), idle, with every core busy and with S3 trips; empty when it could not be bundled. */
  runtime: { idleMs: number[]; loadedMs: number[]; roundTripsMs: number[]; error?: string };
}

/** ./cold-start-floor.ts bundled as serverless-esbuild bundles a function, with the provider's NODE_OPTIONS. */
async function bundleRuntimeFloor(workDir: string): Promise<BundleInfo> {
  const outdir = join(workDir, 'runtime-floor');
  await build({ ...functionBuildOptions(), entryPoints: [join(REPO, 'bench', 'cold-start-floor.ts')], bundle: true, outdir, logLevel: 'silent' });
  const handlerPath = join(outdir, 'cold-start-floor.mjs');
  return { name: 'runtime-floor', zipBytes: 0, mjsBytes: (await stat(handlerPath)).size, mapBytes: (await stat(`${handlerPath}.map`)).size, handlerPath, memoryMb: 512, nodeOptions: ['--enable-source-maps'] };
}

export interface ColdStartSample {
  name: string;
  /** The event handled (for the record). */
  trigger: string;
  runs: HandlerRun[];
  runsWithoutSourceMaps: HandlerRun[];
  /** As deployed, while every core of the machine is busy (a Lambda host's neighbours, a burst of invocations). */
  runsLoaded: HandlerRun[];
  /** As deployed, idle, every S3 request made to wait S3_ROUND_TRIP_MS (a deployed function's round trips). */
  runsWithRoundTrips: HandlerRun[];
  /** Why there are no runs, when the function failed locally. */
  error?: string;
}

/**
 * A small day (a 5,000-listing simulated market, the repository's searches.yml compiled into the
 * plan bundle) run through every bundle once to build its lake, then `runs` more times per
 * function on the same event, with the function's NODE_OPTIONS (serverless.yml sets
 * --enable-source-maps) and without --enable-source-maps. Functions whose trigger this
 * does not know (or that need a service s3rver lacks, such as SNS) get no figure.
 */
export async function measureColdStarts(bundles: readonly BundleInfo[], day: string, runs: number, workDir: string, log: (line: string) => void): Promise<{ samples: ColdStartSample[]; baseline: NodeBaselineRuns }> {
  const s3 = await startEmbeddedS3({ directory: join(workDir, 's3-cold') });
  let simulator: SimulatorHandle | undefined;
  try {
    const market = createMarket({ seed: 5, listings: 5_000, startDay: day });
    simulator = await startSimulator({ market, day });
    const env = { WALLAPOP_BASE_URL: simulator.url, WALLAPOP_REQUESTS_PER_SECOND: '50', WALLAPOP_BACKOFF_BASE_MS: '10' };
    const bundle = (name: string) => {
      const found = bundles.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no packaged function ${name}`);
      return found;
    };
    const deployed = { s3, env };
    const invoke = (name: string, event: unknown) => runBundledHandler(bundle(name), event, deployed, workDir);
    const list = (prefix: string) => s3.lake.list(prefix);

    // Round 0: the pipeline, every event once, so that each stage's input exists.
    await invoke('plan', { day, force: true });
    const tasks = (await list(`control/extract/dt=${day}/`)).filter((key) => key.endsWith('.json'));
    for (const key of tasks) await invoke('extract', s3Event(s3.bucket, key));
    const bronze = (await list(`bronze/search/dt=${day}/`)).filter((key) => key.endsWith('_manifest.json'));
    for (const key of bronze) await invoke('silver', s3Event(s3.bucket, key));
    const silver = await list(`silver/_manifests/dt=${day}/`);
    for (const key of silver) await invoke('goldFanout', s3Event(s3.bucket, key));
    const goldTasks = await list(`control/gold/dt=${day}/`);
    for (const key of goldTasks) await invoke('goldShard', s3Event(s3.bucket, key));
    const partials = await list(`gold/partials/dt=${day}/`);
    await invoke('goldFanin', s3Event(s3.bucket, partials.at(-1)!));
    log(`  cold-start lake: ${tasks.length} searches, ${goldTasks.length} shards, day ${day} published`);

    const manifest = keys.goldManifest(day);
    const events: Array<[string, string, unknown]> = [
      ['plan', `{ day: ${day}, force: true }`, { day, force: true }],
      ['extract', tasks[0]!, s3Event(s3.bucket, tasks[0]!)],
      ['silver', bronze[0]!, s3Event(s3.bucket, bronze[0]!)],
      ['goldFanout', silver.at(-1)!, s3Event(s3.bucket, silver.at(-1)!)],
      ['goldShard', goldTasks[0]!, s3Event(s3.bucket, goldTasks[0]!)],
      ['goldFanin', partials.at(-1)!, s3Event(s3.bucket, partials.at(-1)!)],
      ['alertEvaluate', manifest, s3Event(s3.bucket, manifest)],
      ['watchdog', `{ day: ${day} }`, { day }],
    ];
    const emptyHandler = join(workDir, 'empty-handler.mjs');
    await writeFile(emptyHandler, 'export const handler = async () => ({});\n');
    const empty: BundleInfo = { name: 'empty', zipBytes: 0, mjsBytes: 0, mapBytes: 0, handlerPath: emptyHandler, memoryMb: 1024, nodeOptions: [] };
    const baseline: NodeBaselineRuns = { idleMs: [], loadedMs: [], runtime: { idleMs: [], loadedMs: [], roundTripsMs: [] } };
    const samples: ColdStartSample[] = [];
    for (let run = 0; run < runs; run += 1) baseline.idleMs.push((await runBundledHandler(empty, {}, deployed, workDir)).coldMs);
    // The runtime alone reads the gold manifest (a small object, as most triggers are) and writes one object.
    let floor: BundleInfo | undefined;
    try {
      floor = await bundleRuntimeFloor(workDir);
    } catch (error) {
      baseline.runtime.error = (error as Error).message.slice(0, 500);
      log(`  the runtime alone: no cold start figure: ${baseline.runtime.error.split('\n')[0]}`);
    }
    const floorEvent = s3Event(s3.bucket, manifest);
    const runFloor = async (into: number[]) => {
      if (floor === undefined) return;
      for (let run = 0; run < runs; run += 1) into.push((await runBundledHandler(floor, floorEvent, deployed, workDir)).coldMs);
    };
    await runFloor(baseline.runtime.idleMs);
    for (const [name, trigger, event] of events) {
      if (!bundles.some((candidate) => candidate.name === name)) continue;
      const sample: ColdStartSample = { name, trigger, runs: [], runsWithoutSourceMaps: [], runsLoaded: [], runsWithRoundTrips: [] };
      try {
        for (let run = 0; run < runs; run += 1) {
          sample.runs.push(await runBundledHandler(bundle(name), event, deployed, workDir));
          const withoutSourceMaps = bundle(name).nodeOptions.filter((flag) => flag !== '--enable-source-maps');
          sample.runsWithoutSourceMaps.push(await runBundledHandler(bundle(name), event, { s3, env, nodeFlags: withoutSourceMaps }, workDir));
        }
      } catch (error) {
        // One function failing locally (a service s3rver does not have) must not cost the others' figures.
        sample.error = (error as Error).message.slice(0, 500);
        log(`  ${name}: no cold start figure: ${sample.error.split('\n')[0]}`);
      }
      samples.push(sample);
    }
    // The functions that ran, again, in another condition of the machine or the lake.
    const runAgain = async (into: (sample: ColdStartSample) => HandlerRun[]) => {
      for (const sample of samples) {
        if (sample.error !== undefined) continue;
        const event = events.find(([name]) => name === sample.name)![2];
        for (let run = 0; run < runs; run += 1) into(sample).push(await runBundledHandler(bundle(sample.name), event, deployed, workDir));
      }
    };
    // Idle again, with S3's round trips: what the function's chain of requests adds once deployed.
    s3.setRoundTripMs(S3_ROUND_TRIP_MS);
    try {
      await runFloor(baseline.runtime.roundTripsMs);
      await runAgain((sample) => sample.runsWithRoundTrips);
    } finally {
      s3.setRoundTripMs(0);
    }
    // Loaded: one process spinning per core while the same cold starts run again.
    const burners = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      for (let run = 0; run < runs; run += 1) baseline.loadedMs.push((await runBundledHandler(empty, {}, deployed, workDir)).coldMs);
      await runFloor(baseline.runtime.loadedMs);
      await runAgain((sample) => sample.runsLoaded);
    } finally {
      for (const burner of burners) burner.kill('SIGKILL');
    }
    return { samples, baseline };
  } finally {
    await simulator?.close();
    await s3.close();
  }
}
