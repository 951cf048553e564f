import { LakeObjectError } from '../lake/lake.ts';

/** Errors of the gold stage, each naming the lake key it is about. */
export class GoldError extends LakeObjectError {
  override name = 'GoldError';
}

/** The input of a gold step is not what its writer promised (a hand-edited task, a foreign partial). */
export class GoldInputError extends GoldError {
  override name = 'GoldInputError';
}
