/**
 * The least an S3-triggered function of this pipeline does, as a handler: the runtime every such
 * function bundles (middy, Powertools' logger and metrics, the S3 client as S3Lake builds it) reading
 * the object that triggered it and writing one small object. The benchmark bundles it with the
 * functions' own esbuild options and measures its cold start beside theirs ("the runtime alone"):
 * the part of a cold start no stage's own code can remove while it uses this runtime.
 */
import { S3Lake } from '#shared/lake/s3-lake.ts';
import { createObservability } from '#shared/runtime/observability.ts';
import { s3ObjectHandler } from '#shared/runtime/s3-handler.ts';

const observability = createObservability('cold-start-floor');
const lake = S3Lake.fromEnvironment();

export const handler = s3ObjectHandler(observability, async ({ key, invocationId }) => {
  const bytes = await lake.get(key);
  await lake.put(`bench/cold-start-floor/${invocationId}.json`, JSON.stringify({ read: key, bytes: bytes?.length ?? null }), 'application/json');
  return bytes?.length ?? null;
});
