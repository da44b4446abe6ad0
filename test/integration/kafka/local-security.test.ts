// The secured example (SCRAM-SHA-512 listener, StandardAuthorizer, KafkaTopic/KafkaUser documents): `up` creates
// the users' SCRAM credentials (KIP-554, salted client-side) and their ACLs, and a client nobody here wrote (kcat,
// librdkafka) logs in with them and is held to exactly those ACLs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { withAdmin } from '../../../src/kafka/connect.ts';
import { principalAcls } from '../../../src/kafka/users.ts';
import { adminConnection, locate, up } from '../../../src/local/cluster.ts';
import { parseSpec } from '../../../src/spec/load.ts';
import { runKcat } from '../../helpers/kafka-tools.ts';
import { type TestCluster, startTestCluster } from '../../helpers/local-cluster.ts';

const PORT_BASE = 21092;
const SPEC = (await readFile(new URL('../../../examples/topics-users.yaml', import.meta.url), 'utf8')).replace('num.partitions: 3', 'num.partitions: 3\n    group.initial.rebalance.delay.ms: 0');
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE });
});
after(async () => {
  await cluster?.stop();
});

const password = async (user: string) => (await readFile(cluster.result.users.find((u) => u.user === user)!.passwordFile, 'utf8')).trim();
const sasl = async (user: string, pw?: string) => ['-X', 'security.protocol=sasl_plaintext', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', `sasl.username=${user}`, '-X', `sasl.password=${pw ?? (await password(user))}`];

test('up applies the file\'s topics and users', async () => {
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

test('kcat logs in with the generated SCRAM-SHA-512 password; a wrong password is refused', async () => {
  const ok = await runKcat(['-b', cluster.bootstrap, ...(await sasl('admin')), '-L', '-m', '10']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, / 3 brokers:/);
  const bad = await runKcat(['-b', cluster.bootstrap, ...(await sasl('admin', 'wrong-password')), '-L', '-m', '10']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Authentication failed|SASL authentication error/i);
});

test('ACLs hold: orders-app may write and read orders (in an orders- group) but not payments', async () => {
  const app = await sasl('orders-app');
  const write = await runKcat(['-b', cluster.bootstrap, ...app, '-P', '-t', 'orders'], { input: 'order-1\norder-2\n' });
  assert.equal(write.code, 0, write.stderr);
  const read = await runKcat(['-b', cluster.bootstrap, ...app, '-G', 'orders-readers', 'orders', '-o', 'beginning', '-e', '-q', '-c', '2'], { timeoutMs: 90_000 });
  assert.equal(read.code, 0, read.stderr);
  assert.deepEqual(read.stdout.trim().split('\n').sort(), ['order-1', 'order-2']);
  const denied = await runKcat(['-b', cluster.bootstrap, ...app, '-P', '-t', 'payments'], { input: 'nope\n' });
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /authoriz/i);
  const admin = await runKcat(['-b', cluster.bootstrap, ...(await sasl('admin')), '-P', '-t', 'payments'], { input: 'super-user write\n' });
  assert.equal(admin.code, 0, admin.stderr);
});

test('a second up keeps passwords and makes ACLs exactly the spec again', async () => {
  const before = await password('orders-app');
  const local = await locate({ stateDir: cluster.stateDir });
  // Someone adds an ACL by hand: the spec is the truth, so up removes it.
  await withAdmin(adminConnection(local), async (admin) => {
    const { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } = await import('@platformatic/kafka');
    await admin.createAcls({ creations: [{ principal: 'User:orders-app', host: '*', resourceType: ResourceTypes.TOPIC, resourceName: 'payments', resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperations.READ, permissionType: AclPermissionTypes.ALLOW }] });
  });
  const again = await up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m' });
  assert.deepEqual(again.started, []);
  assert.equal(await password('orders-app'), before);
  const acls = await withAdmin(adminConnection(local), (admin) => principalAcls(admin, 'User:orders-app'));
  assert.equal(acls.some((a) => a.resourceName === 'payments'), false);
  assert.equal(acls.length, 4);
});
