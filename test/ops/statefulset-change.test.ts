import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type StatefulSetSpecView, decideStatefulSetChange } from '../../src/ops/statefulset-change.ts';

const claim = (storage: string, storageClassName?: string) => ({
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...(storageClassName ? { storageClassName } : {}) },
});
const desired: StatefulSetSpecView = {
  selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'kafkaplane.io/cluster': 'demo', 'kafkaplane.io/pool': 'dual' } },
  serviceName: 'demo-dual',
  podManagementPolicy: 'Parallel',
  volumeClaimTemplates: [claim('10Gi')],
};
/** What the apiserver returns for the same object: defaults filled in, keys in another order. */
const live: StatefulSetSpecView = {
  selector: { matchLabels: { 'kafkaplane.io/pool': 'dual', 'kafkaplane.io/cluster': 'demo', 'app.kubernetes.io/name': 'kafka' } },
  serviceName: 'demo-dual',
  podManagementPolicy: 'Parallel',
  volumeClaimTemplates: [{ ...claim('10Gi'), ...({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } } as object) }],
};

test('a new StatefulSet, or one equal up to the apiserver defaults: applied in place', () => {
  assert.deepEqual(decideStatefulSetChange('demo-dual', undefined, desired), { kind: 'apply' });
  assert.deepEqual(decideStatefulSetChange('demo-dual', live, desired), { kind: 'apply' });
  const canonical = { ...live, volumeClaimTemplates: [claim('1Gi')] };
  assert.deepEqual(decideStatefulSetChange('demo-dual', canonical, { ...desired, volumeClaimTemplates: [claim('1024Mi')] }), { kind: 'apply' }, '1024Mi is 1Gi');
});

test('an older release selector (name/instance): replaced with the pods orphaned', () => {
  const old = { ...live, selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'demo', 'kafkaplane.io/pool': 'dual' } } };
  assert.deepEqual(decideStatefulSetChange('demo-dual', old, desired), { kind: 'replace', fields: ['selector'] });
  assert.deepEqual(decideStatefulSetChange('demo-dual', { ...old, podManagementPolicy: undefined }, desired), { kind: 'replace', fields: ['selector', 'podManagementPolicy'] });
});

test('a changed volumeClaimTemplate is refused with the manual procedure, even with a selector change', () => {
  for (const changed of [[claim('20Gi')], [claim('10Gi', 'fast')], []]) {
    const d = decideStatefulSetChange('demo-dual', { ...live, selector: { matchLabels: { a: 'b' } }, volumeClaimTemplates: changed }, desired);
    assert.equal(d.kind, 'refused');
    assert.match((d as { reason: string }).reason, /StatefulSet demo-dual: its volumeClaimTemplates would change .*→ data 10Gi.*--cascade=orphan/);
  }
});
