import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { renderInput } from '../helpers/render.ts';
import { clusterYaml } from '../helpers/spec.ts';

const render = (config: string, mode?: 'kubectl' | 'operator') => renderKubernetes({ ...renderInput(parseSpec(clusterYaml(`config:\n${config}`, 'demo'))), ...(mode ? { mode } : {}) }).objects;
const sts = (objects: KubeObject[]) => objects.find((o) => o.kind === 'StatefulSet')! as KubeObject & { spec: any };
const hash = (objects: KubeObject[]) => sts(objects).spec.template.metadata.annotations['kafkaplane.io/config-hash'];

test('every pool is OnDelete, for kubectl and the operator: one roll across pools decides restarts (src/ops/roll.ts)', () => {
  assert.deepEqual(sts(render('  num.io.threads: 5')).spec.updateStrategy, { type: 'OnDelete' });
  assert.deepEqual(sts(render('  num.io.threads: 5', 'kubectl')).spec.updateStrategy, { type: 'OnDelete' });
  assert.deepEqual(sts(render('  num.io.threads: 5', 'operator')).spec.updateStrategy, { type: 'OnDelete' });
});

test('for the operator, a cluster-wide dynamic value stays out of the config hash; read-only keys and key sets do not', () => {
  const a = render('  num.io.threads: 5\n  log.retention.ms: 1000', 'operator');
  const b = render('  num.io.threads: 8\n  log.retention.ms: 2000', 'operator');
  assert.equal(hash(a), hash(b), 'dynamic values only: same hash, no roll');
  // The ConfigMap (same name: the name is the hash) still carries the new values (a pod that restarts later reads them).
  const configMap = (objects: KubeObject[]) => objects.find((o) => o.kind === 'ConfigMap')!;
  assert.equal(configMap(a).metadata.name, configMap(b).metadata.name);
  assert.notDeepEqual(configMap(a).data, configMap(b).data);
  assert.notEqual(hash(render('  num.io.threads: 5\n  log.retention.ms: 1000\n  queued.max.requests: 600', 'operator')), hash(a), 'a read-only key rolls');
  assert.notEqual(hash(render('  num.io.threads: 5', 'operator')), hash(a), 'removing a dynamic key rolls');
  // kubectl users have no one to apply dynamic values: every change rolls.
  assert.notEqual(hash(render('  num.io.threads: 5\n  log.retention.ms: 1000')), hash(render('  num.io.threads: 8\n  log.retention.ms: 2000')));
});

test('apart from the config hash (and the ConfigMap names made of it), the operator applies what render makes', () => {
  const strip = (objects: KubeObject[]) =>
    JSON.stringify(objects, (k, v) => (k === 'kafkaplane.io/config-hash' ? undefined : typeof v === 'string' ? v.replace(/-config-dual-[0-9a-f]{10}$/, '-config-dual') : v));
  assert.equal(strip(render('  num.io.threads: 5', 'operator')), strip(render('  num.io.threads: 5')));
});
