/**
 * A local, deterministic stand-in for Wallapop's web API: a seeded market model that evolves day
 * by day (market.ts), served by a real HTTP server with the same endpoints and JSON shapes
 * (server.ts), with fault injection (faults.ts) and ground-truth admin routes. simulator/README.md
 * describes the model, its defaults and the routes.
 */
export { createMarket, Market, MarketDay, MARKET_DEFAULTS, MAX_LISTINGS, PAGE_SIZE } from './market.ts';
export { DEFAULT_LISTINGS } from './defaults.ts';
export type { DayChanges, MarketOptions, PriceDrop, ProductTruth, ResolvedMarketOptions, SearchPage } from './market.ts';
export { DEFAULT_API_VARIANT, resolveApiVariant, startSimulator } from './server.ts';
export type {
  ApiVariant,
  DiscountForm,
  Endpoint,
  EndpointMode,
  IgnorableFilter,
  RequestLogEntry,
  ResponseShape,
  SectionEndpointMode,
  SimulatorHandle,
  SimulatorOptions,
  SimulatorStats,
} from './server.ts';
export { FAULT_DEFAULTS, FAULT_KINDS, FaultInjector } from './faults.ts';
export type { FaultKind, FaultOptions } from './faults.ts';
export {
  DEFAULT_DISTANCE_KM,
  DEFAULT_ORDER_BY,
  MAX_DISTANCE_KM,
  ORDER_BY,
  QueryError,
  TIME_FILTERS,
  parseSearchQuery,
} from './query.ts';
export type { OrderBy, SearchParamsInput, SearchQuery, TimeFilter } from './query.ts';
export type { ItemDetail, ItemImage, ItemLocation, SearchItem } from './items.ts';
export { LISTING_URL_BASE } from './items.ts';
export type { CategoryJson, TaxonomyEntry } from './categories.ts';
export { CITIES, haversineKm } from './geography.ts';
export type { City } from './geography.ts';
export { TEXT_QUIRK_RATES, foldForSearch } from './listing-text.ts';
export { peekClaims } from './tokens.ts';
export type { PageTokenClaims } from './tokens.ts';
export { SNAPSHOT_HOUR_MADRID, addDays, snapshotAt } from './time.ts';
