import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { watchConfigFromBundle } from '#shared/alerts/bundled.ts';
import type { WatchConfig } from '#shared/alerts/watches.ts';
import { parseSearchConfig, type SearchConfig } from '#shared/config/searches.ts';
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { runPlan } from '#shared/plan/stage.ts';
import { madridDay } from '#shared/lake/days.ts';
import { parseShardCountSetting } from '#shared/plan/shard-count.ts';
import { wallapopOptionsFromEnvironment } from '#shared/runtime/environment.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { WallapopClient } from '#shared/wallapop/index.ts';

/** Compiled into the bundle from the searches and watch files by esbuild.config.cjs; absent when run from source. */
declare const __SEARCH_CONFIG__: string | undefined;
declare const __WATCH_CONFIG__: string | undefined;
declare const __WATCH_FILE__: string | undefined;

/** The schedule sends `{}`; a manual or local invocation may name the day and force re-extraction. */
interface PlanEvent {
  day?: string;
  force?: boolean;
}

const observability = createObservability('plan');
const lake = S3Lake.fromEnvironment();
const client = new WallapopClient(wallapopOptionsFromEnvironment());

async function searchConfig(): Promise<SearchConfig> {
  // An if/else (not an early return) lets esbuild drop the file reader, and its YAML parser, from the bundle.
  if (typeof __SEARCH_CONFIG__ === 'string') {
    return parseSearchConfig(JSON.parse(__SEARCH_CONFIG__), 'the deployed search configuration');
  } else {
    const { readSearchConfigFile } = await import('#shared/config/yaml-file.ts');
    return readSearchConfigFile(process.env.SEARCHES_FILE ?? 'searches.yml');
  }
}

/** The watches the day will be evaluated with: the plan records them, so a replay uses the day's own. */
async function watchConfig(): Promise<{ config: WatchConfig; file: string | null }> {
  if (typeof __WATCH_CONFIG__ === 'string' && typeof __SEARCH_CONFIG__ === 'string') {
    const file = __WATCH_FILE__ === undefined || __WATCH_FILE__ === '(none)' ? null : __WATCH_FILE__;
    return { config: watchConfigFromBundle(__WATCH_CONFIG__, file ?? 'watches.yml', __SEARCH_CONFIG__), file };
  } else {
    const { watchConfigFromFiles } = await import('#shared/alerts/watch-source.ts');
    return watchConfigFromFiles();
  }
}

export const handler = middy<PlanEvent | undefined>()
  .use(injectLambdaContext(observability.logger, { resetKeys: true }))
  .use(logMetrics(observability.metrics))
  .handler(async (event) => {
    const day = event?.day ?? madridDay(new Date());
    observability.logger.appendKeys({ day });
    const plan = await runPlan({
      lake,
      client,
      config: await searchConfig(),
      day,
      shardCount: parseShardCountSetting(process.env.SHARD_COUNT, 'SHARD_COUNT'),
      force: event?.force ?? false,
      watches: await watchConfig(),
    });
    observability.metrics.addMetric('searchesPlanned', MetricUnit.Count, plan.searches.length);
    observability.logger.info('day planned', { searches: plan.searches.length, shardCount: plan.shardCount, categories: plan.categoriesSnapshot });
    return plan;
  });
