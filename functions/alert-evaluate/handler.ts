import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { watchConfigFromBundle } from '#shared/alerts/bundled.ts';
import { preferredWatchesSource, watchesOfDay } from '#shared/alerts/day-watches.ts';
import { AlertInputError } from '#shared/alerts/alert-errors.ts';
import { runAlertEvaluation } from '#shared/alerts/evaluate-stage.ts';
import { dayOfGoldManifest } from '#shared/lake/keys.ts';
import type { WatchConfig } from '#shared/alerts/watches.ts';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';

/** Compiled into the bundle by esbuild.config.cjs; absent when run from source. */
declare const __WATCH_CONFIG__: string | undefined;
declare const __WATCH_FILE__: string | undefined;
declare const __SEARCH_CONFIG__: string | undefined;

const observability = createObservability('alert-evaluate');
const { logger, metrics } = observability;
const lake = S3Lake.fromEnvironment();

async function watchConfig(): Promise<WatchConfig> {
  // An if/else (not an early return) lets esbuild fold the condition and drop the file reader, and its YAML parser, from the bundle.
  if (typeof __WATCH_CONFIG__ === 'string' && typeof __SEARCH_CONFIG__ === 'string') {
    return watchConfigFromBundle(__WATCH_CONFIG__, __WATCH_FILE__ ?? 'watches.yml', __SEARCH_CONFIG__);
  } else {
    const { watchConfigFromFiles } = await import('#shared/alerts/watch-source.ts');
    const { config, file } = await watchConfigFromFiles();
    if (file === null) logger.info('no watch file beside the search configuration: no alerts');
    return config;
  }
}

export const handler = s3ObjectHandler(observability, async ({ key }) => {
  const day = dayOfGoldManifest(key);
  if (day === undefined) throw new AlertInputError(`${key} is not a gold manifest (gold/_manifests/dt=YYYY-MM-DD.json)`, key);
  const result = await runAlertEvaluation(lake, key, watchesOfDay(lake, day, watchConfig, preferredWatchesSource()));
  logger.appendKeys({ day: result.day });
  metrics.addMetric('alertsRaised', MetricUnit.Count, result.alerts);
  logger.info('alerts evaluated', { watchesFrom: result.watchesFrom, alerts: result.alerts, alertsKey: result.alertsKey, rules: result.rules, latestUpdated: result.latestUpdated });
  return result;
});
