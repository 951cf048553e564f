import type { Lake } from '#shared/lake/lake.ts';

/**
 * A lake that answers in rounds, as a network would: every request made while the stage runs its
 * code waits for the next round, and a round serves all the requests waiting for it at once. The
 * number of rounds a stage needs is how many S3 round trips it makes one after the other, which is
 * what a deployed function's time on S3 is made of (each 10–50 ms), whatever this machine's speed.
 */
export class RoundTripLake implements Lake {
  /** Each round: the requests it served, as `GET key`, `PUT key`, `LIST prefix`, … */
  readonly rounds: string[][] = [];
  private waiting: Array<{ request: string; serve: () => void }> = [];

  constructor(private readonly inner: Lake) {}

  /** Runs `work` to its end, serving the requests it makes round after round. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let settled = false;
    const running = work().finally(() => {
      settled = true;
    });
    running.catch(() => undefined);
    while (!settled) {
      // Everything the stage does before it needs an answer (its code, and the next requests) runs first.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.waiting.length === 0) continue;
      const round = this.waiting;
      this.waiting = [];
      this.rounds.push(round.map(({ request }) => request));
      for (const { serve } of round) serve();
    }
    return running;
  }

  /** The round (0-based) that served the first request matching `pattern`, or -1. */
  roundOf(pattern: RegExp): number {
    return this.rounds.findIndex((round) => round.some((request) => pattern.test(request)));
  }

  private async trip<T>(request: string, answer: () => Promise<T>): Promise<T> {
    await new Promise<void>((serve) => this.waiting.push({ request, serve }));
    return answer();
  }

  get(key: string) {
    return this.trip(`GET ${key}`, () => this.inner.get(key));
  }
  put(key: string, body: Uint8Array | string, contentType?: string) {
    return this.trip(`PUT ${key}`, () => this.inner.put(key, body, contentType));
  }
  list(prefix: string) {
    return this.trip(`LIST ${prefix}`, () => this.inner.list(prefix));
  }
  exists(key: string) {
    return this.trip(`HEAD ${key}`, () => this.inner.exists(key));
  }
  getVersioned(key: string) {
    return this.trip(`GET ${key}`, () => this.inner.getVersioned(key));
  }
  putIfVersion(key: string, body: Uint8Array | string, version: string | null, contentType?: string) {
    return this.trip(`PUT-IF ${key}`, () => this.inner.putIfVersion(key, body, version, contentType));
  }
}
