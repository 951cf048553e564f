/**
 * JSON whose bytes depend only on the value: object keys are written in sorted (code unit) order
 * at every depth, so two writers that built the same value in a different insertion order (a
 * partial merged in another order, a task written by a racing trigger) produce the same bytes.
 *
 * Written by hand rather than with a JSON.stringify replacer: a replacer must return sorted
 * copies of every object, which doubles the memory of a large partial at the moment it is written.
 * Objects of one shape (cards, table rows) sort their keys once: the last few key lists seen and
 * their sorted order are remembered.
 */
export function canonicalJson(value: unknown, options: { pretty?: boolean } = {}): string {
  const writer = new Writer(options.pretty ? '\n' : '');
  writer.write(value, writer.newline);
  return `${writer.out}\n`;
}

const SHAPES = 8;

class Writer {
  out = '';
  private readonly shapes: Array<{ keys: string[]; sorted: string[] }> = [];
  private nextShape = 0;

  constructor(readonly newline: string) {}

  write(value: unknown, newline: string): void {
    if (value === null || typeof value !== 'object') {
      this.out += primitive(value);
      return;
    }
    const inner = newline === '' ? '' : `${newline}  `;
    if (Array.isArray(value)) {
      const length = value.length;
      if (length === 0) {
        this.out += '[]';
        return;
      }
      this.out += '[';
      for (let index = 0; index < length; index += 1) {
        if (index > 0) this.out += ',';
        this.out += inner;
        const item: unknown = value[index];
        if (item === null || item === undefined || typeof item !== 'object') this.out += primitive(item === undefined ? null : item);
        else this.write(item, inner);
      }
      this.out += `${newline}]`;
      return;
    }
    const record = value as Record<string, unknown>;
    const keys = this.sortedKeys(Object.keys(record));
    let written = 0;
    for (const key of keys) {
      const item = record[key];
      if (item === undefined || typeof item === 'function') continue;
      this.out += written === 0 ? '{' : ',';
      written += 1;
      this.out += inner;
      this.out += JSON.stringify(key);
      this.out += inner === '' ? ':' : ': ';
      if (item === null || typeof item !== 'object') this.out += primitive(item);
      else this.write(item, inner);
    }
    this.out += written === 0 ? '{}' : `${newline}}`;
  }

  /** `keys` sorted, reusing the order of an object of the same shape seen recently. */
  private sortedKeys(keys: string[]): string[] {
    const length = keys.length;
    if (length < 2) return keys;
    for (const shape of this.shapes) {
      const known = shape.keys;
      if (known.length !== length) continue;
      let same = true;
      for (let index = 0; index < length; index += 1) {
        if (known[index] !== keys[index]) {
          same = false;
          break;
        }
      }
      if (same) return shape.sorted;
    }
    const sorted = [...keys].sort();
    this.shapes[this.nextShape] = { keys, sorted };
    this.nextShape = (this.nextShape + 1) % SHAPES;
    return sorted;
  }
}

function primitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    default:
      return 'null'; // null, undefined, symbols and functions
  }
}
