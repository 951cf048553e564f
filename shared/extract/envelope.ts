import { gzipSync } from 'node:zlib';
import { Buffer } from 'node:buffer';
import type { BronzeEnvelope } from '../lake/bronze.ts';
import type { FetchedResponse } from '../wallapop/index.ts';

/** Wraps a response verbatim with the request that produced it. */
export function envelopeOf(
  response: FetchedResponse,
  placement: { kind: BronzeEnvelope['kind']; day: string; search?: string; page?: number; itemCount: number },
): BronzeEnvelope {
  const endpoint = response.request.endpoint;
  if (endpoint === 'item') throw new Error('item detail responses are not stored in bronze');
  return {
    envelopeVersion: 2,
    kind: placement.kind,
    day: placement.day,
    ...(placement.search !== undefined ? { search: placement.search } : {}),
    ...(placement.page !== undefined ? { page: placement.page } : {}),
    request: { method: 'GET', url: response.request.url, endpoint, params: response.request.params },
    response: {
      status: response.status,
      contentType: response.contentType,
      fetchedAt: response.fetchedAt,
      attempts: response.attempts,
      elapsedMs: response.elapsedMs,
      itemCount: placement.itemCount,
    },
    body: response.body,
  };
}

/**
 * The stored bronze object, gzip-compressed (Node writes a zero mtime in the gzip header, so equal
 * envelopes give equal bytes). Version 2: the envelope without its body as one line of JSON (JSON
 * text holds no raw newline), a newline, and the body's text in UTF-8; version 1: the envelope as JSON.
 */
export function encodeEnvelope(envelope: BronzeEnvelope): Uint8Array {
  if (envelope.envelopeVersion === 1) return gzipSync(JSON.stringify(envelope));
  const { body, ...header } = envelope;
  return gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), Buffer.from(body, 'utf8')]));
}

/**
 * A stored version 2 envelope's text (gunzipped), split as `encodeEnvelope` joined it: its first
 * line, that line's JSON, and the body after it. Undefined for anything else (version 1 is one
 * JSON object). For tools that read bronze without silver's checks; silver reads with
 * ../silver/page.ts.
 */
export function splitEnvelopeText(text: string): { headerLine: string; header: Omit<BronzeEnvelope, 'body'>; body: string } | undefined {
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0) return undefined;
  const headerLine = text.slice(0, lineEnd);
  let header: unknown;
  try {
    header = JSON.parse(headerLine);
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || (header as { envelopeVersion?: unknown }).envelopeVersion !== 2) return undefined;
  return { headerLine, header: header as Omit<BronzeEnvelope, 'body'>, body: text.slice(lineEnd + 1) };
}
