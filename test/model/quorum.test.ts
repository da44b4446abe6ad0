import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerProperties, clusterModel } from '../../src/model/broker-properties.ts';
import { localPlacement } from '../../src/model/placement.ts';
import { formatArguments, quorumMode, voters } from '../../src/model/quorum.ts';
import { cluster } from '../helpers/spec.ts';

const placement = localPlacement({ portBase: 9092, dataDir: (n) => `/d/${n.id}` });

test('Kafka 4.1 and later use the KIP-853 dynamic quorum; 3.9 and 4.0 static voters', () => {
  assert.equal(quorumMode('3.9.2'), 'static');
  assert.equal(quorumMode('4.0.1'), 'static');
  assert.equal(quorumMode('4.1.0'), 'dynamic');
  assert.equal(quorumMode('4.2.1'), 'dynamic');
  assert.equal(quorumMode('5.0.0'), 'dynamic');
});

test('static voters on 3.9: controller.quorum.voters with ids', () => {
  const model = clusterModel(cluster('version: 3.9.2'));
  const props = brokerProperties(model, model.nodes[0]!, placement);
  assert.equal(props['controller.quorum.voters'], '0@127.0.0.1:9292,1@127.0.0.1:9293,2@127.0.0.1:9294');
  assert.equal(props['controller.quorum.bootstrap.servers'], undefined);
  assert.equal(props['share.coordinator.state.topic.replication.factor'], undefined, '3.9 has no share groups');
});

test('an existing static cluster stays static after an upgrade to 4.1', () => {
  const model = clusterModel(cluster('version: 4.1.2'), { quorumMode: 'static' });
  assert.match(brokerProperties(model, model.nodes[0]!, placement)['controller.quorum.voters']!, /^0@/);
});

test('format arguments: every controller gets the same --initial-controllers; brokers no quorum flag', () => {
  const model = clusterModel(cluster('nodePools:\n  - {name: b, roles: [broker], replicas: 2}\n  - {name: c, roles: [controller], replicas: 3}'));
  const quorum = voters(
    model.nodes.filter((n) => n.controller),
    model.listeners.controller,
    placement,
  );
  const identity = { clusterId: 'MkU3OEVBNTcwNTJENDM2Qk', directoryIds: { '100': 'dir100', '101': 'dir101', '102': 'dir102' } };
  const args = (i: number) => formatArguments({ mode: 'dynamic', identity, node: model.nodes[i]!, quorum, propertiesFile: '/p' });
  assert.deepEqual(args(0), ['format', '--cluster-id', 'MkU3OEVBNTcwNTJENDM2Qk', '--config', '/p']);
  const expected = '100@127.0.0.1:9294:dir100,101@127.0.0.1:9295:dir101,102@127.0.0.1:9296:dir102';
  assert.deepEqual(args(2), ['format', '--cluster-id', 'MkU3OEVBNTcwNTJENDM2Qk', '--config', '/p', '--initial-controllers', expected]);
  assert.deepEqual(args(4).at(-1), expected);
  assert.deepEqual(formatArguments({ mode: 'static', identity, node: model.nodes[2]!, quorum, propertiesFile: '/p' }), ['format', '--cluster-id', 'MkU3OEVBNTcwNTJENDM2Qk', '--config', '/p']);
  assert.throws(() => formatArguments({ mode: 'dynamic', identity: { ...identity, directoryIds: {} }, node: model.nodes[2]!, quorum, propertiesFile: '/p' }), /no directory id for controller 100/);
});
