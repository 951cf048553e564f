/**
 * A benchmark child process: one "Lambda container". It loads the modules of the stage it is told
 * to expect (the init phase, not timed), says it is ready, then runs the jobs the parent sends over
 * IPC and reports each one's wall time and the process's peak RSS. Started by bench/pool.ts.
 */
import { parseArgs } from 'node:util';
import type { Lake } from '#shared/lake/lake.ts';
import type { ChildMessage, Job, JobKind, JobReport, LakeSpec, ParentMessage, StepReport } from './jobs.ts';

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function lakeOf(spec: LakeSpec): Promise<Lake> {
  if (spec.kind === 'dir') {
    const { DirectoryLake } = await import('#shared/lake/directory-lake.ts');
    return new DirectoryLake(spec.root);
  }
  const { createS3Client, S3Lake } = await import('#shared/lake/s3-lake.ts');
  const { LOCAL_CREDENTIALS } = await import('#local/embedded-s3.ts');
  return new S3Lake(createS3Client({ endpoint: spec.endpoint, credentials: LOCAL_CREDENTIALS }), spec.bucket);
}

/** Imports what a job kind needs, so that module loading is not part of the job's time. */
async function preload(kind: JobKind | undefined): Promise<void> {
  switch (kind) {
    case 'silver':
      await import('#shared/silver/stage.ts');
      break;
    case 'gold-shard':
    case 'gold-fanin':
      await import('#shared/gold/index.ts');
      break;
    case 'duckdb-silver':
    case 'duckdb-gold':
      await import('./duckdb.ts');
      break;
    case 'generate':
      await import('./generate.ts');
      break;
    default:
      break;
  }
  await import('./gold-scale.ts');
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

async function runJob(job: Job): Promise<Omit<JobReport, 'maxRssMb' | 'baselineRssMb'>> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const steps: StepReport[] = [];
  const step = async (key: string, work: () => Promise<number>) => {
    const at = performance.now();
    const cpuAt = process.cpuUsage();
    const rows = await work();
    steps.push({ key, ms: performance.now() - at, cpuMs: cpuMsSince(cpuAt), rows });
  };
  let detail: unknown;
  switch (job.kind) {
    case 'idle':
      break;
    case 'generate': {
      const { generateShare } = await import('./generate.ts');
      detail = await generateShare(await lakeOf(job.lake), job);
      break;
    }
    case 'silver': {
      const { runSilver } = await import('#shared/silver/stage.ts');
      const lake = await lakeOf(job.lake);
      for (const key of job.manifestKeys) await step(key, async () => (await runSilver(lake, key)).counts.rowsWritten);
      break;
    }
    case 'gold-shard': {
      const { runGoldShard } = await import('#shared/gold/shard-stage.ts');
      const lake = await lakeOf(job.lake);
      for (const key of job.taskKeys) await step(key, async () => (await runGoldShard(lake, key)).counts.stateRows);
      break;
    }
    case 'gold-fanin': {
      const { runGoldFanin, unpublishedReason } = await import('#shared/gold/fanin-stage.ts');
      const lake = await lakeOf(job.lake);
      const { reopenClaim } = await import('#shared/lake/claim.ts');
      const { dayOfKey } = await import('#shared/gold/trigger-day.ts');
      const { keys } = await import('#shared/lake/keys.ts');
      // Measured again and again: the same run publishes again.
      await reopenClaim(lake, keys.goldPublishClaim(dayOfKey(job.partialKey)));
      await step(job.partialKey, async () => {
        const result = await runGoldFanin(lake, job.partialKey);
        if (result.status !== 'published') throw new Error(unpublishedReason(result));
        return result.manifest.totals.stateRows;
      });
      break;
    }
    case 'duckdb-silver': {
      const { duckdbSilver } = await import('./duckdb.ts');
      detail = await duckdbSilver(job);
      break;
    }
    case 'duckdb-gold': {
      const { duckdbGold } = await import('./duckdb.ts');
      detail = await duckdbGold(job);
      break;
    }
  }
  return { ms: performance.now() - started, cpuMs: cpuMsSince(cpuStart), steps, ...(detail === undefined ? {} : { detail }) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { preload: { type: 'string' } } });
  const send = (message: ChildMessage) => new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));
  await preload(values.preload as JobKind | undefined);
  const baselineRssMb = Math.round(process.memoryUsage.rss() / 1024 / 1024);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'exit') {
      process.disconnect();
      return;
    }
    runJob(message.job).then(
      (report) => send({ type: 'done', report: { ...report, maxRssMb: rssMb(), baselineRssMb } }),
      (error: unknown) => send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  await send({ type: 'ready', rssMb: baselineRssMb });
}

await main();
