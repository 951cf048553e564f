import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Lake } from './lake.ts';
import { LakeError } from './lake.ts';

export interface S3LakeOptions {
  bucket: string;
  /** An S3-compatible endpoint (the embedded s3rver locally); unset on AWS. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Builds the S3 client. Checksums are computed only when S3 requires them: s3rver stores
 * stream bodies with their aws-chunked framing otherwise (corrupt objects behind an HTTP 200).
 */
export function createS3Client(options: Omit<S3LakeOptions, 'bucket'> = {}): S3Client {
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? 'eu-west-1',
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The lake on S3 (or any S3-compatible server). */
export class S3Lake implements Lake {
  readonly bucket: string;

  constructor(
    readonly client: S3Client,
    bucket: string,
  ) {
    this.bucket = bucket;
  }

  /** The lake configured from the Lambda environment: `DATA_BUCKET`, and `S3_ENDPOINT` when local. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Lake {
    const bucket = env.DATA_BUCKET;
    if (!bucket) throw new Error('DATA_BUCKET is not set: the stage does not know which bucket holds the lake');
    const endpoint = env.S3_ENDPOINT;
    return new S3Lake(createS3Client(endpoint ? { endpoint } : {}), bucket);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!response.Body) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new LakeError(`cannot read s3://${this.bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
    }
  }

  async getVersioned(key: string): Promise<{ bytes: Uint8Array; version: string } | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      if (!response.ETag) throw new Error('the answer carries no ETag');
      return { bytes, version: response.ETag };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new LakeError(`cannot read s3://${this.bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
    }
  }

  async putIfVersion(key: string, body: Uint8Array | string, version: string | null, contentType = 'application/json'): Promise<boolean> {
    try {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, ...(version === null ? { IfNoneMatch: '*' } : { IfMatch: version }) }),
      );
      return true;
    } catch (error) {
      // 412: the condition failed; 409: a concurrent conditional write to the key won (S3 asks to retry);
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 404: If-Match on an object that is gone.
      if (status === 412 || status === 409 || status === 404) return false;
      throw new LakeError(`cannot write s3://${this.bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
    }
  }

  async put(key: string, body: Uint8Array | string, contentType = 'application/octet-stream'): Promise<void> {
    try {
      // Bytes, never a string: the SDK treats an empty string as a stream of unknown length.
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }));
    } catch (error) {
      throw new LakeError(`cannot write s3://${this.bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) found.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort();
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return false;
      throw new LakeError(`cannot check s3://${this.bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
    }
  }
}
