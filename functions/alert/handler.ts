import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runAlertDelivery } from '#shared/alerts/deliver-stage.ts';
import { alertChannelsFromEnvironment, deliveryLimitsFromEnvironment } from '#shared/alerts/delivery-environment.ts';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';

const observability = createObservability('alert');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();
const channels = alertChannelsFromEnvironment();

/** Reserved concurrency 1 (serverless.yml): deliveries never overlap, which makes them idempotent. */
export const handler = s3ObjectHandler(observability, async ({ key, remainingTimeMs }) => {
  const result = await runAlertDelivery({ lake, alertsKey: key, channels, remainingTimeMs, ...deliveryLimitsFromEnvironment() });
  logger.appendKeys({ day: result.day });
  if (result.status === 'too-old') {
    logger.warn('alerts not delivered: the day is older than ALERT_MAX_AGE_DAYS', { alerts: result.alerts });
  } else {
    for (const [channel, outcome] of Object.entries(result.channels)) metrics.addMetric(`alertsSent_${channel}`, MetricUnit.Count, outcome.sent);
    logger.info('alerts delivered', { alerts: result.alerts, channels: result.channels });
  }
  return result;
});
