import test from 'ava';
import { alertIdOf, type Alert, type DayAlerts } from '#shared/alerts/alert.ts';
import { DigestChannel, retryAfterMs, WebhookChannel, type DeliveryChannel } from '#shared/alerts/channels.ts';
import { runAlertDelivery } from '#shared/alerts/deliver-stage.ts';
import { alertChannelsFromEnvironment } from '#shared/alerts/delivery-environment.ts';
import { AlertDeliveryError } from '#shared/alerts/alert-errors.ts';
import { alertKeys } from '#shared/lake/keys.ts';
import type { WebhookPayload } from '#shared/alerts/message.ts';
import { canonicalJson } from '#shared/lake/json.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';
import { startWebhookReceiver } from '../helpers/alerts-webhook.ts';

/** Delivery against an in-memory lake, a fake topic and a real HTTP receiver on 127.0.0.1. */

const DAY = '2026-11-10';

function alert(listingId: string, price: number): Alert {
  return {
    alertId: alertIdOf(DAY, 'phones', 'cheap', listingId),
    day: DAY,
    searchSlug: 'phones',
    ruleId: 'cheap',
    kind: 'new-under-price',
    listingId,
    title: `Phone ${listingId}`,
    price,
    currency: 'EUR',
    previousPrice: null,
    dropPct: null,
    peer: null,
    peerMedian: null,
    priceToMedian: null,
    daysOnMarket: null,
    categoryId: 1,
    categoryName: 'Phones',
    region: 'Comunidad de Madrid',
    city: 'Madrid',
    listingUrl: `https://es.wallapop.com/item/${listingId}`,
    imageUrl: null,
    summary: `New at ${price} €`,
  };
}

async function lakeWith(alerts: Alert[], day = DAY) {
  const lake = new MemoryLake();
  const file: DayAlerts = { alertsVersion: 1, day, previousDay: null, isFirstDay: false, goldManifest: `gold/_manifests/dt=${day}.json`, watchConfigDigest: 'x', rules: [], alerts };
  await lake.put(alertKeys.day(day), canonicalJson(file));
  return lake;
}

function fakeTopic() {
  const published: Array<{ subject: string; text: string }> = [];
  return { published, channel: new DigestChannel('sns', async (message) => void published.push(message)) };
}

const ALERTS = [alert('A', 100), alert('B', 120), alert('C', 140), alert('D', 160)];

test('each alert goes out once per channel; a rerun or a duplicated event sends nothing again', async (t) => {
  const lake = await lakeWith(ALERTS);
  const topic = fakeTopic();
  const receiver = await startWebhookReceiver();
  t.teardown(receiver.close);
  const channels = [topic.channel, new WebhookChannel({ url: async () => receiver.url, allowHttp: true })];
  const first = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels });
  t.deepEqual(first.channels, { sns: { pending: 4, sent: 4 }, webhook: { pending: 4, sent: 4 } });
  t.is(topic.published.length, 1, 'one digest');
  t.regex(topic.published[0]!.subject, /^Wallapop alerts 2026-11-10: 4 new alerts$/);
  t.deepEqual(receiver.receipts.map((receipt) => (receipt.json as { alert: Alert }).alert.listingId), ['A', 'B', 'C', 'D'], 'one POST per alert');
  for (const receipt of receiver.receipts) {
    t.is(receipt.headers['content-type'], 'application/json; charset=utf-8');
    // A receiver can drop the copy a crash between send and record produces.
    const { alert: sent, idempotency_key: key } = receipt.json as WebhookPayload;
    t.is(receipt.headers['idempotency-key'], sent.alertId);
    t.is(key, sent.alertId);
    t.is(receipt.path, '/bot123456:SECRET-token/sendMessage?chat_id=-100200300', 'the URL is used as given (Telegram: chat_id in the query)');
  }
  t.is((await lake.list(`control/deliveries/dt=${DAY}/`)).length, 8, 'a record per alert and channel');

  for (let again = 0; again < 3; again += 1) {
    const rerun = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels });
    t.deepEqual(rerun.channels, { sns: { pending: 0, sent: 0 }, webhook: { pending: 0, sent: 0 } });
  }
  t.is(topic.published.length, 1);
  t.is(receiver.receipts.length, 4);
});

test('a failing webhook fails the delivery without its URL in the error; what went out stays delivered, the rest is retried', async (t) => {
  const lake = await lakeWith(ALERTS);
  const topic = fakeTopic();
  const receiver = await startWebhookReceiver((_, index) => ({ status: index === 2 ? 500 : 200 }));
  t.teardown(receiver.close);
  const channels: DeliveryChannel[] = [new WebhookChannel({ url: async () => receiver.url, allowHttp: true }), topic.channel];
  const error = await t.throwsAsync(runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels }), { instanceOf: AlertDeliveryError });
  t.regex(error.message, /webhook: webhook answered HTTP 500 for alert [0-9a-f]{16}: \{"ok":false/);
  t.notRegex(error.message, /SECRET|127\.0\.0\.1/, 'the webhook URL is a secret');
  t.is(topic.published.length, 1, 'the other channels are still tried');
  t.is((await lake.list(alertKeys.deliveriesOf(DAY, 'webhook'))).length, 2, 'A and B went out');

  receiver.respondWith(() => ({ status: 204, body: '' }));
  const retry = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels });
  t.deepEqual(retry.channels, { webhook: { pending: 2, sent: 2 }, sns: { pending: 0, sent: 0 } });
  t.deepEqual(receiver.accepted().map((receipt) => (receipt.json as { alert: Alert }).alert.listingId), ['A', 'B', 'C', 'D'], 'each accepted exactly once');
  t.is(topic.published.length, 1);
});

test('a 429 is waited out (Retry-After header, Discord and Telegram bodies); a network error names no URL', async (t) => {
  t.is(retryAfterMs('2', ''), 2000);
  t.is(retryAfterMs(null, '{"message":"You are being rate limited.","retry_after":0.25,"global":false}'), 250);
  t.is(retryAfterMs(null, '{"ok":false,"error_code":429,"parameters":{"retry_after":3}}'), 3000);
  t.is(retryAfterMs(null, 'slow down'), 1000);

  const lake = await lakeWith(ALERTS.slice(0, 2));
  const receiver = await startWebhookReceiver((_, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '7' } } : { status: 200 }));
  t.teardown(receiver.close);
  const waits: number[] = [];
  const webhook = new WebhookChannel({ url: async () => receiver.url, allowHttp: true, sleep: async (ms) => void waits.push(ms) });
  const result = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [webhook] });
  t.deepEqual(waits, [7000]);
  t.like(result.channels.webhook, { pending: 2, sent: 2 });
  t.is(receiver.accepted().length, 2);

  const closed = new WebhookChannel({ url: async () => 'http://127.0.0.1:9/hooks/SECRET', allowHttp: true });
  const error = await t.throwsAsync(runAlertDelivery({ lake: await lakeWith(ALERTS), alertsKey: alertKeys.day(DAY), channels: [closed] }));
  t.notRegex(error.message, /SECRET/);
  t.regex(error.message, /webhook request for alert [0-9a-f]{16} failed/);
});

test('webhooks: https only on AWS, none when not configured, and out of time hands over to the retry', async (t) => {
  const lake = await lakeWith(ALERTS);
  const insecure = new WebhookChannel({ url: async () => 'http://hooks.example.com/x' });
  await t.throwsAsync(runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [insecure] }), { message: /must be https: \(got http:\)/ });
  const none = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [new WebhookChannel({ url: async () => undefined })] });
  t.deepEqual(none.channels.webhook, { pending: 4, sent: 0, note: 'no webhook configured' });
  const receiver = await startWebhookReceiver();
  t.teardown(receiver.close);
  let left = 100_000;
  const webhook = new WebhookChannel({ url: async () => receiver.url, allowHttp: true, reserveMs: 1000 });
  const remainingTimeMs = () => (left -= 40_000);
  await t.throwsAsync(runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [webhook], remainingTimeMs }), { message: /out of time after 2 of 4 webhook messages/ });
  const rest = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [webhook] });
  t.like(rest.channels.webhook, { pending: 2, sent: 2 });
  t.is(receiver.receipts.length, 4);
});

test('alerts of a day older than maxAgeDays are not delivered', async (t) => {
  const topic = fakeTopic();
  const lake = await lakeWith(ALERTS);
  const old = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [topic.channel], maxAgeDays: 7, today: '2026-11-18' });
  t.is(old.status, 'too-old');
  const recent = await runAlertDelivery({ lake, alertsKey: alertKeys.day(DAY), channels: [topic.channel], maxAgeDays: 7, today: '2026-11-17' });
  t.is(recent.status, 'delivered');
  t.is(topic.published.length, 1);
});

test('channels from the environment: SNS and the SSM parameter on AWS, the outbox and a local URL in the runner', (t) => {
  t.deepEqual(
    alertChannelsFromEnvironment({ ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:alerts', ALERT_WEBHOOK_PARAMETER: '/x/url', ALERT_WEBHOOK_URL: 'https://ignored' }).map((channel) => channel.name),
    ['sns', 'webhook'],
  );
  t.deepEqual(alertChannelsFromEnvironment({ ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:alerts', ALERT_WEBHOOK_PARAMETER: '' }).map((channel) => channel.name), ['sns']);
  t.deepEqual(alertChannelsFromEnvironment({ ALERT_OUTBOX_DIR: '/tmp/x', ALERT_WEBHOOK_URL: 'http://127.0.0.1:1/' }).map((channel) => channel.name), ['outbox', 'webhook']);
  t.throws(() => alertChannelsFromEnvironment({ ALERT_TOPIC_ARN: '[object Object]' }), { message: /ALERT_TOPIC_ARN must be the alert topic's ARN/ });
});
