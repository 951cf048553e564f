import test from 'ava';
import { alertKeys, type AlertsWindow, type DayAlerts } from '#shared/alerts/index.ts';
import { runAlertEvaluation } from '#shared/alerts/evaluate-stage.ts';
import { parseWatchConfig } from '#shared/alerts/watches.ts';
import { keys } from '#shared/lake/keys.ts';
import { readJson, runGoldDay, writeSilverDay, type FixtureListing } from '../helpers/gold-fixtures.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

/** The evaluation stage on hand-made gold days (gold's own fixtures and stages, an in-memory lake). */

const D1 = '2026-11-01';
const D2 = '2026-11-02';
const D3 = '2026-11-03';
const at = (id: string, price: number, extra: Partial<FixtureListing> = {}): FixtureListing => ({ id, price, ...extra });

const WATCHES = parseWatchConfig(
  {
    watches: {
      phones: [
        { id: 'new-cheap', rule: 'new-under-price', maxPrice: 100 },
        { id: 'drops', rule: 'price-drop', minPct: 10 },
        { id: 'mine-reserved', rule: 'reserved', listingIds: ['P2', 'P3'] },
        { id: 'mine-vanished', rule: 'vanished', listingIds: ['P4'] },
      ],
    },
  },
  'test watches',
  ['phones'],
);

async function goldDays() {
  const lake = new MemoryLake();
  // D1: baseline. D2: P1 drops 200 → 150, P2 reserved, P4 gone, N1 new at 80, N2 new at 120. D3: P3 reserved, N3 new at 50.
  const days = [
    { day: D1, listings: [at('P1', 200), at('P2', 300), at('P3', 300, { reserved: false }), at('P4', 400)] },
    { day: D2, listings: [at('P1', 150), at('P2', 300, { reserved: true }), at('P3', 300), at('N1', 80), at('N2', 120)] },
    { day: D3, listings: [at('P1', 150), at('P2', 300, { reserved: true }), at('P3', 300, { reserved: true }), at('N1', 80), at('N2', 120), at('N3', 50)] },
  ];
  for (const { day, listings } of days) {
    await writeSilverDay(lake, { day, shardCount: 3, searches: [{ slug: 'phones', listings }] });
    await runGoldDay(lake, day);
  }
  return lake;
}

const summary = (alerts: DayAlerts) => alerts.alerts.map((alert) => `${alert.ruleId}:${alert.listingId}`);

test('each day raises what changed that day; the window grows from the previous one; reruns write the same bytes', async (t) => {
  const lake = await goldDays();
  for (const day of [D1, D2, D3]) await runAlertEvaluation(lake, keys.goldManifest(day), { config: WATCHES });
  const [a1, a2, a3] = await Promise.all([D1, D2, D3].map((day) => readJson<DayAlerts>(lake, alertKeys.day(day))));
  t.deepEqual(summary(a1!), [], 'the first day is a baseline');
  t.deepEqual(summary(a2!), ['drops:P1', 'mine-reserved:P2', 'mine-vanished:P4', 'new-cheap:N1']);
  t.deepEqual(summary(a3!), ['mine-reserved:P3', 'new-cheap:N3'], 'P2 was already reserved on D2');
  t.like(a2!.alerts[0], { previousPrice: 200, price: 150, dropPct: 25 });
  t.deepEqual(a2!.rules.map((rule) => [rule.ruleId, rule.matched]), [['drops', 1], ['mine-reserved', 1], ['mine-vanished', 1], ['new-cheap', 1]]);

  const latest = await readJson<AlertsWindow>(lake, alertKeys.windowLatest);
  t.is(latest.day, D3);
  t.deepEqual(latest.days, [{ day: D3, count: 2 }, { day: D2, count: 4 }, { day: D1, count: 0 }]);
  t.deepEqual(latest.alerts, [...a3!.alerts, ...a2!.alerts]);

  const bytes = new Map([...lake.objects].filter(([key]) => key.startsWith('gold/alerts/') || key.startsWith('gold/dashboard/alerts')));
  const rerun = await runAlertEvaluation(lake, keys.goldManifest(D2), { config: WATCHES });
  t.false(rerun.latestUpdated, 're-running a past day does not roll the dashboard back');
  await runAlertEvaluation(lake, keys.goldManifest(D3), { config: WATCHES });
  for (const [key, value] of bytes) t.deepEqual(lake.objects.get(key), value, key);
});

test('the alerts object is written last, and a window missing behind an alerts object is an error', async (t) => {
  const lake = await goldDays();
  const order: string[] = [];
  const put = lake.put.bind(lake);
  lake.put = async (key, body) => {
    order.push(key);
    return put(key, body);
  };
  await runAlertEvaluation(lake, keys.goldManifest(D1), { config: WATCHES });
  t.deepEqual(order, [alertKeys.window(D1), alertKeys.windowLatest, alertKeys.day(D1)]);
  lake.objects.delete(alertKeys.window(D1));
  await t.throwsAsync(runAlertEvaluation(lake, keys.goldManifest(D2), { config: WATCHES }), { message: /gold\/alerts\/dt=2026-11-01\/alerts\.json exists but its window .* does not/ });
  await t.throwsAsync(runAlertEvaluation(lake, 'gold/_manifests/dt=nope.json', { config: WATCHES }), { message: /is not a gold manifest/ });
});
