import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClusterObject } from '../../../../src/operator/controllers/cluster/spec.ts';

const stored = (spec: Record<string, unknown>) => ({
  apiVersion: 'kafkaplane.io/v1alpha1',
  kind: 'KafkaCluster',
  metadata: {
    name: 'kafka',
    namespace: 'prod',
    uid: '6d1c…',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-12-04T06:00:00Z',
    managedFields: [{ manager: 'kubectl' }],
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec,
  status: { conditions: [] },
});

test('a stored KafkaCluster parses as the CLI reads a file: apiserver metadata and status are not the spec', () => {
  const parsed = parseClusterObject(stored({ nodePools: [{ name: 'dual', roles: ['broker', 'controller'], replicas: 3 }], config: { 'num.io.threads': 5 } }));
  assert.equal(parsed.ok, true);
  if (!parsed.ok) return;
  assert.equal(parsed.cluster.metadata.namespace, 'prod');
  assert.equal(parsed.cluster.spec.version, '4.1.2', 'defaults applied');
  assert.equal(parsed.cluster.spec.config['num.io.threads'], 5);
});

test('what the CRD cannot check (owned properties, cross-field rules) comes back as problems with their spec paths', () => {
  const parsed = parseClusterObject(stored({ nodePools: [{ name: 'dual', roles: ['broker', 'controller'], replicas: 3 }], config: { 'node.id': 7 } }));
  assert.equal(parsed.ok, false);
  if (parsed.ok) return;
  assert.deepEqual(
    parsed.problems.map((p) => p.path),
    ['spec.config["node.id"]'],
  );
  assert.match(parsed.problems[0]!.message, /managed by kafkaplane/);
});
