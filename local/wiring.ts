import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One S3 trigger of a function, as serverless.yml declares it. */
export interface S3Trigger {
  bucket: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, … */
  event: string;
  prefix: string;
  suffix: string;
}

/** A function as the framework resolves it: what the local runner needs to behave like Lambda. */
export interface FunctionWiring {
  name: string;
  /** Module path of the handler, relative to the service directory (`functions/plan/handler.ts`). */
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  memorySize: number;
  /** `reservedConcurrency` when declared; the runner's default otherwise. */
  reservedConcurrency: number | undefined;
  environment: Record<string, string>;
  s3: S3Trigger[];
  schedules: Array<{ rate: string; timezone?: string }>;
}

export interface ServiceWiring {
  service: string;
  stage: string;
  serviceDirectory: string;
  environment: Record<string, string>;
  functions: FunctionWiring[];
}

interface PrintedService {
  service: string | { name: string };
  provider: { stage?: string; timeout?: number; memorySize?: number; environment?: Record<string, unknown> };
  functions?: Record<string, PrintedFunction>;
}

interface PrintedFunction {
  handler: string;
  timeout?: number;
  memorySize?: number;
  reservedConcurrency?: number;
  environment?: Record<string, unknown>;
  events?: Array<Record<string, any>>;
}

/**
 * Reads the wiring from serverless.yml exactly as the framework resolves it (`serverless print`),
 * so the runner has no routing table of its own (architecture invariant 7).
 */
export async function readServiceWiring(options: { configPath: string; stage: string; region?: string }): Promise<ServiceWiring> {
  const configPath = resolve(options.configPath);
  const serviceDirectory = dirname(configPath);
  const bin = join(serviceDirectory, 'node_modules', '.bin', 'serverless');
  let stdout: string;
  try {
    ({ stdout } = await run(bin, ['print', '--format', 'json', '--config', configPath.slice(serviceDirectory.length + 1), '--stage', options.stage, '--region', options.region ?? 'eu-west-1'], {
      cwd: serviceDirectory,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`cannot resolve ${configPath} with \`serverless print\`: ${stderr.trim() || (error as Error).message}`);
  }
  return wiringFromPrinted(JSON.parse(stdout) as PrintedService, serviceDirectory);
}

export function wiringFromPrinted(printed: PrintedService, serviceDirectory: string): ServiceWiring {
  const providerTimeout = printed.provider.timeout ?? 6;
  const providerMemory = printed.provider.memorySize ?? 1024;
  const functions = Object.entries(printed.functions ?? {}).map(([name, fn]): FunctionWiring => {
    const lastDot = fn.handler.lastIndexOf('.');
    const s3: S3Trigger[] = [];
    const schedules: FunctionWiring['schedules'] = [];
    for (const event of fn.events ?? []) {
      if (event.s3) {
        const rules = (event.s3.rules ?? []) as Array<{ prefix?: string; suffix?: string }>;
        s3.push({
          bucket: String(event.s3.bucket),
          event: String(event.s3.event ?? 's3:ObjectCreated:*'),
          prefix: rules.find((rule) => rule.prefix !== undefined)?.prefix ?? '',
          suffix: rules.find((rule) => rule.suffix !== undefined)?.suffix ?? '',
        });
      }
      if (event.schedule) {
        const schedule = typeof event.schedule === 'string' ? { rate: event.schedule } : event.schedule;
        const rate = Array.isArray(schedule.rate) ? schedule.rate.join(', ') : String(schedule.rate);
        schedules.push({ rate, ...(schedule.timezone ? { timezone: String(schedule.timezone) } : {}) });
      }
    }
    return {
      name,
      modulePath: `${fn.handler.slice(0, lastDot)}.ts`,
      exportName: fn.handler.slice(lastDot + 1),
      timeoutSeconds: fn.timeout ?? providerTimeout,
      memorySize: fn.memorySize ?? providerMemory,
      reservedConcurrency: fn.reservedConcurrency,
      environment: stringValues(fn.environment),
      s3,
      schedules,
    };
  });
  return {
    service: typeof printed.service === 'string' ? printed.service : printed.service.name,
    stage: printed.provider.stage ?? 'dev',
    serviceDirectory,
    environment: stringValues(printed.provider.environment),
    functions,
  };
}

function stringValues(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, String(value)]));
}

/** Whether an S3 event (`ObjectCreated:Put`, key) matches a trigger, the way S3 itself matches it. */
export function triggerMatches(trigger: S3Trigger, bucket: string, eventName: string, key: string): boolean {
  if (trigger.bucket !== bucket) return false;
  const pattern = trigger.event.replace(/^s3:/, '');
  const eventMatches = pattern.endsWith(':*') ? eventName.startsWith(pattern.slice(0, -1)) : eventName === pattern;
  return eventMatches && key.startsWith(trigger.prefix) && key.endsWith(trigger.suffix);
}
