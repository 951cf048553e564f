import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createS3Client, S3Lake } from '../lake/s3-lake.ts';

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
  /** Subscribes to the bucket's notifications; returns the unsubscribe function. */
  onEvent(listener: (event: S3EventNotification) => void): () => void;
  /** Stops the server; deletes its directory when it made one (a caller's directory is kept). */
  close(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts s3rver on 127.0.0.1. ListObjectsV2 pagination needs Node's `--openssl-legacy-provider`
 * (s3rver hashes continuation tokens with an algorithm OpenSSL 3 hides by default): callers must
 * start Node with it.
 */
export async function startEmbeddedS3(options: { bucket?: string; directory?: string; port?: number } = {}): Promise<EmbeddedS3> {
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
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = createS3Client({ endpoint, credentials: LOCAL_CREDENTIALS });
  return {
    endpoint,
    bucket,
    directory,
    lake: new S3Lake(client, bucket),
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
