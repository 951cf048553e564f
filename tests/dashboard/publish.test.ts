import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { cacheControlOf, contentTypeOf, planSync, publish } from '../../scripts/dashboard-publish.ts';

test('planSync uploads what changed and deletes what the build no longer has', (t) => {
  const plan = planSync(
    [
      { key: 'index.html', md5: 'new', path: '/x/index.html' },
      { key: '_astro/a.css', md5: 'same', path: '/x/_astro/a.css' },
    ],
    new Map([
      ['index.html', 'old'],
      ['_astro/a.css', 'same'],
      ['_astro/stale.css', 'gone'],
    ]),
  );
  t.deepEqual(plan.upload.map((file) => file.key), ['index.html']);
  t.deepEqual(plan.remove, ['_astro/stale.css']);
  t.regex(cacheControlOf('_astro/a.css'), /immutable/);
  t.regex(cacheControlOf('categories/index.html'), /max-age=300/);
  t.regex(cacheControlOf('img/0123456789abcdef01234567.jpg'), /immutable/, 'a copied photo is named by its URL');
  t.is(contentTypeOf('img/0123456789abcdef01234567.jpg'), 'image/jpeg');
  t.is(contentTypeOf('img/0123456789abcdef01234567.webp'), 'image/webp');
});

test.serial('publish syncs a build to an S3 bucket with content types and cache headers', async (t) => {
  const s3 = await startEmbeddedS3({ bucket: 'site' });
  const directory = await mkdtemp(join(tmpdir(), 'site-'));
  t.teardown(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });
  await mkdir(join(directory, '_astro'), { recursive: true });
  await writeFile(join(directory, 'index.html'), '<!doctype html><title>v1</title>');
  await writeFile(join(directory, '_astro', 'site.abc123.css'), 'body{}');
  await writeFile(join(directory, 'old.html'), 'old');
  const first = await publish({ client: s3.lake.client, bucket: 'site', directory });
  t.is(first.upload.length, 3);
  const head = await s3.lake.client.send(new HeadObjectCommand({ Bucket: 'site', Key: '_astro/site.abc123.css' }));
  t.is(head.ContentType, 'text/css; charset=utf-8');
  t.regex(head.CacheControl ?? '', /immutable/);

  await writeFile(join(directory, 'index.html'), '<!doctype html><title>v2</title>');
  await rm(join(directory, 'old.html'));
  const second = await publish({ client: s3.lake.client, bucket: 'site', directory });
  t.deepEqual(second.upload.map((file) => file.key), ['index.html']);
  t.deepEqual(second.remove, ['old.html']);
  t.deepEqual(await s3.lake.list(''), ['_astro/site.abc123.css', 'index.html']);
  t.is(Buffer.from((await s3.lake.get('index.html'))!).toString(), '<!doctype html><title>v2</title>');
});

test.serial('publish refuses a directory that is not a dashboard build', async (t) => {
  const s3 = await startEmbeddedS3({ bucket: 'site' });
  const directory = await mkdtemp(join(tmpdir(), 'site-'));
  t.teardown(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });
  await t.throwsAsync(publish({ client: s3.lake.client, bucket: 'site', directory }), { message: /is empty/ });
  await writeFile(join(directory, 'readme.txt'), 'x');
  await t.throwsAsync(publish({ client: s3.lake.client, bucket: 'site', directory }), { message: /no index.html/ });
});
