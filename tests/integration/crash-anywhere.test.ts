import test from 'ava';
import type { GoldManifest } from '#shared/gold/manifest.ts';
import { reportDay } from '#local/lake-report.ts';
import { crashAndResume, CRASH_DAYS, objectsUnder, WRITE_KINDS, type KillPoint } from '../helpers/crash-anywhere.ts';

/**
 * Crash anywhere, lose nothing: the runner is killed at a write of every kind a day makes (first,
 * last and a seeded one in between of each kind, so between every data write and its manifest),
 * resumed as an operator would (`run` again, `redrive`), and compared with an uninterrupted run.
 * Two uninterrupted runs of the same days differ only in run ids (fetch times are part of a gold
 * run's inputs), so gold is compared byte for byte but for those.
 */

/** mulberry32: a small seeded generator, so the kill points are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const withoutRunIds = (bytes: Buffer) => ({ ...(JSON.parse(bytes.toString('utf8')) as GoldManifest), runId: undefined, previousRunId: undefined });

test.serial('the runner killed at any of 50+ writes across every stage, then resumed, leaves the lake an uninterrupted run leaves', async (t) => {
  const baseline = await crashAndResume();
  t.teardown(() => baseline.close());
  const expectedGold = await objectsUnder(baseline.lake, 'gold/');
  const expectedAlerts = new Map([...baseline.delivered].map(([day, ids]) => [day, [...ids].sort()]));
  t.true([...expectedAlerts.values()].some((ids) => ids.length > 0), 'the run delivers alerts');

  const random = seeded(19);
  const points: KillPoint[] = [];
  for (const kind of WRITE_KINDS) {
    const count = baseline.written.filter((key) => kind.pattern.test(key)).length;
    t.true(count > 0, `${kind.stage}: an uninterrupted run writes it`);
    const chosen = new Set([1, count, 1 + Math.floor(random() * count)]);
    for (const writes of [...chosen].sort((a, b) => a - b)) points.push({ ...kind, writes });
  }
  t.true(points.length >= 50, `${points.length} kill points`);

  const tried: string[] = [];
  for (const point of points) {
    const label = `${point.stage} #${point.writes}`;
    const run = await crashAndResume(point);
    try {
      t.truthy(run.killedAt, `${label}: the kill happened`);
      const duplicates = [...run.delivered.values()].reduce((sum, sent) => sum + sent.length - new Set(sent).size, 0);
      tried.push(`${label} (${run.killedAt}): ${run.redriven} redriven, ${duplicates} alert(s) sent twice`);
      t.is(run.stillFailing, 0, `${label}: nothing left failing`);
      for (const day of CRASH_DAYS) {
        const report = await reportDay(run.lake, day);
        t.deepEqual(report.problems, [], `${label}: ${day} is whole`);
      }
      const gold = await objectsUnder(run.lake, 'gold/');
      const keysOf = (objects: Map<string, Buffer>) => [...objects.keys()].filter((key) => !key.startsWith('gold/partials/'));
      t.deepEqual(keysOf(gold), keysOf(expectedGold), `${label}: the same gold objects`);
      for (const key of keysOf(expectedGold)) {
        const mine = gold.get(key);
        if (mine === undefined) continue;
        if (key.startsWith('gold/_manifests/')) t.deepEqual(withoutRunIds(mine), withoutRunIds(expectedGold.get(key)!), `${label}: ${key}`);
        else t.true(mine.equals(expectedGold.get(key)!), `${label}: ${key} differs`);
      }
      for (const day of CRASH_DAYS) {
        const sent = run.delivered.get(day) ?? [];
        t.deepEqual([...new Set(sent)].sort(), expectedAlerts.get(day), `${label}: every alert of ${day} delivered`);
        // The one window at-least-once leaves: sent, then killed before its record. The idempotency key lets a receiver drop the copy.
        if (point.stage !== 'alert: delivery record') t.is(sent.length, new Set(sent).size, `${label}: no alert of ${day} sent twice`);
        else t.true(sent.length - new Set(sent).size <= 1, `${label}: at most the alert in flight sent twice`);
      }
    } finally {
      await run.close();
    }
  }
  t.log(`${tried.length} kill points tried:\n${tried.join('\n')}`);
});
