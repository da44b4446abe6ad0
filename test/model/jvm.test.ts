import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapSize, jvmOptions, quantityBytes } from '../../src/model/jvm.ts';
import { cluster } from '../helpers/spec.ts';

const pool = (yaml: string) => cluster(`nodePools:\n  - ${yaml}`).spec.nodePools[0]!;

test('quantities', () => {
  assert.equal(quantityBytes('1Gi'), 1024 ** 3);
  assert.equal(quantityBytes('1.5Gi'), 1.5 * 1024 ** 3);
  assert.equal(quantityBytes('500M'), 500e6);
  assert.throws(() => quantityBytes('10GB'));
});

test('heap: explicit wins on Kubernetes; local 512m unless the spec asks for less; Kubernetes half the memory request, at most 6g (seed 000)', () => {
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, jvm: {heap: 2g}}'), 'kubernetes'), '2g');
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3}'), 'local'), '512m');
  // Seed 003's 6g brokers would not fit a laptop three times over: locally the spec's heap is only ever lowered.
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, jvm: {heap: 6g}}'), 'local'), '512m');
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, jvm: {heap: 256m}}'), 'local'), '256m');
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, resources: {requests: {memory: 1.5Gi}}}'), 'kubernetes'), '768m');
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, resources: {requests: {memory: 58Gi}}}'), 'kubernetes'), '6144m');
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3}'), 'kubernetes'), '1g');
  // The request, not the limit: the pod is only sure of its request (the node may be full above it).
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, resources: {requests: {memory: 4Gi}, limits: {memory: 8Gi}}}'), 'kubernetes'), '2048m');
  // A limit alone: Kubernetes sets the request to the limit, so half the limit is half the request.
  assert.equal(heapSize(pool('{name: a, roles: [broker, controller], replicas: 3, resources: {limits: {memory: 8Gi}}}'), 'kubernetes'), '4096m');
  // `up --heap 1g` overrides both.
  const opts = jvmOptions(pool('{name: a, roles: [broker, controller], replicas: 3, jvm: {heap: 6g, options: ["-XX:+PrintFlagsFinal"]}}'), 'local', '1g');
  assert.deepEqual(opts.slice(0, 3), ['-Xms1g', '-Xmx1g', '-XX:+UseG1GC']);
  assert.equal(opts.at(-1), '-XX:+PrintFlagsFinal');
});
