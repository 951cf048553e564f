import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3EventNotification } from '#local/embedded-s3.ts';
import { createS3Client, S3Lake } from '#shared/lake/s3-lake.ts';

/** The lake the runner drives, and how it learns that objects were created. */
export interface LakeConnection {
  /** The S3-compatible endpoint, or undefined for AWS itself. */
  endpoint: string | undefined;
  bucket: string;
  lake: S3Lake;
  onEvent(listener: (event: S3EventNotification) => void): () => void;
  /** Resolves once every object written before the call has been announced to the listeners. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A bucket the runner cannot subscribe to (another S3-compatible server, or a bucket on AWS whose
 * notifications go to the deployed functions): it lists the trigger prefixes every `intervalMs`
 * and announces objects that are new or changed (by ETag) as S3 would. Objects present at start are
 * not announced: they were handled before.
 */
export async function connectPollingS3(options: {
  bucket: string;
  endpoint?: string;
  region?: string;
  prefixes: string[];
  intervalMs?: number;
}): Promise<LakeConnection> {
  const client = createS3Client({ ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.region ? { region: options.region } : {}) });
  const lake = new S3Lake(client, options.bucket);
  const prefixes = [...new Set(options.prefixes)].filter((prefix) => !options.prefixes.some((other) => other !== prefix && prefix.startsWith(other)));
  const listeners = new Set<(event: S3EventNotification) => void>();
  const known = new Map<string, string>();

  const scan = async (announce: boolean) => {
    for (const prefix of prefixes) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          const etag = object.ETag ?? '';
          if (known.get(object.Key) === etag) continue;
          known.set(object.Key, etag);
          if (!announce) continue;
          const event: S3EventNotification = {
            Records: [{ eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: options.bucket }, object: { key: object.Key, size: object.Size ?? 0, eTag: etag } } }],
          };
          for (const listener of listeners) listener(event);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
  };

  try {
    await scan(false);
  } catch (error) {
    throw new Error(`cannot list s3://${options.bucket}${options.endpoint ? ` at ${options.endpoint}` : ''}: ${(error as Error).message}`);
  }
  let closed = false;
  let cycle: Promise<void> = Promise.resolve();
  const loop = async () => {
    while (!closed) {
      cycle = scan(true).catch(() => undefined);
      await cycle;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  };
  void loop();

  return {
    endpoint: options.endpoint,
    bucket: options.bucket,
    lake,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settle() {
      await cycle;
      // The cycle in flight may have listed a prefix before the latest write: one more full cycle.
      await scan(true);
    },
    async close() {
      closed = true;
      await cycle;
      client.destroy();
    },
  };
}
