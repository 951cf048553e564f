import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { alertKeys, keys, prefixes, type Day } from '#shared/lake/keys.ts';
import { addDays, madridDay } from '#shared/lake/days.ts';
import type { DayAlerts } from '#shared/alerts/alert.ts';
import { goldPublication, staleGoldDays } from '#shared/gold/freshness.ts';
import type { GoldManifest } from '#shared/gold/manifest.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import { reopenAbandonedClaims } from '#shared/lake/claim.ts';
import { getJson, type Lake } from '#shared/lake/lake.ts';
import { LOCAL_CREDENTIALS, startEmbeddedS3, type KillSwitch, type S3EventNotification } from '#local/embedded-s3.ts';
import { connectPollingS3, type LakeConnection } from './polling-s3.ts';
import { DeadLetterStore, type DeadLetter } from './dead-letters.ts';
import { LocalLambdaRuntime, type InvocationRecord } from './lambda-runtime.ts';
import { reportDay, type DayReport } from './lake-report.ts';
import { readServiceWiring, type ServiceWiring } from './wiring.ts';

export interface LocalPipelineOptions {
  /** Where the lake (embedded S3's files) and dead letters live; reused across runs. */
  dataDir: string;
  /** serverless.yml to take the wiring from. */
  configPath?: string;
  stage?: string;
  /** The Wallapop API (or simulator) the handlers talk to. */
  wallapopBaseUrl?: string;
  wallapopRequestsPerSecond?: number;
  /** Search configuration for plan when it runs from source. */
  searchesFile?: string;
  /** SHARD_COUNT for plan; `auto` or unset, the plan sizes it itself (shared/plan/shard-count.ts). */
  shardCount?: number | 'auto';
  /** Log level of the handlers' structured logs (Powertools): quiet by default. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  timeoutOverridesSeconds?: Record<string, number>;
  retryDelayMs?: (retry: number) => number;
  onInvocation?: (record: InvocationRecord) => void;
  /** Reuse an already running wiring (skips `serverless print`, ~3 s). */
  wiring?: ServiceWiring;
  /**
   * Local delivery of alerts (the alert function's local mode, docs/alerts.md): they are appended to
   * `<outboxDir>/dt=D.jsonl` (default `<dataDir>/alerts`) instead of going to SNS, and POSTed to
   * `webhookUrl` when one is given (on AWS the URL comes from SSM, never from the environment).
   */
  alerts?: { outboxDir?: string; webhookUrl?: string };
  /**
   * Drive a bucket on another S3-compatible server (`endpoint`) or on AWS (no endpoint; the usual
   * AWS credential chain) instead of the embedded one. Its notifications cannot reach this process,
   * so the runner polls the trigger prefixes.
   */
  remote?: { bucket: string; endpoint?: string; region?: string; pollIntervalMs?: number };
  /** Fault injection for the crash tests: the embedded S3 dies at a write (see `startEmbeddedS3`). */
  killAfterWrites?: KillSwitch;
}

export interface DayRun {
  report: DayReport;
  deadLetters: DeadLetter[];
  wallTimeMs: number;
  /** Per function: invocations and their summed duration (functions run concurrently, so sums exceed wall time). */
  functions: Record<string, { invocations: number; failures: number; totalMs: number }>;
}

/** What recomputing one day changed in its gold totals and alerts. */
export interface DayChanges {
  totals: Record<string, { before: number | null; after: number | null }>;
  alertsAdded: string[];
  alertsRemoved: string[];
}

export interface Backfill {
  days: Array<{ day: Day; run: DayRun; changes: DayChanges }>;
  /** The day whose recompute failed; the days after it were left as they were. */
  stoppedAt: { day: Day; reason: string } | null;
  /** Gold days after the recomputed ones that now rest on a history that changed: rebuild them next. */
  staleAfter: Day[];
}

/**
 * The pipeline on one machine: an embedded S3 server whose bucket notifications invoke the very
 * handlers serverless.yml declares, with Lambda's invocation semantics.
 */
export class LocalPipeline {
  private constructor(
    readonly s3: LakeConnection,
    readonly runtime: LocalLambdaRuntime,
    readonly wiring: ServiceWiring,
    readonly deadLetters: DeadLetterStore,
    private readonly unsubscribe: () => void,
    private readonly functionTimes: DayRun['functions'],
  ) {}

  private takeFunctionTimes(): DayRun['functions'] {
    const taken = structuredClone(this.functionTimes);
    for (const key of Object.keys(this.functionTimes)) delete this.functionTimes[key];
    return taken;
  }

  get lake(): Lake {
    return this.s3.lake;
  }

  static async start(options: LocalPipelineOptions): Promise<LocalPipeline> {
    const dataDir = resolve(options.dataDir);
    const declared =
      options.wiring ??
      (await readServiceWiring({ configPath: options.configPath ?? join(process.cwd(), 'serverless.yml'), stage: options.stage ?? 'local' }));
    const declaredBucket = declared.environment.DATA_BUCKET;
    if (!declaredBucket) throw new Error('serverless.yml sets no DATA_BUCKET in provider.environment: the handlers would not know the lake');
    const bucket = options.remote?.bucket ?? declaredBucket;
    // The same rules, on the bucket actually driven.
    const wiring: ServiceWiring = {
      ...declared,
      environment: { ...declared.environment, DATA_BUCKET: bucket },
      functions: declared.functions.map((fn) => ({ ...fn, s3: fn.s3.map((trigger) => ({ ...trigger, bucket: trigger.bucket === declaredBucket ? bucket : trigger.bucket })) })),
    };
    let s3: LakeConnection;
    if (options.remote) {
      s3 = await connectPollingS3({
        bucket,
        ...(options.remote.endpoint ? { endpoint: options.remote.endpoint } : {}),
        ...(options.remote.region ? { region: options.remote.region } : {}),
        prefixes: wiring.functions.flatMap((fn) => fn.s3.map((trigger) => trigger.prefix)),
        ...(options.remote.pollIntervalMs ? { intervalMs: options.remote.pollIntervalMs } : {}),
      });
    } else {
      await mkdir(join(dataDir, 's3'), { recursive: true });
      const embedded = await startEmbeddedS3({ bucket, directory: join(dataDir, 's3'), ...(options.killAfterWrites ? { killAfterWrites: options.killAfterWrites } : {}) });
      s3 = { ...embedded, endpoint: embedded.endpoint, settle: async () => {} };
      // This runner is the only one driving its embedded lake: work claimed and not finished was claimed by a runner that died.
      await reopenAbandonedClaims(embedded.lake);
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey });
    }

    // One process stands in for every function: the union of their environments, plus what points
    // them at the local lake and API instead of AWS's.
    Object.assign(process.env, ...wiring.functions.map((fn) => fn.environment), wiring.environment, {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'ERROR',
      ...(options.wallapopBaseUrl ? { WALLAPOP_BASE_URL: options.wallapopBaseUrl } : {}),
      ...(options.wallapopRequestsPerSecond !== undefined ? { WALLAPOP_REQUESTS_PER_SECOND: String(options.wallapopRequestsPerSecond) } : {}),
      ...(options.searchesFile ? { SEARCHES_FILE: resolve(options.searchesFile) } : {}),
      ...(options.shardCount !== undefined ? { SHARD_COUNT: String(options.shardCount) } : {}),
      ALERT_OUTBOX_DIR: resolve(options.alerts?.outboxDir ?? join(dataDir, 'alerts')),
    });
    delete process.env.NODE_OPTIONS;
    if (s3.endpoint) process.env.S3_ENDPOINT = s3.endpoint;
    else delete process.env.S3_ENDPOINT;
    // Set or cleared on every start: a webhook of an earlier runner in this process must not leak.
    if (options.alerts?.webhookUrl) process.env.ALERT_WEBHOOK_URL = options.alerts.webhookUrl;
    else delete process.env.ALERT_WEBHOOK_URL;

    const deadLetters = new DeadLetterStore(join(dataDir, 'dead-letters'));
    const functionTimes: DayRun['functions'] = {};
    const record = (invocation: InvocationRecord) => {
      const entry = (functionTimes[invocation.functionName] ??= { invocations: 0, failures: 0, totalMs: 0 });
      if (invocation.status === 'dead-lettered') return;
      entry.invocations += 1;
      entry.totalMs += invocation.durationMs;
      if (invocation.status === 'failed') entry.failures += 1;
      options.onInvocation?.(invocation);
    };
    const runtime = new LocalLambdaRuntime({
      wiring,
      deadLetters,
      ...(options.timeoutOverridesSeconds ? { timeoutOverridesSeconds: options.timeoutOverridesSeconds } : {}),
      ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
      onInvocation: record,
    });
    const unsubscribe = s3.onEvent((notification) => deliver(runtime, notification));
    return new LocalPipeline(s3, runtime, wiring, deadLetters, unsubscribe, functionTimes);
  }

  /** A client for other tools (the dashboard build, awscli) to read the same lake. */
  client() {
    return this.s3.lake.client;
  }

  /**
   * Runs day D as the schedules would: each scheduled function fires in the order of its time of
   * day (plan at 07:00, the watchdog at its deadline), and the next fires once the chain the
   * previous one started is quiet.
   */
  async runDay(day: Day, options: { force?: boolean } = {}): Promise<DayRun> {
    const started = performance.now();
    const scheduled = this.wiring.functions
      .filter((fn) => fn.schedules.length > 0)
      .sort((a, b) => minuteOfDay(a.schedules[0]!.rate) - minuteOfDay(b.schedules[0]!.rate) || a.name.localeCompare(b.name));
    if (scheduled.length === 0) throw new Error('serverless.yml schedules no function: nothing starts a day');
    const before = new Set((await this.deadLetters.list()).map((letter) => letter.id));
    this.takeFunctionTimes();
    for (const fn of scheduled) {
      this.runtime.invokeAsync(fn.name, { day, force: options.force ?? false });
      await this.quiet();
    }
    await this.resume(day);
    const deadLetters = (await this.deadLetters.list()).filter((letter) => !before.has(letter.id));
    return { report: await reportDay(this.lake, day), deadLetters, wallTimeMs: performance.now() - started, functions: this.takeFunctionTimes() };
  }

  /**
   * Finishes what an interrupted run of the day left undone (the runner was killed, the machine
   * slept): a run that starts again re-plans the day, and plan only restarts what has no bronze
   * manifest. Every later link of the chain whose input exists but whose output does not is
   * re-sent its event here, in order; on a day that ran whole this sends nothing.
   */
  private async resume(day: Day): Promise<void> {
    const plan = await getJson<RunPlan>(this.lake, keys.runPlan(day));
    if (plan === undefined) return;
    const slugs = plan.searches.map((search) => search.slug);
    const silverMissing: string[] = [];
    for (const slug of slugs) {
      if ((await this.lake.exists(keys.bronzeManifest(day, slug))) && !(await this.lake.exists(keys.silverManifest(day, slug)))) silverMissing.push(keys.bronzeManifest(day, slug));
    }
    await this.resend(silverMissing);
    const silverDone = (await Promise.all(slugs.map((slug) => this.lake.exists(keys.silverManifest(day, slug))))).every(Boolean);
    if (!silverDone) return;

    const goldDone = async () => {
      const publication = await goldPublication(this.lake, day);
      return publication.published && publication.behind === null;
    };
    if (!(await goldDone())) await this.resend([keys.silverManifest(day, slugs[slugs.length - 1]!)]);
    // Dispatched before the interruption: the shards (same tasks, same bytes), then the fan-in.
    if (!(await goldDone())) await this.resend(Array.from({ length: plan.shardCount }, (_, shard) => keys.goldTask(day, shard)));
    if (!(await goldDone())) await this.resend([keys.goldPartial(day, plan.shardCount - 1)]);
    if (!(await goldDone())) return;

    if (!(await this.lake.exists(alertKeys.day(day)))) await this.resend([keys.goldManifest(day)]);
    const alerts = await getJson<DayAlerts>(this.lake, alertKeys.day(day));
    if (alerts === undefined || alerts.alerts.length === 0) return;
    const maxAge = Number(process.env.ALERT_MAX_AGE_DAYS ?? 0);
    if (maxAge > 0 && day < addDays(madridDay(new Date()), -maxAge)) return;
    const channels = ['outbox', ...(process.env.ALERT_WEBHOOK_URL ? ['webhook'] : [])];
    for (const channel of channels) {
      const recorded = new Set(await this.lake.list(alertKeys.deliveriesOf(day, channel)));
      if (alerts.alerts.some((alert) => !recorded.has(alertKeys.delivery(day, channel, alert.alertId)))) {
        await this.resend([alertKeys.day(day)]);
        return;
      }
    }
  }

  /** Failed work is not resumed: its dead letter waits for `redrive`, which the operator runs once the cause is fixed. */
  private async resend(objectKeys: readonly string[]): Promise<void> {
    const failed = new Set((await this.deadLetters.list()).map((letter) => letter.objectKey));
    const pending = objectKeys.filter((key) => !failed.has(key));
    if (pending.length === 0) return;
    for (const key of pending) this.notify(key);
    await this.quiet();
  }

  /** Re-drives a day from what the lake holds: re-sends the events of the given stage's inputs. */
  async replay(day: Day, fromStage: 'silver' | 'gold'): Promise<DayRun> {
    const started = performance.now();
    const inputs =
      fromStage === 'silver'
        ? (await this.lake.list(`bronze/search/dt=${day}/`)).filter((key) => key.endsWith('/_manifest.json'))
        : (await this.lake.list(`silver/_manifests/dt=${day}/`)).filter((key) => key.endsWith('.json'));
    if (inputs.length === 0) throw new Error(`nothing to replay: the lake holds no ${fromStage === 'silver' ? 'bronze' : 'silver'} manifests for ${day}`);
    // A new gold run even if silver comes out the same: only its partials will be merged, so a shard that fails now is not covered by its output of an earlier run.
    await this.lake.put(keys.goldRerunRequest(day), `${JSON.stringify({ requestedAt: new Date().toISOString(), by: `replay --from-stage ${fromStage}` }, null, 2)}\n`, 'application/json');
    const before = new Set((await this.deadLetters.list()).map((letter) => letter.id));
    this.takeFunctionTimes();
    for (const key of inputs) this.notify(key);
    await this.quiet();
    // A replay that dead-letters has failed, whatever the lake held before it.
    const deadLetters = (await this.deadLetters.list()).filter((letter) => !before.has(letter.id));
    return { report: await reportDay(this.lake, day), deadLetters, wallTimeMs: performance.now() - started, functions: this.takeFunctionTimes() };
  }

  /**
   * Recomputes the planned days from `from` through `through`, in order, each from the state the
   * previous recomputed day wrote (a day's gold reads the latest gold day before it). Stops at the
   * first day that does not come out whole (dead letters, gold not published or stale): computing
   * later days on it would spread the damage.
   */
  async backfill(from: Day, through: Day, fromStage: 'silver' | 'gold', onDay?: (step: Backfill['days'][number]) => void): Promise<Backfill> {
    if (through < from) throw new Error(`--through ${through} is before --from ${from}`);
    const days = [...new Set((await this.lake.list(prefixes.runPlans)).map((key) => /dt=(\d{4}-\d{2}-\d{2})\/plan\.json$/.exec(key)?.[1]).filter((day): day is Day => day !== undefined))]
      .filter((day) => day >= from && day <= through)
      .sort();
    if (days.length === 0) throw new Error(`nothing to backfill: no day from ${from} through ${through} has a run plan in the lake`);
    const result: Backfill = { days: [], stoppedAt: null, staleAfter: [] };
    for (const day of days) {
      const before = await this.goldSnapshot(day);
      const run = await this.replay(day, fromStage);
      const after = await this.goldSnapshot(day);
      const step = { day, run, changes: changesBetween(before, after) };
      result.days.push(step);
      onDay?.(step);
      const gold = run.report.gold;
      const failure =
        run.deadLetters.length > 0
          ? `${run.deadLetters.length} dead letter(s)`
          : !gold.complete
            ? 'its gold was not published'
            : gold.behind
              ? `its new gold run ${gold.behind.dispatchedRunId} was not published`
              : gold.stale
                ? `its gold is stale (${gold.stale.reason})`
                : null;
      if (failure !== null) {
        result.stoppedAt = { day, reason: failure };
        break;
      }
    }
    const last = result.days.at(-1)!.day;
    const chain = await staleGoldDays(this.lake);
    result.staleAfter = [...chain.stale.keys()].filter((day) => day > last).sort();
    return result;
  }

  private async goldSnapshot(day: Day): Promise<{ totals: Record<string, number>; alerts: Set<string> }> {
    const manifest = await getJson<GoldManifest>(this.lake, keys.goldManifest(day));
    const alerts = await getJson<DayAlerts>(this.lake, alertKeys.day(day));
    return { totals: { ...(manifest?.totals ?? {}) } as Record<string, number>, alerts: new Set((alerts?.alerts ?? []).map((alert) => alert.alertId)) };
  }

  /** Re-invokes every dead-lettered event; letters whose invocation now succeeds are removed. */
  async redrive(): Promise<{ redriven: number; stillFailing: DeadLetter[] }> {
    const letters = await this.deadLetters.list();
    for (const letter of letters) await this.deadLetters.remove(letter.id);
    for (const letter of letters) this.runtime.invokeAsync(letter.functionName, letter.event, letter.objectKey);
    await this.quiet();
    const remaining = await this.deadLetters.list();
    return { redriven: letters.length, stillFailing: remaining };
  }

  /** Sends the S3 event an object's creation would send (used by replay). */
  notify(key: string): void {
    deliver(this.runtime, {
      Records: [{ eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: this.s3.bucket }, object: { key } } }],
    });
  }

  async quiet(): Promise<void> {
    // A handler's last write notifies synchronously, but give in-flight notifications a turn too.
    do {
      await this.runtime.idle();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await this.s3.settle();
    } while (this.runtime.busy);
  }

  async goldComplete(day: Day): Promise<boolean> {
    return this.lake.exists(keys.goldManifest(day));
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.quiet();
    await this.s3.close();
  }
}

function changesBetween(before: { totals: Record<string, number>; alerts: Set<string> }, after: { totals: Record<string, number>; alerts: Set<string> }): DayChanges {
  const names = [...new Set([...Object.keys(before.totals), ...Object.keys(after.totals)])].sort();
  return {
    totals: Object.fromEntries(names.map((name) => [name, { before: before.totals[name] ?? null, after: after.totals[name] ?? null }])),
    alertsAdded: [...after.alerts].filter((id) => !before.alerts.has(id)).sort(),
    alertsRemoved: [...before.alerts].filter((id) => !after.alerts.has(id)).sort(),
  };
}

/** Minute of the day a `cron(M H ...)` schedule fires at; `rate(...)` schedules count as midnight. */
export function minuteOfDay(expression: string): number {
  const cron = /^cron\(\s*(\d+)\s+(\d+)\s/.exec(expression);
  return cron ? Number(cron[2]) * 60 + Number(cron[1]) : 0;
}

/** AWS sends keys URL-encoded with `+` for spaces; so does the runner, so handlers decode as on AWS. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function deliver(runtime: LocalLambdaRuntime, notification: S3EventNotification): void {
  for (const record of notification.Records) {
    const key = record.s3.object.key;
    const bucket = record.s3.bucket.name;
    for (const fn of runtime.functionsTriggeredBy(bucket, record.eventName, key)) {
      const event = {
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: process.env.AWS_REGION ?? 'eu-west-1',
            eventTime: record.eventTime,
            eventName: record.eventName,
            s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { ...record.s3.object, key: encodeS3EventKey(key) } },
          },
        ],
      };
      runtime.invokeAsync(fn.name, event, key);
    }
  }
}
