import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topicConditions } from '../../../src/operator/controllers/topic/status.ts';
import { KafkaplaneError } from '../../../src/errors.ts';

test('Ready when Kafka matches', () => {
  const r = topicConditions({ actions: [{ kind: 'create', topic: { name: 't', config: {} } }], errors: [], observed: { name: 't', partitions: 1, replicationFactor: 1, overrides: {} } });
  assert.deepEqual(
    r.updates.map((u) => `${u.type}=${u.status}/${u.reason}`),
    ['Ready=True/Ready'],
  );
  assert.equal(r.failed, undefined);
});

test('created but not in the metadata yet: not Ready, checked again soon', () => {
  const r = topicConditions({ actions: [{ kind: 'create', topic: { name: 't', config: {} } }], errors: [], observed: undefined });
  assert.deepEqual(
    r.updates.map((u) => `${u.type}=${u.status}/${u.reason}`),
    ['Ready=False/Creating'],
  );
  assert.equal(r.pending, true);
});

test('NotSupported: Ready False, the reason, the fix, and no retry', () => {
  const r = topicConditions({
    actions: [{ kind: 'not-supported', topic: 't', reason: 'TOPIC_PARTITIONS_DECREASE', message: 'has 5 partitions', fix: 'keep partitions: 5' }],
    errors: [],
    observed: undefined,
  });
  assert.deepEqual(
    r.updates.map((u) => `${u.type}=${u.status}/${u.reason}`),
    ['Ready=False/NotSupported', 'NotSupported=True/PartitionsDecrease'],
  );
  assert.match(r.updates[1]!.message, /has 5 partitions: keep partitions: 5/);
  assert.equal(r.failed, undefined);
});

test('a Kafka error: Ready False and a retry', () => {
  const r = topicConditions({ actions: [], errors: [new KafkaplaneError('TOPIC_CREATE_FAILED', 'cannot create topic "t": policy')], observed: undefined });
  assert.equal(r.updates[0]!.reason, 'KafkaError');
  assert.equal(r.failed?.code, 'TOPIC_CREATE_FAILED');
});
