/**
 * What each function bundle is made of: builds every handler with the repository's own esbuild
 * options (esbuild.config.cjs) and a metafile, then sums the minified output bytes by package.
 *
 *   npx tsx bench/experiments/bundle-composition.ts [--top 12]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { functionBuildOptions } from '../esbuild-options.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({ options: { top: { type: 'string', default: '12' } } });
const options = functionBuildOptions();

function packageOf(path: string): string {
  const modules = path.lastIndexOf('node_modules/');
  if (modules < 0) return path.split('/').slice(0, 2).join('/');
  const rest = path.slice(modules + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

for (const fn of readdirSync(join(REPO, 'functions')).sort()) {
  const result = await build({
    ...options,
    entryPoints: [join(REPO, 'functions', fn, 'handler.ts')],
    bundle: true,
    write: false,
    outdir: '/tmp/bundle-composition',
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  const total = output.bytes;
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  console.log(`${fn}: ${(total / 1024).toFixed(0)} KB`);
  for (const [name, bytes] of top) console.log(`  ${(bytes / 1024).toFixed(0).padStart(6)} KB  ${((bytes / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
}
