import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DesiredTopic, type ObservedTopic, describeTopicChanges, planTopics } from '../../src/ops/topic-plan.ts';

const observed = (topics: ObservedTopic[]) => new Map(topics.map((t) => [t.name, t]));
const orders: ObservedTopic = { name: 'orders', partitions: 6, replicationFactor: 3, overrides: { 'retention.ms': '1000', 'cleanup.policy': 'delete' } };

test('a missing topic is created; one that matches needs nothing', () => {
  const desired: DesiredTopic[] = [
    { name: 'new', partitions: 3, config: {} },
    { name: 'orders', partitions: 6, replicas: 3, config: { 'retention.ms': '1000', 'cleanup.policy': 'delete' } },
  ];
  const plan = planTopics(desired, observed([orders]));
  assert.deepEqual(plan, [{ kind: 'create', topic: desired[0] }]);
  assert.deepEqual(describeTopicChanges(desired, plan), [
    { topic: 'new', action: 'created', changes: [] },
    { topic: 'orders', action: 'unchanged', changes: [] },
  ]);
});

test('more partitions and config drift become actions; overrides not in the spec are removed', () => {
  const desired = [{ name: 'orders', partitions: 8, config: { 'retention.ms': '2000' } }];
  const plan = planTopics(desired, observed([orders]));
  assert.deepEqual(plan, [
    { kind: 'add-partitions', topic: 'orders', from: 6, to: 8 },
    { kind: 'alter-configs', topic: 'orders', set: { 'retention.ms': '2000' }, delete: ['cleanup.policy'] },
  ]);
  assert.deepEqual(describeTopicChanges(desired, plan)[0]!.changes, ['partitions 6 → 8', 'retention.ms=2000', '-cleanup.policy']);
});

test('fewer partitions or another replication factor is not supported, and nothing else changes for that topic', () => {
  const plan = planTopics([{ name: 'orders', partitions: 3, replicas: 2, config: {} }], observed([orders]));
  assert.deepEqual(
    plan.map((a) => a.kind),
    ['not-supported', 'not-supported'],
  );
  assert.deepEqual(
    plan.map((a) => (a.kind === 'not-supported' ? a.reason : '')),
    ['TOPIC_PARTITIONS_DECREASE', 'TOPIC_REPLICAS_CHANGE'],
  );
  assert.match((plan[0] as { message: string }).message, /has 6 partitions; Kafka cannot reduce them to 3/);
});

test("unset partitions and replicas leave the topic's as they are", () => {
  assert.deepEqual(planTopics([{ name: 'orders', config: { 'retention.ms': '1000', 'cleanup.policy': 'delete' } }], observed([orders])), []);
});
