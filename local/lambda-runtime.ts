import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeadLetterStore, DeadLetter } from './dead-letters.ts';
import { triggerMatches, type FunctionWiring, type ServiceWiring } from './wiring.ts';

type Handler = (event: unknown, context: LambdaContext) => Promise<unknown>;

/** The part of Lambda's context object the handlers use. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export interface InvocationRecord {
  functionName: string;
  objectKey?: string;
  attempt: number;
  status: 'succeeded' | 'failed' | 'dead-lettered';
  durationMs: number;
  result?: unknown;
  error?: Error;
}

export interface LambdaRuntimeOptions {
  wiring: ServiceWiring;
  deadLetters: DeadLetterStore;
  /** Concurrency for functions without `reservedConcurrency` (Lambda's is the account's pool). */
  defaultConcurrency?: number;
  /** Lambda retries a failed asynchronous invocation twice. */
  maxRetries?: number;
  /** Pause before retry n (Lambda waits about 1 and 2 minutes; locally that is only slow, not more faithful). */
  retryDelayMs?: (retry: number) => number;
  /** Shorter timeouts than serverless.yml declares, e.g. to exercise extract's continuation. */
  timeoutOverridesSeconds?: Record<string, number>;
  onInvocation?: (record: InvocationRecord) => void;
}

/**
 * The function whose invocation the current asynchronous work belongs to: every handler runs
 * inside it, so a tool can tell which function made a request (./s3-access.ts).
 */
export const currentInvocation = new AsyncLocalStorage<{ functionName: string }>();

class TimeoutError extends Error {
  override name = 'Lambda.Timeout';
}

/**
 * Runs the service's handlers in this process with Lambda's asynchronous-invocation semantics:
 * per-function concurrency limits, a timeout from the function's configuration (reported to the
 * handler through `getRemainingTimeInMillis`), two retries, then a dead letter.
 *
 * A timed-out handler cannot be stopped inside one process; its result is discarded, as Lambda
 * discards the work of a frozen sandbox.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<string, Promise<Handler>>();
  private readonly queues = new Map<string, Array<() => Promise<void>>>();
  private readonly running = new Map<string, number>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly instance = randomUUID().slice(0, 8);
  readonly deadLettered: DeadLetter[] = [];

  constructor(private readonly options: LambdaRuntimeOptions) {}

  functionsTriggeredBy(bucket: string, eventName: string, key: string): FunctionWiring[] {
    return this.options.wiring.functions.filter((fn) => fn.s3.some((trigger) => triggerMatches(trigger, bucket, eventName, key)));
  }

  functionNamed(name: string): FunctionWiring {
    const fn = this.options.wiring.functions.find((candidate) => candidate.name === name);
    if (!fn) throw new Error(`serverless.yml declares no function "${name}"`);
    return fn;
  }

  /** Queues an asynchronous invocation, as S3 and EventBridge do. */
  invokeAsync(functionName: string, event: unknown, objectKey?: string): void {
    const fn = this.functionNamed(functionName);
    this.pending += 1;
    this.enqueue(fn, async () => {
      try {
        await this.invokeWithRetries(fn, event, objectKey);
      } finally {
        this.pending -= 1;
        if (this.pending === 0) this.notifyIdle();
      }
    });
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get busy(): boolean {
    return this.pending > 0;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private enqueue(fn: FunctionWiring, job: () => Promise<void>): void {
    const queue = this.queues.get(fn.name) ?? [];
    this.queues.set(fn.name, queue);
    queue.push(job);
    this.drain(fn);
  }

  private drain(fn: FunctionWiring): void {
    const limit = fn.reservedConcurrency ?? this.options.defaultConcurrency ?? 4;
    const queue = this.queues.get(fn.name) ?? [];
    while ((this.running.get(fn.name) ?? 0) < limit && queue.length > 0) {
      const job = queue.shift()!;
      this.running.set(fn.name, (this.running.get(fn.name) ?? 0) + 1);
      void job().finally(() => {
        this.running.set(fn.name, (this.running.get(fn.name) ?? 1) - 1);
        this.drain(fn);
      });
    }
  }

  private async invokeWithRetries(fn: FunctionWiring, event: unknown, objectKey: string | undefined): Promise<void> {
    const maxRetries = this.options.maxRetries ?? 2;
    const firstAttemptAt = new Date().toISOString();
    let lastError: Error | undefined;
    // As on Lambda, the retries of one asynchronous event keep its request id.
    const requestId = randomUUID();
    for (let attempt = 1; attempt <= maxRetries + 1; attempt += 1) {
      if (attempt > 1) await sleep(this.options.retryDelayMs?.(attempt - 1) ?? 100 * attempt);
      const started = performance.now();
      try {
        const result = await this.invokeOnce(fn, event, requestId);
        this.options.onInvocation?.({ functionName: fn.name, objectKey, attempt, status: 'succeeded', durationMs: performance.now() - started, result });
        return;
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        this.options.onInvocation?.({ functionName: fn.name, objectKey, attempt, status: 'failed', durationMs: performance.now() - started, error: lastError });
      }
    }
    const letter = await this.options.deadLetters.add({
      functionName: fn.name,
      event,
      ...(objectKey !== undefined ? { objectKey } : {}),
      attempts: maxRetries + 1,
      error: { name: lastError!.name, message: lastError!.message, ...(lastError!.stack ? { stack: lastError!.stack } : {}) },
      firstAttemptAt,
      lastAttemptAt: new Date().toISOString(),
    });
    this.deadLettered.push(letter);
    this.options.onInvocation?.({ functionName: fn.name, objectKey, attempt: maxRetries + 1, status: 'dead-lettered', durationMs: 0, error: lastError! });
  }

  /** One synchronous invocation: resolves with the handler's result or rejects with its error or a timeout. */
  async invokeOnce(fn: FunctionWiring, event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    const handler = await this.load(fn);
    const timeoutMs = (this.options.timeoutOverridesSeconds?.[fn.name] ?? fn.timeoutSeconds) * 1000;
    const deadline = Date.now() + timeoutMs;
    const context: LambdaContext = {
      functionName: `${this.options.wiring.service}-${this.options.wiring.stage}-${fn.name}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${this.options.wiring.service}-${this.options.wiring.stage}-${fn.name}`,
      memoryLimitInMB: String(fn.memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${this.options.wiring.service}-${this.options.wiring.stage}-${fn.name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${fn.name} timed out after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return await Promise.race([currentInvocation.run({ functionName: fn.name }, () => handler(structuredClone(event), context)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private load(fn: FunctionWiring): Promise<Handler> {
    let loaded = this.handlers.get(fn.name);
    if (!loaded) {
      // A query string per runtime gives each runner its own module instance, so clients built at
      // module load see this runner's environment (tests start several runners in one process).
      const url = `${pathToFileURL(join(this.options.wiring.serviceDirectory, fn.modulePath)).href}?runtime=${this.instance}`;
      loaded = import(url).then((module: Record<string, unknown>) => {
        const handler = module[fn.exportName];
        if (typeof handler !== 'function') throw new Error(`${fn.modulePath} exports no function "${fn.exportName}"`);
        return handler as Handler;
      });
      this.handlers.set(fn.name, loaded);
    }
    return loaded;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
