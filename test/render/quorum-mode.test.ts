/**
 * Issue 13, blocker 1 and major 5 in the pure layers: spec.quorum.mode, defaulted for new clusters only; a running
 * cluster's mode kept by the local runtime, render and the operator, and a flip refused at its spec path; ephemeral
 * controllers refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { KafkaplaneError, ProblemsError } from '../../src/errors.ts';
import { clusterModel } from '../../src/model/broker-properties.ts';
import { checkCompatible } from '../../src/model/local-rules.ts';
import { LOCAL_STATE_SCHEMA, type LocalState } from '../../src/model/local-state.ts';
import { parseProperties } from '../../src/model/properties-format.ts';
import { quorumModeConflict } from '../../src/model/quorum.ts';
import { runningQuorum } from '../../src/operator/controllers/cluster/controller.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject, RenderInput } from '../../src/render/objects.ts';
import { nodeFilesOf, renderInput } from '../helpers/render.ts';
import { cluster, clusterYaml, problems } from '../helpers/spec.ts';

const input = (spec: string, running?: RenderInput['running']): RenderInput => ({ ...renderInput(parseSpec(clusterYaml(spec, 'kafka'))), running });
const node0 = (objects: KubeObject[]) => parseProperties(nodeFilesOf(objects)['node-0.properties']!);

test('spec.quorum.mode: explicit, or by version for a new cluster; dynamic needs 4.1', () => {
  assert.equal(clusterModel(cluster('version: 4.1.2')).quorumMode, 'dynamic');
  assert.equal(clusterModel(cluster('version: 3.9.2')).quorumMode, 'static');
  assert.equal(clusterModel(cluster('version: 4.1.2\nquorum: {mode: static}')).quorumMode, 'static');
  assert.equal(clusterModel(cluster('version: 4.1.2\nquorum: {mode: static}'), { quorumMode: 'dynamic' }).quorumMode, 'dynamic', 'the running mode wins');
  assert.deepEqual(problems(clusterYaml('version: 4.0.0\nquorum: {mode: dynamic}')), [
    'spec.quorum.mode: a dynamic quorum needs Kafka 4.1 or newer (spec.version is 4.0.0); 4.1 is also the first release that can upgrade an existing static quorum (kafka-features.sh upgrade --feature kraft.version=1). Use static, or upgrade spec.version first',
  ]);
  assert.match(problems(clusterYaml('quorum: {mode: both}'))[0]!, /^spec\.quorum\.mode: /);
});

test('ephemeral storage is refused for controllers at its spec path, allowed for broker-only pools', () => {
  assert.deepEqual(problems(clusterYaml('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 3, storage: {type: ephemeral}}')), [
    'spec.nodePools[0].storage.type: controllers need persistent storage: an ephemeral controller loses the metadata log on every restart and would come back as a voter that forgot what it acknowledged; use persistent-claim (ephemeral is fine for broker-only pools)',
  ]);
  cluster('nodePools:\n  - {name: c, roles: [controller], replicas: 3}\n  - {name: b, roles: [broker], replicas: 3, storage: {type: ephemeral}}');
});

test('quorumModeConflict: unset keeps the running mode; a flip is refused unless kraft.version was upgraded first', () => {
  assert.equal(quorumModeConflict(undefined, { mode: 'static' }), undefined);
  assert.equal(quorumModeConflict('static', { mode: 'static' }), undefined);
  assert.match(quorumModeConflict('dynamic', { mode: 'static' })!, /kafka-features\.sh --bootstrap-controller <controller>:9090 upgrade --feature kraft\.version=1/);
  assert.match(quorumModeConflict('dynamic', { mode: 'static', kraftVersion: 0 })!, /non-voters/);
  assert.equal(quorumModeConflict('dynamic', { mode: 'static', kraftVersion: 1 }), undefined, 'the second step of the KIP-853 path');
  assert.match(quorumModeConflict('static', { mode: 'dynamic', kraftVersion: 1 })!, /cannot downgrade/);
});

test('render: a 3.9 cluster re-rendered at 4.1 keeps its static quorum when the running mode is known, and refuses an explicit flip at spec.quorum.mode', () => {
  const before = renderKubernetes(input('version: 3.9.2')).objects;
  assert.match(node0(before)['controller.quorum.voters']!, /^0@kafka-dual-0\./);
  const running = runningQuorum(nodeFilesOf(before), undefined);
  assert.deepEqual(running, { mode: 'static', kraftVersion: undefined });

  const after = renderKubernetes(input('version: 4.1.2', running)).objects;
  assert.equal(node0(after)['controller.quorum.voters'], node0(before)['controller.quorum.voters']);
  assert.equal(node0(after)['controller.quorum.bootstrap.servers'], undefined);
  assert.ok(!nodeFilesOf(after)['node-0.format-args']!.includes('--initial-controllers'));
  const identity = after.find((o) => o.kind === 'Secret' && o.metadata.name === 'kafka-identity')!;
  assert.deepEqual(Object.keys(identity.stringData as object), ['cluster-id'], 'no directory ids for a static quorum');

  assert.throws(
    () => renderKubernetes(input('version: 4.1.2\nquorum: {mode: dynamic}', running)),
    (error: unknown) => error instanceof ProblemsError && /spec\.quorum\.mode.*is dynamic, but the running cluster has a static quorum/s.test(error.message),
  );
  // Without a running mode (a plain `kafkaplane render`), 4.1 defaults to dynamic: the pods refuse it (entrypoint-quorum.test.ts).
  assert.ok(node0(renderKubernetes(input('version: 4.1.2')).objects)['controller.quorum.bootstrap.servers']);
  const upgraded = renderKubernetes(input('version: 4.1.2\nquorum: {mode: dynamic}', { mode: 'static', kraftVersion: 1 })).objects;
  assert.ok(node0(upgraded)['controller.quorum.bootstrap.servers'], 'after the kraft.version upgrade the switch renders');
});

test('operator: the running mode is read from the live ConfigMap', () => {
  assert.equal(runningQuorum(undefined, undefined), undefined);
  assert.equal(runningQuorum(nodeFilesOf(renderKubernetes(input('version: 4.1.2')).objects), 1)?.mode, 'dynamic');
});

test('local runtime: an explicit spec.quorum.mode other than the one the cluster was created with is refused', () => {
  const c = cluster('version: 4.1.2');
  const state: LocalState = {
    schema: LOCAL_STATE_SCHEMA,
    name: c.metadata.name,
    kafkaVersion: '3.9.2',
    quorumMode: 'static',
    identity: { clusterId: 'x', directoryIds: {} },
    portBase: 9092,
    monitoring: false,
    nodes: [0, 1, 2].map((id) => ({ id, pool: 'dual', roles: ['broker', 'controller'], formatted: true })),
    cluster: c,
  };
  checkCompatible(state, c, undefined);
  checkCompatible(state, cluster('version: 4.1.2\nquorum: {mode: static}'), undefined);
  assert.throws(
    () => checkCompatible(state, cluster('version: 4.1.2\nquorum: {mode: dynamic}'), undefined),
    (error: unknown) => error instanceof KafkaplaneError && /spec\.quorum\.mode is dynamic, but this cluster was created with a static quorum/.test(error.message),
  );
});
