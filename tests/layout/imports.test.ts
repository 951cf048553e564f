/**
 * The layout README.md and docs/shared-map.md describe, checked on the tree, so it cannot drift
 * back: stages stand side by side on `lake/` and read each other only through `index.ts`; every
 * handler is one hop from its entry point; shared/ has no import cycle; tests and the benchmark
 * share fixtures/ and import neither each other nor anything the Lambdas would not ship.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const STAGES = ['plan', 'extract', 'silver', 'gold', 'alerts', 'watchdog'];
const LIBRARIES = ['lake', 'config', 'wallapop', 'runtime'];

function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(join(ROOT, directory), { withFileTypes: true })) {
      const path = `${directory}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs)$/.test(entry.name)) found.push(path);
    }
  };
  walk(folder);
  return found.sort();
}

interface Import {
  /** Repository-relative path of the imported file, or the bare package name. */
  target: string;
  typeOnly: boolean;
}

/** Static imports and re-exports, and dynamic `import('…')` of literal paths, resolved against the repository. */
function importsOf(file: string): Import[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const found: Import[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"`;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[3] ?? match[4]!;
    const typeOnly = match[2] !== undefined;
    let target = specifier;
    if (specifier.startsWith('.')) target = normalize(join(dirname(file), specifier)).split(sep).join('/');
    else if (specifier.startsWith('#')) target = specifier.replace(/^#(shared|local|simulator)\//, '$1/');
    found.push({ target, typeOnly });
  }
  return found;
}

const areaOf = (path: string): string | undefined => (path.startsWith('shared/') ? path.split('/')[1] : undefined);
const SHARED = filesUnder('shared');

test('a stage reads another stage only through its index.ts; lake/ and the libraries import no stage', (t) => {
  const wrong: string[] = [];
  for (const file of SHARED) {
    const from = areaOf(file)!;
    for (const { target, typeOnly } of importsOf(file)) {
      const to = areaOf(target);
      if (to === undefined || to === from) continue;
      if (from === 'lake' && !(to === 'config' && typeOnly)) wrong.push(`${file} → ${target} (lake/ imports nothing but config's types)`);
      else if (LIBRARIES.includes(from) && STAGES.includes(to)) wrong.push(`${file} → ${target} (a library imports no stage)`);
      else if (STAGES.includes(from) && STAGES.includes(to) && !target.endsWith(`shared/${to}/index.ts`)) wrong.push(`${file} → ${target} (through shared/${to}/index.ts)`);
    }
  }
  t.deepEqual(wrong, []);
});

test('shared/ imports nothing the Lambdas do not ship: no local/, simulator/, bench/, tests/, fixtures/ or dashboard/', (t) => {
  const wrong = SHARED.flatMap((file) => importsOf(file).filter(({ target }) => /^(local|simulator|bench|tests|fixtures|dashboard)\//.test(target)).map(({ target }) => `${file} → ${target}`));
  t.deepEqual(wrong, []);
});

test('shared/ has no import cycle (type imports included)', (t) => {
  const graph = new Map(SHARED.map((file) => [file, importsOf(file).map(({ target }) => target).filter((target) => target.startsWith('shared/'))]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of SHARED) visit(file, []);
  t.deepEqual(cycles, []);
});

test('each handler calls run<Stage> from its stage file (stage.ts, or <step>-stage.ts where a folder has several)', (t) => {
  const handlers = readdirSync(join(ROOT, 'functions')).sort();
  const entryPoints = SHARED.filter((file) => /\/(stage|[a-z]+-stage)\.ts$/.test(file));
  const used = new Set<string>();
  for (const name of handlers) {
    const file = `functions/${name}/handler.ts`;
    const source = readFileSync(join(ROOT, file), 'utf8');
    const stages = importsOf(file).filter(({ target }) => entryPoints.includes(target));
    t.is(stages.length, 1, `${file} imports one stage file (${stages.map(({ target }) => target).join(', ') || 'none'})`);
    const stage = stages[0]?.target;
    if (stage === undefined) continue;
    used.add(stage);
    const runner = new RegExp(`import \\{[^}]*\\b(run[A-Z]\\w*)\\b[^}]*\\} from '#${stage.replace(/\./g, '\\.')}'`).exec(source)?.[1];
    t.truthy(runner, `${file} imports a run… function from ${stage}`);
    if (runner) t.regex(source, new RegExp(`\\b${runner}\\(`), `${file} calls ${runner}`);
  }
  t.deepEqual(entryPoints.filter((file) => !used.has(file)), [], 'every stage file has its handler');
});

test('tests and the benchmark share fixtures/ and import neither each other', (t) => {
  const wrong = [
    ...filesUnder('tests').flatMap((file) => importsOf(file).filter(({ target }) => target.startsWith('bench/')).map(({ target }) => `${file} → ${target}`)),
    ...filesUnder('bench').flatMap((file) => importsOf(file).filter(({ target }) => target.startsWith('tests/')).map(({ target }) => `${file} → ${target}`)),
  ];
  t.deepEqual(wrong, []);
});

test('every test file sits in a folder named for what it tests', (t) => {
  const entries = readdirSync(join(ROOT, 'tests'), { withFileTypes: true });
  t.deepEqual(entries.filter((entry) => entry.isFile()).map((entry) => entry.name), [], 'no test directly under tests/');
  const shared = readdirSync(join(ROOT, 'shared'));
  // An area of shared/, or one of the other folders the README's folder table names for tests/.
  const OTHER = ['dashboard', 'simulator', 'local', 'integration', 'browser', 'deploy', 'bench', 'layout', 'helpers'];
  const unknown = entries.filter((entry) => entry.isDirectory() && !shared.includes(entry.name) && !OTHER.includes(entry.name)).map((entry) => entry.name);
  t.deepEqual(unknown, []);
});

test("the README's folder table names every top-level folder, and the tree has every folder it names", (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const named = [...readme.matchAll(/^\| `([\w-]+)\/[^`]*` \|/gm)].map((match) => match[1]!);
  // The folders git tracks: a checkout's own leftovers (build output, data) are not the tree's.
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
  const folders = [...new Set(tracked.filter((path) => path.includes('/') && !path.startsWith('.')).map((path) => path.split('/')[0]!))];
  t.deepEqual(folders.filter((name) => !named.includes(name)), [], 'folders the table does not name');
  t.deepEqual([...new Set(named)].filter((name) => !folders.includes(name)), [], 'names in the table that are not folders');
});
