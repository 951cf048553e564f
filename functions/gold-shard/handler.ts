import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';

const observability = createObservability('gold-shard');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();

export const handler = s3ObjectHandler(observability, async ({ key }) => {
  const started = performance.now();
  const result = await runGoldShard(lake, key);
  logger.appendKeys({ day: result.day, shard: result.shard });
  metrics.addMetric('shardDuration', MetricUnit.Milliseconds, performance.now() - started);
  metrics.addMetric('stateRows', MetricUnit.Count, result.counts.stateRows);
  logger.info('gold shard written', { previousDay: result.previousDay, counts: result.counts });
  return result;
});
