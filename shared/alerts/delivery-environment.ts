import { numberFromEnvironment } from '../runtime/environment.ts';
import { madridDay } from '../lake/days.ts';
import type { Day } from '../lake/keys.ts';
import { DigestChannel, OutboxChannel, WebhookChannel, type DeliveryChannel } from './channels.ts';
import { snsPublisher, webhookUrlFromParameter } from './aws.ts';

/**
 * The delivery channels of the `alert` function, from its environment:
 *
 *   on AWS (serverless.yml)     ALERT_TOPIC_ARN           the daily digest goes to this SNS topic
 *                               ALERT_WEBHOOK_PARAMETER   SSM SecureString holding the webhook URL
 *                                                         ('' or a missing parameter: no webhook)
 *   in the local runner         ALERT_OUTBOX_DIR          alerts are appended to <dir>/dt=D.jsonl
 *                               ALERT_WEBHOOK_URL         webhook URL (local only: ignored without
 *                                                         ALERT_OUTBOX_DIR, so never read on AWS)
 *   both                        ALERT_MAX_AGE_DAYS        older days are not delivered (0: no limit)
 */
export function alertChannelsFromEnvironment(env: NodeJS.ProcessEnv = process.env): DeliveryChannel[] {
  const outbox = env.ALERT_OUTBOX_DIR;
  if (outbox) {
    const url = env.ALERT_WEBHOOK_URL;
    return [new OutboxChannel(outbox), ...(url ? [new WebhookChannel({ url: async () => url, allowHttp: true })] : [])];
  }
  const topicArn = env.ALERT_TOPIC_ARN;
  if (!topicArn?.startsWith('arn:')) throw new Error(`ALERT_TOPIC_ARN must be the alert topic's ARN (got "${topicArn ?? ''}"): serverless.yml sets it`);
  const parameter = env.ALERT_WEBHOOK_PARAMETER;
  return [
    new DigestChannel('sns', snsPublisher(topicArn)),
    ...(parameter ? [new WebhookChannel({ url: webhookUrlFromParameter(parameter) })] : []),
  ];
}

export function deliveryLimitsFromEnvironment(env: NodeJS.ProcessEnv = process.env, now = new Date()): { maxAgeDays: number; today: Day } {
  return { maxAgeDays: numberFromEnvironment('ALERT_MAX_AGE_DAYS', 7, env), today: madridDay(now) };
}

