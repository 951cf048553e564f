export interface RateLimiterOptions {
  /** Request starts allowed per second; `0` or `Infinity` turns the limiter off. */
  requestsPerSecond: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces request starts at least `1000 / requestsPerSecond` ms apart, for any number of concurrent
 * callers. Each caller reserves its slot synchronously before awaiting, so callers are served in
 * call order and two of them can never take the same slot.
 */
export class RateLimiter {
  readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextSlot = Number.NEGATIVE_INFINITY;

  constructor(options: RateLimiterOptions) {
    const rate = options.requestsPerSecond;
    if (Number.isNaN(rate) || rate < 0) throw new RangeError(`requestsPerSecond must be >= 0 (0 or Infinity = no limit), got ${rate}`);
    this.intervalMs = rate === 0 || rate === Number.POSITIVE_INFINITY ? 0 : 1000 / rate;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  /** Resolves when the caller may start its request; returns how long it waited (ms). */
  async acquire(): Promise<number> {
    if (!this.enabled) return 0;
    const now = this.now();
    const start = Math.max(now, this.nextSlot);
    this.nextSlot = start + this.intervalMs;
    const wait = start - now;
    if (wait > 0) await this.sleep(Math.ceil(wait));
    return wait;
  }
}
