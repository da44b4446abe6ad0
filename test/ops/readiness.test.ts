import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliHint } from '../../src/cli/hints.ts';
import { type ReadinessObservation, decideReady } from '../../src/ops/readiness.ts';

const targets = { brokerIds: [0, 1, 2], controllerIds: [0, 1, 2] };
const clock = (now = 1_000, catchUpSince?: number) => ({ now, catchUpSince, catchUpMs: 30_000 });
const healthy = { leader: 0, replicas: [0, 1, 2], isr: [0, 1, 2] };
const all: ReadinessObservation = { registeredBrokers: [0, 1, 2], quorum: { leaderId: 1, voters: [0, 1, 2] }, partitions: [healthy], closedListeners: [], partialViews: [] };

test('readiness asks for one observation at a time, in order, and stops at the first unmet condition', () => {
  const seen: ReadinessObservation = {};
  const asked: string[] = [];
  for (;;) {
    const d = decideReady(targets, seen, clock());
    if (d.kind !== 'observe') {
      assert.deepEqual(d, { kind: 'ready', warnings: [] });
      break;
    }
    asked.push(d.step);
    Object.assign(seen, { [d.step]: all[d.step] });
  }
  assert.deepEqual(asked, ['registeredBrokers', 'quorum', 'partitions', 'closedListeners', 'partialViews']);
  const d = decideReady(targets, { registeredBrokers: [0, 2] }, clock());
  assert.deepEqual(d, { kind: 'wait', reason: '2/3 brokers registered (waiting for 1)', catchUpSince: undefined });
});

test('the quorum needs a leader and every controller as a voter', () => {
  assert.match((decideReady(targets, { ...all, quorum: { leaderId: -1, voters: [0, 1, 2] } }, clock()) as { reason: string }).reason, /not elected yet/);
  assert.match((decideReady(targets, { ...all, quorum: { leaderId: 0, voters: [0, 1] } }, clock()) as { reason: string }).reason, /voters 0,1/);
});

test('leaderless partitions wait; the ISR is waited for at most catchUpMs, then a warning', () => {
  assert.match((decideReady(targets, { ...all, partitions: [{ ...healthy, leader: -1 }] }, clock()) as { reason: string }).reason, /1 partition still without a leader/);
  const lagging = { ...all, partitions: [{ ...healthy, isr: [0, 1] }] };
  const first = decideReady(targets, lagging, clock(1_000));
  assert.deepEqual(first, { kind: 'wait', reason: 'every partition has a leader; 1 partition still catching up (replicas rejoining the ISR)', catchUpSince: 1_000 });
  assert.equal(decideReady(targets, lagging, clock(20_000, 1_000)).kind, 'wait');
  const late = decideReady(targets, lagging, clock(31_000, 1_000));
  assert.ok(late.kind === 'ready');
  assert.match(cliHint(late.warnings[0]) ?? '', /1 partition still under-replicated 30 s .* `kafkaplane topics describe --under-replicated-partitions`/);
});

test("a replica a reassignment is adding does not make a partition under-replicated (Kafka's rule)", () => {
  const reassigning = { leader: 0, replicas: [0, 1, 2, 3], isr: [0, 1, 2], adding: [3], removing: [2] };
  assert.deepEqual(decideReady(targets, { ...all, partitions: [reassigning] }, clock()), { kind: 'ready', warnings: [] });
});

test('closed listeners and brokers with a partial view are waited for', () => {
  assert.match((decideReady(targets, { ...all, closedListeners: ['a', 'b', 'c', 'd'] }, clock()) as { reason: string }).reason, /waiting for a, b, c and 1 more to accept connections/);
  assert.match((decideReady(targets, { ...all, partialViews: [{ broker: 2, sees: 2 }] }, clock()) as { reason: string }).reason, /broker 2 \(sees 2\) to see all 3 brokers/);
});
