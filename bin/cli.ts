import { Command, InvalidArgumentError, Option } from 'commander';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertKeys, type DayAlerts } from '#shared/alerts/index.ts';
import { OutboxChannel } from '#shared/alerts/channels.ts';
import { readSearchConfigFile } from '#shared/config/yaml-file.ts';
import { SearchConfigError } from '#shared/config/searches.ts';
import { getJson } from '#shared/lake/lake.ts';
import { addDays, isDay, madridDay } from '#shared/lake/days.ts';
import { DEFAULT_LISTINGS } from '#simulator/defaults.ts';
import { DeadLetterStore } from '#local/dead-letters.ts';
import { LocalPipeline, type DayRun } from '#local/pipeline.ts';
import { RunProgress } from '#local/progress.ts';
import { formatBackfill, formatDayAlerts, formatDayRun } from '#local/summary.ts';
import { reportDay } from '#local/lake-report.ts';
import { questionWords } from '#shared/gold/sold-prices.ts';
import type { SearchQuery } from '#shared/wallapop/index.ts';
import type { DashboardBuildResult } from '../scripts/dashboard-build.ts';

/** Exit codes: 0 all good, 1 the run finished with failures (dead letters, failed searches), 2 bad usage. */
const EXIT_FAILURES = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

// `wallapop dlq | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const program = new Command()
  .name('wallapop')
  .description('Runs the Wallapop market pipeline on this machine: the same handlers and wiring as on AWS, against an embedded S3.')
  // One line after the error, not the 20-30 lines of help that would bury it.
  .showHelpAfterError('(add --help for the options)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

const dayOption = (what: string) =>
  new Option('--date <YYYY-MM-DD>', what).argParser((value) => {
    if (!isDay(value)) throw new InvalidArgumentError(`"${value}" is not a day; expected YYYY-MM-DD`);
    return value;
  });
const dayArgument = (value: string) => {
  if (!isDay(value)) throw new InvalidArgumentError(`"${value}" is not a day; expected YYYY-MM-DD`);
  return value;
};
const positiveInteger = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
  return parsed;
};
/**
 * The doctor's default probe: a well-stocked search with every filter the drift check can test.
 * No keywords: with them a category filter could be ignored unnoticed (every iPhone is technology).
 */
const DOCTOR_PROBE: SearchQuery = {
  categoryId: 24200,
  latitude: 40.4168,
  longitude: -3.7038,
  distanceKm: 50,
  minPrice: 50,
  maxPrice: 1500,
  orderBy: 'newest',
  timeFilter: 'lastMonth',
};
const DEMO_SEARCHES = fileURLToPath(new URL('../local/demo-searches.yml', import.meta.url));
const dataDirOption = () => new Option('--data-dir <dir>', 'where the local lake and dead letters live').default('.data');


program
  .command('run')
  .description('Run plan → extract → silver → gold for one day or N consecutive days ending at --date.')
  .addOption(dayOption('the day, or the last of the --days (default: today in Madrid)'))
  .option('--days <n>', 'number of consecutive days', positiveInteger('--days'), 1)
  .addOption(new Option('--source <source>', 'sim: the built-in market simulator; live: api.wallapop.com').choices(['sim', 'live']).default('sim'))
  .addOption(dataDirOption())
  .option('--searches <file>', 'search configuration file', 'searches.yml')
  .option('--shards <n>', 'shard count (default: serverless.yml)', positiveInteger('--shards'))
  .option('--listings <n>', 'simulator: active listings in the market', positiveInteger('--listings'), DEFAULT_LISTINGS)
  .option('--seed <n>', 'simulator: market seed', positiveInteger('--seed'), 1)
  .option('--fault-rate <rate>', 'simulator: share of requests answered with an injected fault (0–1)', parseFloat, 0)
  .option('--rps <n>', 'requests per second to Wallapop (live default 1; sim default unlimited)', parseFloat)
  .option('--force', 're-extract searches that already have data for the day', false)
  .option('--webhook <url>', 'also POST each alert to this webhook (docs/alerts.md); alerts always go to <data dir>/alerts/dt=D.jsonl')
  .option('--dashboard', 'then build the dashboard from the lake into dashboard/dist', false)
  .option('--json', 'print the day reports as JSON', false)
  .option('-v, --verbose', 'print the handlers\' structured logs (INFO)', false)
  .option('--s3-endpoint <url>', 'drive a bucket on this S3-compatible server instead of the embedded lake (needs --bucket)')
  .option('--bucket <name>', 'drive this bucket (on AWS with your usual credentials, or at --s3-endpoint) instead of the embedded lake')
  .action(async (options) => {
    const config = await readSearchConfigFile(options.searches);
    const lastDay: string = options.date ?? madridDay(new Date());
    const days = Array.from({ length: options.days }, (_, index) => addDays(lastDay, index - options.days + 1));
    let built: DashboardBuildResult | undefined;
    const runs = await withPipeline(options, config.searches.length, days[0]!, async (pipeline, progress, sim) => {
      const results: DayRun[] = [];
      for (const day of days) {
        await sim?.setDay(day);
        progress.startDay(day);
        const run = await pipeline.runDay(day, { force: options.force });
        results.push(run);
        progress.stop();
        if (!options.json) {
          console.log(formatDayRun(run));
          const alerts = await getJson<DayAlerts>(pipeline.lake, alertKeys.day(day));
          console.log(formatDayAlerts(alerts, { outboxFile: OutboxChannel.fileOf(resolve(options.dataDir, 'alerts'), day), webhook: options.webhook !== undefined }));
        }
      }
      if (options.dashboard && results.some((run) => run.report.gold.complete)) {
        // Built while the simulator still runs: its made-up listing photos are copied into the site.
        const { buildDashboard } = await import('../scripts/dashboard-build.ts');
        built = await buildDashboard({
          from: options.dataDir,
          ...(sim ? { photos: 'copy' as const, imageOrigin: sim.url, photoCache: resolve(options.dataDir, 'photos') } : {}),
        });
      }
      return results;
    });
    if (options.json) console.log(JSON.stringify(runs.map(({ report, deadLetters, wallTimeMs }) => ({ ...report, deadLetters, wallTimeMs })), null, 2));
    else console.log(`\nLake: ${resolve(options.dataDir, 's3')}   dead letters: ${resolve(options.dataDir, 'dead-letters')}   alerts: ${resolve(options.dataDir, 'alerts')}`);
    process.exitCode = runs.some((run) => run.deadLetters.length > 0 || run.report.problems.length > 0) ? EXIT_FAILURES : 0;
    if (options.dashboard) {
      if (built === undefined) {
        console.error('No day reached gold: the dashboard was not built.');
        process.exitCode = EXIT_FAILURES;
        return;
      }
      console.log(`Dashboard: ${built.pages.toLocaleString('en-US')} pages for ${built.day} in ${built.outDir} (${built.seconds.toFixed(1)} s). Serve it with: npm run dashboard:serve`);
    }
  });

program
  .command('demo')
  // 8 days: the dashboard's "vs 7 days ago" needs a day a week before the last one.
  .description('The offline demo: a fresh simulated market, 8 consecutive days through the whole pipeline, then the dashboard.')
  .option('--days <n>', 'number of consecutive days', positiveInteger('--days'), 8)
  .option('--listings <n>', 'active listings in the simulated market', positiveInteger('--listings'), DEFAULT_LISTINGS)
  .addOption(new Option('--data-dir <dir>', 'where the demo lake lives (emptied first)').default('.data/demo'))
  .option('--webhook <url>', 'also POST each alert to this webhook (docs/alerts.md)')
  .option('-v, --verbose', 'print the handlers\' structured logs (INFO)', false)
  .action(async (options) => {
    const { rm } = await import('node:fs/promises');
    await rm(options.dataDir, { recursive: true, force: true });
    await program.parseAsync(
      [
        'run', '--source', 'sim', '--days', String(options.days), '--listings', String(options.listings), '--searches', DEMO_SEARCHES, '--data-dir', options.dataDir, '--dashboard',
        ...(options.webhook ? ['--webhook', options.webhook] : []),
        ...(options.verbose ? ['--verbose'] : []),
      ],
      { from: 'user' },
    );
  });

program
  .command('replay')
  .description(
    'Recompute days from the data already in the lake, from silver (bronze manifests) or gold (silver manifests): one day (--date), or a backfill (--from, --through) that recomputes each day in order from the one before it.',
  )
  .addOption(new Option('--date <YYYY-MM-DD>', 'the one day to recompute').argParser(dayArgument).conflicts(['from', 'through']))
  .addOption(new Option('--from <YYYY-MM-DD>', 'backfill: the first day to recompute').argParser(dayArgument))
  .addOption(new Option('--through <YYYY-MM-DD>', 'backfill: the last day (default: the last planned day in the lake)').argParser(dayArgument))
  .addOption(new Option('--from-stage <stage>', 'stage to start from').choices(['silver', 'gold']).default('silver'))
  .option('--current-watches', 'evaluate alerts with the watches of this folder (or the deployment) instead of those each day recorded in its plan', false)
  .addOption(dataDirOption())
  .option('--json', 'print the day report as JSON', false)
  .option('-v, --verbose', 'print the handlers\' structured logs', false)
  .option('--s3-endpoint <url>', 'drive a bucket on this S3-compatible server instead of the embedded lake (needs --bucket)')
  .option('--bucket <name>', 'drive this bucket (on AWS with your usual credentials, or at --s3-endpoint) instead of the embedded lake')
  .action(async (options) => {
    if (options.date === undefined && options.from === undefined) throw new UsageError('replay needs --date (one day) or --from (a backfill)');
    if (options.through !== undefined && options.from === undefined) throw new UsageError('--through needs --from');
    // Read by alert evaluation on every invocation: the day's recorded watches unless asked otherwise.
    process.env.WATCHES_FROM = options.currentWatches ? 'deployment' : 'plan';
    const from: string = options.date ?? options.from;
    const through: string = options.date ?? options.through ?? '9999-12-31';
    const backfill = await withPipeline(options, 0, from, (pipeline) =>
      pipeline.backfill(from, through, options.fromStage, (step) => {
        if (!options.json && options.date === undefined) console.error(`${step.day}: recomputed (${(step.run.wallTimeMs / 1000).toFixed(1)} s)`);
      }),
    );
    const watches = options.currentWatches ? 'the watches of this folder or deployment' : "each day's recorded watches (from its run plan; the deployed ones for plans older than that record)";
    if (options.json) console.log(JSON.stringify(options.date ? backfill.days[0]!.run : backfill, null, 2));
    else console.log(`${formatBackfill(backfill)}\nAlerts evaluated with ${watches}.`);
    const failed = backfill.stoppedAt !== null || backfill.days.some((step) => step.run.deadLetters.length > 0 || step.run.report.problems.length > 0);
    process.exitCode = failed ? EXIT_FAILURES : 0;
  });

program
  .command('status')
  .description('What the local lake holds for a day, stage by stage, with counts and problems.')
  .addOption(dayOption('the day to report (default: today in Madrid)'))
  .addOption(dataDirOption())
  .option('--json', 'print as JSON', false)
  .option('--s3-endpoint <url>', 'drive a bucket on this S3-compatible server instead of the embedded lake (needs --bucket)')
  .option('--bucket <name>', 'drive this bucket (on AWS with your usual credentials, or at --s3-endpoint) instead of the embedded lake')
  .action(async (options) => {
    const day = options.date ?? madridDay(new Date());
    const hint = await demoLakeHint(options);
    const report = await withPipeline(options, 0, day, (pipeline) => reportDay(pipeline.lake, day));
    if (hint && !report.planned) report.problems.push(hint.trim());
    console.log(options.json ? JSON.stringify(report, null, 2) : formatDayRun({ report, deadLetters: [], wallTimeMs: 0, functions: {} }));
    process.exitCode = report.problems.length > 0 ? EXIT_FAILURES : 0;
  });

program
  .command('dlq')
  .description('List dead-lettered invocations (events that failed every attempt).')
  .addOption(dataDirOption())
  .option('--json', 'print as JSON', false)
  .action(async (options) => {
    const letters = await new DeadLetterStore(join(options.dataDir, 'dead-letters')).list();
    if (options.json) console.log(JSON.stringify(letters, null, 2));
    else if (letters.length === 0) console.log(`No dead letters in ${join(options.dataDir, 'dead-letters')}.${(await demoLakeHint(options)) ?? ''}`);
    else for (const letter of letters) console.log(`${letter.id}  ${letter.functionName}  ${letter.objectKey ?? '(scheduled)'}  ${letter.attempts} attempts  ${letter.error.name}: ${letter.error.message}`);
    process.exitCode = letters.length > 0 ? EXIT_FAILURES : 0;
  });

program
  .command('redrive')
  .description('Re-invoke every dead-lettered event; letters that now succeed are removed. A re-driven extract fetches from the live API (WALLAPOP_BASE_URL overrides it).')
  .addOption(dataDirOption())
  .option('--json', 'print as JSON', false)
  .option('-v, --verbose', 'print the handlers\' structured logs', false)
  .option('--s3-endpoint <url>', 'drive a bucket on this S3-compatible server instead of the embedded lake (needs --bucket)')
  .option('--bucket <name>', 'drive this bucket (on AWS with your usual credentials, or at --s3-endpoint) instead of the embedded lake')
  .action(async (options) => {
    const result = await withPipeline(options, 0, undefined, (pipeline) => pipeline.redrive());
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else console.log(`Re-drove ${result.redriven} dead letter(s); ${result.stillFailing.length} still failing.`);
    process.exitCode = result.stillFailing.length > 0 ? EXIT_FAILURES : 0;
  });

program
  .command('prices')
  .description('What does this kind of item sell for, and how fast, at which price? Sales of the last days from the gold state, beside what is on sale now.')
  .argument('<words...>', 'words the title must contain, e.g. iphone 13 (folded: case and accents ignored)')
  .option('--exclude <words>', 'comma-separated words the title must not contain, e.g. pro,mini,max', (value: string) => value.split(',').map((word) => word.trim()).filter((word) => word !== ''))
  .option('--region <name>', 'only this region, as the listings give it (e.g. "Comunidad de Madrid")')
  .option('--province <name>', 'only this province (e.g. "Córdoba"; listings tracked before provinces have none)')
  .option('--city <name>', 'only this city')
  .option('--category <id>', 'only this category id', positiveInteger('--category'))
  .option('--search <slug>', 'only listings this configured search returned')
  .option('--days <n>', 'sales of the last N days (at most the state retention, 30)', positiveInteger('--days'), 30)
  .addOption(dayOption('answer from the latest gold day on or before this day (default: the latest)'))
  .addOption(dataDirOption())
  .option('--json', 'print as JSON', false)
  .option('--s3-endpoint <url>', 'read a bucket on this S3-compatible server instead of the embedded lake (needs --bucket)')
  .option('--bucket <name>', 'read this bucket (on AWS with your usual credentials, or at --s3-endpoint) instead of the embedded lake')
  .action(async (words: string[], options) => {
    const { answerPriceQuestion, formatPriceAnswer } = await import('#local/price-answers.ts');
    const question = {
      words: words.flatMap((word) => questionWords(word)),
      exclude: (options.exclude ?? []).flatMap((word: string) => questionWords(word)),
      ...(options.region ? { region: options.region } : {}),
      ...(options.province ? { province: options.province } : {}),
      ...(options.city ? { city: options.city } : {}),
      ...(options.category ? { categoryId: options.category } : {}),
      ...(options.search ? { search: options.search } : {}),
      days: options.days,
    };
    if (question.words.length === 0) throw new UsageError(`"${words.join(' ')}" has no word that tells items apart (sale talk, colours and condition are ignored)`);
    const answer = await withPipeline(options, 0, undefined, (pipeline) => answerPriceQuestion(pipeline.lake, question, options.date));
    console.log(options.json ? JSON.stringify(answer, null, 2) : formatPriceAnswer(answer));
  });

program
  .command('doctor')
  .description('Check the live API before trusting a run: one request per endpoint (categories, /search, /search/section, a second page) at the polite rate, what was sent, the shape that came back, the fields that could not be read, and a verdict. Exit 1 when broken.')
  .option('--base-url <url>', 'the API to check (default: WALLAPOP_BASE_URL, else https://api.wallapop.com)')
  .option('--search <slug>', 'probe with this configured search instead of the built-in one (technology, Madrid, 50 km, 50–1500 €, newest of the last month)')
  .option('--searches <file>', 'search configuration file, for --search', 'searches.yml')
  .option('--rps <n>', 'requests per second (default 1, the polite rate; 0: no limit, for a local simulator)', parseFloat, 1)
  .option('--json', 'print the report as JSON', false)
  .action(async (options) => {
    const { WallapopClient } = await import('#shared/wallapop/index.ts');
    const { runDoctor, formatDoctorReport } = await import('#local/doctor.ts');
    const { searchQueryOf } = await import('#shared/extract/query.ts');
    let probe: SearchQuery = DOCTOR_PROBE;
    if (options.search) {
      const config = await readSearchConfigFile(options.searches);
      const search = config.searches.find((entry) => entry.slug === options.search);
      if (!search) throw new UsageError(`${options.searches} has no search "${options.search}" (it has ${config.searches.map((entry) => entry.slug).join(', ')})`);
      probe = searchQueryOf(search);
    }
    const baseUrl: string = options.baseUrl ?? process.env.WALLAPOP_BASE_URL ?? 'https://api.wallapop.com';
    if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got "${baseUrl}"`);
    if (!(options.rps >= 0)) throw new UsageError(`--rps must be a number >= 0 (0: no limit, for a local simulator), got "${options.rps}"`);
    // Few attempts: a doctor that waits minutes on retries is no help; the verdict says what failed.
    const client = new WallapopClient({ baseUrl, requestsPerSecond: options.rps, maxAttempts: 2, maxRetryAfterMs: 10_000 });
    const report = await runDoctor({ client, baseUrl, probe });
    console.log(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
    process.exitCode = report.verdict === 'broken' ? EXIT_FAILURES : 0;
  });

program
  .command('sim')
  .description('Run the Wallapop market simulator standalone (same as npm run sim).')
  .allowUnknownOption()
  .allowExcessArguments()
  .helpOption(false)
  .action(async (_options, command: Command) => {
    const { main } = await import('../scripts/sim.ts');
    await main(command.args);
  });

/**
 * `npm run demo` keeps its lake in .data/demo; a later `status` or `dlq` with the default data dir
 * would otherwise answer "no run plan" about an empty lake without saying where the data is.
 */
async function demoLakeHint(options: { dataDir: string; bucket?: string }): Promise<string | undefined> {
  const demoDir = join('.data', 'demo');
  if (options.bucket !== undefined || options.dataDir !== '.data') return undefined;
  const present = async (path: string) => stat(path).then(() => true, () => false);
  if (!(await present(join(demoDir, 's3')))) return undefined;
  return ` The demo's lake is in ${demoDir}: add --data-dir ${demoDir}.`;
}

interface PipelineCliOptions {
  s3Endpoint?: string;
  bucket?: string;
  dataDir: string;
  source?: 'sim' | 'live';
  searches?: string;
  shards?: number;
  listings?: number;
  seed?: number;
  faultRate?: number;
  rps?: number;
  verbose?: boolean;
  webhook?: string;
}

interface SimHandle {
  /** Where the simulator answers: its API, and the listing photos under /images/. */
  url: string;
  setDay(day: string): Promise<void> | void;
  close(): Promise<void>;
}

async function withPipeline<T>(
  options: PipelineCliOptions,
  searchCount: number,
  firstDay: string | undefined,
  work: (pipeline: LocalPipeline, progress: RunProgress, sim: SimHandle | undefined) => Promise<T>,
): Promise<T> {
  if (options.s3Endpoint && !options.bucket) throw new UsageError('--s3-endpoint needs --bucket: which bucket on that server holds the lake?');
  const sim = options.source === 'sim' && firstDay ? await startSim(options, firstDay) : undefined;
  const progress = new RunProgress(searchCount, process.stderr.isTTY === true && !options.verbose && searchCount > 0);
  const pipeline = await LocalPipeline.start({
    dataDir: options.dataDir,
    ...(sim ? { wallapopBaseUrl: sim.url } : {}),
    ...(options.rps !== undefined ? { wallapopRequestsPerSecond: options.rps } : sim ? { wallapopRequestsPerSecond: 0 } : {}),
    ...(options.searches ? { searchesFile: options.searches } : {}),
    ...(options.shards ? { shardCount: options.shards } : {}),
    logLevel: options.verbose ? 'INFO' : 'ERROR',
    ...(options.webhook ? { alerts: { webhookUrl: options.webhook } } : {}),
    onInvocation: (record) => progress.onInvocation(record),
    ...(options.bucket ? { remote: { bucket: options.bucket, ...(options.s3Endpoint ? { endpoint: options.s3Endpoint } : {}) } } : {}),
  });
  const unsubscribe = pipeline.s3.onEvent((event) => progress.onObject(event));
  try {
    return await work(pipeline, progress, sim);
  } finally {
    progress.stop();
    unsubscribe();
    await pipeline.close();
    await sim?.close();
  }
}

async function startSim(options: PipelineCliOptions, firstDay: string): Promise<SimHandle> {
  const { createMarket, startSimulator } = await import('#simulator/index.ts');
  const market = createMarket({ seed: options.seed ?? 1, listings: options.listings ?? DEFAULT_LISTINGS, startDay: firstDay });
  const server = await startSimulator({
    market,
    day: firstDay,
    faults: { rate: options.faultRate ?? 0, retryAfterSeconds: 0 },
  });
  return { url: server.url, setDay: (day) => server.setDay(day), close: () => server.close() };
}

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`wallapop: ${error.message}`);
  // A configuration that does not validate is bad usage, as the README promises (exit 2).
  process.exit(error instanceof UsageError || error instanceof SearchConfigError ? EXIT_USAGE : EXIT_FAILURES);
});
