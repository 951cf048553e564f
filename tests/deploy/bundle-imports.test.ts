import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

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
