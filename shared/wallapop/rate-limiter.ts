import { performance } from 'node:perf_hooks';

export interface RateLimiterOptions {
  /** Request starts allowed per second; `0` or `Infinity` turns the limiter off. */
  requestsPerSecond: number;
  /** Milliseconds on any monotonic scale; default `performance.now`. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-sleeps allowed when a timer fires early; bounded so an injected sleep that never advances the clock cannot spin. */
const MAX_SLEEPS_PER_TURN = 3;

/**
 * Keeps request starts at least `1000 / requestsPerSecond` ms apart, for any number of concurrent
 * callers, served in call order. The interval runs from the previous caller's actual release, not
 * from a precomputed slot: a timer that fires late (busy event loop) then delays the next request
 * instead of bunching the two, so the server never sees a shorter gap than promised.
 */
export class RateLimiter {
  readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private lastStart = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: RateLimiterOptions) {
    const rate = options.requestsPerSecond;
    if (Number.isNaN(rate) || rate < 0) throw new RangeError(`requestsPerSecond must be >= 0 (0 or Infinity = no limit), got ${rate}`);
    this.intervalMs = rate === 0 || rate === Number.POSITIVE_INFINITY ? 0 : 1000 / rate;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? defaultSleep;
  }

  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  /** Resolves when the caller may start its request; returns how long it waited (ms). */
  acquire(): Promise<number> {
    if (!this.enabled) return Promise.resolve(0);
    const calledAt = this.now();
    const turn = this.queue.then(() => this.waitTurn(calledAt));
    // A rejected sleep must not wedge every later caller.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitTurn(calledAt: number): Promise<number> {
    for (let sleeps = 0; sleeps < MAX_SLEEPS_PER_TURN; sleeps += 1) {
      const remaining = this.lastStart + this.intervalMs - this.now();
      if (remaining <= 0) break;
      await this.sleep(Math.ceil(remaining));
    }
    this.lastStart = this.now();
    // Whole ms: the microseconds a free turn spends in the queue are not a wait worth reporting.
    return Math.max(0, Math.round(this.lastStart - calledAt));
  }
}
