/**
 * Child processes for the benchmark. Each child is one "Lambda container" (bench/invoke.ts): it
 * loads its stage's modules, reports ready, and only then is timed. Two ways to use them:
 *   - `runPool`: `concurrency` warm children pull invocations from a queue, largest first, like
 *     Lambdas running concurrently; the wall time runs from the first dispatch to the last result.
 *   - `runFresh`: one new child, one job, then it exits; its peak RSS is that invocation's peak.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ChildMessage, Job, JobKind, JobReport } from './jobs.ts';

const INVOKE = fileURLToPath(new URL('./invoke.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface ChildOptions {
  /** Write a V8 CPU profile of the child into this directory (node --cpu-prof). */
  cpuProfDir?: string;
  /** Node flags instead of those serverless.yml gives the stage's function (`lambdaNodeFlags`). */
  nodeFlags?: string[];
}

const FUNCTION_OF_JOB: Partial<Record<JobKind, string>> = { silver: 'silver', 'gold-shard': 'goldShard', 'gold-fanin': 'goldFanin' };
let configuredFlags: Map<string, string[]> | undefined;

/**
 * The V8 memory flags (`--max-…`) in the NODE_OPTIONS serverless.yml sets for the function that
 * runs this kind of job: children run the stage with the heap the Lambda has. Other flags
 * (--enable-source-maps) do not apply to TypeScript run by tsx.
 */
export function lambdaNodeFlags(kind: JobKind): string[] {
  const name = FUNCTION_OF_JOB[kind];
  if (name === undefined) return [];
  if (configuredFlags === undefined) {
    const service = parse(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')) as { functions?: Record<string, { environment?: { NODE_OPTIONS?: string } }> };
    configuredFlags = new Map(
      Object.entries(service.functions ?? {}).map(([fn, definition]) => [fn, (definition.environment?.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => flag.startsWith('--max-'))]),
    );
  }
  return configuredFlags.get(name) ?? [];
}

export class BenchChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly readyRssMb: number,
  ) {}

  static start(preload: JobKind, options: ChildOptions = {}): Promise<BenchChild> {
    const execArgv = [`--import=${TSX}`, '--openssl-legacy-provider', ...(options.nodeFlags ?? lambdaNodeFlags(preload))];
    if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
    const child = fork(INVOKE, ['--preload', preload], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench child (${preload}) exited with ${code} before it was ready`));
      child.once('exit', onExit);
      child.once('message', (message: ChildMessage) => {
        child.off('exit', onExit);
        if (message.type !== 'ready') reject(new Error(`bench child sent ${message.type} before ready`));
        else resolve(new BenchChild(child, message.rssMb));
      });
    });
  }

  run(job: Job): Promise<JobReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench child exited with ${code} during ${describe(job)}`));
      this.child.once('exit', onExit);
      this.child.once('message', (message: ChildMessage) => {
        this.child.off('exit', onExit);
        if (message.type === 'done') resolve(message.report);
        else if (message.type === 'failed') reject(new Error(`${describe(job)} failed in the child:\n${message.error}`));
        else reject(new Error(`unexpected message ${message.type}`));
      });
      this.child.send({ type: 'run', job });
    });
  }

  /** Asks the child to exit and waits for it (so a CPU profile is written). */
  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      if (this.child.connected) this.child.send({ type: 'exit' });
      else this.child.kill();
    });
  }
}

function describe(job: Job): string {
  switch (job.kind) {
    case 'silver':
      return `silver of ${job.manifestKeys.length} search(es)`;
    case 'gold-shard':
      return `gold shard(s) ${job.taskKeys.join(', ')}`;
    case 'gold-fanin':
      return `gold fan-in ${job.partialKey}`;
    default:
      return job.kind;
  }
}

/** One job in a new child; the report's peak RSS is this job's (plus the child's start-up). */
export async function runFresh(job: Job, options: ChildOptions = {}): Promise<JobReport> {
  const child = await BenchChild.start(job.kind, options);
  try {
    return await child.run(job);
  } finally {
    await child.close();
  }
}

export interface PoolResult {
  wallMs: number;
  /** CPU time of every job, summed over the children. */
  cpuMs: number;
  reports: JobReport[];
  /** Highest peak RSS over the children. */
  maxRssMb: number;
}

/**
 * Runs `jobs` on `concurrency` warm children, in the order given (put the largest first). Time is
 * measured from the first dispatch to the last result: child start-up is outside it.
 */
export async function runPool(jobs: readonly Job[], concurrency: number, options: ChildOptions = {}): Promise<PoolResult> {
  if (jobs.length === 0) return { wallMs: 0, cpuMs: 0, reports: [], maxRssMb: 0 };
  const kind = jobs[0]!.kind;
  const children = await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, () => BenchChild.start(kind, options)));
  const reports: JobReport[] = new Array(jobs.length);
  let next = 0;
  const started = performance.now();
  let finished = started;
  try {
    await Promise.all(
      children.map(async (child) => {
        while (next < jobs.length) {
          const index = next++;
          reports[index] = await child.run(jobs[index]!);
        }
      }),
    );
    finished = performance.now();
  } finally {
    await Promise.all(children.map((child) => child.close()));
  }
  const wallMs = finished - started;
  return { wallMs, cpuMs: reports.reduce((sum, report) => sum + report.cpuMs, 0), reports, maxRssMb: Math.max(...reports.map((report) => report.maxRssMb)) };
}
