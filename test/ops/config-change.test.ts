import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DYNAMIC_VALUE, decideConfigChange, desiredDynamicDefaults, planDynamicDefaults, restartRelevant } from '../../src/ops/config-change.ts';

const base = { 'node.id': '0', 'num.partitions': '6', 'log.retention.ms': '604800000', 'num.io.threads': '5' };

test('a change of cluster-wide dynamic values only is applied without a restart', () => {
  assert.deepEqual(decideConfigChange(base, { ...base, 'log.retention.ms': '3600000', 'num.io.threads': '8' }), {
    kind: 'dynamic',
    dynamic: [
      { key: 'log.retention.ms', from: '604800000', to: '3600000' },
      { key: 'num.io.threads', from: '5', to: '8' },
    ],
    restart: [],
  });
  assert.deepEqual(decideConfigChange(base, { ...base }), { kind: 'none', dynamic: [], restart: [] });
});

test('a read-only key, or a dynamic key added or removed, needs a restart', () => {
  assert.deepEqual(decideConfigChange(base, { ...base, 'num.partitions': '12', 'log.retention.ms': '1' }).restart, ['num.partitions']);
  assert.equal(decideConfigChange(base, { ...base, 'num.partitions': '12' }).kind, 'restart');
  // Removing a dynamic default makes a broker fall back to the value it started with: only a restart loads the new file.
  const { 'log.retention.ms': _, ...without } = base;
  assert.deepEqual(decideConfigChange(base, without), { kind: 'restart', dynamic: [], restart: ['log.retention.ms'] });
  assert.deepEqual(decideConfigChange(without, base).restart, ['log.retention.ms']);
  assert.equal(decideConfigChange(base, { ...base, 'queued.max.requests': '600' }).kind, 'restart');
});

test('what decides a restart masks dynamic values and keeps their names', () => {
  assert.deepEqual(restartRelevant(base), { 'node.id': '0', 'num.partitions': '6', 'log.retention.ms': DYNAMIC_VALUE, 'num.io.threads': DYNAMIC_VALUE });
  assert.deepEqual(restartRelevant({ ...base, 'log.retention.ms': '1' }), restartRelevant(base));
});

test('cluster-wide defaults: the dynamic keys every broker shares; set what differs, delete managed keys no longer wanted', () => {
  const b1 = { ...base, 'node.id': '1' };
  assert.deepEqual(desiredDynamicDefaults([base, b1]), { 'log.retention.ms': '604800000', 'num.io.threads': '5' });
  assert.deepEqual(desiredDynamicDefaults([base, { ...b1, 'num.io.threads': '6' }]), { 'log.retention.ms': '604800000' });
  assert.deepEqual(desiredDynamicDefaults([]), {});
  assert.deepEqual(planDynamicDefaults({ 'log.retention.ms': '604800000', 'min.insync.replicas': '2', 'some.plugin.setting': 'x' }, { 'log.retention.ms': '3600000', 'num.io.threads': '5' }), {
    set: { 'log.retention.ms': '3600000', 'num.io.threads': '5' },
    delete: ['min.insync.replicas'],
  });
  assert.deepEqual(planDynamicDefaults({ 'num.io.threads': '5' }, { 'num.io.threads': '5' }), { set: {}, delete: [] });
});
