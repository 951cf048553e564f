import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `next_page` tokens: HS256 JWTs (base64url header.payload.signature) like the live API's. The
 * payload carries everything needed to serve the next page (query, day, offset), so the server
 * keeps no pagination state and a faulted or retried request can never skip or repeat a page.
 */

export interface PageTokenClaims {
  /** The query in API parameter names, for readers; `query_key` is what binds the token. */
  query: Record<string, string | number>;
  query_key: string;
  search_id: string;
  /** The market day the first page was served from; later pages stay on it. */
  day: string;
  /** Position of the first item of the page this token fetches. */
  offset: number;
  pointers: { ORGANIC: { remaining_documents: number } };
  /** Set when the token fetches the page of similar listings after the results (variant `similarAfterResults`). */
  section_type?: 'vector_search_results';
  /** Seconds since the epoch: the day's snapshot time, not the wall clock, so tokens are reproducible. */
  iat: number;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

export class PageTokens {
  private readonly secret: Buffer;

  constructor(secret: string) {
    this.secret = Buffer.from(secret, 'utf8');
  }

  sign(claims: PageTokenClaims): string {
    const unsigned = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return `${unsigned}.${this.signature(unsigned)}`;
  }

  /** The claims of a token this signer issued, or undefined for anything else (tampered, foreign, malformed). */
  verify(token: string): PageTokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    if (header !== HEADER) return undefined;
    const expected = Buffer.from(this.signature(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      return isClaims(claims) ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  private signature(unsigned: string): string {
    return createHmac('sha256', this.secret).update(unsigned).digest('base64url');
  }
}

function isClaims(value: unknown): value is PageTokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  return (
    typeof claims.query_key === 'string' &&
    typeof claims.day === 'string' &&
    typeof claims.offset === 'number' &&
    Number.isSafeInteger(claims.offset) &&
    claims.offset >= 0
  );
}

/** Reads a token's claims without checking the signature: what a client may do for progress display. */
export function peekClaims(token: string): unknown {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
