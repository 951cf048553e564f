/**
 * Seeded randomness built from 32-bit integer arithmetic only (Math.imul, shifts), so every
 * machine and Node version draws the same numbers. Math.random is never used in the simulator.
 */

/** Murmur3's finaliser: spreads every input bit over the whole 32-bit result. */
function finalize(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixIn(hash: number, value: number): number {
  let k = Math.imul(value | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** An unsigned 32-bit hash of a few integers (each taken modulo 2^32). */
export function hash32(...values: number[]): number {
  let h = 0x9747b28c;
  for (const value of values) h = mixIn(h, value);
  return finalize(h ^ values.length);
}

/** Two- and three-argument forms without the rest-array allocation, for per-listing hot loops. */
export function hash2(a: number, b: number): number {
  return finalize(mixIn(mixIn(0x9747b28c, a), b) ^ 2);
}

export function hash3(a: number, b: number, c: number): number {
  return finalize(mixIn(mixIn(mixIn(0x9747b28c, a), b), c) ^ 3);
}

/** A hash in [0, 1). */
export function unitHash(a: number, b: number, c: number): number {
  return hash3(a, b, c) / 4294967296;
}

/** A 32-bit hash of a string (UTF-16 code units), for keying streams by text. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = mixIn(h, text.charCodeAt(i));
  return finalize(h ^ text.length);
}

/**
 * Mulberry32: one 32-bit word of state, fast, and good enough for simulation. Re-seedable in place
 * so hot loops can derive a fresh stream per listing without allocating.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Restarts the stream at a state derived from `keys` (e.g. market seed, listing, purpose). */
  reseed(a: number, b = 0, c = 0): this {
    this.state = hash3(a, b, c) | 0;
    return this;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both inclusive. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** A standard normal deviate (Box–Muller; one of the pair is discarded to keep the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-space standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/**
 * Picks an index with probability proportional to its weight. Build once per weight list;
 * `pick` is a binary search over the cumulative weights.
 */
export class WeightedIndex {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((weight, index) => {
      if (!(weight >= 0)) throw new RangeError(`weight ${index} must be a non-negative number, got ${weight}`);
      sum += weight;
      this.cumulative[index] = sum;
    });
    if (sum <= 0) throw new RangeError('weights must not all be zero');
    this.total = sum;
  }

  /** The index for a uniform draw `unit` in [0, 1). */
  at(unit: number): number {
    const target = unit * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  pick(random: Random): number {
    return this.at(random.next());
  }
}
