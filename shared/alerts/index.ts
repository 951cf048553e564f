/**
 * Alerts: watches (what users want to hear about), their evaluation on a gold day, and delivery.
 * docs/alerts.md is the reference; the dashboard reads the `AlertsWindow` type, the plan records the
 * watches' digest. The two entry points (`evaluate-stage.ts`, `deliver-stage.ts`) are not here.
 */
export * from './alert.ts';
export { alertKeys, alertPrefixes, dayOfAlertsKey } from '../lake/keys.ts';
export { DEFAULT_MAX_PER_DAY, RULE_KINDS, WatchConfigError, parseWatchConfig, watchConfigDigest, type WatchConfig, type WatchRule } from './watches.ts';
export { evaluateWatches, WatchEvaluator, type EvaluationContext, type PeerMedians } from './evaluate.ts';
export { AlertError, AlertInputError, AlertDeliveryError } from './alert-errors.ts';
