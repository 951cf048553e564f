import type { Lake } from '../lake/lake.ts';

/**
 * JSON whose bytes depend only on the value: object keys are written in sorted order at every
 * depth, so two writers that built the same value in a different insertion order (a partial merged
 * in another order, a task written by a racing trigger) produce the same bytes.
 */
export function canonicalJson(value: unknown, options: { pretty?: boolean } = {}): string {
  const text = JSON.stringify(value, sortKeys, options.pretty ? 2 : undefined);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return `${text}\n`;
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return value;
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

export async function putCanonicalJson(lake: Lake, key: string, value: unknown, options: { pretty?: boolean } = {}): Promise<void> {
  await lake.put(key, canonicalJson(value, options), 'application/json');
}
