import { joinBytes } from './bytes.ts';

/**
 * JSON whose bytes depend only on the value: object keys are written in sorted (code unit) order
 * at every depth, so two writers that built the same value in a different insertion order (a
 * partial merged in another order, a task written by a racing trigger) produce the same bytes.
 *
 * Written by hand rather than with a JSON.stringify replacer: a replacer must return sorted
 * copies of every object, which doubles the memory of a large partial at the moment it is written.
 * Objects of one shape (cards, table rows) sort their keys once: the last few key lists seen and
 * their sorted order are remembered.
 *
 * `sortedCopy: true` trades that memory for speed where there is memory to spare (the fan-in's
 * dashboard files, 15 MB for a day at 100,000 listings): the value is copied with its keys inserted
 * in sorted order and V8's own JSON.stringify writes the copy: a third less CPU than the
 * hand-written writer on the day file. An object with an integer-like key cannot be copied that way (JavaScript lists such keys
 * first, in numeric order), so such an object is written by hand around its copied members. An
 * object already in canonical form (plain, keys inserted in sorted order, no member to drop or
 * change) and an array needing no change are not copied at all: the fan-in's cards are built that
 * way. The bytes are the same either way (tests/lake/json.test.ts).
 */
export function canonicalJson(value: unknown, options: { pretty?: boolean; /** Ignored with `pretty` (small files). */ sortedCopy?: boolean } = {}): string {
  const writer = new Writer(options.pretty ? '\n' : '');
  if (options.sortedCopy && !options.pretty) writer.writePrepared(prepare(value, writer));
  else writer.write(value, writer.newline);
  return `${writer.out}\n`;
}

/**
 * `canonicalJson(value, { sortedCopy: true })` as UTF-8 bytes, for the fan-in's large files. The
 * text is written and encoded in chunks, and a large object or array member by member: one
 * JSON.stringify over a whole day file turns all 15 MB into two-byte text as soon as one title
 * holds an emoji (a third slower to write, twice the memory, slower to encode), where member by
 * member only that title's card does.
 */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  const parts: Uint8Array[] = [];
  const writer = new Writer('', (text) => parts.push(UTF8.encode(text)));
  writer.writePrepared(prepare(value, writer));
  parts.push(UTF8.encode(`${writer.out}\n`));
  return parts.length === 1 ? parts[0]! : joinBytes(parts);
}

const UTF8 = new TextEncoder();

/** A prepared object or array with at least this many members is written member by member by the chunked writer. */
const SPLIT_MEMBERS = 64;
/** Text a chunked writer holds before it encodes it (here, and the partial's card lines). */
export const CHUNK_CHARS = 1 << 16;

/** A key JavaScript orders before every other, by number (an array index, or one this test cannot tell apart). */
const INTEGER_LIKE = /^(?:0|[1-9][0-9]*)$/;

/** An object or array that holds an object with an integer-like key: written by hand around its prepared members. */
class ByHand {
  constructor(
    readonly keys: string[] | null,
    readonly members: unknown[],
  ) {}
}

/**
 * The value as JSON.stringify should see it: objects copied with sorted keys, what the hand-written
 * writer drops or writes as null made so, non-finite numbers and bigints refused as it refuses them.
 */
function prepare(value: unknown, writer: Writer): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'object':
      break;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
    case 'bigint':
      // Refused with the hand-written writer's own error; a finite number needs no check beyond this.
      if (typeof value === 'bigint' || !Number.isFinite(value)) primitive(value);
      return value;
    default:
      return null;
  }
  if (Array.isArray(value)) {
    const length = value.length;
    let members: unknown[] | undefined;
    let byHand = false;
    for (let index = 0; index < length; index += 1) {
      const original: unknown = value[index];
      const item = prepare(original, writer);
      if (item instanceof ByHand) byHand = true;
      if (members === undefined && (item !== original || !(index in value))) members = value.slice(0, index);
      if (members !== undefined) members[index] = item;
    }
    // Nothing to change: JSON.stringify writes the array as it is.
    if (members === undefined) return value;
    return byHand ? new ByHand(null, members) : members;
  }
  const record = value as Record<string, unknown>;
  const own = Object.keys(record);
  const keys = writer.sortedKeys(own);
  const kept: string[] = [];
  const members: unknown[] = [];
  let byHand = false;
  // A plain object already in canonical form (keys inserted in sorted order, every member kept as
  // it is) is handed to JSON.stringify itself instead of a copy.
  const proto = Object.getPrototypeOf(record) as unknown;
  let unchanged = (proto === Object.prototype || proto === null) && keys.length === own.length;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (unchanged && own[index] !== key) unchanged = false;
    const item = record[key];
    if (item === undefined || typeof item === 'function') {
      unchanged = false;
      continue;
    }
    if (INTEGER_LIKE.test(key)) byHand = true;
    const prepared = prepare(item, writer);
    if (prepared instanceof ByHand) byHand = true;
    if (prepared !== item || key === '__proto__' || key === 'toJSON') unchanged = false;
    kept.push(key);
    members.push(prepared);
  }
  if (byHand) return new ByHand(kept, members);
  if (unchanged) return record;
  // No prototype: a key "__proto__" (a hostile city name) stays a key.
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (let index = 0; index < kept.length; index += 1) copy[kept[index]!] = members[index];
  return copy;
}

const SHAPES = 8;

class Writer {
  out = '';
  private readonly shapes: Array<{ keys: string[]; sorted: string[] }> = [];
  private nextShape = 0;

  constructor(
    readonly newline: string,
    /** Takes the text written so far (chunked writing, `canonicalJsonBytes`); the writer then starts again empty. */
    readonly spill?: (text: string) => void,
  ) {}

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

  /** A value from `prepare`: copies by JSON.stringify, the objects around them by hand. */
  writePrepared(value: unknown): void {
    if (!(value instanceof ByHand)) {
      if (this.spill === undefined) this.out += JSON.stringify(value);
      else this.writeSplit(value);
      return;
    }
    const { keys, members } = value;
    if (keys === null) {
      this.out += '[';
      for (let index = 0; index < members.length; index += 1) {
        if (index > 0) this.out += ',';
        this.writePrepared(members[index]);
      }
      this.out += ']';
      return;
    }
    this.out += '{';
    for (let index = 0; index < keys.length; index += 1) {
      if (index > 0) this.out += ',';
      this.out += JSON.stringify(keys[index]);
      this.out += ':';
      this.writePrepared(members[index]);
    }
    this.out += '}';
  }

  /**
   * A prepared object or array (not ByHand) in chunks: what JSON.stringify would write, member by
   * member when it is large. Prepared values hold no member JSON.stringify would drop, and their
   * keys are in insertion order (integer-like keys are written ByHand), so the bytes are the same.
   */
  private writeSplit(value: unknown): void {
    if (Array.isArray(value)) {
      if (value.length < SPLIT_MEMBERS) this.out += JSON.stringify(value);
      else {
        this.out += '[';
        for (let index = 0; index < value.length; index += 1) {
          if (index > 0) this.out += ',';
          this.writeSplit(value[index]);
        }
        this.out += ']';
      }
    } else if (value === null || typeof value !== 'object') {
      this.out += JSON.stringify(value);
    } else {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length < SPLIT_MEMBERS) this.out += JSON.stringify(record);
      else {
        this.out += '{';
        for (let index = 0; index < keys.length; index += 1) {
          if (index > 0) this.out += ',';
          this.out += JSON.stringify(keys[index]);
          this.out += ':';
          this.writeSplit(record[keys[index]!]);
        }
        this.out += '}';
      }
    }
    if (this.out.length >= CHUNK_CHARS) {
      this.spill!(this.out);
      this.out = '';
    }
  }

  /** `keys` sorted, reusing the order of an object of the same shape seen recently. */
  sortedKeys(keys: string[]): string[] {
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
