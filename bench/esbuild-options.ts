/**
 * The esbuild options serverless-esbuild bundles every function with (esbuild.config.cjs, the
 * repository's searches and watches compiled in), for what the benchmark bundles itself: the
 * runtime alone (./cold-start-floor.ts) and the bundle-composition experiment.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export function functionBuildOptions(): BuildOptions {
  const configure = createRequire(import.meta.url)(join(REPO, 'esbuild.config.cjs')) as (serverless: unknown) => BuildOptions & { exclude?: unknown; outputWorkFolder?: unknown };
  // serverless-esbuild's own options, not esbuild's.
  const { exclude: _exclude, outputWorkFolder: _work, ...options } = configure({
    service: { custom: { searchesFile: 'searches.yml', watchesFile: 'watches.yml' } },
    config: { servicePath: REPO },
  });
  return options;
}
