import type { ExecutionContext } from 'ava';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { addDays, madridDay } from '#shared/lake/days.ts';
import type { Lake } from '#shared/lake/lake.ts';
import { startEmbeddedS3, type EmbeddedS3, type KillSwitch } from '#local/embedded-s3.ts';
import { LocalPipeline } from '#local/pipeline.ts';
import { readServiceWiring, type ServiceWiring } from '#local/wiring.ts';
import { createMarket, startSimulator } from '#simulator/index.ts';
import { FIXTURE_WATCHES as WATCHES } from '../../fixtures/watches.ts';

/**
 * Crash anywhere, lose nothing (issue 19): the local runner is killed at one write of a two-day
 * run (the embedded S3 dies there: that write and everything after it fail, as if the process had
 * been killed), then resumed as an operator would (`run` again for each day, then `redrive`), and
 * the lake is compared with an uninterrupted run of the same days.
 */

const SERVICE = process.cwd();
const TODAY = madridDay(new Date());
/** Recent days: alerts older than ALERT_MAX_AGE_DAYS are not delivered, and delivery is under test too. */
export const CRASH_DAYS = [addDays(TODAY, -1), TODAY];
const market = createMarket({ seed: 23, listings: 3_000, startDay: CRASH_DAYS[0]! });
let wiring: Promise<ServiceWiring> | undefined;

/** Where a kill lands: the `writes`-th write of a key matching `stage`. */
export interface KillPoint {
  stage: string;
  pattern: RegExp;
  writes: number;
}

/** The kinds of object a run writes, in the order a day writes them; every one is a kill point kind. */
export const WRITE_KINDS: Array<{ stage: string; pattern: RegExp }> = [
  { stage: 'plan: category snapshot', pattern: /^bronze\/categories\// },
  { stage: 'plan: run plan', pattern: /^control\/runs\/.*plan\.json$/ },
  { stage: 'plan: extract task', pattern: /^control\/extract\/.*search=[^/]+\.json$/ },
  { stage: 'extract: page', pattern: /^bronze\/search\/.*page-\d+\.json\.gz$/ },
  { stage: 'extract: bronze manifest', pattern: /^bronze\/search\/.*_manifest\.json$/ },
  { stage: 'silver: listings file', pattern: /^silver\/listings\// },
  { stage: 'silver: quarantine', pattern: /^quarantine\// },
  { stage: 'silver: manifest', pattern: /^silver\/_manifests\// },
  { stage: 'fan-out: dispatch claim', pattern: /^control\/claims\/gold-dispatch\// },
  { stage: 'fan-out: task', pattern: /^control\/gold\// },
  { stage: 'shard: state', pattern: /^gold\/state\// },
  { stage: 'shard: partial', pattern: /^gold\/partials\// },
  { stage: 'fan-in: publish claim', pattern: /^control\/claims\/gold-publish\// },
  { stage: 'fan-in: table', pattern: /^gold\/tables\// },
  { stage: 'fan-in: quality', pattern: /^gold\/quality\// },
  { stage: 'fan-in: dashboard', pattern: /^gold\/dashboard\/(days|series|latest|series\.json)/ },
  { stage: 'fan-in: gold manifest', pattern: /^gold\/_manifests\// },
  { stage: 'alert-evaluate: window', pattern: /^gold\/dashboard\/alerts/ },
  { stage: 'alert-evaluate: alerts', pattern: /^gold\/alerts\// },
  { stage: 'alert: delivery record', pattern: /^control\/deliveries\// },
];

export interface RunResult {
  dataDir: string;
  lake: Lake;
  /** Every key written, in order (the uninterrupted run's log chooses the kill points). */
  written: string[];
  /** The outbox: alert ids as delivered, in order, per day. */
  delivered: Map<string, string[]>;
  close(): Promise<void>;
}

async function folderWithConfig(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'wallapop-crash-'));
  await writeFile(join(folder, 'searches.yml'), await readFile(join(SERVICE, 'fixtures/searches.yml')));
  await writeFile(join(folder, 'watches.yml'), stringify(WATCHES));
  return folder;
}

async function startRunner(dataDir: string, searchesFile: string, simUrl: string, kill?: KillSwitch): Promise<LocalPipeline> {
  wiring ??= readServiceWiring({ configPath: join(SERVICE, 'serverless.yml'), stage: 'local' });
  return LocalPipeline.start({
    dataDir,
    wiring: await wiring,
    wallapopBaseUrl: simUrl,
    wallapopRequestsPerSecond: 0,
    shardCount: 2,
    logLevel: 'SILENT',
    retryDelayMs: () => 5,
    searchesFile,
    ...(kill ? { killAfterWrites: kill } : {}),
  });
}

async function outbox(dataDir: string): Promise<Map<string, string[]>> {
  const delivered = new Map<string, string[]>();
  for (const day of CRASH_DAYS) {
    const text = await readFile(join(dataDir, 'alerts', `dt=${day}.jsonl`), 'utf8').catch(() => '');
    delivered.set(day, text.split('\n').filter((line) => line.trim() !== '').map((line) => (JSON.parse(line) as { alertId: string }).alertId));
  }
  return delivered;
}

/**
 * Runs the two days; with a kill point, the runner dies at it, and a new runner on the same data
 * directory resumes: `run` for each day again, then `redrive`.
 */
export async function crashAndResume(kill?: KillPoint): Promise<RunResult & { killedAt: string | null; redriven: number; stillFailing: number }> {
  const folder = await folderWithConfig();
  const dataDir = join(folder, 'data');
  const sim = await startSimulator({ market, day: CRASH_DAYS[0]! });
  const written: string[] = [];
  let killedAt: string | null = null;
  let redriven = 0;
  let stillFailing = 0;
  let reader: EmbeddedS3 | undefined;
  try {
    const first = await startRunner(dataDir, join(folder, 'searches.yml'), sim.url, kill ? { writes: kill.writes, matching: kill.pattern, onKill: (key) => (killedAt = key) } : undefined);
    const unsubscribe = first.s3.onEvent((event) => written.push(...event.Records.map((record) => record.s3.object.key)));
    try {
      for (const day of CRASH_DAYS) {
        sim.setDay(day);
        await first.runDay(day);
        if (killedAt !== null) break;
      }
    } catch (error) {
      // The dead lake fails the runner's own reads too; that is the kill, not a finding.
      if (killedAt === null) throw error;
    } finally {
      unsubscribe();
      await first.close();
    }
    const bucket = first.s3.bucket;
    if (kill === undefined) return { dataDir, lake: await reopen(dataDir, bucket), written, delivered: await outbox(dataDir), killedAt, redriven, stillFailing, close: cleanup };

    // What the killed process did after its death is not real (a killed process writes nothing): its dead letters go.
    await rm(join(dataDir, 'dead-letters'), { recursive: true, force: true });
    const resumed = await startRunner(dataDir, join(folder, 'searches.yml'), sim.url);
    for (const day of CRASH_DAYS) {
      sim.setDay(day);
      await resumed.runDay(day);
    }
    const redrive = await resumed.redrive();
    redriven = redrive.redriven;
    stillFailing = redrive.stillFailing.length;
    await resumed.close();
    return { dataDir, lake: await reopen(dataDir, bucket), written, delivered: await outbox(dataDir), killedAt, redriven, stillFailing, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }

  async function cleanup() {
    await reader?.close();
    await sim.close();
    await rm(folder, { recursive: true, force: true });
  }

  /** The finished lake, served again to be read. */
  async function reopen(directory: string, bucket: string): Promise<Lake> {
    reader = await startEmbeddedS3({ bucket, directory: join(directory, 's3') });
    return reader.lake;
  }
}

/** Every object under `prefix`, as bytes. */
export async function objectsUnder(lake: Lake, prefix: string): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  for (const key of await lake.list(prefix)) objects.set(key, Buffer.from((await lake.get(key))!));
  return objects;
}

/** Copies a finished lake's directory (kept for debugging a failed comparison). */
export async function keepLake(t: ExecutionContext, dataDir: string): Promise<string> {
  const kept = await mkdtemp(join(tmpdir(), 'wallapop-crash-kept-'));
  await cp(dataDir, kept, { recursive: true });
  t.log(`lake kept in ${kept}`);
  return kept;
}
