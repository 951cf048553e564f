import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { runGoldFanin } from '#shared/gold/fanin-stage.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';

const observability = createObservability('gold-fanin');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();

export const handler = s3ObjectHandler(observability, async ({ key, invocationId, remainingTimeMs }) => {
  const result = await runGoldFanin(lake, key, {}, { id: invocationId, remainingTimeMs });
  logger.appendKeys({ day: result.day });
  if (result.status === 'waiting') {
    logger.info('waiting for partials', { missing: result.missing.length });
  } else if (result.status === 'claimed-elsewhere') {
    logger.info(result.done ? 'day already published by this run' : 'day being published by another invocation', { runId: result.runId, by: result.by });
  } else {
    metrics.addMetric('daysPublished', MetricUnit.Count, 1);
    logger.info('day published', { manifestKey: result.manifestKey });
  }
  return result;
});
