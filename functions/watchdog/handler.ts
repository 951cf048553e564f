import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { snsPublisher } from '#shared/alerts/aws.ts';
import { keys } from '#shared/lake/keys.ts';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { madridDay } from '#shared/lake/days.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { runWatchdog, driftNotice, driftedSearches } from '#shared/watchdog/stage.ts';

const observability = createObservability('watchdog');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();
// Locally serverless.yml's `Ref` resolves to no ARN: the run summary and `status` say the same there.
const alarmTopicArn = process.env.ALARM_TOPIC_ARN;
const publish = alarmTopicArn?.startsWith('arn:') ? snsPublisher(alarmTopicArn) : undefined;

/**
 * Runs at the configured deadline. `dayNotFinished` (1 = no gold manifest yet) drives the
 * DayNotFinishedAlarm. Searches whose answers did not honour the request or changed shape are
 * counted in `searchesDrifted` and announced on the alarm topic, one sentence per search: an alarm
 * on the metric alone could not say which search or what changed.
 */
export const handler = middy<{ day?: string } | undefined>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const day = event?.day ?? madridDay(new Date());
    logger.appendKeys({ day });
    const check = await runWatchdog(lake, day);
    metrics.addMetric('dayNotFinished', MetricUnit.Count, check.finished ? 0 : 1);
    if (check.finished) logger.info('day finished in time');
    else logger.error('day not finished by the deadline', { expected: keys.goldManifest(day) });

    const drifted = driftedSearches(check);
    metrics.addMetric('searchesDrifted', MetricUnit.Count, drifted.length);
    for (const search of check.searches) logger.warn(search.sentence, { search: search.search, outcome: search.outcome });
    const notice = driftNotice(check);
    if (notice && publish) await publish(notice);
    return { day, finished: check.finished, searches: check.searches, driftNoticeSent: notice !== null && publish !== undefined };
  });
