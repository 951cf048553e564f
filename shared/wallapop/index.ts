export { WallapopClient } from './client.ts';
export type { WallapopClientOptions, SearchPagesOptions } from './client-options.ts';
export type { ClientEvent } from './client-events.ts';
export type { SearchEndpoint, RequestEndpoint } from './endpoints.ts';
export { buildSearchParams, type OrderBy, type TimeFilter, type SearchQuery } from './search-params.ts';
export { searchHeaders, DEFAULT_USER_AGENT } from './headers.ts';
export { estimatedTotalOf } from './next-page-token.ts';
export type { FetchedResponse, SearchPage, SearchStop } from './responses.ts';
export {
  WallapopError,
  WallapopHttpError,
  WallapopBlockedError,
  WallapopRateLimitedError,
  WallapopBadRequestError,
  WallapopTimeoutError,
  WallapopNetworkError,
  WallapopSchemaError,
  type WallapopErrorDetails,
} from './api-errors.ts';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';
export {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  classifyStatus,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
  type RetryReason,
  type StatusClass,
} from './retry.ts';
export {
  CategoriesSchema,
  CategoryNodeSchema,
  ItemDetailSchema,
  ORGANIC_SECTION,
  SearchPageBodySchema,
  isOtherSection,
  parseBody,
  readSearchPage,
  type PageShape,
  type SearchPageContent,
  type CategoryNode,
  type ItemDetail,
  type ValidationResult,
} from './schemas.ts';
export {
  DRIFT_LIMITS,
  addPage,
  checkPage,
  driftVerdict,
  emptyDriftTally,
  type DriftOutcome,
  type DriftSymptom,
  type DriftSymptomKind,
  type DriftTally,
  type DriftVerdict,
} from './drift.ts';
