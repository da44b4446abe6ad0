import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkQueue } from '../../src/operator/queue.ts';

test('a key is processed once however often it is added while queued, and again if it changed while processing', async () => {
  const seen: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const queue = new WorkQueue(
    async (key) => {
      seen.push(key);
      if (seen.length === 1) await gate;
    },
    { workers: 2 },
  );
  queue.start();
  queue.add('a');
  await new Promise((r) => setTimeout(r, 10));
  queue.add('a'); // changed while being processed: once more afterwards
  queue.add('a');
  queue.add('b');
  queue.add('b');
  release();
  await new Promise((r) => setTimeout(r, 20));
  await queue.idle();
  queue.stop();
  assert.deepEqual(seen.sort(), ['a', 'a', 'b']);
});

test('failures back off exponentially per key, capped; a success forgets them', async () => {
  const queue = new WorkQueue(async () => undefined, { baseDelayMs: 100, maxDelayMs: 1_000 });
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => queue.backoff(n)),
    [100, 200, 400, 800, 1_000, 1_000],
  );
  let calls = 0;
  const retrying = new WorkQueue(
    async () => {
      calls++;
      if (calls < 3) throw new Error('not yet');
    },
    { baseDelayMs: 5 },
  );
  retrying.start();
  retrying.add('k');
  for (let i = 0; i < 100 && calls < 3; i++) await new Promise((r) => setTimeout(r, 5));
  retrying.stop();
  assert.equal(calls, 3);
});
