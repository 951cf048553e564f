import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics emitter per stage (Lambda container). Logs are structured JSON with
 * the stage name; handlers append the day/search/shard they work on. Service name, namespace and
 * log level come from the standard POWERTOOLS_* environment variables.
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

export function createObservability(stage: string): Observability {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallapop-market', persistentKeys: { stage } });
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'WallapopMarket',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wallapop-market',
    defaultDimensions: { stage },
  });
  return { logger, metrics };
}
