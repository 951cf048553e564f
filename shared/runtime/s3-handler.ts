import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Observability } from './observability.ts';

/** The subset of an S3 event notification the stages read. */
export interface S3Event {
  Records?: Array<{ eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } }>;
}

/** What a stage gets for each object that triggered it. */
export interface ObjectTrigger {
  key: string;
  bucket: string;
  /** Milliseconds left before Lambda stops the invocation. */
  remainingTimeMs: () => number;
  /** Lambda's request id: the same for the retries of one event, so work claimed by it can be resumed by them. */
  invocationId: string;
}

/**
 * Object keys arrive URL-encoded in S3 events, with spaces as `+`: decode exactly once, here.
 */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

export class EventShapeError extends Error {
  override name = 'EventShapeError';
}

/** The objects an S3 event names, in order; an event with none is a wiring mistake, reported as such. */
export function objectsOf(event: S3Event): Array<{ bucket: string; key: string }> {
  const records = event.Records ?? [];
  if (records.length === 0) throw new EventShapeError('expected an S3 event with Records[], got an event without records');
  return records.map((record, index) => {
    const key = record.s3?.object?.key;
    const bucket = record.s3?.bucket?.name;
    if (!key || !bucket) throw new EventShapeError(`S3 event record ${index} has no s3.object.key or s3.bucket.name`);
    return { bucket, key: decodeS3Key(key) };
  });
}

/**
 * Wraps a stage function as a Lambda handler for S3 object events: structured logging with the
 * Lambda context, metrics flushed after every invocation, keys decoded once. Records are handled one
 * after another (S3 sends one per event; order does not matter to any stage), and any error fails
 * the invocation so Lambda's retries and the dead-letter destination take over.
 */
export function s3ObjectHandler<Result>(
  observability: Observability,
  handle: (trigger: ObjectTrigger) => Promise<Result>,
) {
  const { logger, metrics } = observability;
  return middy<S3Event, Result[], Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      const results: Result[] = [];
      for (const object of objectsOf(event)) {
        logger.appendKeys({ objectKey: object.key });
        results.push(await handle({ ...object, remainingTimeMs: () => context.getRemainingTimeInMillis(), invocationId: context.awsRequestId }));
        metrics.addMetric('objectsHandled', MetricUnit.Count, 1);
      }
      return results;
    });
}
