// The production example (SCRAM-SHA-512 over TLS on the client listener, mutual TLS + SASL on the REPLICATION and
// CONTROLLER listeners, StandardAuthorizer, KafkaTopic/KafkaUser documents): `up` creates the users' SCRAM
// credentials (KIP-554, salted client-side) and their ACLs, and clients nobody here wrote (Kafka's own tools, with the
// client configs `connect-info` generates) log in over SASL_SSL and are held to exactly those ACLs. kcat checks the
// TLS of the internal listeners only: Debian's kcat links librdkafka 2.0, whose SCRAM fails against Kafka 4 brokers
// (fixed in librdkafka 2.6.1; edenhill/kcat#462).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { principalAcls } from '../../../src/kafka/users.ts';
import { adminConnection, internalSasl } from '../../../src/local/local-cluster.ts';
import { locate } from '../../../src/local/locate.ts';
import { up } from '../../../src/local/up.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../../helpers/cli.ts';
import { checkConsoleAcls } from './console-acls.ts';
import { httpGet, sample, startService } from '../../helpers/service.ts';
import { KAFKA_TOOLS, runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster } from '../../helpers/local-cluster.ts';

const PORT_BASE = TEST_PORTS.localSecurity;
const LISTENER = 'clients';
const SPEC = (await readFile(new URL('../../../examples/production.yaml', import.meta.url), 'utf8')).replace('num.partitions: 3', 'num.partitions: 3\n    group.initial.rebalance.delay.ms: 0');
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE });
});
after(async () => {
  await cluster?.stop();
});

const password = async (user: string) => (await readFile(cluster.result.users.find((u) => u.user === user)!.passwordFile, 'utf8')).trim();

/**
 * A Kafka client properties file for `user` on the client listener: what `kafkaplane connect-info --format
 * properties` prints (SASL_SSL, the cluster's CA as a PEM truststore), with another password when `pw` is given.
 */
async function clientConfig(user: string, pw?: string): Promise<string> {
  const generated = await spawnCli(['connect-info', '--listener', LISTENER, '--user', user, '--format', 'properties', '--reveal-password', '--state-dir', cluster.stateDir]);
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(generated.stdout, /^security\.protocol=SASL_SSL$/m);
  assert.match(generated.stdout, /^ssl\.truststore\.location=.*ca\.crt$/m);
  const real = await password(user);
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-client-'));
  const file = join(dir, `${user}.properties`);
  await writeFile(file, generated.stdout.replace(`password="${real}"`, `password="${pw ?? real}"`), { mode: 0o600 });
  return file;
}

const produce = async (user: string, topic: string, lines: string[], pw?: string) =>
  runKafkaTool(
    KAFKA_TOOLS.consoleProducer,
    [
      '--bootstrap-server',
      cluster.bootstrap,
      '--topic',
      topic,
      '--producer.config',
      await clientConfig(user, pw),
      '--producer-property',
      'max.block.ms=15000',
      '--producer-property',
      'delivery.timeout.ms=20000',
      '--producer-property',
      'request.timeout.ms=10000',
    ],
    { input: `${lines.join('\n')}\n`, timeoutMs: 90_000 },
  );

test("up applies the file's topics and users", async () => {
  assert.deepEqual(cluster.result.topics.map((t) => `${t.topic}:${t.action}`).sort(), ['orders:created', 'payments:created']);
  assert.deepEqual(cluster.result.users.map((u) => u.user).sort(), ['admin', 'orders-app']);
  const local = await locate({ stateDir: cluster.stateDir });
  const acls = await withAdmin(adminConnection(local), (admin) => principalAcls(admin, 'User:orders-app'));
  assert.deepEqual(acls.map((a) => `${a.resourceType}:${a.resourceName}:${a.patternType}:${a.operation}:${a.permission}`).sort(), [
    'GROUP:orders-:PREFIXED:READ:ALLOW',
    'TOPIC:orders:LITERAL:DESCRIBE:ALLOW',
    'TOPIC:orders:LITERAL:READ:ALLOW',
    'TOPIC:orders:LITERAL:WRITE:ALLOW',
  ]);
});

test("Kafka's own tools log in with the generated SCRAM-SHA-512 password; a wrong password is refused", async () => {
  const ok = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', cluster.bootstrap, '--list', '--command-config', await clientConfig('admin')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(
    ok.stdout
      .trim()
      .split('\n')
      .filter((t) => !t.startsWith('__'))
      .sort(),
    ['orders', 'payments'],
  );
  const bad = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', cluster.bootstrap, '--list', '--command-config', await clientConfig('admin', 'wrong-password')], { timeoutMs: 90_000 });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /Authentication failed.*invalid credentials/);
});

test('ACLs hold: orders-app may write and read orders (in an orders- group) but not payments', async () => {
  const write = await produce('orders-app', 'orders', ['order-1', 'order-2']);
  assert.equal(write.code, 0, write.stderr);
  const read = await runKafkaTool(
    KAFKA_TOOLS.consoleConsumer,
    [
      '--bootstrap-server',
      cluster.bootstrap,
      '--topic',
      'orders',
      '--group',
      'orders-readers',
      '--from-beginning',
      '--max-messages',
      '2',
      '--timeout-ms',
      '60000',
      '--consumer.config',
      await clientConfig('orders-app'),
    ],
    { timeoutMs: 90_000 },
  );
  assert.equal(read.code, 0, read.stderr);
  assert.deepEqual(read.stdout.trim().split('\n').sort(), ['order-1', 'order-2']);
  const otherGroup = await runKafkaTool(
    KAFKA_TOOLS.consoleConsumer,
    [
      '--bootstrap-server',
      cluster.bootstrap,
      '--topic',
      'orders',
      '--group',
      'analytics',
      '--from-beginning',
      '--max-messages',
      '1',
      '--timeout-ms',
      '20000',
      '--consumer.config',
      await clientConfig('orders-app'),
    ],
    { timeoutMs: 60_000 },
  );
  assert.match(otherGroup.stdout + otherGroup.stderr, /GroupAuthorizationException|Not authorized to access group/);
  const denied = await produce('orders-app', 'payments', ['nope']);
  assert.match(denied.stdout + denied.stderr, /TopicAuthorizationException|Not authorized to access topics/);
  const admin = await produce('admin', 'payments', ['super-user write']);
  assert.equal(admin.code, 0, admin.stderr);
});

test('a second up keeps passwords and makes ACLs exactly the spec again', async () => {
  const before = await password('orders-app');
  const local = await locate({ stateDir: cluster.stateDir });
  // Someone adds an ACL by hand: the spec is the truth, so up removes it.
  await withAdmin(adminConnection(local), async (admin) => {
    const { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } = await import('@platformatic/kafka');
    await admin.createAcls({
      creations: [
        {
          principal: 'User:orders-app',
          host: '*',
          resourceType: ResourceTypes.TOPIC,
          resourceName: 'payments',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          operation: AclOperations.READ,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
  });
  const again = await up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m' });
  assert.deepEqual(again.started, []);
  assert.equal(await password('orders-app'), before);
  const acls = await withAdmin(adminConnection(local), (admin) => principalAcls(admin, 'User:orders-app'));
  assert.equal(
    acls.some((a) => a.resourceName === 'payments'),
    false,
  );
  assert.equal(acls.length, 4);
});

test("quotas: the spec's are in Kafka (Kafka's kafka-configs reads them); a changed spec sets what changed and removes what it dropped", async () => {
  // kafka-configs prints doubles the Java way: consumer_byte_rate=2.097152E7, producer_byte_rate=1.048576E7.
  const describe = async (): Promise<Record<string, number>> => {
    const r = await runKafkaTool(KAFKA_TOOLS.configs, [
      '--bootstrap-server',
      cluster.bootstrap,
      '--command-config',
      await clientConfig('admin'),
      '--describe',
      '--entity-type',
      'users',
      '--entity-name',
      'orders-app',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const line = /Quota configs for user-principal 'orders-app' are (.*)/.exec(r.stdout)?.[1] ?? '';
    return Object.fromEntries([...line.matchAll(/(\w+)=([\d.E+-]+)/g)].map((m) => [m[1]!, Number(m[2])]));
  };
  assert.deepEqual(await describe(), { consumer_byte_rate: 20971520, producer_byte_rate: 10485760 });
  const changed = SPEC.replace('producerByteRate: 10485760\n    consumerByteRate: 20971520', 'producerByteRate: 5242880');
  assert.notEqual(changed, SPEC);
  await up({ spec: parseSpec(changed), stateDir: cluster.stateDir, heap: '384m' });
  assert.deepEqual(await describe(), { producer_byte_rate: 5242880 });
  await up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m' });
  assert.deepEqual(await describe(), { consumer_byte_rate: 20971520, producer_byte_rate: 10485760 });
});

test("kafkaplane's own listeners are no way around TLS or the ACLs: clear text, no certificate, a wrong login are refused; the nodes' certificate and login work", async () => {
  const replication = `127.0.0.1:${PORT_BASE + 100}`;
  const controller = `127.0.0.1:${PORT_BASE + 200}`;
  const local = await locate({ stateDir: cluster.stateDir });
  const internalPassword = (await readFile(join(cluster.stateDir, 'internal.password'), 'utf8')).trim();
  assert.match(internalPassword, /^[A-Za-z0-9_-]{24}$/);
  // Every node's server.properties: all three listeners SASL_SSL, client certificates required on the internal ones.
  for (const node of local.model.nodes) {
    const props = await readFile(local.layout.propertiesFile(node.id), 'utf8');
    assert.match(props, /^listener\.security\.protocol\.map=CLIENTS:SASL_SSL,REPLICATION:SASL_SSL,CONTROLLER:SASL_SSL$/m);
    assert.match(props, /^listener\.name\.replication\.ssl\.client\.auth=required$/m);
    assert.match(props, /^listener\.name\.controller\.ssl\.client\.auth=required$/m);
  }
  const ca = local.tls!.caFile;
  // kcat in clear text: the listener speaks TLS, so the connection goes nowhere.
  const clear = await runKcat(['-b', replication, '-L', '-m', '5']);
  assert.notEqual(clear.code, 0, clear.stdout);
  // TLS that trusts the cluster's CA, with the right internal login, but no client certificate: the handshake fails.
  const login = ['-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=kafkaplane', '-X', `sasl.password=${internalPassword}`];
  for (const address of [replication, controller]) {
    const noCert = await runKcat(['-b', address, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${ca}`, ...login, '-L', '-m', '5']);
    assert.notEqual(noCert.code, 0, noCert.stdout);
    assert.match(noCert.stderr, /bad certificate|certificate required|alert/i, `${address}: ${noCert.stderr}`);
  }
  // Kafka's own quorum tool on the controller listener with the nodes' keystore (their client certificate).
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-internal-'));
  const material = local.tls!.material;
  const keystore = `ssl.keystore.type=PKCS12\nssl.keystore.location=${material.keystoreLocation}\nssl.keystore.password=${material.keystorePassword}\nssl.truststore.type=PEM\nssl.truststore.location=${ca}\n`;
  const impatient = 'default.api.timeout.ms=8000\nrequest.timeout.ms=4000\n';
  const withLogin = (pw: string) =>
    `security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="kafkaplane" password="${pw}";\n`;
  const quorumWith = async (name: string, properties: string) => {
    const file = join(dir, `${name}.properties`);
    await writeFile(file, properties, { mode: 0o600 });
    return runKafkaTool(KAFKA_TOOLS.metadataQuorum, ['--bootstrap-controller', controller, '--command-config', file, 'describe', '--status'], { timeoutMs: 60_000 });
  };
  // The certificate alone is not enough (the listener also wants the internal SASL login) …
  const certOnly = await quorumWith('cert-only', `security.protocol=SSL\n${keystore}${impatient}`);
  assert.notEqual(certOnly.code, 0);
  // … nor a wrong password with the certificate …
  const wrong = await quorumWith('wrong', `${withLogin('not-the-password')}${keystore}${impatient}`);
  assert.notEqual(wrong.code, 0);
  // … nor the right password without one.
  const noCert = await quorumWith('no-cert', `${withLogin(internalPassword)}ssl.truststore.type=PEM\nssl.truststore.location=${ca}\n${impatient}`);
  assert.notEqual(noCert.code, 0);
  const quorum = await quorumWith('internal', `${withLogin(internalPassword)}${keystore}`);
  assert.equal(quorum.code, 0, quorum.stderr);
  assert.match(quorum.stdout, /CurrentVoters:\s+\[/);
});

test("certificate expiry: doctor shows the nodes' certificate and its days left (a warning inside --cert-warn-days); the exporter, over SASL_SSL with the generated config, serves seconds to expiry per broker", async () => {
  const where = ['--state-dir', cluster.stateDir];
  const ok = await spawnCli(['doctor', '--lag-interval', '0', '-o', 'json', ...where], { timeoutMs: 60_000 });
  assert.equal(ok.code, 0, ok.stderr);
  const certs = (JSON.parse(ok.stdout) as { findings: { check: string; severity: string; title: string; detail: string[] }[] }).findings.filter((f) => f.check === 'certificates');
  assert.equal(certs.length, 1, JSON.stringify(certs));
  assert.equal(certs[0]!.severity, 'ok');
  assert.match(certs[0]!.title, /"production\.kafkaplane\.local" valid for 82[45] days more/);
  assert.match(certs[0]!.detail[1]!, /REPLICATION listener: broker 0 .*; clients: broker 0/);
  const soon = await spawnCli(['doctor', '--lag-interval', '0', '--cert-warn-days', '900', '--strict', ...where], { timeoutMs: 60_000 });
  assert.equal(soon.code, 1, 'a certificate inside the warning window fails --strict');
  assert.match(soon.stdout, /WARN\w*\s+TLS certificate "production\.kafkaplane\.local" expires in 82[45] days/);

  const { service, match } = await startService(
    ['exporter', '--command-config', await clientConfig('admin'), '--web.listen-address', '127.0.0.1:0', '--collect.interval', '1'],
    /metrics at (http:\/\/\S+)\/metrics/,
  );
  try {
    let text = '';
    for (let i = 0; i < 60 && !text.includes('kafkaplane_tls_certificate_expiry_seconds{'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      text = (await httpGet(`${match[1]}/metrics`)).body;
    }
    for (const id of [0, 1, 2]) {
      const seconds = sample(text, 'kafkaplane_tls_certificate_expiry_seconds', { broker: String(id), address: `127.0.0.1:${PORT_BASE + id}`, subject: 'production.kafkaplane.local' });
      assert.ok(seconds !== undefined && seconds > 820 * 86_400 && seconds <= 825 * 86_400, `broker ${id}: ${seconds}\n${text}`);
    }
    assert.equal(sample(text, 'kafkaplane_exporter_up'), 1);
  } finally {
    await service.stop();
  }
});

test('no password in any output or log: status, connect-info, doctor, topics list, the up result, node logs; files that hold one are 0600', async () => {
  const local = await locate({ stateDir: cluster.stateDir });
  const secrets = [...(await Promise.all(cluster.result.users.map((u) => password(u.user)))), internalSasl(local)?.password, local.tls?.material.keystorePassword].filter(
    (s): s is string => s !== undefined,
  );
  assert.ok(secrets.length >= 4, 'two users, the internal one and the keystore password');
  const where = ['--state-dir', cluster.stateDir];
  const outputs: [string, string][] = [['the up result (-o json)', JSON.stringify(cluster.result)]];
  for (const args of [
    ['status'],
    ['status', '-o', 'json'],
    ['connect-info', '--listener', LISTENER, '--user', 'orders-app'],
    ['connect-info', '--listener', LISTENER, '--user', 'orders-app', '-o', 'json'],
    ['doctor', '--lag-interval', '0'],
    ['doctor', '--lag-interval', '0', '-o', 'json'],
    ['topics', 'list'],
  ]) {
    const r = await spawnCli([...args, ...where], { timeoutMs: 60_000 });
    outputs.push([`kafkaplane ${args.join(' ')}`, `${r.stdout}${r.stderr}`]);
  }
  for (const node of local.model.nodes) outputs.push([`node ${node.id}'s log`, await readFile(local.layout.logFile(node.id), 'utf8')]);
  for (const [what, text] of outputs) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${what} shows a password`);
  }
  // Files that must hold a secret (the users' password files, the brokers' JAAS settings) are readable by the owner only.
  const holders: string[] = [];
  for (const file of await readdir(cluster.stateDir, { recursive: true })) {
    const path = join(cluster.stateDir, file);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size > 1 << 20) continue;
    const text = await readFile(path, 'utf8');
    if (!secrets.some((s) => text.includes(s))) continue;
    holders.push(file);
    assert.equal(info.mode & 0o077, 0, `${file} holds a password and is mode ${(info.mode & 0o777).toString(8)}`);
  }
  assert.ok(holders.length >= 3, holders.join(', '));
  // Only on request: --reveal-password.
  const revealed = await spawnCli(['connect-info', '--listener', LISTENER, '--user', 'orders-app', '--reveal-password', ...where]);
  assert.ok(revealed.stdout.includes(await password('orders-app')), revealed.stdout);
});

test('the web console on this cluster (StandardAuthorizer), logged in to Kafka as admin over SCRAM/TLS: ACLs listed, created, deleted in Chromium; AclCommand sees each', async () => {
  await checkConsoleAcls({ clientConfig: await clientConfig('admin'), bootstrap: cluster.bootstrap, password: await password('admin'), topic: 'orders' });
});
