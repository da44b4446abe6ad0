import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerProperties, clusterModel, replicationDefaults } from '../../src/model/broker-properties.ts';
import { type Placement, localPlacement, localPortPlanProblems } from '../../src/model/placement.ts';
import { cluster, example } from '../helpers/spec.ts';

const local = (portBase = 9092) => localPlacement({ portBase, dataDir: (n) => `/state/nodes/${n.id}/data` });

test('combined node: the whole server.properties, in order', () => {
  const model = clusterModel(cluster('config:\n  num.partitions: 6'));
  const props = brokerProperties(model, model.nodes[1]!, local());
  assert.deepEqual(props, {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.listener.names': 'CONTROLLER',
    listeners: 'PLAIN://127.0.0.1:9093,REPLICATION://127.0.0.1:9193,CONTROLLER://127.0.0.1:9293',
    'advertised.listeners': 'PLAIN://127.0.0.1:9093,REPLICATION://127.0.0.1:9193,CONTROLLER://127.0.0.1:9293',
    'listener.security.protocol.map': 'PLAIN:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'REPLICATION',
    'controller.quorum.bootstrap.servers': '127.0.0.1:9292,127.0.0.1:9293,127.0.0.1:9294',
    'log.dirs': '/state/nodes/1/data',
    'default.replication.factor': '3',
    'min.insync.replicas': '2',
    'offsets.topic.replication.factor': '3',
    'transaction.state.log.replication.factor': '3',
    'transaction.state.log.min.isr': '2',
    'share.coordinator.state.topic.replication.factor': '3',
    'share.coordinator.state.topic.min.isr': '2',
    'num.partitions': '6',
  });
});

test('dedicated controllers and brokers (seed 003): each node opens only its own listeners', () => {
  const spec = example('seed-003-dedicated.yaml').clusters[0]!;
  const model = clusterModel(spec);
  assert.deepEqual(
    model.nodes.map((n) => `${n.id}:${n.roles.join('+')}`),
    ['0:broker', '1:broker', '2:broker', '100:controller', '101:controller', '102:controller'],
  );
  const placement: Placement = { ...local(), tls: () => ({ keystoreLocation: '/tls/keystore.p12', keystorePassword: 'pw', keystoreType: 'PKCS12' }) };
  const broker = brokerProperties(model, model.nodes[0]!, placement);
  const controller = brokerProperties(model, model.nodes[3]!, placement);
  assert.equal(broker['process.roles'], 'broker');
  assert.equal(broker.listeners, 'PLAIN://127.0.0.1:9092,TLS://127.0.0.1:9392,REPLICATION://127.0.0.1:9192');
  assert.equal(broker['listener.security.protocol.map'], 'PLAIN:PLAINTEXT,TLS:SSL,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT');
  assert.equal(broker['inter.broker.listener.name'], 'REPLICATION');
  assert.equal(broker['listener.name.tls.ssl.keystore.location'], '/tls/keystore.p12');
  assert.equal(broker['broker.rack'], 'rack-0');
  assert.equal(controller['process.roles'], 'controller');
  assert.equal(controller.listeners, 'CONTROLLER://127.0.0.1:9295');
  assert.equal(controller['advertised.listeners'], 'CONTROLLER://127.0.0.1:9295');
  assert.equal(controller['inter.broker.listener.name'], undefined);
  assert.equal(controller['broker.rack'], undefined);
  assert.equal(controller['listener.name.tls.ssl.keystore.location'], undefined);
  assert.equal(broker['controller.quorum.bootstrap.servers'], '127.0.0.1:9295,127.0.0.1:9296,127.0.0.1:9297');
  assert.equal(controller['controller.quorum.bootstrap.servers'], broker['controller.quorum.bootstrap.servers']);
});

test('a TLS listener without TLS material is refused, not silently plaintext', () => {
  const model = clusterModel(cluster('listeners:\n  - {name: tls, port: 9093, tls: true}'));
  assert.throws(() => brokerProperties(model, model.nodes[0]!, local()), /needs TLS material/);
});

test('SCRAM listeners and authorization; kafkaplane\'s own listeners then log in with SASL/PLAIN as "kafkaplane"', () => {
  const model = clusterModel(cluster('listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization:\n  type: simple\n  superUsers: [admin, "User:ops"]'));
  const placement = localPlacement({ portBase: 9092, dataDir: (n) => `/state/nodes/${n.id}/data`, internalPassword: 'pw-0123456789abcdef' });
  const props = brokerProperties(model, model.nodes[0]!, placement);
  assert.equal(props['listener.security.protocol.map'], 'SCRAM:SASL_PLAINTEXT,REPLICATION:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT');
  assert.equal(props['listener.name.scram.sasl.enabled.mechanisms'], 'SCRAM-SHA-512');
  assert.equal(props['listener.name.scram.scram-sha-512.sasl.jaas.config'], 'org.apache.kafka.common.security.scram.ScramLoginModule required;');
  assert.equal(props['authorizer.class.name'], 'org.apache.kafka.metadata.authorizer.StandardAuthorizer');
  assert.equal(props['super.users'], 'User:kafkaplane;User:admin;User:ops', 'ANONYMOUS is no super user');
  assert.equal(props['allow.everyone.if.no.acl.found'], 'false');
  const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="kafkaplane" password="pw-0123456789abcdef" user_kafkaplane="pw-0123456789abcdef";';
  for (const l of ['replication', 'controller']) {
    assert.equal(props[`listener.name.${l}.sasl.enabled.mechanisms`], 'PLAIN');
    assert.equal(props[`listener.name.${l}.plain.sasl.jaas.config`], jaas);
  }
  assert.equal(props['sasl.mechanism.inter.broker.protocol'], 'PLAIN');
  assert.equal(props['sasl.mechanism.controller.protocol'], 'PLAIN');
  // Without a password to give, the secured model refuses rather than fall back to PLAINTEXT.
  assert.throws(() => brokerProperties(model, model.nodes[0]!, local()), /internal listeners authenticate, but this placement \(local\) has no internal password/);
  // An open cluster keeps PLAINTEXT everywhere.
  const open = clusterModel(cluster('{}'));
  assert.equal(brokerProperties(open, open.nodes[0]!, local())['listener.security.protocol.map'], 'PLAIN:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT');
  assert.equal(brokerProperties(open, open.nodes[0]!, local())['sasl.mechanism.controller.protocol'], undefined);
});

test('internalTls: mutual TLS on REPLICATION and CONTROLLER (SSL, or SASL_SSL when secured), each listener with its client-side keystore and truststore', () => {
  const tls = { keystoreLocation: '/tls/node.p12', keystorePassword: 'ks-pw', keystoreType: 'PKCS12' as const, truststoreLocation: '/tls/trust.p12' };
  const placement = (internalPassword?: string) => localPlacement({ portBase: 9092, dataDir: (n) => `/state/nodes/${n.id}/data`, tls: () => tls, ...(internalPassword ? { internalPassword } : {}) });
  const open = clusterModel(cluster('internalTls: true'));
  const props = brokerProperties(open, open.nodes[0]!, placement());
  assert.equal(props['listener.security.protocol.map'], 'PLAIN:PLAINTEXT,REPLICATION:SSL,CONTROLLER:SSL');
  for (const l of ['replication', 'controller']) {
    assert.equal(props[`listener.name.${l}.ssl.keystore.location`], '/tls/node.p12');
    assert.equal(props[`listener.name.${l}.ssl.truststore.location`], '/tls/trust.p12');
    assert.equal(props[`listener.name.${l}.ssl.truststore.password`], 'ks-pw');
    assert.equal(props[`listener.name.${l}.ssl.client.auth`], 'required');
  }
  const dedicated = clusterModel(cluster('internalTls: true\nnodePools:\n  - {name: c, roles: [controller], replicas: 3}\n  - {name: b, roles: [broker], replicas: 3}'));
  const controllerOnly = brokerProperties(dedicated, dedicated.nodes.find((n) => !n.broker)!, placement());
  assert.equal(controllerOnly['listener.name.replication.ssl.keystore.location'], undefined, 'a controller opens no REPLICATION listener');
  assert.equal(controllerOnly['listener.name.controller.ssl.client.auth'], 'required');

  const secured = clusterModel(cluster('internalTls: true\nlisteners:\n  - {name: clients, port: 9092, tls: true, authentication: scram-sha-512}'));
  const both = brokerProperties(secured, secured.nodes[0]!, placement('pw-0123456789abcdef'));
  assert.equal(both['listener.security.protocol.map'], 'CLIENTS:SASL_SSL,REPLICATION:SASL_SSL,CONTROLLER:SASL_SSL');
  assert.equal(both['listener.name.replication.sasl.enabled.mechanisms'], 'PLAIN', 'the internal SASL login stays beside the certificate');
  assert.equal(both['listener.name.clients.ssl.client.auth'], undefined, 'clients log in with SCRAM, not certificates');
  // Without a truststore to give, the model refuses rather than fall back to clear text.
  const { truststoreLocation: _, ...keystoreOnly } = tls;
  const noTruststore = localPlacement({ portBase: 9092, dataDir: (n) => `/d/${n.id}`, tls: () => keystoreOnly });
  assert.throws(() => brokerProperties(open, open.nodes[0]!, noTruststore), /spec.internalTls needs a truststore/);
  assert.throws(() => brokerProperties(open, open.nodes[0]!, local()), /spec.internalTls needs TLS material/);
});

test('replication defaults scale down for small clusters; user config wins', () => {
  const one = clusterModel(cluster('nodePools:\n  - {name: solo, roles: [broker, controller], replicas: 1}'));
  assert.deepEqual(replicationDefaults(one), {
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
  });
  const two = clusterModel(cluster('nodePools:\n  - {name: c, roles: [controller], replicas: 1}\n  - {name: b, roles: [broker], replicas: 2}'));
  assert.equal(replicationDefaults(two)['min.insync.replicas'], '1');
  const custom = clusterModel(cluster('config:\n  default.replication.factor: 2\n  min.insync.replicas: 1\n  log.retention.hours: 24'));
  const props = brokerProperties(custom, custom.nodes[0]!, local());
  assert.equal(props['default.replication.factor'], '2');
  assert.equal(props['min.insync.replicas'], '1');
  assert.equal(props['log.retention.hours'], '24');
});

test('rack awareness: broker.rack only when the spec asks for it', () => {
  const plain = clusterModel(cluster('{}'));
  assert.equal(brokerProperties(plain, plain.nodes[0]!, local())['broker.rack'], undefined);
  const racks = clusterModel(cluster('rack: {}'));
  assert.deepEqual(
    racks.nodes.map((n) => brokerProperties(racks, n, local())['broker.rack']),
    ['rack-0', 'rack-1', 'rack-2'],
  );
});

test('the local port plan moves with --port-base and never collides', () => {
  const model = clusterModel(cluster('listeners:\n  - {name: a, port: 9092}\n  - {name: b, port: 9093}'));
  const ports = model.nodes.flatMap((n) =>
    brokerProperties(model, n, local(19092))
      .listeners!.split(',')
      .map((l) => Number(l.split(':').at(-1))),
  );
  assert.equal(new Set(ports).size, ports.length);
  // First client listener, REPLICATION, CONTROLLER, then the other client listeners.
  assert.deepEqual(ports.slice(0, 4), [19092, 19392, 19192, 19292]);
});

test('adding or removing client listeners leaves the controllers and replication where they are', () => {
  const ports = (listeners: string) => {
    const model = clusterModel(cluster(`listeners:\n${listeners}`));
    const p = local(19092);
    return model.nodes.map((n) => [p.port(n, model.listeners.replication), p.port(n, model.listeners.controller)]);
  };
  const one = ports('  - {name: a, port: 9092}');
  assert.deepEqual(one, [
    [19192, 19292],
    [19193, 19293],
    [19194, 19294],
  ]);
  assert.deepEqual(ports('  - {name: a, port: 9092}\n  - {name: b, port: 9093, tls: true}\n  - {name: c, port: 9094}'), one);
});

test('a local port plan that runs past 65535 or overlaps is refused', () => {
  const model = clusterModel(cluster('listeners:\n  - {name: a, port: 9092}\n  - {name: b, port: 9093}'));
  assert.deepEqual(localPortPlanProblems(model, 19092), []);
  assert.match(localPortPlanProblems(model, 65_300).join('\n'), /listener B would need ports up to 65602 with port base 65300/);
});

test('the model is pure: the same input gives the same output', () => {
  const spec = example('seed-003-dedicated.yaml').clusters[0]!;
  const placement: Placement = { ...local(), tls: () => ({ keystoreLocation: '/k', keystorePassword: 'p', keystoreType: 'PKCS12' }) };
  const a = clusterModel(spec).nodes.map((n) => brokerProperties(clusterModel(spec), n, placement));
  const b = clusterModel(structuredClone(spec)).nodes.map((n) => brokerProperties(clusterModel(spec), n, placement));
  assert.deepEqual(a, b);
});

test('growing a pool never renumbers another: each pool has a block of 100 node ids unless nodeIdOffset says otherwise', () => {
  const ids = (brokers: number) =>
    clusterModel(cluster(`nodePools:\n  - {name: b, roles: [broker], replicas: ${brokers}}\n  - {name: c, roles: [controller], replicas: 3}`)).nodes.map((n) => `${n.pool}:${n.id}`);
  assert.deepEqual(ids(3), ['b:0', 'b:1', 'b:2', 'c:100', 'c:101', 'c:102']);
  assert.deepEqual(ids(5), ['b:0', 'b:1', 'b:2', 'b:3', 'b:4', 'c:100', 'c:101', 'c:102']);
  const explicit = clusterModel(cluster('nodePools:\n  - {name: b, roles: [broker], replicas: 2, nodeIdOffset: 10}\n  - {name: c, roles: [controller], replicas: 1, nodeIdOffset: 0}'));
  assert.deepEqual(
    explicit.nodes.map((n) => n.id),
    [10, 11, 0],
  );
});
