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

  get count(): number {
    let total = this.zeroCount;
    for (const count of this.bins.values()) total += count;
    return total;
  }

  add(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`QuantileSketch takes finite values >= 0, got ${value}`);
    if (value <= MAPPING.minPossible) {
      this.zeroCount += 1;
      return;
    }
    const key = MAPPING.key(value);
    this.bins.set(key, (this.bins.get(key) ?? 0) + 1);
  }

  /** Adds `other`'s counts into this sketch. */
  mergeFrom(other: QuantileSketch): this {
    this.zeroCount += other.zeroCount;
    for (const [key, count] of other.bins) this.bins.set(key, (this.bins.get(key) ?? 0) + count);
    return this;
  }

  static merged(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
    return new QuantileSketch().mergeFrom(a).mergeFrom(b);
  }

  /** The value at quantile `q` (0…1) under DDSketch's rank rule (rank = q·(n−1), lower); null when empty. */
  quantile(q: number): number | null {
    const sketch = this.toDDSketch();
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
