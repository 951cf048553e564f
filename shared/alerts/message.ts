import type { Day } from '../lake/keys.ts';
import { formatEuros, type Alert } from './alert.ts';

/**
 * What people receive. Titles are untrusted user text: in messages they are cut to a sane length,
 * stripped of control characters, and `<`/`>` are replaced by look-alikes so that no service reads
 * them as markup or control sequences (Slack's `<!channel>`, Discord's `<@id>`); Discord mentions
 * are disabled outright with `allowed_mentions`.
 */

const TITLE_MAX = 140;
/** SNS messages may be 256 KB; stay well below with the digest's text. */
const DIGEST_MAX_BYTES = 200_000;
const DIGEST_MAX_ALERTS = 500;

export const KIND_LABELS: Record<Alert['kind'], string> = {
  'new-under-price': 'New listing',
  'price-drop': 'Price drop',
  deal: 'Deal',
  reserved: 'Reserved',
  vanished: 'Vanished',
};

export function cleanTitle(title: string | null): string {
  if (title === null || title.trim() === '') return '(no title)';
  const clean = title
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > TITLE_MAX ? `${clean.slice(0, TITLE_MAX - 1)}…` : clean;
}

/** The alert in two or three lines of plain text: what, where, and the link. */
export function alertText(alert: Alert): string {
  const place = alert.city ?? alert.region;
  const lines = [
    `${KIND_LABELS[alert.kind]} · ${cleanTitle(alert.title)} · ${formatEuros(alert.price)}${place ? ` · ${cleanTitle(place)}` : ''}`,
    `${alert.summary} [${alert.searchSlug} / ${alert.ruleId}]`,
  ];
  if (alert.listingUrl) lines.push(alert.listingUrl);
  return lines.join('\n');
}

/**
 * The body of one webhook POST. One payload for every common receiver:
 *   - Slack incoming webhooks read `text`;
 *   - Discord webhooks read `content` (≤ 2000 characters) and honour `allowed_mentions`;
 *   - Telegram's sendMessage reads `text` (the chat comes from `chat_id` in the URL);
 *   - anything else gets the structured `alert` (docs/alerts.md lists its fields).
 * Fields a service does not know are ignored by all three.
 */
export interface WebhookPayload {
  text: string;
  content: string;
  allowed_mentions: { parse: [] };
  /**
   * The alert id, also sent as the `Idempotency-Key` header: a crash between a send and its
   * delivery record makes the retry send the alert again, and the receiver can drop that copy.
   */
  idempotency_key: string;
  alert: Alert;
}

export function webhookPayload(alert: Alert): WebhookPayload {
  const text = alertText(alert);
  return { text, content: text.length > 2000 ? `${text.slice(0, 1999)}…` : text, allowed_mentions: { parse: [] }, idempotency_key: alert.alertId, alert };
}

/** The e-mail subject (SNS: ASCII, under 100 characters, no line breaks). */
export function digestSubject(day: Day, alerts: readonly Alert[], label = 'Wallapop alerts'): string {
  const subject = `${label} ${day}: ${alerts.length} new alert${alerts.length === 1 ? '' : 's'}`;
  return subject.replace(/[^\x20-\x7e]/g, '').slice(0, 99);
}

/** The daily digest as plain text, grouped by search and rule; cut (saying so) when very long. */
export function digestText(day: Day, alerts: readonly Alert[]): string {
  const lines = [`${alerts.length} new alert${alerts.length === 1 ? '' : 's'} on ${day}.`, ''];
  let bytes = Buffer.byteLength(lines.join('\n'));
  let group = '';
  let shown = 0;
  for (const alert of alerts) {
    const heading = `${alert.searchSlug} / ${alert.ruleId}`;
    const block = [...(heading !== group ? ['', `== ${heading} ==`] : []), alertText(alert), ''].join('\n');
    const size = Buffer.byteLength(block) + 1;
    if (shown >= DIGEST_MAX_ALERTS || bytes + size > DIGEST_MAX_BYTES) break;
    lines.push(block);
    bytes += size;
    group = heading;
    shown += 1;
  }
  if (shown < alerts.length) lines.push(`… and ${alerts.length - shown} more: see gold/alerts/dt=${day}/alerts.json or the dashboard's Alerts view.`);
  return lines.join('\n');
}
