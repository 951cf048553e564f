import test from 'ava';
import { claimWork, finishClaim, readClaim, releaseClaim } from '#shared/lake/claim.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

const KEY = 'control/claims/gold-dispatch/dt=2026-11-20.json';

test('the embedded S3 honours conditional writes as S3 does: If-None-Match creates once, If-Match only over the version read', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const { lake } = s3;
  t.true(await lake.putIfVersion('a.json', '{"n":1}', null));
  t.false(await lake.putIfVersion('a.json', '{"n":2}', null), 'the object exists: If-None-Match fails');
  const first = (await lake.getVersioned('a.json'))!;
  t.is(new TextDecoder().decode(first.bytes), '{"n":1}');
  t.regex(first.version, /^"[0-9a-f]{32}"$/);
  t.true(await lake.putIfVersion('a.json', '{"n":3}', first.version));
  t.false(await lake.putIfVersion('a.json', '{"n":4}', first.version), 'the version read is gone: If-Match fails');
  t.false(await lake.putIfVersion('missing.json', '{}', first.version), 'If-Match on a missing object fails');
  t.is(new TextDecoder().decode((await lake.get('a.json'))!), '{"n":3}');
});

test('racing claimants: exactly one claims the work, the others see it taken', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const outcomes = await Promise.all(
    Array.from({ length: 12 }, (_, index) => claimWork(s3.lake, KEY, { runId: 'aaaaaaaaaaaaaaaa', claimant: `invocation-${index}`, leaseMs: 60_000 })),
  );
  t.is(outcomes.filter((outcome) => outcome.status === 'claimed').length, 1);
  t.is(outcomes.filter((outcome) => outcome.status === 'taken').length, 11);
});

test('a claim: respected while held or done, resumed by its holder, taken over by a new run, after its lease or once released', async (t) => {
  const lake = new MemoryLake();
  const now = new Date('2026-11-20T08:00:00Z');
  const run = { runId: 'run-1', leaseMs: 60_000, now };
  const first = await claimWork(lake, KEY, { ...run, claimant: 'A' });
  if (first.status !== 'claimed') return t.fail();
  t.like(await claimWork(lake, KEY, { ...run, claimant: 'B' }), { status: 'taken', by: { claimant: 'A' } });
  t.is((await claimWork(lake, KEY, { ...run, claimant: 'A' })).status, 'claimed', "the holder's retry (same request id) resumes the work");
  const later = new Date(now.getTime() + 61_000);
  t.is((await claimWork(lake, KEY, { ...run, claimant: 'B', now: later })).status, 'claimed', 'past the lease the holder is not running any more');

  const done = await claimWork(lake, KEY, { ...run, claimant: 'C', now: new Date(later.getTime() + 120_000) });
  if (done.status !== 'claimed') return t.fail();
  t.true(await finishClaim(lake, KEY, done.claim));
  t.like(await claimWork(lake, KEY, { ...run, claimant: 'C', now: new Date(later.getTime() + 10_000_000) }), { status: 'taken' }, 'done work is not redone, even by its holder');
  t.is((await claimWork(lake, KEY, { runId: 'run-2', claimant: 'D', leaseMs: 60_000, now })).status, 'claimed', 'a new run takes the claim over');

  const held = (await readClaim(lake, KEY))!;
  t.true(await releaseClaim(lake, KEY, held), 'a failing holder gives the claim up');
  t.is((await claimWork(lake, KEY, { runId: 'run-2', claimant: 'E', leaseMs: 60_000, now })).status, 'claimed', 'a released claim is taken at once');
});

test('a reader of an object being rewritten gets one whole version, never a mix (the embedded S3 writes in place)', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const size = 4 * 1024 * 1024;
  const versions = [0x61, 0x62, 0x63, 0x64].map((byte) => new Uint8Array(size).fill(byte));
  await s3.lake.put('big.bin', versions[0]!);
  const reads: Array<Promise<Uint8Array | undefined>> = [];
  const writes: Array<Promise<void>> = [];
  for (let round = 0; round < 6; round += 1) {
    writes.push(s3.lake.put('big.bin', versions[(round % 3) + 1]!));
    for (let reader = 0; reader < 3; reader += 1) reads.push(s3.lake.get('big.bin'));
  }
  await Promise.all(writes);
  for (const bytes of await Promise.all(reads)) {
    t.is(bytes?.length, size, 'whole');
    t.true(bytes!.every((byte) => byte === bytes![0]), 'one version');
  }
});
