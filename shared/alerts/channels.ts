import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Day } from '../lake/keys.ts';
import type { Alert } from './alert.ts';
import { digestSubject, digestText, webhookPayload } from './message.ts';

/**
 * Where alerts go. A channel sends the alerts it is given (those not yet delivered on it) and
 * reports each one that went out through `delivered`, as soon as it did, so the delivery records
 * are written promptly: if the channel fails half-way, only the rest is retried.
 */
export interface DeliveryChannel {
  /** Names the channel in delivery record keys (`control/deliveries/dt=D/<name>/…`): never change it. */
  readonly name: string;
  deliver(day: Day, alerts: readonly Alert[], delivered: (sent: readonly Alert[]) => Promise<void>, budget: TimeBudget): Promise<ChannelOutcome>;
}

export interface ChannelOutcome {
  sent: number;
  /** Why nothing was sent although alerts were pending (e.g. no webhook configured). */
  note?: string;
}

export interface TimeBudget {
  /** Milliseconds left in the invocation. */
  remainingMs(): number;
}

export class ChannelError extends Error {
  constructor(
    message: string,
    readonly channel: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChannelError';
  }
}

/** Publishes one message with a subject (the SNS client in production, a fake in tests). */
export type Publish = (message: { subject: string; text: string }) => Promise<void>;

/** The daily digest: all pending alerts of the day in one message (an e-mail via SNS). */
export class DigestChannel implements DeliveryChannel {
  constructor(
    readonly name: string,
    private readonly publish: Publish,
    private readonly subjectLabel = 'Wallapop alerts',
  ) {}

  async deliver(day: Day, alerts: readonly Alert[], delivered: (sent: readonly Alert[]) => Promise<void>): Promise<ChannelOutcome> {
    await this.publish({ subject: digestSubject(day, alerts, this.subjectLabel), text: digestText(day, alerts) });
    await delivered(alerts);
    return { sent: alerts.length };
  }
}

/** Appends the alerts, one JSON object a line, to `<directory>/dt=D.jsonl` (the local runner's outbox). */
export class OutboxChannel implements DeliveryChannel {
  readonly name = 'outbox';

  constructor(readonly directory: string) {}

  static fileOf(directory: string, day: Day): string {
    return join(directory, `dt=${day}.jsonl`);
  }

  async deliver(day: Day, alerts: readonly Alert[], delivered: (sent: readonly Alert[]) => Promise<void>): Promise<ChannelOutcome> {
    await mkdir(this.directory, { recursive: true });
    // One line, then its record: a crash between the two repeats one alert, not the whole day's.
    for (const alert of alerts) {
      await appendFile(OutboxChannel.fileOf(this.directory, day), `${JSON.stringify(alert)}\n`);
      await delivered([alert]);
    }
    return { sent: alerts.length };
  }
}

export interface WebhookOptions {
  /** The URL, resolved when there is something to send (from SSM on AWS); undefined: no webhook. */
  url: () => Promise<string | undefined>;
  /** Plain http (the local runner's test receivers); https only otherwise: the URL carries a token. */
  allowHttp?: boolean;
  requestTimeoutMs?: number;
  /** A 429 is waited out (Retry-After) at most this many times per message, each wait at most maxWaitMs. */
  maxRateLimitWaits?: number;
  maxWaitMs?: number;
  /** Stop (and let Lambda's retry continue) when less than this is left of the invocation. */
  reserveMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One JSON POST per alert (message shape: ./message.ts) to a webhook: a Slack or Discord incoming
 * webhook, a Telegram bot's sendMessage URL, or any HTTPS endpoint. 2xx is delivered; 429 waits
 * for Retry-After and tries again; anything else fails the delivery (the alerts already sent stay
 * delivered, the rest is retried by Lambda and ends in the dead-letter queue if it keeps failing).
 * The URL is a secret: it never appears in an error or a log line.
 */
export class WebhookChannel implements DeliveryChannel {
  readonly name = 'webhook';
  private readonly options: Required<Omit<WebhookOptions, 'fetch' | 'sleep'>> & Pick<WebhookOptions, 'fetch' | 'sleep'>;

  constructor(options: WebhookOptions) {
    this.options = { allowHttp: false, requestTimeoutMs: 10_000, maxRateLimitWaits: 5, maxWaitMs: 60_000, reserveMs: 15_000, ...options };
  }

  async deliver(_day: Day, alerts: readonly Alert[], delivered: (sent: readonly Alert[]) => Promise<void>, budget: TimeBudget): Promise<ChannelOutcome> {
    const url = await this.options.url();
    if (url === undefined || url === '') return { sent: 0, note: 'no webhook configured' };
    this.check(url);
    let sent = 0;
    for (const alert of alerts) {
      if (budget.remainingMs() < this.options.reserveMs) {
        throw new ChannelError(`out of time after ${sent} of ${alerts.length} webhook messages; the retry sends the rest`, this.name);
      }
      await this.post(url, alert);
      await delivered([alert]);
      sent += 1;
    }
    return { sent };
  }

  private check(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ChannelError('the webhook URL is not a valid URL', this.name);
    }
    const allowed = this.options.allowHttp ? ['https:', 'http:'] : ['https:'];
    if (!allowed.includes(parsed.protocol)) throw new ChannelError(`the webhook URL must be ${allowed.join(' or ')} (got ${parsed.protocol})`, this.name);
  }

  private async post(url: string, alert: Alert): Promise<void> {
    const body = JSON.stringify(webhookPayload(alert));
    const scrub = (text: string) => text.split(url).join('<webhook URL>');
    const fetchFn = this.options.fetch ?? fetch;
    for (let waits = 0; ; waits += 1) {
      let response: Response;
      try {
        response = await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'wallapop-market-alerts/1', 'idempotency-key': alert.alertId },
          body,
          signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        throw new ChannelError(scrub(`webhook request for alert ${alert.alertId} failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`), this.name);
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return;
      if (response.status === 429 && waits < this.options.maxRateLimitWaits) {
        const waitMs = retryAfterMs(response.headers.get('retry-after'), text);
        if (waitMs <= this.options.maxWaitMs) {
          await (this.options.sleep ?? sleep)(waitMs);
          continue;
        }
      }
      throw new ChannelError(scrub(`webhook answered HTTP ${response.status} for alert ${alert.alertId}: ${text.slice(0, 300).trim() || '(empty body)'}`), this.name);
    }
  }
}

/** Retry-After in seconds (header), or Discord's `retry_after` / Telegram's `parameters.retry_after` (body). */
export function retryAfterMs(header: string | null, body: string): number {
  const fromHeader = header === null ? Number.NaN : Number(header);
  if (Number.isFinite(fromHeader) && fromHeader >= 0) return Math.ceil(fromHeader * 1000);
  try {
    const parsed = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const seconds = Number(parsed.retry_after ?? parsed.parameters?.retry_after);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  } catch {
    // not JSON: fall through to the default
  }
  return 1000;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
