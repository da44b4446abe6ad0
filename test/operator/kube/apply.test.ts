// Whether an apply changed an object: a new resourceVersion alone is not enough, since others write status in between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedByApply } from '../../../src/operator/kube/apply.ts';
import type { KubeObject } from '../../../src/operator/kube/client.ts';

const crd = (resourceVersion: string, extra: Partial<KubeObject> = {}): KubeObject =>
  ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'kafkaclusters.kafkaplane.io', resourceVersion, generation: 1, managedFields: [{ manager: 'kafkaplane' }] },
    spec: { group: 'kafkaplane.io' },
    ...extra,
  }) as KubeObject;

test('an object created by the apply is changed', () => {
  assert.equal(changedByApply(undefined, crd('1')), true);
});

test('a no-op apply (same resourceVersion) is not a change', () => {
  assert.equal(changedByApply(crd('5'), crd('5')), false);
});

test("someone else's status write between the read and the apply is not our change (a new CRD becomes Established)", () => {
  const established = crd('6', { status: { conditions: [{ type: 'Established', status: 'True' }] } });
  const after = { ...established, metadata: { ...established.metadata, managedFields: [{ manager: 'kafkaplane' }, { manager: 'kube-apiserver' }] } } as KubeObject;
  assert.equal(changedByApply(crd('5'), after), false);
});

test('a changed spec, label or generation is a change, whatever happened to the status', () => {
  assert.equal(changedByApply(crd('5'), crd('6', { spec: { group: 'kafkaplane.io', scope: 'Namespaced' } })), true);
  const labelled = crd('6');
  labelled.metadata.labels = { 'app.kubernetes.io/version': '2' };
  assert.equal(changedByApply(crd('5'), labelled), true);
});
