/**
 * Independent writes with a few in flight at once. A stage's outputs are written one after the
 * other only when one must exist before the next (a manifest after its files); the rest were
 * round trips in a row, most of a small invocation's time on S3 (docs/performance.md).
 *
 * `write` starts a write, first waiting while `limit` are in flight, so a producer that builds
 * each body just before its write holds at most `limit` bodies. `settle` waits for every write
 * and throws the first failure. A failure is never left unhandled: it is thrown by the next
 * `write` or by `settle`, and nothing is started after it.
 */
export class WriteQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a write queue needs a limit of at least 1, got ${limit}`);
  }

  async write(start: () => Promise<unknown>): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const pending: Promise<void> = start().then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    const tracked = pending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
