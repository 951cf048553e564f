/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by file, and total
 * (inclusive) time of the functions that matter. Used by `bench/run.ts --profile` and on its own:
 *
 *   npx tsx bench/profile.ts <file.cpuprofile> [--top 25]
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  selfByFunction: ProfileLine[];
  selfByFile: ProfileLine[];
  /** Inclusive time: the function and everything it called (recursion counted once). */
  totalByFunction: ProfileLine[];
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const repo = path.search(/\/(shared|bench|functions|simulator)\//);
  return repo >= 0 ? path.slice(repo + 1) : path;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));

  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    totalMs += ms;
    const name = label(node);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + ms);
    const file = node.callFrame.url === '' ? `(${node.callFrame.functionName || 'native'})` : shortUrl(node.callFrame.url);
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const ancestor = label(byId.get(at)!);
      if (seen.has(ancestor)) continue;
      seen.add(ancestor);
      totalByFunction.set(ancestor, (totalByFunction.get(ancestor) ?? 0) + ms);
    }
  }
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: totalMs === 0 ? 0 : Math.round((ms / totalMs) * 1000) / 10 }));
  return { totalMs: Math.round(totalMs), selfByFunction: lines(selfByFunction), selfByFile: lines(selfByFile), totalByFunction: lines(totalByFunction) };
}

export async function readProfile(path: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
}

export function formatSummary(summary: ProfileSummary): string {
  const block = (title: string, lines: ProfileLine[]) =>
    [`${title}:`, ...lines.map((line) => `  ${String(line.ms).padStart(7)} ms ${line.share.toFixed(1).padStart(5)} %  ${line.name}`)].join('\n');
  return [
    `sampled ${summary.totalMs} ms`,
    block('self time by file', summary.selfByFile),
    block('self time by function', summary.selfByFunction),
    block('total time by function', summary.totalByFunction),
  ].join('\n\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  for (const path of positionals) {
    console.log(`== ${path}`);
    console.log(formatSummary(summariseProfile(await readProfile(path), Number(values.top))));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
