/** The extract stage's public surface: the plan writes its tasks and the bronze envelope of its category snapshot. */
export { encodeEnvelope, envelopeOf } from './envelope.ts';
export { initialExtractTask, type ExtractTask } from './task.ts';
