import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectCluster } from '../../src/api/select-cluster.ts';
import { parseSpec } from '../../src/api/load.ts';
import { cliHint } from '../../src/cli/hints.ts';
import { KafkaplaneError } from '../../src/errors.ts';
import { clusterModel } from '../../src/model/broker-properties.ts';
import { changedProperties, checkCompatible, explainDeath, mergeNodes } from '../../src/model/local-rules.ts';
import { LOCAL_STATE_SCHEMA, type LocalState, parseLocalState } from '../../src/model/local-state.ts';
import { cluster, clusterYaml } from '../helpers/spec.ts';

function stateOf(yaml: string, portBase = 9092): LocalState {
  const c = cluster(yaml);
  return {
    schema: LOCAL_STATE_SCHEMA,
    name: c.metadata.name,
    kafkaVersion: c.spec.version,
    quorumMode: 'dynamic',
    identity: { clusterId: 'x', directoryIds: {} },
    portBase,
    monitoring: false,
    nodes: [0, 1, 2].map((id) => ({ id, pool: 'dual', roles: ['broker', 'controller'], formatted: true })),
    cluster: c,
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
      assert.match(cliHint(error.hint) ?? '', /kafkaplane down --purge/);
      return error.message;
    }
    assert.fail(`expected ${yaml} to be refused`);
  };
  assert.match(refused('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 2}'), /node 2 .* holds data but the spec no longer has it/);
  assert.match(refused('nodePools:\n  - {name: dual, roles: [broker], replicas: 3}\n  - {name: c, roles: [controller], replicas: 1}'), /node 0 was broker\+controller and the spec makes it broker/);
  assert.match(refused('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 5}'), /node 3 would be a new controller/);
  assert.match(refused('version: 3.9.2'), /older than 4\.1\.2/);
  assert.match(refused('{}', 19092), /port base 19092 differs from the existing cluster's 9092/);
});

test("a node's death is explained from its log", () => {
  assert.match(explainDeath('... org.apache.kafka.common.errors.InconsistentClusterIdException: ...') ?? '', /INCONSISTENT_CLUSTER_ID/);
  assert.match(explainDeath('java.net.BindException: Address already in use') ?? '', /port/);
  assert.match(explainDeath('Error occurred during initialization of VM\nCould not reserve enough space for object heap') ?? '', /memory/);
  assert.match(explainDeath('java.io.IOException: No space left on device') ?? '', /disk is full/);
  assert.equal(explainDeath('all good'), undefined);
});

test('which cluster of a file', () => {
  const two = parseSpec(`${clusterYaml('{}', 'a')}---\n${clusterYaml('{}', 'b')}`);
  assert.equal(selectCluster(two, 'b', 'f').metadata.name, 'b');
  assert.throws(
    () => selectCluster(two, undefined, 'f'),
    (e: unknown) => e instanceof KafkaplaneError && /defines 2 clusters \(a, b\); say which/.test(e.message) && cliHint(e.hint) === 'name one with --cluster <name>',
  );
  assert.throws(() => selectCluster(two, 'c', 'f'), /no KafkaCluster named "c"/);
});

test('growing the first pool keeps every existing node on its ports: new nodes take the next free port index', () => {
  const dedicated = (brokers: number) => cluster(`nodePools:\n  - {name: b, roles: [broker], replicas: ${brokers}}\n  - {name: c, roles: [controller], replicas: 3}`);
  const before = mergeNodes([], clusterModel(dedicated(2)));
  assert.deepEqual(
    before.map((n) => [n.id, n.portIndex]),
    [
      [0, 0],
      [1, 1],
      [100, 2],
      [101, 3],
      [102, 4],
    ],
  );
  const after = mergeNodes(
    before.map((n) => ({ ...n, formatted: true })),
    clusterModel(dedicated(4)),
  );
  assert.deepEqual(
    after.map((n) => [n.id, n.portIndex, n.formatted]),
    [
      [0, 0, true],
      [1, 1, true],
      [2, 5, false],
      [3, 6, false],
      [100, 2, true],
      [101, 3, true],
      [102, 4, true],
    ],
  );
  // A state written before port indexes were kept: the node's position then.
  const legacy = mergeNodes(stateOf('{}').nodes, clusterModel(cluster('{}')));
  assert.deepEqual(
    legacy.map((n) => n.portIndex),
    [0, 1, 2],
  );
});

test('changed properties are named, sorted, added and removed keys included', () => {
  assert.deepEqual(changedProperties({ a: '1', b: '2', gone: 'x' }, { a: '1', b: '3', added: 'y' }), ['added', 'b', 'gone']);
});

test('stored state: schema 1 files are migrated, defaults fill in, damage is listed by path', () => {
  const current = stateOf('{}');
  const { cluster: c, ...rest } = current;
  // What kafkaplane 0.1 wrote: schema 1, the cluster under `spec`, the cluster without the defaults added since.
  const v1 = JSON.parse(JSON.stringify({ ...rest, schema: 1, spec: { ...c, spec: { ...c.spec, config: undefined } } }));
  const migrated = parseLocalState(v1);
  assert.ok('state' in migrated);
  assert.equal(migrated.state.schema, LOCAL_STATE_SCHEMA);
  assert.equal(migrated.state.cluster.metadata.name, 'demo');
  assert.deepEqual(migrated.state.cluster.spec.config, c.spec.config, 'a default added later reaches old state files');

  assert.deepEqual(parseLocalState({ ...current, schema: 9 }), { problem: { kind: 'schema', found: 9 } });
  const damaged = parseLocalState({ ...current, portBase: 'x', nodes: [{ id: -1 }] });
  assert.ok('problem' in damaged && damaged.problem.kind === 'invalid');
  assert.ok(damaged.problem.problems.some((p) => p.startsWith('portBase:')));
  assert.ok(damaged.problem.problems.some((p) => p.startsWith('nodes.0.')));
});
