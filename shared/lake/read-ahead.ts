import type { Lake } from './lake.ts';

/** A read started now and awaited later: if the caller returns or fails first, its failure is not left unhandled. */
export function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Yields the objects in the order given while up to `ahead` later ones are already downloading
 * (`undefined` bytes: no such object).
 * A failed fetch surfaces when its turn comes, never as an unhandled rejection before.
 */
export function readAhead<Entry extends { key: string }>(lake: Lake, entries: readonly Entry[], ahead: number): AsyncGenerator<{ entry: Entry; bytes: Uint8Array | undefined }> {
  const inFlight: Array<Promise<Uint8Array | undefined>> = [];
  const start = (index: number) => {
    inFlight.push(started(lake.get(entries[index]!.key)));
  };
  let next = 0;
  // Started now, not at the first iteration: the first objects download while the caller reads the rest of its input.
  while (next < entries.length && inFlight.length < ahead) start(next++);
  return (async function* () {
    for (let index = 0; index < entries.length; index += 1) {
      const bytes = await inFlight.shift()!;
      if (next < entries.length) start(next++);
      yield { entry: entries[index]!, bytes };
    }
  })();
}
