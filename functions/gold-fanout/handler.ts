import { S3Lake } from '#shared/lake/s3-lake.ts';
import { runGoldFanout } from '#shared/gold/fanout-stage.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';

const observability = createObservability('gold-fanout');
const { logger } = observability;
const lake = S3Lake.fromEnvironment();

export const handler = s3ObjectHandler(observability, async ({ key, invocationId, remainingTimeMs }) => {
  const result = await runGoldFanout(lake, key, {}, { id: invocationId, remainingTimeMs });
  logger.appendKeys({ day: result.day });
  if (result.status === 'waiting') logger.info('waiting for silver', { missing: result.missing });
  else if (result.status === 'already-dispatched') logger.info('gold run already dispatched', { runId: result.runId, by: result.by });
  else logger.info('gold shards dispatched', { runId: result.runId, shards: result.tasks.length });
  return result;
});
