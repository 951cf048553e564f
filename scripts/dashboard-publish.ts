// Publishes a built dashboard (dashboard/dist) to the stage's site bucket and invalidates CloudFront.
//   npm run dashboard:publish -- --stage prod [--region eu-west-1] [--dir dashboard/dist]
//   npm run dashboard:publish -- --bucket NAME --distribution ID   (skip the stack lookup)
//   --s3-endpoint URL --no-invalidate   (publish to an S3-compatible server, e.g. for tests)
// Uploads changed files only (by MD5 = ETag), deletes files the new build no longer has, and sets
// caching: HTML and JSON briefly, hashed assets under _astro/ for a year.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '#shared/lake/s3-lake.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
};

export interface LocalFile {
  key: string;
  md5: string;
  path: string;
}

export interface SyncPlan {
  upload: LocalFile[];
  remove: string[];
}

/** What to upload and delete so the bucket equals the build (pure: tested without S3). */
export function planSync(local: LocalFile[], remote: Map<string, string>): SyncPlan {
  const localKeys = new Set(local.map((file) => file.key));
  return {
    upload: local.filter((file) => remote.get(file.key) !== file.md5),
    remove: [...remote.keys()].filter((key) => !localKeys.has(key)).sort(),
  };
}

export function cacheControlOf(key: string): string {
  // Hashed assets never change; a copied photo (`--photos copy`) is named by its Wallapop URL's hash, and Wallapop's photo at a URL does not change either.
  return key.startsWith('_astro/') || key.startsWith('img/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate';
}

export function contentTypeOf(key: string): string {
  return CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream';
}

async function localFiles(directory: string): Promise<LocalFile[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files: LocalFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const md5 = createHash('md5').update(await readFile(path)).digest('hex');
    files.push({ key: relative(directory, path).split(sep).join('/'), md5, path });
  }
  if (files.length === 0) throw new Error(`${directory} is empty: build the dashboard first (npm run dashboard:build)`);
  if (!files.some((file) => file.key === 'index.html')) throw new Error(`${directory} has no index.html: is it a dashboard build?`);
  return files.sort((a, b) => a.key.localeCompare(b.key));
}

async function remoteObjects(client: S3Client, bucket: string): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) objects.set(object.Key, (object.ETag ?? '').replaceAll('"', ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

export async function publish(options: { client: S3Client; bucket: string; directory: string }): Promise<SyncPlan> {
  const plan = planSync(await localFiles(options.directory), await remoteObjects(options.client, options.bucket));
  // Assets before pages, so no page is ever served that points at an asset not yet uploaded.
  const ordered = [...plan.upload].sort((a, b) => Number(a.key.endsWith('.html')) - Number(b.key.endsWith('.html')) || a.key.localeCompare(b.key));
  for (const file of ordered) {
    await options.client.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: file.key,
        Body: await readFile(file.path),
        ContentType: contentTypeOf(file.key),
        CacheControl: cacheControlOf(file.key),
      }),
    );
  }
  for (let index = 0; index < plan.remove.length; index += 1000) {
    const batch = plan.remove.slice(index, index + 1000);
    await options.client.send(new DeleteObjectsCommand({ Bucket: options.bucket, Delete: { Objects: batch.map((Key) => ({ Key })) } }));
  }
  return plan;
}

async function stackOutputs(stage: string, region: string): Promise<Record<string, string>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({ region });
  const stack = (await client.send(new DescribeStacksCommand({ StackName: `wallapop-market-${stage}` }))).Stacks?.[0];
  if (!stack) throw new Error(`stack wallapop-market-${stage} not found in ${region}: deploy it first (sls deploy --stage ${stage})`);
  return Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string', default: 'dev' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'eu-west-1' },
      dir: { type: 'string', default: 'dashboard/dist' },
      bucket: { type: 'string' },
      distribution: { type: 'string' },
      's3-endpoint': { type: 'string' },
      'no-invalidate': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: npm run dashboard:publish -- [--stage prod] [--region eu-west-1] [--dir dashboard/dist] [--bucket NAME --distribution ID] [--s3-endpoint URL] [--no-invalidate]');
    return;
  }
  const outputs = values.bucket ? {} : await stackOutputs(values.stage, values.region);
  const bucket = values.bucket ?? outputs.SiteBucketName;
  const distribution = values.distribution ?? outputs.SiteDistributionId;
  if (!bucket) throw new Error('no site bucket: pass --bucket or deploy the stack (its SiteBucketName output)');
  const client = createS3Client({ region: values.region, ...(values['s3-endpoint'] ? { endpoint: values['s3-endpoint'] } : {}) });
  const plan = await publish({ client, bucket, directory: values.dir });
  console.log(`Published ${values.dir} to s3://${bucket}: ${plan.upload.length} uploaded, ${plan.remove.length} deleted.`);
  if (values['no-invalidate'] || plan.upload.length + plan.remove.length === 0) return;
  if (!distribution) throw new Error('no CloudFront distribution: pass --distribution or deploy the stack (its SiteDistributionId output)');
  const { CloudFrontClient, CreateInvalidationCommand } = await import('@aws-sdk/client-cloudfront');
  const invalidation = await new CloudFrontClient({ region: values.region }).send(
    new CreateInvalidationCommand({
      DistributionId: distribution,
      // Hashed assets never change: only pages and data need evicting.
      InvalidationBatch: { CallerReference: createHash('sha256').update(JSON.stringify(plan.upload.map((f) => f.md5))).digest('hex').slice(0, 32), Paths: { Quantity: 1, Items: ['/*'] } },
    }),
  );
  console.log(`CloudFront invalidation ${invalidation.Invalidation?.Id} started for ${distribution}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    console.error(`dashboard:publish: ${error.message}`);
    process.exit(1);
  });
}
