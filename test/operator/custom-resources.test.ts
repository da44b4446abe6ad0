import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalizerPatch, keysOfCluster, olderFirst, parseTopic, parseUser, sameJson } from '../../src/operator/custom-resources.ts';
import { parseBootstrapOverrides } from '../../src/operator/kafka-connection.ts';
import type { KubeObject } from '../../src/operator/kube/client.ts';
import { matches } from '../../src/operator/manager.ts';

const obj = (name: string, more: Partial<KubeObject['metadata']> = {}, spec: unknown = {}): KubeObject => ({
  apiVersion: 'kafkaplane.io/v1alpha1',
  kind: 'KafkaTopic',
  metadata: { name, namespace: 'kafka', ...more },
  spec,
});

test('the older resource wins a conflict; at the same second, the name decides', () => {
  const a = obj('b-topic', { creationTimestamp: '2026-12-04T06:00:00Z' });
  const b = obj('a-topic', { creationTimestamp: '2026-12-04T06:00:01Z' });
  const c = obj('a-topic2', { creationTimestamp: '2026-12-04T06:00:00Z' });
  assert.deepEqual(
    [b, a, c].sort(olderFirst).map((o) => o.metadata.name),
    ['a-topic2', 'b-topic', 'a-topic'],
  );
});

test('finalizer patches keep the other finalizers and carry the resourceVersion read', () => {
  const o = obj('t', { resourceVersion: '42', finalizers: ['other.io/x', 'kafkaplane.io/topic'] });
  assert.deepEqual(finalizerPatch(o, 'kafkaplane.io/topic', false), { metadata: { resourceVersion: '42', finalizers: ['other.io/x'] } });
  assert.deepEqual(finalizerPatch(obj('t', { resourceVersion: '1' }), 'kafkaplane.io/topic', true), { metadata: { resourceVersion: '1', finalizers: ['kafkaplane.io/topic'] } });
});

test('a cluster change concerns the resources of its namespace that name it', () => {
  const cluster = { apiVersion: 'kafkaplane.io/v1alpha1', kind: 'KafkaCluster', metadata: { name: 'orders', namespace: 'kafka' } };
  const objects = [
    obj('mine', { labels: { 'kafkaplane.io/cluster': 'orders' } }),
    obj('other', { labels: { 'kafkaplane.io/cluster': 'payments' } }),
    { ...obj('elsewhere', { labels: { 'kafkaplane.io/cluster': 'orders' } }), metadata: { name: 'elsewhere', namespace: 'dev', labels: { 'kafkaplane.io/cluster': 'orders' } } },
  ];
  assert.deepEqual(keysOfCluster(cluster, objects), ['kafka/mine']);
});

test('specs are read with the API schema: defaults applied, problems with their path', () => {
  const ok = parseTopic({ ...obj('t', { uid: 'u', resourceVersion: '1', generation: 3 }), status: { conditions: [] } });
  assert.deepEqual(ok.value?.spec, { config: {} });
  const bad = parseTopic(obj('t', {}, { partitions: 0 }));
  assert.match(bad.problem ?? '', /^spec\.partitions: /);
  const user = parseUser({
    apiVersion: 'kafkaplane.io/v1alpha1',
    kind: 'KafkaUser',
    metadata: { name: 'u', namespace: 'kafka' },
    spec: { authorization: { type: 'simple', acls: [{ resource: { type: 'topic', name: 'x' }, operations: ['Read'] }] } },
  });
  assert.equal(user.value?.spec.authorization?.acls[0]?.resource.patternType, 'literal');
});

test('status comparison ignores key order and undefined fields', () => {
  assert.ok(sameJson({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ y: 2, x: 1 }], a: 1, c: undefined }));
  assert.ok(!sameJson({ a: 1 }, { a: 2 }));
});

test('--kafka-bootstrap overrides: ns/name=host:port lists, anything else refused with an example', () => {
  assert.deepEqual([...parseBootstrapOverrides(['kafka/orders=127.0.0.1:9093,127.0.0.1:9094'])], [['kafka/orders', ['127.0.0.1:9093', '127.0.0.1:9094']]]);
  assert.throws(() => parseBootstrapOverrides(['orders=127.0.0.1:9093']), /namespace\/name=host:port/);
  assert.throws(() => parseBootstrapOverrides(['kafka/orders=nope']), /host:port/);
});

test('label selectors of watches', () => {
  const o = obj('x', { labels: { a: '1', b: '2' } });
  assert.ok(matches(o, undefined));
  assert.ok(matches(o, 'a=1,b'));
  assert.ok(matches(o, 'a==1,c!=3,!c'));
  assert.ok(!matches(o, 'a=2'));
  assert.ok(!matches(o, 'c'));
});
