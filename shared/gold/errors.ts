/**
 * Errors of the gold stage. Each names the lake key it is about, so a Lambda log line or a dead
 * letter says which object to look at.
 */
export class GoldError extends Error {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GoldError';
  }
}

/** The input of a gold step is not what its writer promised (a hand-edited task, a foreign partial). */
export class GoldInputError extends GoldError {
  constructor(message: string, key: string, options?: { cause?: unknown }) {
    super(message, key, options);
    this.name = 'GoldInputError';
  }
}
