// `kafkaplane up` runs a real 3-node Apache Kafka KRaft cluster; clients nobody here wrote (kcat, Kafka's own
// console tools) and @platformatic/kafka use it; a node can die without losing acknowledged writes; data survives
// down/up; spec changes that existing data cannot take are refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { KafkaplaneError } from '../../../src/errors.ts';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { down } from '../../../src/local/down.ts';
import { adminConnection } from '../../../src/local/local-cluster.ts';
import { locate } from '../../../src/local/locate.ts';
import { status } from '../../../src/local/status.ts';
import { up } from '../../../src/local/up.ts';
import { readPid, stopProcess } from '../../../src/local/processes.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { runCliJson } from '../../helpers/cli.ts';
import { KAFKA_TOOLS, runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { clusterSpec, startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { cliHint } from '../../../src/cli/hints.ts';

const PORT_BASE = TEST_PORTS.localCluster;
let cluster: TestCluster;

// Seed 002's shape plus a TLS listener (the local runtime makes a CA and a broker certificate for it).
const SPEC = testClusterSpec(
  'it',
  `listeners:
  - {name: plain, port: 9092}
  - {name: tls, port: 9093, tls: true}`,
);

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE });
});
after(async () => {
  await cluster?.stop();
});

/**
 * Writes `values` with acks=all (resolving only once min.insync.replicas have each record). acks goes with every
 * send: @platformatic/kafka 2.12 ignores an `acks` given to the Producer constructor and sends acks=1 unless the
 * producer is idempotent — which once made this file "lose" acknowledged messages on a leader change, exactly as
 * acks=1 allows.
 */
async function produce(topic: string, values: string[]): Promise<void> {
  const producer = new Producer({
    clientId: 'it-producer',
    bootstrapBrokers: cluster.bootstrap.split(','),
    serializers: stringSerializers,
    retries: 5,
    retryDelay: 500,
    timeout: 20_000,
  });
  try {
    for (let i = 0; i < values.length; i += 50) {
      await producer.send({ messages: values.slice(i, i + 50).map((value, j) => ({ topic, key: `k${i + j}`, value })), acks: ProduceAcks.ALL });
    }
  } finally {
    await producer.close();
  }
}

/** Every message of a topic from the beginning, until `expected` arrived or `timeoutMs` passed. */
async function consumeAll(topic: string, expected: number, timeoutMs = 90_000): Promise<string[]> {
  const consumer = new Consumer({
    clientId: 'it-consumer',
    groupId: `it-${randomUUID()}`,
    bootstrapBrokers: cluster.bootstrap.split(','),
    deserializers: stringDeserializers,
    timeout: 20_000,
  });
  const values: string[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
    const deadline = setTimeout(() => stream.close(), timeoutMs);
    for await (const message of stream) {
      values.push(message.value as string);
      if (values.length >= expected) break;
    }
    clearTimeout(deadline);
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return values;
}

async function createTopic(name: string, partitions = 3): Promise<void> {
  const local = await locate({ stateDir: cluster.stateDir });
  await withAdmin(adminConnection(local), (admin) => admin.createTopics({ topics: [name], partitions, replicas: 3 }));
}

test('kcat -L lists 3 brokers, and the cluster reports itself healthy', async () => {
  const kcat = await runKcat(['-b', cluster.bootstrap, '-L']);
  assert.equal(kcat.code, 0, kcat.stderr);
  assert.match(kcat.stdout, / 3 brokers:/);
  for (const port of [PORT_BASE, PORT_BASE + 1, PORT_BASE + 2]) assert.match(kcat.stdout, new RegExp(`broker \\d at 127\\.0\\.0\\.1:${port}`));
  const s = await status({ stateDir: cluster.stateDir });
  assert.equal(s.healthy, true);
  assert.equal(s.bootstrap, `127.0.0.1:${PORT_BASE},127.0.0.1:${PORT_BASE + 1},127.0.0.1:${PORT_BASE + 2}`);
  assert.equal(s.quorum?.voters.length, 3);
  assert.ok(s.nodes.every((n) => n.running && n.registered && n.pid !== null));
  assert.equal(s.nodes.filter((n) => n.quorum === 'leader').length, 1);
});

test("the CLI: status -o json for scripts, and the quorum as Kafka's MetadataQuorumCommand sees it", async () => {
  const json = await runCliJson<{ bootstrap: string; healthy: boolean; quorum: { leaderId: number } }>(['status', '--state-dir', cluster.stateDir], { quiet: true });
  assert.equal(json.bootstrap, cluster.bootstrap);
  const tool = await runKafkaTool(KAFKA_TOOLS.metadataQuorum, ['--bootstrap-server', cluster.bootstrap, 'describe', '--status']);
  assert.equal(tool.code, 0, tool.stderr);
  assert.match(tool.stdout, new RegExp(`LeaderId:\\s+${json.quorum.leaderId}\\b`));
  assert.match(tool.stdout, /CurrentVoters:\s+\[.*"id":\s*0.*"id":\s*1.*"id":\s*2/s);
});

test("the TLS listener: kcat verifies the brokers' certificates against the cluster's CA", async () => {
  const tls = cluster.result.listeners.find((l) => l.name === 'tls')!;
  assert.equal(tls.securityProtocol, 'SSL');
  assert.equal(tls.bootstrap, `127.0.0.1:${PORT_BASE + 300},127.0.0.1:${PORT_BASE + 301},127.0.0.1:${PORT_BASE + 302}`);
  assert.ok(cluster.result.caFile);
  const topic = `it-tls-${randomUUID().slice(0, 8)}`;
  await createTopic(topic, 1);
  const ssl = ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${cluster.result.caFile}`];
  const produced = await runKcat(['-b', tls.bootstrap, ...ssl, '-P', '-t', topic], { input: 'over-tls\n' });
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runKcat(['-b', tls.bootstrap, ...ssl, '-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout.trim(), 'over-tls');
  // Without trusting the CA the handshake fails: the listener really is TLS with our certificate.
  const untrusted = await runKcat(['-b', tls.bootstrap, '-X', 'security.protocol=ssl', '-L', '-m', '5']);
  assert.notEqual(untrusted.code, 0);
});

test('@platformatic/kafka produces with acks=all and reads every message back', async () => {
  const topic = `it-lib-${randomUUID().slice(0, 8)}`;
  await createTopic(topic);
  const values = Array.from({ length: 200 }, (_, i) => `value-${i}`);
  await produce(topic, values);
  const read = await consumeAll(topic, values.length);
  assert.deepEqual([...read].sort(), [...values].sort());
});

test("Kafka's own console producer and consumer (from the same jars) work against it", async () => {
  const topic = `it-console-${randomUUID().slice(0, 8)}`;
  await createTopic(topic, 1);
  const lines = Array.from({ length: 20 }, (_, i) => `k${i}:console-${i}`);
  const produced = await runKafkaTool(
    KAFKA_TOOLS.consoleProducer,
    ['--bootstrap-server', cluster.bootstrap, '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:', '--producer-property', 'acks=all'],
    { input: `${lines.join('\n')}\n` },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runKafkaTool(KAFKA_TOOLS.consoleConsumer, [
    '--bootstrap-server',
    cluster.bootstrap,
    '--topic',
    topic,
    '--from-beginning',
    '--max-messages',
    '20',
    '--property',
    'print.key=true',
    '--property',
    'key.separator=:',
    '--timeout-ms',
    '30000',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n'), lines);
});

test('kcat produces and consumes keyed messages; what one client writes the others read', async () => {
  const topic = `it-kcat-${randomUUID().slice(0, 8)}`;
  await createTopic(topic, 1);
  const produced = await runKcat(['-b', cluster.bootstrap, '-P', '-t', topic, '-K', ':', '-X', 'acks=all'], { input: 'a:1\nb:2\nc:3\n' });
  assert.equal(produced.code, 0, produced.stderr);
  await produce(topic, ['from-lib']);
  const consumed = await runKcat(['-b', cluster.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k=%s\\n']);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n'), ['a=1', 'b=2', 'c=3', 'k0=from-lib']);
});

/**
 * The first `expected` values of a topic, read by kcat from the beginning: `-c` waits for the messages themselves
 * (a partition's end is a moving target right after a leader change), `-u` keeps kcat's output unbuffered so that,
 * if any is missing and kcat is killed at the timeout, the failure shows what it did read.
 */
async function kcatValues(topic: string, expected: number): Promise<string[]> {
  const consumed = await runKcat(['-b', cluster.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-c', String(expected), '-u', '-q', '-f', '%s\\n'], { timeoutMs: 60_000 });
  const values = consumed.stdout.split('\n').filter((l) => l !== '');
  assert.equal(consumed.code, 0, `kcat read ${values.length} of ${expected} messages before its timeout\n${consumed.stderr}`);
  return values;
}

test('with one node stopped, acks=all writes still succeed (min ISR 2) and no acknowledged message is lost', async () => {
  const topic = `it-failover-${randomUUID().slice(0, 8)}`;
  await createTopic(topic);
  const before = Array.from({ length: 100 }, (_, i) => `before-${i}`);
  await produce(topic, before);

  const local = await locate({ stateDir: cluster.stateDir });
  const pid = await readPid(local.layout.pidFile(1));
  assert.ok(pid);
  assert.equal(await stopProcess(pid, 60_000), 'stopped');
  const during = Array.from({ length: 100 }, (_, i) => `during-${i}`);
  try {
    await produce(topic, during); // rejects if any write is not acknowledged by min.insync.replicas = 2
    const s = await status({ stateDir: cluster.stateDir });
    assert.equal(s.nodes.find((n) => n.id === 1)!.running, false);
    assert.equal(s.healthy, false);
    assert.deepEqual(new Set(await kcatValues(topic, 200)), new Set([...before, ...during]));
  } finally {
    // `up` on a degraded cluster starts only what is missing.
    const again = await up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m', readyTimeoutMs: 180_000 });
    assert.deepEqual(again.started, [1]);
  }
  assert.equal((await status({ stateDir: cluster.stateDir })).healthy, true);
  assert.deepEqual(new Set(await kcatValues(topic, 200)), new Set([...before, ...during]), 'the restarted node lost nothing either');
});

test('down then up keeps every message; the cluster id never changes', async () => {
  const topic = `it-restart-${randomUUID().slice(0, 8)}`;
  await createTopic(topic);
  const values = Array.from({ length: 150 }, (_, i) => `persist-${i}`);
  await produce(topic, values);
  const idBefore = (await status({ stateDir: cluster.stateDir })).clusterId;

  const stopped = await down({ stateDir: cluster.stateDir, graceMs: 60_000 });
  // Each node stops with a controlled shutdown — or, if it was too slow to ask for one while two controllers were
  // still up, is killed at once (it could only wait for a quorum that is gone); data survives either way (below).
  assert.ok(
    stopped.nodes.every((n) => n.result === 'stopped' || (n.result === 'killed' && n.reason === 'no-quorum')),
    JSON.stringify(stopped.nodes),
  );
  assert.ok(stopped.nodes.filter((n) => n.result === 'stopped').length >= 2, JSON.stringify(stopped.nodes));
  assert.equal((await status({ stateDir: cluster.stateDir })).running, false);

  const restarted = await up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m', readyTimeoutMs: 180_000 });
  assert.equal(restarted.created, false);
  assert.equal(restarted.clusterId, idBefore);
  // A client nobody here wrote sees every message, and so does ours.
  assert.deepEqual(new Set(await kcatValues(topic, values.length)), new Set(values));
  assert.deepEqual(new Set(await consumeAll(topic, values.length)), new Set(values));
});

test('refused without touching anything: fewer nodes, a copied state with another cluster id', async () => {
  const fewer = clusterSpec('it', 'nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 2}');
  await assert.rejects(up({ spec: parseSpec(fewer), stateDir: cluster.stateDir, heap: '384m' }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'INCOMPATIBLE_CHANGE');
    assert.match(error.message, /node 2 \(broker\+controller, pool dual\) holds data but the spec no longer has it/);
    assert.match(cliHint(error.hint) ?? '', /down --purge/);
    return true;
  });
  assert.equal((await status({ stateDir: cluster.stateDir })).healthy, true, 'the running cluster is untouched');

  await down({ stateDir: cluster.stateDir });
  const stateFile = `${cluster.stateDir}/cluster.json`;
  const original = await readFile(stateFile, 'utf8');
  const state = JSON.parse(original) as { identity: { clusterId: string } };
  state.identity.clusterId = 'AAAAAAAAAAAAAAAAAAAAAA';
  await writeFile(stateFile, JSON.stringify(state));
  try {
    await assert.rejects(up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m' }), (error: unknown) => {
      assert.ok(error instanceof KafkaplaneError);
      assert.equal(error.code, 'INCONSISTENT_CLUSTER_ID');
      assert.match(error.message, /was formatted for cluster id .* but this cluster's id is AAAAAAAAAAAAAAAAAAAAAA/);
      return true;
    });
    assert.equal((await status({ stateDir: cluster.stateDir })).running, false, 'nothing was started');
  } finally {
    await writeFile(stateFile, original);
  }
});
