import { createHash } from 'node:crypto';

/**
 * The lake as the stages see it: a flat key space of immutable-by-convention objects.
 * Stages depend on this interface only; `S3Lake` (./s3-lake.ts) is the production implementation
 * and tests use the same class against an embedded S3 server.
 */
export interface Lake {
  /** The object's bytes, or `undefined` when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** Every key under `prefix`, sorted ascending (pages through any listing limit). */
  list(prefix: string): Promise<string[]>;
  exists(key: string): Promise<boolean>;
  /** The object with its version (its ETag on S3), or `undefined` when the key does not exist. */
  getVersioned(key: string): Promise<{ bytes: Uint8Array; version: string } | undefined>;
  /**
   * Writes only if the object is still at `version` (null: only if it does not exist), atomically
   * (S3's conditional writes); false when another writer got there first.
   */
  putIfVersion(key: string, body: Uint8Array | string, version: string | null, contentType?: string): Promise<boolean>;
}

/**
 * An error about one object of the lake: its key travels with it, so a log line or a dead letter
 * says which object to look at. Each stage names its own (GoldError, SilverError, AlertError).
 */
export class LakeObjectError extends Error {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reading or writing the lake itself failed. */
export class LakeError extends LakeObjectError {
  override name = 'LakeError';
}

const decoder = new TextDecoder();

/** Reads and parses a JSON object, or `undefined` when it does not exist; malformed JSON is an error naming the key. */
export async function getJson<T>(lake: Lake, key: string): Promise<T | undefined> {
  const bytes = await lake.get(key);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (cause) {
    throw new LakeError(`${key} is not valid JSON: ${(cause as Error).message}`, key, { cause });
  }
}

/** Writes `value` as stable, pretty JSON (same value → same bytes). */
export async function putJson(lake: Lake, key: string, value: unknown): Promise<void> {
  await lake.put(key, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
}

/** A version for lakes without ETags (memory, a directory): S3's ETag of a single-part upload, the quoted MD5. */
export function contentVersion(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}
