/**
 * The terminal progress of a local run: besides searches extracted and in silver, gold shows its
 * shards as they finish (the fan-out's tasks give the total) and when the day is published.
 */
import test from 'ava';
import { PassThrough } from 'node:stream';
import type { S3EventNotification } from '#local/embedded-s3.ts';
import { RunProgress } from '#local/progress.ts';

const objectEvent = (key: string) => ({ Records: [{ s3: { object: { key } } }] }) as unknown as S3EventNotification;

test('gold shows its shards done out of the dispatched tasks, then published', async (t) => {
  const stream = new PassThrough();
  let drawn = '';
  stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
  const progress = new RunProgress(2, true, stream);
  progress.startDay('2026-11-20');
  for (const shard of ['000', '001', '002']) progress.onObject(objectEvent(`control/gold/dt=2026-11-20/shard=${shard}.json`));
  for (const shard of ['000', '001', '002']) {
    progress.onInvocation({ functionName: 'goldShard', objectKey: `control/gold/dt=2026-11-20/shard=${shard}.json`, attempt: 1, status: 'succeeded', durationMs: 1 });
  }
  progress.onObject(objectEvent('gold/_manifests/dt=2026-11-20.json'));
  progress.stop();
  const plain = drawn.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  t.regex(plain, /gold\s+\|[^|]*\| 3\/3 published/, plain);
});
