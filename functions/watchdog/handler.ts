import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { keys } from '#shared/lake/keys.ts';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { madridDay } from '#shared/plan/plan.ts';
import { createObservability } from '#shared/runtime/observability.ts';

const observability = createObservability('watchdog');
const lake = S3Lake.fromEnvironment();

/**
 * Runs at the configured deadline and reports whether today's gold manifest exists. The
 * `dayNotFinished` metric (1 = late) drives the DayNotFinishedAlarm.
 */
export const handler = middy<{ day?: string } | undefined>()
  .use(injectLambdaContext(observability.logger, { resetKeys: true }))
  .use(logMetrics(observability.metrics))
  .handler(async (event) => {
    const day = event?.day ?? madridDay(new Date());
    const finished = await lake.exists(keys.goldManifest(day));
    observability.metrics.addMetric('dayNotFinished', MetricUnit.Count, finished ? 0 : 1);
    if (finished) observability.logger.info('day finished in time', { day });
    else observability.logger.error('day not finished by the deadline', { day, expected: keys.goldManifest(day) });
    return { day, finished };
  });
