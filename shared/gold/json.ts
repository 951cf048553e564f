/**
 * JSON whose bytes depend only on the value: object keys are written in sorted (code unit) order
 * at every depth, so two writers that built the same value in a different insertion order (a
 * partial merged in another order, a task written by a racing trigger) produce the same bytes.
 *
 * Written by hand rather than with a JSON.stringify replacer: a replacer must return sorted
 * copies of every object, which doubles the memory of a large partial at the moment it is written.
 */
export function canonicalJson(value: unknown, options: { pretty?: boolean } = {}): string {
  const out: string[] = [];
  write(value, out, options.pretty ? '\n' : '');
  out.push('\n');
  return out.join('');
}

function write(value: unknown, out: string[], newline: string): void {
  if (value === null || typeof value !== 'object') {
    out.push(primitive(value));
    return;
  }
  const inner = newline === '' ? '' : `${newline}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    if (inner === '' && value.every((item) => item === null || typeof item !== 'object')) {
      out.push(`[${value.map((item) => primitive(item === undefined ? null : item)).join(',')}]`);
      return;
    }
    out.push('[');
    value.forEach((item, index) => {
      if (index > 0) out.push(',');
      out.push(inner);
      write(item === undefined ? null : item, out, inner);
    });
    out.push(`${newline}]`);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort();
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{');
  keys.forEach((key, index) => {
    if (index > 0) out.push(',');
    out.push(inner, JSON.stringify(key), inner === '' ? ':' : ': ');
    write(record[key], out, inner);
  });
  out.push(`${newline}}`);
}

function primitive(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: a bigint has no JSON form');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
  return JSON.stringify(value);
}
