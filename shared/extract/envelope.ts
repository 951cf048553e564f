import { gzipSync } from 'node:zlib';
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
    envelopeVersion: 1,
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

/** Gzip JSON; Node writes a zero mtime in the gzip header, so equal envelopes give equal bytes. */
export function encodeEnvelope(envelope: BronzeEnvelope): Uint8Array {
  return gzipSync(JSON.stringify(envelope));
}
