/**
 * Serves a built dashboard on 127.0.0.1 the way CloudFront does in production: directory URLs
 * resolve to index.html, correct content types, and the same strict Content-Security-Policy and
 * security headers (resources/site.yml). Use it to look at a build, and in the browser tests.
 *
 *   npm run dashboard:serve [-- --dir dashboard/dist] [--port 4321]
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../dashboard/src/data/csp.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

async function fileAt(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return path;
  if (info?.isDirectory()) {
    const index = join(path, 'index.html');
    return (await stat(index).catch(() => undefined))?.isFile() ? index : undefined;
  }
  return undefined;
}

export async function startDashboardServer(options: ServeOptions): Promise<DashboardServer> {
  const root = resolve(options.dir);
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) throw new Error(`${root} is not a directory: build the dashboard first (npm run dashboard:build -- --from <dir>)`);
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, ...SECURITY_HEADERS };

  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { Allow: 'GET, HEAD', ...headers }).end();
        return;
      }
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
      } catch {
        response.writeHead(400, headers).end();
        return;
      }
      const target = normalize(join(root, pathname));
      if (target !== root && !target.startsWith(root + sep)) {
        response.writeHead(403, headers).end();
        return;
      }
      let file = await fileAt(target);
      // Like the CloudFront function: /categories/x → /categories/x/index.html.
      if (file === undefined && !extname(target)) file = await fileAt(join(target, 'index.html'));
      let status = 200;
      if (file === undefined) {
        status = 404;
        file = await fileAt(join(root, '404.html'));
      }
      options.log?.(`${status} ${request.method} ${request.url}`);
      if (file === undefined) {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end('not found\n');
        return;
      }
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const size = (await stat(file)).size;
      const cache = file.includes(`${sep}_astro${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': size, 'Cache-Control': cache, ...headers });
      if (request.method === 'HEAD') {
        response.end();
        return;
      }
      createReadStream(file).pipe(response);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, headers);
      response.end();
      options.log?.(`500 ${request.url}: ${(error as Error).message}`);
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4321, '127.0.0.1', () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()));
        server.closeAllConnections();
      }),
  };
}

async function main(argv: string[]): Promise<number> {
  let values: { dir?: string; port?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string', default: join(repoRoot, 'dashboard', 'dist') },
        port: { type: 'string', default: '4321' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run dashboard:serve -- [--dir DIR] [--port N] [--quiet]`);
    return 2;
  }
  if (values.help) {
    console.log('usage: npm run dashboard:serve -- [--dir DIR (default dashboard/dist)] [--port N (default 4321)] [--quiet]');
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${values.port}: expected a port number`);
    return 2;
  }
  try {
    const server = await startDashboardServer({
      dir: values.dir!,
      port,
      ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
    });
    console.log(`dashboard: serving ${resolve(values.dir!)} at ${server.url} (Ctrl-C to stop)`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1; // keep running
  } catch (error) {
    console.error(`dashboard: ${(error as Error).message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
}
