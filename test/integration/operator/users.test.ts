// The KafkaUser controller against a real apiserver and a real SCRAM-secured Kafka: the Secret it makes holds a
// password Kafka's own tools log in with (kcat is not used: Debian's librdkafka 2.0 fails SCRAM against Kafka 4,
// see local-security.test.ts), ACLs reach Kafka, a deleted user cannot log in and leaves no ACLs, and a second
// reconcile writes nothing.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { principalAcls, usersWithScram } from '../../../src/kafka/users.ts';
import type { KubeObject } from '../../../src/operator/kube/client.ts';
import { KAFKA_TOOLS, runKafkaTool } from '../../helpers/kafka-tools.ts';
import { CLUSTER, NS, type Harness, condition, startHarness, statusOf, topicResource, waitFor } from './harness.ts';

let h: Harness;

before(async () => {
  h = await startHarness(() => undefined);
  await h.startManager();
});
after(async () => {
  await h?.stop();
});

const user = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kafkaplane.io/v1alpha1',
  kind: 'KafkaUser',
  metadata: { name, namespace: NS, labels: { 'kafkaplane.io/cluster': CLUSTER } },
  spec,
});
const get = (name: string) => h.client.get('KafkaUser', NS, name);
const secretOf = async (name: string) => {
  const data = (await h.client.get('Secret', NS, name))?.data as Record<string, string> | undefined;
  return data && Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
};

/** kafka-topics --list as `user` with the JAAS line from its Secret, on the SCRAM client listener. */
async function listAs(jaas: string) {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-operator-client-'));
  const file = join(dir, 'client.properties');
  await writeFile(file, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=${jaas}\n`);
  return runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', h.kafka.bootstrap, '--list', '--command-config', file], { timeoutMs: 60_000 });
}

test('a KafkaUser gets a SCRAM-SHA-512 credential, a Secret Kafka tools log in with, and its ACLs', async () => {
  await h.client.apply(topicResource('payments', { partitions: 1 }));
  await h.client.apply(
    user('payments-app', {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls: [{ resource: { type: 'topic', name: 'payments' }, operations: ['Read', 'Describe'] }] },
    }),
  );
  const ready = await waitFor(
    'KafkaUser Ready',
    () => get('payments-app'),
    (o) => condition(o, 'Ready')?.status === 'True',
  );
  assert.equal(statusOf(ready).username, 'payments-app');
  assert.equal(statusOf(ready).secret, 'payments-app');
  assert.deepEqual(ready?.metadata.finalizers, ['kafkaplane.io/user']);
  const secretObject = await h.client.get('Secret', NS, 'payments-app');
  assert.equal(secretObject?.metadata.ownerReferences?.[0]?.uid, ready?.metadata.uid, 'owned by the KafkaUser');
  const secret = (await secretOf('payments-app'))!;
  assert.match(secret.password!, /^[A-Za-z0-9]{32}$/);
  assert.equal(secret['sasl.jaas.config'], `org.apache.kafka.common.security.scram.ScramLoginModule required username="payments-app" password="${secret.password}";`);

  // The broker's authorizer learns the ACLs from the metadata log a moment after CreateAcls is answered — longer while
  // the broker is still creating an earlier change's partition logs (the metadata is published on the same thread).
  const wanted = ['TOPIC:payments:DESCRIBE:ALLOW', 'TOPIC:payments:READ:ALLOW'];
  const acls = await waitFor(
    'the ACLs in the broker',
    async () => (await withAdmin(h.admin, (admin) => principalAcls(admin, 'User:payments-app'))).map((a) => `${a.resourceType}:${a.resourceName}:${a.operation}:${a.permission}`).sort(),
    (found) => found.length >= wanted.length,
  );
  assert.deepEqual(acls, wanted);

  // The credential reaches the broker's cache a moment after the controller commits it.
  const login = await waitFor(
    'login with the Secret',
    () => listAs(secret['sasl.jaas.config']!),
    (r) => r.code === 0,
    60_000,
  );
  assert.deepEqual(login.stdout.trim().split('\n'), ['payments'], 'sees exactly the topic its ACLs allow');
  const wrong = await listAs('org.apache.kafka.common.security.scram.ScramLoginModule required username="payments-app" password="wrong";');
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr + wrong.stdout, /Authentication failed|SaslAuthenticationException/);
});

test('a second reconcile writes nothing: KafkaUser and Secret resourceVersions unchanged', async () => {
  const before = [await get('payments-app'), await h.client.get('Secret', NS, 'payments-app')].map((o) => o?.metadata.resourceVersion);
  const manager = await h.startManager(); // a second, fresh manager reconciles everything again
  await manager.idle();
  await manager.stop();
  const after = [await get('payments-app'), await h.client.get('Secret', NS, 'payments-app')].map((o) => o?.metadata.resourceVersion);
  assert.deepEqual(after, before);
});

test('deleting a KafkaUser removes its credential and ACLs: it cannot log in any more', async () => {
  const jaas = (await secretOf('payments-app'))!['sasl.jaas.config']!;
  await h.client.delete('KafkaUser', NS, 'payments-app');
  await waitFor(
    'KafkaUser gone',
    () => get('payments-app'),
    (o) => o === undefined,
  );
  assert.equal(await secretOf('payments-app'), undefined, 'the Secret is deleted with it (here without a garbage collector)');
  const left = await waitFor(
    'credential and ACLs gone from the broker',
    () => withAdmin(h.admin, async (admin) => ({ scram: await usersWithScram(admin, ['payments-app']), acls: await principalAcls(admin, 'User:payments-app') })),
    (l) => l.scram.size === 0 && l.acls.length === 0,
  );
  assert.equal(left.scram.size, 0);
  assert.deepEqual(left.acls, []);
  const refused = await waitFor(
    'login refused',
    () => listAs(jaas),
    (r) => r.code !== 0,
    60_000,
  );
  assert.match(refused.stderr + refused.stdout, /Authentication failed|SaslAuthenticationException/);
});
