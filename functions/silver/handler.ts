import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';
import { runSilver } from '#shared/silver/stage.ts';

const observability = createObservability('silver');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();

export const handler = s3ObjectHandler(observability, async ({ key }) => {
  const manifest = await runSilver(lake, key);
  logger.appendKeys({ day: manifest.day, search: manifest.search });
  metrics.addMetric('rowsAccepted', MetricUnit.Count, manifest.counts.itemsAccepted);
  metrics.addMetric('rowsQuarantined', MetricUnit.Count, manifest.counts.itemsQuarantined);
  logger.info('silver written', { counts: manifest.counts });
  return manifest;
});
