/**
 * The work a benchmark child process can be asked to do, and what it reports back. Shared by the
 * parent (bench/pool.ts) and the child (bench/invoke.ts).
 */
import type { Day } from '#shared/lake/keys.ts';

/** Where a job's lake lives: a local directory, or an S3-compatible endpoint (the embedded s3rver). */
export type LakeSpec = { kind: 'dir'; root: string } | { kind: 's3'; endpoint: string; bucket: string };

export type Job =
  /** Nothing: the child's resident size after start-up (Node + tsx + the stage modules). */
  | { kind: 'idle' }
  | { kind: 'generate'; lake: LakeSpec; listings: number; seed: number; startDay: Day; days: Day[]; worker: number; workers: number }
  /** One silver invocation per bronze manifest key, one after another. */
  | { kind: 'silver'; lake: LakeSpec; manifestKeys: string[] }
  /** One gold shard invocation per task key, one after another. */
  | { kind: 'gold-shard'; lake: LakeSpec; taskKeys: string[] }
  | { kind: 'gold-fanin'; lake: LakeSpec; partialKey: string }
  | { kind: 'duckdb-silver'; root: string; day: Day; out: string; threads: number; shardCount: number }
  | { kind: 'duckdb-gold'; root: string; day: Day; previousDay: Day; out: string; threads: number; shardCount: number; completeSearches: string[] };

export type JobKind = Job['kind'];

/** One invocation inside a job (a search's silver, a shard). */
export interface StepReport {
  key: string;
  ms: number;
  cpuMs: number;
  rows: number;
}

export interface JobReport {
  /** Wall time of the job inside the child, start-up excluded. */
  ms: number;
  /** CPU time (user + system, every thread) the child spent on the job: less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  /** Peak resident set of the child process over its life (start-up included). */
  maxRssMb: number;
  /** Resident set when the child was ready, before the job: Node, tsx and the loaded modules. */
  baselineRssMb: number;
  steps: StepReport[];
  detail?: unknown;
}

export type ParentMessage = { type: 'run'; job: Job } | { type: 'exit' };
export type ChildMessage = { type: 'ready'; rssMb: number } | { type: 'done'; report: JobReport } | { type: 'failed'; error: string };
