import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RollObservation, decideRestart, rollOrder } from '../../src/ops/roll.ts';

const NOW = 1_000_000;
const combined = (ids: number[], over: Partial<Record<number, { ready?: boolean; needsRestart?: boolean }>> = {}) =>
  ids.map((id) => ({ id, broker: true, controller: true, ready: over[id]?.ready ?? true, needsRestart: over[id]?.needsRestart ?? true }));
const quorum = (leaderId: number, lagging: number[] = []) => ({ leaderId, voters: [0, 1, 2].map((id) => ({ id, lastCaughtUpTimestamp: lagging.includes(id) ? NOW - 10_000 : NOW })) });
const healthy = [0, 1, 2].map((p) => ({ topic: 'orders', partition: p, replicas: [0, 1, 2], isr: [0, 1, 2], minIsr: 2 }));
const base = (over: Partial<RollObservation> = {}): RollObservation => ({ nodes: combined([0, 1, 2]), quorum: quorum(1), partitions: healthy, fetchTimeoutMs: 2_000, ...over });

test('combined nodes roll one at a time, the active controller last', () => {
  assert.deepEqual(
    rollOrder(base()).map((n) => n.id),
    [0, 2, 1],
  );
  assert.deepEqual(decideRestart(base()), { kind: 'restart', node: 0, reason: 'node 0 (controller+broker): every partition keeps min ISR and the quorum keeps a majority without it' });
  assert.deepEqual(decideRestart(base({ nodes: combined([0, 1, 2], { 0: { needsRestart: false }, 2: { needsRestart: false } }) })).kind, 'restart');
  assert.deepEqual(decideRestart(base({ nodes: combined([0, 1, 2], { 0: { needsRestart: false }, 1: { needsRestart: false }, 2: { needsRestart: false } }) })), { kind: 'done' });
});

test('dedicated controllers go before brokers, and a node that is not ready goes first without checks', () => {
  const nodes = [
    { id: 0, broker: true, controller: false, ready: true, needsRestart: true },
    { id: 1, broker: true, controller: false, ready: false, needsRestart: true },
    { id: 100, broker: false, controller: true, ready: true, needsRestart: true },
    { id: 101, broker: false, controller: true, ready: true, needsRestart: true },
  ];
  const obs = base({ nodes, quorum: { leaderId: 100, voters: [100, 101, 102].map((id) => ({ id, lastCaughtUpTimestamp: NOW })) } });
  assert.deepEqual(
    rollOrder(obs).map((n) => n.id),
    [1, 101, 100, 0],
  );
  assert.equal(decideRestart(obs).kind, 'restart');
  assert.equal((decideRestart(obs) as { node: number }).node, 1);
});

test('the next restart waits for the previous node to be ready and the ISR to recover', () => {
  const afterFirst = base({ nodes: combined([0, 1, 2], { 0: { ready: false, needsRestart: false } }), partitions: healthy.map((p) => ({ ...p, isr: [1, 2] })) });
  const d = decideRestart(afterFirst);
  assert.equal(d.kind, 'wait');
  assert.deepEqual((d as { reasons: string[] }).reasons.slice(0, 2), ['node 0 is not ready yet', '3 partitions under-replicated (orders-0, orders-1, orders-2): waiting for the ISR to recover']);
});

test('a broker holding a partition at min ISR (in the ISR) must wait; out of the ISR it may go', () => {
  const atMin = [{ topic: 'pay', partition: 0, replicas: [0, 1, 2], isr: [0, 1], minIsr: 2 }];
  const blockedD = decideRestart(base({ partitions: atMin, nodes: combined([0, 1, 2], { 1: { needsRestart: false }, 2: { needsRestart: false } }) }));
  assert.equal(blockedD.kind, 'wait');
  assert.ok((blockedD as { reasons: string[] }).reasons.some((r) => /1 partition would fall below min.insync.replicas without node 0 \(pay-0\)/.test(r)));
  // RF ≤ minISR cannot be protected by waiting.
  const rf2 = [{ topic: 'tiny', partition: 0, replicas: [0, 1], isr: [0, 1], minIsr: 2 }];
  assert.equal(decideRestart(base({ partitions: rf2 })).kind, 'restart');
});

test('a controller waits while the other voters have not caught up with the leader', () => {
  const d = decideRestart(base({ quorum: quorum(1, [2]) }));
  assert.equal(d.kind, 'wait');
  assert.match((d as { reasons: string[] }).reasons.join(), /only 1 of the other 2 voters caught up with the leader \(2 needed to keep the quorum without controller 0; behind: 2\)/);
  assert.match((decideRestart(base({ quorum: { leaderId: -1, voters: [] } })) as { reasons: string[] }).reasons.join(), /no leader/);
});
