import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { LOCAL_CREDENTIALS, startEmbeddedS3 } from '#local/embedded-s3.ts';

/**
 * The bundles take node:http through `require`, not an ES import: an ES import makes Node read
 * every export of the module, WebSocket's lazy getter included, which loads Node's bundled undici
 * (~18 ms of each cold start's import, docs/performance.md). Bundled with the project's own
 * esbuild configuration, as `serverless package` does.
 */

const require = createRequire(import.meta.url);
const configOf = require('../../esbuild.config.cjs') as (serverless: unknown) => BuildOptions & { exclude?: unknown; outputWorkFolder?: unknown };
const { exclude: _exclude, outputWorkFolder: _work, ...options } = configOf({ service: { custom: { searchesFile: 'searches.yml', watchesFile: 'watches.yml' } }, config: { servicePath: process.cwd() } });

const bundle = async (entry: string) => {
  const result = await build({ ...options, sourcemap: false, entryPoints: [entry], bundle: true, write: false, outfile: join(tmpdir(), 'bundle.mjs') });
  return result.outputFiles.find((file) => file.path.endsWith('.mjs'))!.text;
};

test('the plan bundle (AWS SDK included) has no ES import of node:http', async (t) => {
  const text = await bundle('functions/plan/handler.ts');
  // Booleans, not t.regex: on failure ava would print the whole bundle.
  t.false(/from\s*"(node:)?http"/.test(text), 'an ES import of node:http');
  t.false(/import\s*\(\s*"(node:)?http"\s*\)/.test(text), 'a dynamic import of node:http');
  t.true(/\w\("node:http"\)/.test(text), 'node:http required');
});

test('code bundled that way still uses node:http: a request through its Agent reaches a server', async (t) => {
  const server = createServer((_request, response) => response.end('pong'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'bundle-imports-'));
  try {
    const entry = join(dir, 'entry.mjs');
    await writeFile(entry, "import http, { Agent, request } from 'node:http';\nexport const ping = (port) => new Promise((resolve, reject) => { const req = request({ host: '127.0.0.1', port, agent: new Agent(), path: '/' }, (res) => { let body = ''; res.on('data', (chunk) => (body += chunk)); res.on('end', () => resolve([body, typeof http.request])); }); req.on('error', reject); req.end(); });\n");
    const out = join(dir, 'out.mjs');
    await writeFile(out, await bundle(entry));
    const { ping } = (await import(pathToFileURL(out).href)) as { ping: (port: number) => Promise<[string, string]> };
    const port = (server.address() as { port: number }).port;
    t.deepEqual(await ping(port), ['pong', 'function']);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * The bundles swap the SDK's default credential chain for the one a Lambda function has
 * (shared/runtime/lambda-credentials.ts): the environment, then a container credentials endpoint.
 * Checked on a bundled S3 client signing a real request to a local server.
 */
test('the plan bundle carries no STS, SSO or shared-config credential sources', async (t) => {
  const text = await bundle('functions/plan/handler.ts');
  t.false(text.includes('AssumeRoleWithWebIdentity'), 'the STS client');
  t.false(text.includes('sso-oidc'), 'the SSO OIDC client');
  t.false(text.includes('credential_process'), 'credential processes');
  t.true(text.includes('AWS_CONTAINER_CREDENTIALS_FULL_URI'), 'the container endpoint');
});

test('the plan bundle keeps the schemas of the S3 operations it sends and drops the others', async (t) => {
  const text = await bundle('functions/plan/handler.ts');
  t.true(text.includes('x-id=PutObject'), 'PutObject, which plan sends');
  t.false(text.includes('PutBucketAnalyticsConfiguration'), 'an operation no stage sends');
  t.false(text.includes('x-id=UploadPartCopy'), 'another');
});

test('the lake through a bundled S3 client: every operation the stages use, against s3rver', async (t) => {
  const s3 = await startEmbeddedS3();
  const dir = await mkdtemp(join(process.cwd(), '.bundle-lake-'));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, `export { createS3Client, S3Lake } from '${join(process.cwd(), 'shared/lake/s3-lake.ts')}';\n`);
    const out = join(dir, 'out.mjs');
    await writeFile(out, await bundle(entry));
    const bundled = (await import(pathToFileURL(out).href)) as typeof import('#shared/lake/s3-lake.ts');
    const lake = new bundled.S3Lake(bundled.createS3Client({ endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS }), s3.bucket);
    await lake.put('a/one.json', '{"n":1}', 'application/json');
    await lake.put('a/two.bin', new Uint8Array([0, 255, 7]));
    t.deepEqual(await lake.list('a/'), ['a/one.json', 'a/two.bin']);
    t.deepEqual(await lake.get('a/two.bin'), new Uint8Array([0, 255, 7]));
    t.is(await lake.get('a/missing'), undefined);
    t.true(await lake.exists('a/one.json'));
    t.false(await lake.exists('a/missing'));
    const versioned = await lake.getVersioned('a/one.json');
    t.is(new TextDecoder().decode(versioned!.bytes), '{"n":1}');
    t.true(await lake.putIfVersion('a/one.json', '{"n":2}', versioned!.version));
    t.false(await lake.putIfVersion('a/one.json', '{"n":3}', versioned!.version), 'a stale version loses');
    t.false(await lake.putIfVersion('a/two.bin', 'x', null), 'an existing key is not created again');
    t.is(new TextDecoder().decode(await lake.get('a/one.json')), '{"n":2}');
    lake.client.destroy();
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
});

interface BundledS3 {
  createS3Client: (options: { endpoint: string; region: string }) => { send: (command: unknown) => Promise<unknown>; destroy: () => void };
  ListObjectsV2Command: new (input: { Bucket: string }) => unknown;
}

const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] as const;

/** Runs `body` with the bundled client, an S3 stand-in recording each request's Authorization header, and exactly `env` among the credential variables. */
async function withBundledS3(env: Partial<Record<(typeof CREDENTIAL_VARIABLES)[number], string>>, body: (s3: BundledS3, endpoint: string, authorizations: string[]) => Promise<void>) {
  const authorizations: string[] = [];
  const server = createServer((request, response) => {
    authorizations.push(request.headers.authorization ?? '');
    response.setHeader('content-type', 'application/xml');
    response.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>lake</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(process.cwd(), '.bundle-credentials-'));
  const saved = Object.fromEntries(CREDENTIAL_VARIABLES.map((name) => [name, process.env[name]]));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, `export { createS3Client } from '${join(process.cwd(), 'shared/lake/s3-lake.ts')}';\nexport { ListObjectsV2Command } from '@aws-sdk/client-s3';\n`);
    const out = join(dir, 'out.mjs');
    await writeFile(out, await bundle(entry));
    for (const name of CREDENTIAL_VARIABLES) delete process.env[name];
    Object.assign(process.env, env);
    const s3 = (await import(pathToFileURL(out).href)) as BundledS3;
    await body(s3, `http://127.0.0.1:${(server.address() as { port: number }).port}`, authorizations);
  } finally {
    for (const name of CREDENTIAL_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test.serial('a bundled client signs with the credentials Lambda puts in the environment', async (t) => {
  await withBundledS3({ AWS_ACCESS_KEY_ID: 'AKIDFROMLAMBDAENV', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' }, async (s3, endpoint, authorizations) => {
    const client = s3.createS3Client({ endpoint, region: 'eu-west-1' });
    await client.send(new s3.ListObjectsV2Command({ Bucket: 'lake' }));
    client.destroy();
    t.is(authorizations.length, 1);
    t.true(authorizations[0]!.includes('Credential=AKIDFROMLAMBDAENV/'), authorizations[0]);
  });
});

test.serial('a bundled client takes a container credentials endpoint when the environment has no keys', async (t) => {
  const served: string[] = [];
  const endpointServer = createServer((request, response) => {
    served.push(request.url ?? '');
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ AccessKeyId: 'AKIDFROMCONTAINER', SecretAccessKey: 'secret', Token: 'token', Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
  });
  await new Promise<void>((resolve) => endpointServer.listen(0, '127.0.0.1', resolve));
  try {
    const uri = `http://127.0.0.1:${(endpointServer.address() as { port: number }).port}/credentials`;
    await withBundledS3({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }, async (s3, endpoint, authorizations) => {
      const client = s3.createS3Client({ endpoint, region: 'eu-west-1' });
      await client.send(new s3.ListObjectsV2Command({ Bucket: 'lake' }));
      await client.send(new s3.ListObjectsV2Command({ Bucket: 'lake' }));
      client.destroy();
      t.true(authorizations.every((header) => header.includes('Credential=AKIDFROMCONTAINER/')), authorizations.join('\n'));
      // Fetched once, then reused until near expiry.
      t.deepEqual(served, ['/credentials']);
    });
  } finally {
    endpointServer.close();
  }
});

test.serial('a bundled client with no credentials anywhere fails naming what Lambda would have set', async (t) => {
  await withBundledS3({}, async (s3, endpoint, authorizations) => {
    const client = s3.createS3Client({ endpoint, region: 'eu-west-1' });
    const error = await t.throwsAsync(client.send(new s3.ListObjectsV2Command({ Bucket: 'lake' })));
    client.destroy();
    t.regex(error!.message, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    t.regex(error!.message, /AWS_CONTAINER_CREDENTIALS_FULL_URI/);
    t.deepEqual(authorizations, [], 'no request left unsigned');
  });
});
