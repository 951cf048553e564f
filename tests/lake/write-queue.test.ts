import test from 'ava';
import { WriteQueue } from '#shared/lake/write-queue.ts';

/** A write that finishes when the test says so. */
function controlledWrite(log: string[], name: string) {
  let finish!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  return {
    start: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('at most `limit` writes run at once, started in the order given', async (t) => {
  const log: string[] = [];
  const queue = new WriteQueue(2);
  const writes = ['a', 'b', 'c', 'd'].map((name) => controlledWrite(log, name));
  await queue.write(writes[0]!.start);
  await queue.write(writes[1]!.start);
  const third = queue.write(writes[2]!.start);
  await tick();
  t.deepEqual(log, ['start a', 'start b'], 'c waits for a slot');
  writes[1]!.finish();
  await third;
  t.deepEqual(log, ['start a', 'start b', 'start c']);
  const fourth = queue.write(writes[3]!.start);
  writes[0]!.finish();
  await fourth;
  writes[2]!.finish();
  writes[3]!.finish();
  await queue.settle();
  t.deepEqual(log, ['start a', 'start b', 'start c', 'start d']);
});

test('settle waits for every write and throws the first failure', async (t) => {
  const log: string[] = [];
  const queue = new WriteQueue(4);
  const writes = ['a', 'b', 'c'].map((name) => controlledWrite(log, name));
  for (const write of writes) await queue.write(write.start);
  let settled = false;
  const settling = queue.settle().finally(() => (settled = true));
  settling.catch(() => undefined);
  writes[1]!.finish(new Error('b failed'));
  writes[2]!.finish(new Error('c failed'));
  await tick();
  t.false(settled, 'a is still in flight');
  writes[0]!.finish();
  await t.throwsAsync(settling, { message: 'b failed' });
});

test('after a failure nothing more is started: the next write throws it', async (t) => {
  const log: string[] = [];
  const queue = new WriteQueue(1);
  const first = controlledWrite(log, 'a');
  await queue.write(first.start);
  const second = queue.write(controlledWrite(log, 'b').start);
  first.finish(new Error('a failed'));
  await t.throwsAsync(second, { message: 'a failed' });
  t.deepEqual(log, ['start a']);
  await t.throwsAsync(queue.settle(), { message: 'a failed' });
});

test('a limit below 1 is refused', (t) => {
  t.throws(() => new WriteQueue(0), { message: /at least 1, got 0/ });
  t.throws(() => new WriteQueue(1.5), { message: /at least 1, got 1.5/ });
});
