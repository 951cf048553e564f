import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runExtract } from '#shared/extract/stage.ts';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { wallapopOptionsFromEnvironment } from '#shared/runtime/environment.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';
import { WallapopClient } from '#shared/wallapop/index.ts';

const observability = createObservability('extract');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();
const client = new WallapopClient({
  ...wallapopOptionsFromEnvironment(),
  onEvent: (event) => logger.debug('wallapop client', { event }),
});

export const handler = s3ObjectHandler(observability, async ({ key, remainingTimeMs }) => {
  const result = await runExtract({ lake, client, taskKey: key, remainingTimeMs });
  logger.appendKeys({ day: result.day, search: result.search });
  if (result.status === 'skipped') {
    logger.info('extraction skipped', { reason: result.reason });
  } else {
    metrics.addMetric('pagesFetched', MetricUnit.Count, result.pagesThisInvocation);
    if (result.status === 'continued') {
      logger.info('extraction continues in a new invocation', { continuationKey: result.continuationKey });
    } else {
      const { manifest } = result;
      metrics.addMetric('itemsFetched', MetricUnit.Count, manifest.itemCount);
      if (manifest.outcome === 'blocked') metrics.addMetric('searchesBlocked', MetricUnit.Count, 1);
      if (manifest.outcome === 'empty') metrics.addMetric('searchesEmpty', MetricUnit.Count, 1);
      if (manifest.outcome === 'failed') metrics.addMetric('searchesFailed', MetricUnit.Count, 1);
      if (manifest.outcome === 'filter-ignored' || manifest.outcome === 'drifted') metrics.addMetric('searchesDrifted', MetricUnit.Count, 1);
      const log = manifest.outcome === 'complete' ? logger.info.bind(logger) : logger.warn.bind(logger);
      const symptoms = manifest.drift?.symptoms.map((symptom) => symptom.message) ?? [];
      log('extraction finished', { outcome: manifest.outcome, pages: manifest.pageCount, items: manifest.itemCount, errors: manifest.errors, symptoms });
    }
  }
  return result;
});
