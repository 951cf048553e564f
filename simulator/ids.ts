import { hash3 } from './random.ts';

/**
 * Wallapop-looking ids (`pzpko29729j3`: 12 lowercase base36 characters) that encode a number
 * reversibly. A keyed Feistel permutation over [0, 36^12) scrambles the number, so ids look random
 * and unrelated to each other, yet the market can turn an id back into its listing without a
 * million-entry lookup table, and an id it never issued decodes to nothing.
 */

const HALF_DIGITS = 6;
const HALF_DOMAIN = 36 ** HALF_DIGITS; // 2,176,782,336: one half of the id, below 2^32
const ROUNDS = 4;
const ID_PATTERN = /^[0-9a-z]{12}$/;

export class IdCodec {
  private readonly roundKeys: number[];

  /** `key` separates id spaces: listings, users and images of one market never share a permutation. */
  constructor(seed: number, key: number) {
    this.roundKeys = Array.from({ length: ROUNDS }, (_, round) => hash3(seed, key, round));
  }

  /** The id of `value` (an integer in [0, 2^32)). */
  encode(value: number): string {
    let left = Math.floor(value / HALF_DOMAIN);
    let right = value % HALF_DOMAIN;
    for (const roundKey of this.roundKeys) {
      const next = (left + this.round(roundKey, right)) % HALF_DOMAIN;
      left = right;
      right = next;
    }
    return left.toString(36).padStart(HALF_DIGITS, '0') + right.toString(36).padStart(HALF_DIGITS, '0');
  }

  /** The value an id encodes, or undefined for a malformed id or one outside [0, limit). */
  decode(id: string, limit: number): number | undefined {
    if (!ID_PATTERN.test(id)) return undefined;
    let left = Number.parseInt(id.slice(0, HALF_DIGITS), 36);
    let right = Number.parseInt(id.slice(HALF_DIGITS), 36);
    for (let index = this.roundKeys.length - 1; index >= 0; index -= 1) {
      const previous = left;
      left = (right - this.round(this.roundKeys[index]!, previous) + HALF_DOMAIN) % HALF_DOMAIN;
      right = previous;
    }
    const value = left * HALF_DOMAIN + right;
    return value < limit ? value : undefined;
  }

  private round(roundKey: number, half: number): number {
    return hash3(roundKey, half, 0x5f3759df) % HALF_DOMAIN;
  }
}
