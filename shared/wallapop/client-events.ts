import type { RequestEndpoint, SearchEndpoint } from './endpoints.ts';
import type { RetryReason } from './retry.ts';

export type ClientEvent =
  | { type: 'response'; endpoint: RequestEndpoint; url: string; attempt: number; status: number; elapsedMs: number }
  | {
      type: 'retry';
      endpoint: RequestEndpoint;
      url: string;
      /** The attempt that failed (1-based). */
      attempt: number;
      reason: RetryReason;
      status: number | null;
      delayMs: number;
      /** What the server asked for, before the `maxRetryAfterMs` cap; null without a Retry-After. */
      retryAfterMs: number | null;
      detail: string;
    }
  | { type: 'fallback'; from: SearchEndpoint; to: SearchEndpoint; status: number; url: string }
  | { type: 'throttle'; endpoint: RequestEndpoint; url: string; waitMs: number };
