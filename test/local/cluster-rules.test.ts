import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KafkaplaneError } from '../../src/errors.ts';
import { checkCompatible, explainDeath, mergeNodes, selectCluster, up } from '../../src/local/cluster.ts';
import { clusterModel } from '../../src/model/broker-properties.ts';
import { findJava } from '../../src/local/java.ts';
import type { ClusterState } from '../../src/local/state.ts';
import { randomKafkaUuid } from '../../src/local/storage.ts';
import { parseSpec } from '../../src/api/load.ts';
import { REPO, cluster, clusterYaml } from '../helpers/spec.ts';

function stateOf(yaml: string, portBase = 9092): ClusterState {
  const c = cluster(yaml);
  return {
    schema: 1,
    name: c.metadata.name,
    kafkaVersion: c.spec.version,
    quorumMode: 'dynamic',
    identity: { clusterId: 'x', directoryIds: {} },
    portBase,
    nodes: [0, 1, 2].map((id) => ({ id, pool: 'dual', roles: ['broker', 'controller'], formatted: true })),
    spec: c,
  };
}

test('compatible changes pass: same spec, more brokers, newer patch', () => {
  const state = stateOf('{}');
  checkCompatible(state, cluster('{}'), undefined);
  checkCompatible(state, cluster('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 3}\n  - {name: more, roles: [broker], replicas: 2}'), 9092);
  checkCompatible(state, cluster('version: 4.2.0'), undefined);
});

test('changes existing data cannot take are refused, each named', () => {
  const state = stateOf('{}');
  const refused = (yaml: string, portBase?: number) => {
    try {
      checkCompatible(state, cluster(yaml), portBase);
    } catch (error) {
      assert.ok(error instanceof KafkaplaneError);
      assert.equal(error.code, 'INCOMPATIBLE_CHANGE');
      return error.message;
    }
    assert.fail(`expected ${yaml} to be refused`);
  };
  assert.match(refused('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 2}'), /node 2 .* holds data but the spec no longer has it/);
  assert.match(refused('nodePools:\n  - {name: dual, roles: [broker], replicas: 3}\n  - {name: c, roles: [controller], replicas: 1}'), /node 0 was broker\+controller and the spec makes it broker/);
  assert.match(refused('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 5}'), /node 3 would be a new controller/);
  assert.match(refused('version: 3.9.2'), /older than 4\.1\.2/);
  assert.match(refused('{}', 19092), /--port-base 19092 differs from the existing cluster's 9092/);
});

test('a node\'s death is explained from its log', () => {
  assert.match(explainDeath('... org.apache.kafka.common.errors.InconsistentClusterIdException: ...') ?? '', /INCONSISTENT_CLUSTER_ID/);
  assert.match(explainDeath('java.net.BindException: Address already in use') ?? '', /port/);
  assert.match(explainDeath('Error occurred during initialization of VM\nCould not reserve enough space for object heap') ?? '', /memory/);
  assert.equal(explainDeath('all good'), undefined);
});

test('which cluster of a file', () => {
  const two = parseSpec(`${clusterYaml('{}', 'a')}---\n${clusterYaml('{}', 'b')}`);
  assert.equal(selectCluster(two, 'b', 'f').metadata.name, 'b');
  assert.throws(() => selectCluster(two, undefined, 'f'), /defines 2 clusters \(a, b\); say which with --cluster/);
  assert.throws(() => selectCluster(two, 'c', 'f'), /no KafkaCluster named "c"/);
});

test('state inside a git checkout is refused unless asked for', async () => {
  const inRepo = join(REPO.pathname, '.scratch', 'state-test');
  await assert.rejects(up({ spec: parseSpec(clusterYaml('{}')), stateDir: inRepo }), /inside the git checkout/);
});

test('Kafka uuids look like StorageTool random-uuid output', () => {
  for (let i = 0; i < 200; i++) {
    const id = randomKafkaUuid();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
  }
});

test('Java: missing or too old is said plainly', async () => {
  await assert.rejects(findJava({ ...process.env, JAVA_HOME: '/nonexistent-jdk' }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'JAVA_MISSING');
    assert.match(error.message, /Java 17\+ is required.*JAVA_HOME=\/nonexistent-jdk/);
    return true;
  });
  const home = await mkdtemp(join(tmpdir(), 'old-jdk-'));
  await mkdir(join(home, 'bin'));
  await writeFile(join(home, 'bin', 'java'), '#!/bin/sh\necho \'openjdk version "1.8.0_292"\' >&2\n');
  await chmod(join(home, 'bin', 'java'), 0o755);
  await assert.rejects(findJava({ ...process.env, JAVA_HOME: home }), /Kafka needs Java 17 or newer; .* is Java 1\.8\.0_292/);
  const java = await findJava();
  assert.ok(java.major >= 17);
});

test('growing the first pool keeps every existing node on its ports: new nodes take the next free port index', () => {
  const dedicated = (brokers: number) => cluster(`nodePools:\n  - {name: b, roles: [broker], replicas: ${brokers}}\n  - {name: c, roles: [controller], replicas: 3}`);
  const before = mergeNodes({ ...stateOf('{}'), nodes: [] }, clusterModel(dedicated(2)));
  assert.deepEqual(before.map((n) => [n.id, n.portIndex]), [[0, 0], [1, 1], [100, 2], [101, 3], [102, 4]]);
  const after = mergeNodes({ ...stateOf('{}'), nodes: before.map((n) => ({ ...n, formatted: true })) }, clusterModel(dedicated(4)));
  assert.deepEqual(after.map((n) => [n.id, n.portIndex, n.formatted]), [[0, 0, true], [1, 1, true], [2, 5, false], [3, 6, false], [100, 2, true], [101, 3, true], [102, 4, true]]);
  // A state written before port indexes were kept: the node's position then.
  const legacy = mergeNodes(stateOf('{}'), clusterModel(cluster('{}')));
  assert.deepEqual(legacy.map((n) => n.portIndex), [0, 1, 2]);
});
