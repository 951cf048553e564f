import { DDSketch } from '@datadog/sketches-js';

/**
 * A mergeable quantile sketch: DDSketch (Masson, Rim & Lee, VLDB 2019) with a logarithmic
 * mapping. Any quantile it reports is within ±1 % (relative) of the value of an item of that
 * rank in the exact data. Values must be >= 0 (prices, percentages).
 *
 * Why not the library's own `merge`: its dense store grows and re-centres in chunks, so the bytes
 * of `toProto()` depend on the order values and sketches arrived in. Here the bins are a plain
 * key → count map (integer counts: addition is exact, so merging is associative and commutative
 * bit for bit) and serialisation builds a canonical DDSketch whose store spans exactly
 * [lowest key, highest key]; the wire format is the standard DDSketch protobuf, which any DDSketch
 * implementation (Go, Java, Python) can read.
 */

export const SKETCH_RELATIVE_ACCURACY = 0.01;

const MAPPING = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;

export class QuantileSketch {
  /** Values too close to 0 for the logarithmic mapping (and 0 itself): DDSketch's zero bucket. */
  zeroCount = 0;
  readonly bins = new Map<number, number>();
  /** The DDSketch of the bins, built once for all the quantiles asked of it (a group asks for nine). */
  private laidOut: DDSketch | undefined;

  get count(): number {
    let total = this.zeroCount;
    for (const count of this.bins.values()) total += count;
    return total;
  }

  add(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`QuantileSketch takes finite values >= 0, got ${value}`);
    this.laidOut = undefined;
    if (value <= MAPPING.minPossible) {
      this.zeroCount += 1;
      return;
    }
    const key = MAPPING.key(value);
    this.bins.set(key, (this.bins.get(key) ?? 0) + 1);
  }

  /** Adds `other`'s counts into this sketch. */
  mergeFrom(other: QuantileSketch): this {
    this.laidOut = undefined;
    this.zeroCount += other.zeroCount;
    for (const [key, count] of other.bins) this.bins.set(key, (this.bins.get(key) ?? 0) + count);
    return this;
  }

  static merged(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
    return new QuantileSketch().mergeFrom(a).mergeFrom(b);
  }

  /** The value at quantile `q` (0…1) under DDSketch's rank rule (rank = q·(n−1), lower); null when empty. */
  quantile(q: number): number | null {
    this.laidOut ??= this.toDDSketch();
    const sketch = this.laidOut;
    return sketch.count === 0 ? null : sketch.getValueAtQuantile(q);
  }

  /** A DDSketch holding exactly these bins, laid out canonically (no padding, offset = lowest key). */
  toDDSketch(): DDSketch {
    const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    const store = sketch.store;
    let storeCount = 0;
    if (keys.length > 0) {
      const lowest = keys[0]!;
      const highest = keys[keys.length - 1]!;
      const counts = new Array<number>(highest - lowest + 1).fill(0);
      for (const key of keys) {
        const count = this.bins.get(key)!;
        counts[key - lowest] = count;
        storeCount += count;
      }
      store.bins = counts;
      store.offset = lowest;
      store.minKey = lowest;
      store.maxKey = highest;
      store.count = storeCount;
    }
    sketch.zeroCount = this.zeroCount;
    sketch.count = storeCount + this.zeroCount;
    return sketch;
  }

  /**
   * The bins as plain numbers, laid out like `toDDSketch` (counts[i] is the count of key offset + i,
   * zeros in between): the gold partials' internal form, much cheaper to write and read than the
   * protobuf. Null when the sketch is empty.
   */
  toBins(): SketchBins | null {
    if (this.zeroCount === 0 && this.bins.size === 0) return null;
    if (this.bins.size === 0) return { zeroCount: this.zeroCount, offset: 0, counts: [] };
    let lowest = Number.POSITIVE_INFINITY;
    let highest = Number.NEGATIVE_INFINITY;
    for (const key of this.bins.keys()) {
      if (key < lowest) lowest = key;
      if (key > highest) highest = key;
    }
    const counts = new Array<number>(highest - lowest + 1).fill(0);
    for (const [key, count] of this.bins) counts[key - lowest] = count;
    return { zeroCount: this.zeroCount, offset: lowest, counts };
  }

  /** The inverse of `toBins` (null: an empty sketch). Throws a RangeError on anything that is not bins of counts. */
  static fromBins(bins: SketchBins | null): QuantileSketch {
    const sketch = new QuantileSketch();
    if (bins === null) return sketch;
    const { zeroCount, offset, counts } = bins;
    if (!isCount(zeroCount) || !Number.isSafeInteger(offset) || !Array.isArray(counts)) throw new RangeError(`not sketch bins: ${JSON.stringify(bins).slice(0, 200)}`);
    sketch.zeroCount = zeroCount;
    for (let i = 0; i < counts.length; i += 1) {
      const count = counts[i];
      if (!isCount(count)) throw new RangeError(`sketch bin ${offset + i} has count ${String(count)}`);
      if (count > 0) sketch.bins.set(offset + i, count);
    }
    return sketch;
  }

  /** The standard DDSketch protobuf, base64: the same bins always give the same text. */
  encode(): string {
    return Buffer.from(this.toDDSketch().toProto()).toString('base64');
  }

  static decode(base64: string): QuantileSketch {
    const decoded = DDSketch.fromProto(new Uint8Array(Buffer.from(base64, 'base64')));
    if (decoded.mapping.gamma !== MAPPING.gamma) {
      throw new RangeError(`sketch relative accuracy ${decoded.mapping.relativeAccuracy} is not ${SKETCH_RELATIVE_ACCURACY}: cannot merge`);
    }
    const sketch = new QuantileSketch();
    sketch.zeroCount = decoded.zeroCount;
    const { bins, offset } = decoded.store;
    for (let i = 0; i < bins.length; i += 1) {
      const count = bins[i]!;
      if (count > 0) sketch.bins.set(offset + i, count);
    }
    if (decoded.negativeStore.count > 0) throw new RangeError('sketch holds negative values: not a gold sketch');
    return sketch;
  }
}

/** A sketch's bins as plain JSON (see `QuantileSketch.toBins`). */
export interface SketchBins {
  zeroCount: number;
  offset: number;
  counts: number[];
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
