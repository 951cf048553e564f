/**
 * Runs the Wallapop simulator standalone, e.g. for a local pipeline run:
 *   npm run sim -- --port 8787 --listings 20000 --seed 1 --day 2026-11-24 --fault-rate 0.1
 * `main` is also what `bin/cli.ts sim` runs.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_LISTINGS,
  MAX_LISTINGS,
  FAULT_DEFAULTS,
  FAULT_KINDS,
  createMarket,
  startSimulator,
  type FaultKind,
  type RequestLogEntry,
  type DiscountForm,
  type IgnorableFilter,
  type ResponseShape,
  type SectionEndpointMode,
  type SimulatorHandle,
} from '../simulator/index.ts';

const USAGE = `Usage: wallapop sim [options]   (the same as npm run sim -- [options])

Starts a local HTTP server that answers like api.wallapop.com, backed by a seeded market model.

Options:
  --port <n>              port to listen on (default 8787; 0 picks a free one)
  --host <addr>           address to bind (default 127.0.0.1)
  --listings <n>          active listings on the start day (default ${DEFAULT_LISTINGS}; up to ${MAX_LISTINGS})
  --seed <n>              market seed (default 1)
  --day <YYYY-MM-DD>      day served at start (default: today in UTC)
  --start-day <YYYY-MM-DD>  first day of the market (default: --day); earlier --day values are invalid
  --fault-rate <0..1>     share of API requests that get a fault (default 0)
  --fault-seed <n>        seed of the fault sequence (default 0)
  --fault-kinds <list>    comma-separated kinds to draw, equally weighted (${FAULT_KINDS.join(', ')})
  --retry-after <s>       Retry-After of 429 answers (default ${FAULT_DEFAULTS.retryAfterSeconds})
  --slow-ms <n>           delay of slow answers (default ${FAULT_DEFAULTS.slowMs})
  --block <keywords>      answer every search for these keywords with the CloudFront 403 (repeatable)
  --empty <keywords>      answer every search for these keywords with zero items (repeatable)
  --section <mode>        /search/section behaviour: ok | bad-request | missing (default ok)
  --search <mode>         /search behaviour: ok | bad-request | missing (default ok)
  --search-shape <shape>  where /search puts items and token: payload+meta | items+section (default payload+meta)
  --section-shape <shape> the same for /search/section (default items+section, as captured)
  --discount <form>       discount.previous_price as number | object ({amount, currency}) | top-level (default number)
  --ignore <filters>      comma-separated filters the API accepts but ignores: category, price, distance
  --quiet                 no access log
  --help                  this text

Admin routes: GET /__sim/ground-truth?day=D&<search params>, GET /__sim/changes?day=D,
GET|POST /__sim/day ({"day": "YYYY-MM-DD"}), POST /__sim/faults (fault options JSON),
GET|POST /__sim/variant (shapes, discount form, ignored filters), GET /__sim/items/<id>?day=D, GET /__sim/stats.`;

function fail(message: string): never {
  console.error(`sim: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) fail(`--${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        listings: { type: 'string' },
        seed: { type: 'string' },
        day: { type: 'string' },
        'start-day': { type: 'string' },
        'fault-rate': { type: 'string' },
        'fault-seed': { type: 'string' },
        'fault-kinds': { type: 'string' },
        'retry-after': { type: 'string' },
        'slow-ms': { type: 'string' },
        block: { type: 'string', multiple: true },
        empty: { type: 'string', multiple: true },
        section: { type: 'string' },
        search: { type: 'string' },
        'search-shape': { type: 'string' },
        'section-shape': { type: 'string' },
        discount: { type: 'string' },
        ignore: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** Starts the simulator from command-line arguments and keeps it running until SIGINT/SIGTERM. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<SimulatorHandle> {
  const args = readArgs(argv);
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const day = args.day ?? new Date().toISOString().slice(0, 10);
  const faultRate = args['fault-rate'] === undefined ? 0 : Number(args['fault-rate']);
  if (!(faultRate >= 0 && faultRate <= 1)) fail(`--fault-rate must be in [0, 1], got ${args['fault-rate']}`);
  const kinds = args['fault-kinds']?.split(',').map((kind) => kind.trim());
  for (const kind of kinds ?? []) if (!(FAULT_KINDS as readonly string[]).includes(kind)) fail(`unknown fault kind ${kind}`);
  const section = (args.section ?? 'ok') as SectionEndpointMode;
  if (!['ok', 'bad-request', 'missing'].includes(section)) fail(`--section must be ok, bad-request or missing, got ${section}`);
  const searchMode = (args.search ?? 'ok') as SectionEndpointMode;
  if (!['ok', 'bad-request', 'missing'].includes(searchMode)) fail(`--search must be ok, bad-request or missing, got ${searchMode}`);

  const started = performance.now();
  let simulator: SimulatorHandle;
  try {
    const market = createMarket({
      seed: integer('seed', args.seed, 1),
      listings: integer('listings', args.listings, DEFAULT_LISTINGS),
      startDay: args['start-day'] ?? day,
    });
    simulator = await startSimulator({
      market,
      day,
      port: integer('port', args.port, 8787),
      host: args.host ?? '127.0.0.1',
      sectionEndpoint: section,
      searchEndpoint: searchMode,
      variant: {
        ...(args['search-shape'] ? { searchShape: args['search-shape'] as ResponseShape } : {}),
        ...(args['section-shape'] ? { sectionShape: args['section-shape'] as ResponseShape } : {}),
        ...(args.discount ? { discount: args.discount as DiscountForm } : {}),
        ...(args.ignore ? { ignore: args.ignore.split(',').map((filter) => filter.trim()) as IgnorableFilter[] } : {}),
      },
      faults: {
        rate: faultRate,
        seed: integer('fault-seed', args['fault-seed'], 0),
        ...(kinds ? { kinds: Object.fromEntries(kinds.map((kind) => [kind as FaultKind, 1])) } : {}),
        retryAfterSeconds: integer('retry-after', args['retry-after'], FAULT_DEFAULTS.retryAfterSeconds),
        slowMs: integer('slow-ms', args['slow-ms'], FAULT_DEFAULTS.slowMs),
        blockSearches: args.block ?? [],
        emptySearches: args.empty ?? [],
      },
      ...(args.quiet
        ? {}
        : {
            onRequest: (entry: RequestLogEntry) =>
              console.log(`${entry.method} ${entry.path} → ${entry.status}${entry.fault ? ` [${entry.fault}]` : ''} ${entry.ms} ms`),
          }),
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }

  const active = simulator.market.day(day).activeCount();
  console.log(
    `Wallapop simulator on ${simulator.url} — day ${day}, ${active} active listings, seed ${simulator.market.options.seed}, ` +
      `fault rate ${faultRate} (ready in ${Math.round(performance.now() - started)} ms)`,
  );
  console.log(`try: curl '${simulator.url}/api/v3/search?source=search_box&keywords=iphone%2013&latitude=40.4168&longitude=-3.7038&order_by=newest'`);

  const shutDown = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutDown);
  process.once('SIGTERM', shutDown);
  return simulator;
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (runDirectly) await main();
