import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideScaleDown, removedNodeIds } from '../../src/ops/scale-down.ts';

const dual = { pool: 'dual', start: 0, current: 3, desired: 3, broker: true, controller: true };
const brokers = (current: number | undefined, desired: number) => ({ pool: 'broker', start: 100, current, desired, broker: true, controller: false });

test('growing or keeping the size removes nothing', () => {
  assert.deepEqual(decideScaleDown([dual, brokers(1, 2)], new Map()), { kind: 'none' });
  assert.deepEqual(decideScaleDown([dual, brokers(undefined, 1)], new Map()), { kind: 'none' });
});

test('the highest ordinals go; allowed only when they host no replica', () => {
  assert.deepEqual(removedNodeIds([dual, brokers(3, 1)]), [101, 102]);
  assert.deepEqual(decideScaleDown([dual, brokers(3, 1)], new Map([[100, 7]])), { kind: 'allowed', removed: [101, 102] });
  const refused = decideScaleDown(
    [dual, brokers(3, 1)],
    new Map([
      [100, 7],
      [102, 1],
    ]),
  );
  assert.equal(refused.kind, 'refused');
  assert.match((refused as { reason: string }).reason, /broker 102 hosts 1 partition replica;/);
  assert.doesNotMatch((refused as { reason: string }).reason, /101/);
});

test('removing controllers is refused (no RemoveRaftVoter yet)', () => {
  const d = decideScaleDown([{ ...dual, current: 3, desired: 2 }], new Map());
  assert.equal(d.kind, 'refused');
  assert.match((d as { reason: string }).reason, /would lose controllers \(nodes 2\)/);
});

test('with drain allowed (spec.kubernetes.scaleDown.drain), brokers that host replicas are drained first, never controllers', () => {
  const replicas = new Map([
    [100, 7],
    [102, 1],
  ]);
  assert.deepEqual(decideScaleDown([dual, brokers(3, 1)], replicas, { drain: true }), {
    kind: 'drain',
    removed: [101, 102],
    hosting: [102],
    reason: 'broker 102 hosts 1 partition replica: moving them to the brokers that stay before removing nodes 101, 102',
  });
  assert.match((decideScaleDown([dual, brokers(3, 1)], replicas) as { reason: string }).reason, /set spec\.kubernetes\.scaleDown\.drain: true/);
  assert.deepEqual(decideScaleDown([dual, brokers(3, 1)], new Map([[100, 7]]), { drain: true }), { kind: 'allowed', removed: [101, 102] }, 'nothing left to move');
  assert.equal(decideScaleDown([{ ...dual, current: 3, desired: 2 }], new Map([[2, 5]]), { drain: true }).kind, 'refused', 'controllers are never drained away');
});
