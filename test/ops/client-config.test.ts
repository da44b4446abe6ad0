import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseClientProperties } from '../../src/kafka/client-properties.ts';
import { type ClientTarget, renderClientConfigs } from '../../src/ops/client-config.ts';

const scramTls: ClientTarget = {
  cluster: 'orders',
  namespace: 'kafka',
  listener: 'secure',
  where: 'kubernetes',
  bootstrap: 'orders-bootstrap.kafka.svc.cluster.local:9093',
  securityProtocol: 'SASL_SSL',
  saslMechanism: 'SCRAM-SHA-512',
  username: 'orders-app',
  password: { kind: 'secret', name: 'orders-app-password', key: 'password' },
  caFile: undefined,
  notes: [],
};

test("the Java properties are what Kafka's tools and kafkaplane --command-config read back", () => {
  const { properties } = renderClientConfigs({ ...scramTls, where: 'local', caFile: '/state/tls/ca.crt', password: { kind: 'file', path: '/p', value: 's3cret' } });
  const security = parseClientProperties(properties, 'client.properties');
  assert.deepEqual(security.bootstrap, ['orders-bootstrap.kafka.svc.cluster.local:9093']);
  assert.equal(security.securityProtocol, 'SASL_SSL');
  assert.deepEqual(security.sasl, { mechanism: 'SCRAM-SHA-512', username: 'orders-app', password: 's3cret' });
  assert.equal(security.caFile, '/state/tls/ca.crt');
});

test("Spring Boot application.yaml (seed 002) carries the listener's security settings", () => {
  const spring = parse(renderClientConfigs(scramTls).spring) as { spring: { kafka: { 'bootstrap-servers': string; properties: Record<string, string>; consumer: Record<string, string> } } };
  assert.equal(spring.spring.kafka['bootstrap-servers'], scramTls.bootstrap);
  assert.equal(spring.spring.kafka.properties['security.protocol'], 'SASL_SSL');
  assert.equal(spring.spring.kafka.properties['sasl.mechanism'], 'SCRAM-SHA-512');
  assert.match(spring.spring.kafka.properties['sasl.jaas.config']!, /ScramLoginModule required username="orders-app" password="\$\{KAFKA_SASL_PASSWORD\}";/);
  assert.equal(spring.spring.kafka.properties['ssl.truststore.type'], 'PEM');
  assert.equal(spring.spring.kafka.consumer['auto-offset-reset'], 'earliest');
});

test("the ConfigMap (seed 004) has the bootstrap, and the password comes from the user's Secret", () => {
  const [configMap, container] = renderClientConfigs(scramTls).configMap.split('\n---\n');
  const cm = parse(configMap!) as { metadata: { name: string; namespace: string }; data: Record<string, string> };
  assert.equal(cm.metadata.name, 'orders-secure-client');
  assert.equal(cm.metadata.namespace, 'kafka');
  assert.equal(cm.data.KAFKA_BOOTSTRAP, scramTls.bootstrap);
  const env = parse(container!) as { env: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[] };
  assert.deepEqual(env.env[0], { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-app-password', key: 'password' } } });
});

test('kcat flags and kafka-python for a plaintext listener stay minimal', () => {
  const plain = renderClientConfigs({ ...scramTls, securityProtocol: 'PLAINTEXT', saslMechanism: undefined, username: undefined, password: { kind: 'unknown' } });
  assert.equal(plain.kcat, 'kcat -b orders-bootstrap.kafka.svc.cluster.local:9093 \\\n     -X security.protocol=plaintext \\\n     -L');
  assert.doesNotMatch(plain.python, /sasl|ssl_cafile/);
  assert.match(plain.python, /bootstrap_servers=bootstrap\.split\(","\)/);
  const secure = renderClientConfigs(scramTls);
  assert.match(secure.kcat, /-X sasl\.mechanisms=SCRAM-SHA-512/);
  assert.match(secure.kcat, /-X ssl\.ca\.location=\/etc\/kafka\/ca\.crt/);
});
