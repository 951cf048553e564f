import test from 'ava';
import { gunzipSync, gzipSync } from 'node:zlib';
import { getJson, putJson } from '#shared/lake/lake.ts';
import { keyFields, keys } from '#shared/lake/keys.ts';
import { addDays, isDay } from '#shared/lake/days.ts';
import { startEmbeddedS3, type S3EventNotification } from '#local/embedded-s3.ts';

test('keys are a function of day, search, shard and page only', (t) => {
  t.is(keys.bronzePage('2026-11-24', 'iphone-13', 7), 'bronze/search/dt=2026-11-24/search=iphone-13/page-00007.json.gz');
  t.is(keys.silverShard('2026-11-24', 3, 'ps5'), 'silver/listings/dt=2026-11-24/shard=003/search=ps5.parquet');
  t.deepEqual(keyFields(keys.goldTask('2026-11-24', 12)), { dt: '2026-11-24', shard: '012' });
  t.deepEqual(keyFields(keys.extractTask('2026-11-24', 'ps5')), { dt: '2026-11-24', search: 'ps5' });
});

test('days: validation and arithmetic across month and leap-year ends', (t) => {
  t.true(isDay('2028-02-29'));
  t.false(isDay('2026-02-29'));
  t.false(isDay('2026-1-01'));
  t.is(addDays('2026-12-31', 1), '2027-01-01');
  t.is(addDays('2028-03-01', -1), '2028-02-29');
});

test('S3 lake round-trips bytes, lists past 1000 keys, and the server emits real S3 events', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const events: S3EventNotification[] = [];
  s3.onEvent((event) => events.push(event));

  const body = gzipSync(Buffer.from('{"ñ":"😀"}'));
  await s3.lake.put('bronze/x/page-00001.json.gz', body);
  t.deepEqual(Buffer.from((await s3.lake.get('bronze/x/page-00001.json.gz'))!), body);
  t.is(gunzipSync((await s3.lake.get('bronze/x/page-00001.json.gz'))!).toString(), '{"ñ":"😀"}');
  t.is(await s3.lake.get('missing/key'), undefined);
  t.false(await s3.lake.exists('missing/key'));
  t.true(await s3.lake.exists('bronze/x/page-00001.json.gz'));

  await putJson(s3.lake, 'control/a.json', { b: 1 });
  t.deepEqual(await getJson(s3.lake, 'control/a.json'), { b: 1 });

  const many = Array.from({ length: 1005 }, (_, i) => `many/k-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < many.length; i += 50) await Promise.all(many.slice(i, i + 50).map((key) => s3.lake.put(key, 'x')));
  t.deepEqual(await s3.lake.list('many/'), many);

  const first = events.find((e) => e.Records[0]?.s3.object.key === 'control/a.json');
  t.is(first?.Records[0]?.eventName, 'ObjectCreated:Put');
});

test("the embedded S3's round trip makes every request wait, until it is set back to 0", async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  await s3.lake.put('control/round-trip.json', '{}');
  s3.setRoundTripMs(60);
  // Three reads in a row each wait; a lower bound, which a slow machine cannot break.
  const started = performance.now();
  for (let read = 0; read < 3; read += 1) t.truthy(await s3.lake.get('control/round-trip.json'));
  t.true(performance.now() - started >= 3 * 60 - 5, 'three round trips of 60 ms');
  s3.setRoundTripMs(0);
  t.is(new TextDecoder().decode(await s3.lake.get('control/round-trip.json')), '{}');
  t.throws(() => s3.setRoundTripMs(-1), { instanceOf: RangeError, message: /0 ms or more, got -1/ });
  t.throws(() => s3.setRoundTripMs(Number.NaN), { instanceOf: RangeError });
});
