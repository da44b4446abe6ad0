// The KafkaTopic controller against a real apiserver and a real Kafka: create, config change, more partitions,
// NotSupported, conflict, unmanaged, deletion through the finalizer — each checked in Kafka itself; a second
// reconcile writes nothing; an operator killed mid-reconcile again and again still converges.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { observeTopics } from '../../../src/kafka/topic-reconcile.ts';
import type { Manager } from '../../../src/operator/manager.ts';
import { NS, type Harness, condition, startHarness, statusOf, topicResource, waitFor } from './harness.ts';

let h: Harness;
let manager: Manager;

before(async () => {
  h = await startHarness(() => undefined);
  manager = await h.startManager();
});
after(async () => {
  await h?.stop();
});

const get = (name: string) => h.client.get('KafkaTopic', NS, name);
const inKafka = async (name: string) => (await withAdmin(h.admin, (admin) => observeTopics(admin, [name]))).get(name);
const ready = (name: string, generation?: number) =>
  waitFor(
    `KafkaTopic ${name} Ready`,
    () => get(name),
    (o) => condition(o, 'Ready')?.status === 'True' && (generation === undefined || statusOf(o).observedGeneration === generation),
  );

test('a KafkaTopic becomes a Kafka topic; config changes and new partitions reach Kafka', async () => {
  await h.client.apply(topicResource('orders', { partitions: 3, replicas: 1, config: { 'retention.ms': 3600000 } }));
  const created = (await ready('orders'))!;
  assert.deepEqual(created.metadata.finalizers, ['kafkaplane.io/topic']);
  const status = statusOf(created);
  assert.equal(status.topicName, 'orders');
  assert.equal(status.partitions, 3);
  assert.match(String(status.topicId), /^[0-9a-f-]{36}$/);
  let topic = await inKafka('orders');
  assert.equal(topic?.partitions, 3);
  assert.deepEqual(topic?.overrides, { 'retention.ms': '3600000' });

  await h.client.apply(topicResource('orders', { partitions: 5, replicas: 1, config: { 'cleanup.policy': 'compact' } }));
  await ready('orders', 2);
  topic = await inKafka('orders');
  assert.equal(topic?.partitions, 5);
  assert.deepEqual(topic?.overrides, { 'cleanup.policy': 'compact' }, 'retention.ms was removed, cleanup.policy set');
});

test('fewer partitions, another replication factor or a new topicName: NotSupported, nothing changed in Kafka', async () => {
  await h.client.apply(topicResource('orders', { partitions: 2, replicas: 1, config: { 'cleanup.policy': 'delete' } }));
  const refused = await waitFor(
    'NotSupported',
    () => get('orders'),
    (o) => condition(o, 'NotSupported')?.status === 'True',
  );
  assert.equal(condition(refused, 'Ready')?.status, 'False');
  assert.equal(condition(refused, 'NotSupported')?.reason, 'PartitionsDecrease');
  assert.match(condition(refused, 'NotSupported')!.message, /cannot reduce them to 2/);
  const topic = await inKafka('orders');
  assert.equal(topic?.partitions, 5);
  assert.deepEqual(topic?.overrides, { 'cleanup.policy': 'compact' }, 'the config change in the same spec was not applied either');

  await h.client.apply(topicResource('orders', { partitions: 5, replicas: 3, config: { 'cleanup.policy': 'compact' } }));
  const rf = await waitFor(
    'ReplicasChange',
    () => get('orders'),
    (o) => condition(o, 'NotSupported')?.reason === 'ReplicasChange',
  );
  assert.match(condition(rf, 'NotSupported')!.message, /replication factor 1/);

  await h.client.apply(topicResource('orders', { topicName: 'orders-renamed', partitions: 5, replicas: 1, config: { 'cleanup.policy': 'compact' } }));
  const renamed = await waitFor(
    'TopicNameChange',
    () => get('orders'),
    (o) => condition(o, 'NotSupported')?.reason === 'TopicNameChange',
  );
  assert.equal(statusOf(renamed).topicName, 'orders');
  assert.equal(await inKafka('orders-renamed'), undefined, 'no new topic');

  await h.client.apply(topicResource('orders', { partitions: 5, replicas: 1, config: { 'cleanup.policy': 'compact' } }));
  const fixed = await ready('orders');
  assert.equal(condition(fixed, 'NotSupported'), undefined, 'the condition goes when the spec is fixed');
});

test('two KafkaTopics for one Kafka topic: the newer gets ResourceConflict, and takes over when the older goes', async () => {
  await h.client.apply(topicResource('shared-a', { topicName: 'shared', partitions: 2 }));
  await ready('shared-a');
  await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has a resolution of seconds
  await h.client.apply(topicResource('shared-b', { topicName: 'shared', partitions: 4 }));
  const loser = await waitFor(
    'ResourceConflict',
    () => get('shared-b'),
    (o) => condition(o, 'ResourceConflict')?.status === 'True',
  );
  assert.match(condition(loser, 'ResourceConflict')!.message, /shared-a/);
  assert.equal((await inKafka('shared'))?.partitions, 2, 'the newer resource changed nothing');

  await h.client.delete('KafkaTopic', NS, 'shared-a');
  await waitFor(
    'shared-a gone',
    () => get('shared-a'),
    (o) => o === undefined,
  );
  await ready('shared-b');
  assert.equal((await inKafka('shared'))?.partitions, 4, 'the Kafka topic was kept (still claimed) and now follows shared-b');
});

test('a missing cluster is Ready False with a reason', async () => {
  await h.client.apply(topicResource('lost', {}, { labels: { 'kafkaplane.io/cluster': 'nope' } }));
  const lost = await waitFor(
    'ClusterNotFound',
    () => get('lost'),
    (o) => condition(o, 'Ready')?.reason === 'ClusterNotFound',
  );
  assert.match(condition(lost, 'Ready')!.message, /KafkaCluster "nope" does not exist/);
  await h.client.apply(topicResource('unlabelled', {}, { labels: {} }));
  await waitFor(
    'NoClusterLabel',
    () => get('unlabelled'),
    (o) => condition(o, 'Ready')?.reason === 'NoClusterLabel',
  );
});

test('unmanaged: the finalizer goes and deleting the resource leaves the Kafka topic', async () => {
  await h.client.apply(topicResource('kept', { partitions: 1 }));
  await ready('kept');
  await h.client.apply(topicResource('kept', { partitions: 1 }, { annotations: { 'kafkaplane.io/managed': 'false' } }));
  await waitFor(
    'no finalizer',
    () => get('kept'),
    (o) => (o?.metadata.finalizers ?? []).length === 0 && condition(o, 'Ready')?.reason === 'Unmanaged',
  );
  await h.client.apply(topicResource('kept', { partitions: 3 }, { annotations: { 'kafkaplane.io/managed': 'false' } }));
  await h.client.delete('KafkaTopic', NS, 'kept');
  await waitFor(
    'kept gone',
    () => get('kept'),
    (o) => o === undefined,
  );
  await manager.idle();
  assert.equal((await inKafka('kept'))?.partitions, 1, 'neither changed nor deleted');
});

test('deleting a KafkaTopic deletes the Kafka topic (finalizer); deletion-policy keep leaves it', async () => {
  await h.client.apply(topicResource('doomed', { partitions: 1 }));
  await h.client.apply(topicResource('spared', { partitions: 1 }, { annotations: { 'kafkaplane.io/deletion-policy': 'keep' } }));
  await ready('doomed');
  await ready('spared');
  await h.client.delete('KafkaTopic', NS, 'doomed');
  await h.client.delete('KafkaTopic', NS, 'spared');
  await waitFor(
    'doomed gone',
    () => get('doomed'),
    (o) => o === undefined,
  );
  await waitFor(
    'spared gone',
    () => get('spared'),
    (o) => o === undefined,
  );
  await waitFor(
    'doomed deleted in Kafka',
    () => inKafka('doomed'),
    (t) => t === undefined,
  );
  assert.ok(await inKafka('spared'), 'kept in Kafka');
});

test('a second reconcile writes nothing (resourceVersions unchanged)', async () => {
  const before = await get('orders');
  await manager.stop();
  manager = await h.startManager();
  await manager.idle();
  await new Promise((r) => setTimeout(r, 500));
  await manager.idle();
  const after = await get('orders');
  assert.equal(after?.metadata.resourceVersion, before?.metadata.resourceVersion);
});

test('an operator killed mid-reconcile, again and again, converges', async () => {
  const names = Array.from({ length: 20 }, (_, i) => `churn-${i}`);
  for (const name of names) await h.client.apply(topicResource(name, { partitions: 2, config: { 'retention.ms': 60000 } }));
  for (let round = 0; round < 4; round++) {
    await manager.stop(0);
    manager = await h.startManager();
    await new Promise((r) => setTimeout(r, 40 + round * 30));
  }
  for (const name of names)
    await waitFor(
      `KafkaTopic ${name} Ready`,
      () => get(name),
      (o) => condition(o, 'Ready')?.status === 'True',
      60_000,
    );
  const observed = await withAdmin(h.admin, (admin) => observeTopics(admin, names));
  assert.deepEqual([...observed.keys()].sort(), [...names].sort());
  for (const name of names) assert.deepEqual({ p: observed.get(name)?.partitions, o: observed.get(name)?.overrides }, { p: 2, o: { 'retention.ms': '60000' } }, name);
});
