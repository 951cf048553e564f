import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createS3Client, S3Lake } from '#shared/lake/s3-lake.ts';

/** The S3 event record s3rver emits, in the real AWS shape. */
export interface S3EventNotification {
  Records: Array<{
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }>;
}

export interface EmbeddedS3 {
  endpoint: string;
  bucket: string;
  directory: string;
  lake: S3Lake;
  /**
   * Makes every request wait `ms` before it is served (0: none, the default): the network and
   * service time of a real S3 round trip, which s3rver on this machine does not have. Small
   * requests to S3 take tens of milliseconds at the median (AWS, "Timeouts and Retries for
   * Latency-Sensitive Applications"); the benchmark's cold starts use it to show what a chain of
   * round trips costs a deployed function.
   */
  setRoundTripMs(ms: number): void;
  /** Subscribes to the bucket's notifications; returns the unsubscribe function. */
  onEvent(listener: (event: S3EventNotification) => void): () => void;
  /** Stops the server; deletes its directory when it made one (a caller's directory is kept). */
  close(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Fault injection: the server "dies" at the `writes`-th PUT of a key matching `matching` (that PUT
 * and every request after it fail and nothing is written), as if the process holding
 * the lake had been killed there. For the crash tests (tests/integration/crash-anywhere.test.ts).
 */
export interface KillSwitch {
  writes: number;
  matching?: RegExp;
  onKill?: (key: string) => void;
}

/**
 * Starts s3rver on 127.0.0.1. ListObjectsV2 pagination needs Node's `--openssl-legacy-provider`
 * (s3rver hashes continuation tokens with an algorithm OpenSSL 3 hides by default): callers must
 * start Node with it.
 */
export async function startEmbeddedS3(options: { bucket?: string; directory?: string; port?: number; killAfterWrites?: KillSwitch } = {}): Promise<EmbeddedS3> {
  const bucket = options.bucket ?? 'wallapop-lake';
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'wallapop-s3-')));
  const ownsDirectory = options.directory === undefined;
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  // First in the chain: s3rver's own routes only ever see one writer per object, and no reader of it.
  (server as unknown as { middleware: KoaMiddleware[] }).middleware.unshift(objectConsistency(server as unknown as ObjectStore, new ObjectLocks()));
  if (options.killAfterWrites) (server as unknown as { middleware: KoaMiddleware[] }).middleware.unshift(killSwitch(options.killAfterWrites));
  const roundTrip = { ms: 0 };
  (server as unknown as { middleware: KoaMiddleware[] }).middleware.unshift(async (_ctx, next) => {
    if (roundTrip.ms > 0) await new Promise((resolve) => setTimeout(resolve, roundTrip.ms));
    await next();
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = createS3Client({ endpoint, credentials: LOCAL_CREDENTIALS });
  return {
    endpoint,
    bucket,
    directory,
    lake: new S3Lake(client, bucket),
    setRoundTripMs(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a round trip takes 0 ms or more, got ${ms}`);
      roundTrip.ms = ms;
    },
    onEvent(listener) {
      server.on('event', listener);
      return () => server.off('event', listener);
    },
    async close() {
      client.destroy();
      await server.close();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** What the middleware needs of Koa's context (s3rver is a Koa application). */
interface KoaContext {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
  res: { once(event: 'finish' | 'close', listener: () => void): void };
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface ObjectStore {
  store: { existsObject(bucket: string, key: string): Promise<boolean>; getMetadata(bucket: string, key: string): Promise<{ etag: string }> };
}

/**
 * s3rver writes objects in place, so a reader racing a rewrite of the same key can get half of it
 * (the transient "cannot gunzip" and Parquet errors of forced reruns), and it ignores S3's
 * conditional writes. This middleware gives each object S3's guarantees: a read sees a whole
 * version, writes to one key happen one at a time, and `If-None-Match: *` / `If-Match: <ETag>` on a
 * PUT answer 412 when the object is not as expected.
 */
/** The object a path-style request names (`/bucket/key`), or undefined for the bucket itself. */
function objectOf(path: string): { bucket: string; key: string } | undefined {
  const slash = path.indexOf('/', 1);
  if (slash < 0 || slash === path.length - 1) return undefined;
  return { bucket: decodeURIComponent(path.slice(1, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
}

function objectConsistency(server: ObjectStore, locks: ObjectLocks): KoaMiddleware {
  return async (ctx, next) => {
    const object = objectOf(ctx.path);
    if (object === undefined) return next(); // the bucket itself: listings
    const { bucket, key } = object;
    const lockKey = `${bucket}/${key}`;
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      const release = await locks.acquire(lockKey, 'read');
      let released = false;
      const releaseOnce = () => {
        if (!released) (released = true), release();
      };
      // The body streams after the middleware returns: the version is held until it is sent.
      ctx.res.once('finish', releaseOnce);
      ctx.res.once('close', releaseOnce);
      try {
        await next();
      } catch (error) {
        releaseOnce();
        throw error;
      }
      return;
    }
    const release = await locks.acquire(lockKey, 'write');
    try {
      if (ctx.method === 'PUT' && !(await preconditionHolds(server, bucket, key, ctx.headers))) {
        ctx.status = 412;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Key>${escapeXml(key)}</Key></Error>`;
        return;
      }
      await next();
    } finally {
      release();
    }
  };
}

function killSwitch(kill: KillSwitch): KoaMiddleware {
  let matched = 0;
  let dead = false;
  return async (ctx, next) => {
    const object = !dead && ctx.method === 'PUT' ? objectOf(ctx.path) : undefined;
    if (object !== undefined && (kill.matching === undefined || kill.matching.test(object.key))) {
      matched += 1;
      if (matched === kill.writes) {
        dead = true;
        kill.onKill?.(object.key);
      }
    }
    if (!dead) return next();
    // 403, not 5xx: the SDK would retry a 5xx, and a dead process answers nothing at all.
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>the lake was killed (fault injection)</Message></Error>';
  };
}

async function preconditionHolds(server: ObjectStore, bucket: string, key: string, headers: KoaContext['headers']): Promise<boolean> {
  const ifNoneMatch = headers['if-none-match'];
  const ifMatch = headers['if-match'];
  if (ifNoneMatch === '*') return !(await server.store.existsObject(bucket, key));
  if (typeof ifMatch === 'string') {
    if (!(await server.store.existsObject(bucket, key))) return false;
    const { etag } = await server.store.getMetadata(bucket, key);
    return unquote(etag) === unquote(ifMatch);
  }
  return true;
}

const unquote = (etag: string) => etag.replace(/^"|"$/g, '');
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Per-object readers–writer locks, granted in arrival order (a waiting writer is not starved by later readers). */
export class ObjectLocks {
  private readonly states = new Map<string, { readers: number; writer: boolean; queue: Array<{ mode: 'read' | 'write'; grant: () => void }> }>();

  acquire(key: string, mode: 'read' | 'write'): Promise<() => void> {
    let state = this.states.get(key);
    if (state === undefined) this.states.set(key, (state = { readers: 0, writer: false, queue: [] }));
    const entry = state;
    return new Promise((resolve) => {
      entry.queue.push({ mode, grant: () => resolve(() => this.release(key, mode)) });
      this.grant(key);
    });
  }

  private release(key: string, mode: 'read' | 'write'): void {
    const state = this.states.get(key)!;
    if (mode === 'write') state.writer = false;
    else state.readers -= 1;
    this.grant(key);
  }

  private grant(key: string): void {
    const state = this.states.get(key)!;
    while (state.queue.length > 0 && !state.writer) {
      const next = state.queue[0]!;
      if (next.mode === 'write' && state.readers > 0) break;
      state.queue.shift();
      if (next.mode === 'write') state.writer = true;
      else state.readers += 1;
      next.grant();
    }
    if (state.queue.length === 0 && !state.writer && state.readers === 0) this.states.delete(key);
  }
}
