// `kafkaplane operator run` as a process, from a "laptop" (--kafka-bootstrap to the local brokers): it serves
// /healthz, /readyz and /metrics; SIGKILLed mid-reconcile again and again (a fresh process takes the Lease over each
// time) it still converges; SIGTERM stops it gracefully and gives the Lease up; two replicas: one leads; the
// replication throttle an operator killed mid-drain left is removed by the next one (Kafka's kafka-configs judges).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { observeTopics } from '../../../src/kafka/topic-reconcile.ts';
import { KAFKA_TOOLS, runKafkaTool } from '../../helpers/kafka-tools.ts';
import { CLUSTER, NS, type Harness, condition, startHarness, statusOf, topicResource, waitFor } from './harness.ts';

let h: Harness;
const children = new Set<ChildProcess>();

before(async () => {
  h = await startHarness(() => undefined);
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.stop();
});

interface Operator {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  stderr: () => string;
}

function startOperator(): Operator {
  const child = spawn(process.execPath, h.operatorRunArgs('--health-port', '0', '--health-address', '127.0.0.1', '--lease-duration', '3'), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    err += chunk;
    for (const line of chunk.split('\n')) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, lines, exited, stderr: () => err };
}

const leaseHolder = async () => ((await h.client.get('Lease', NS, 'kafkaplane-operator'))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

test('health, readiness and metrics endpoints', async () => {
  const op = startOperator();
  const served = await waitFor(
    'health address logged',
    async () => op.lines.find((l) => l.msg === 'serving /healthz, /readyz and /metrics'),
    (l) => l !== undefined,
  );
  const base = `http://${served!.address as string}`;
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  await waitFor(
    'ready',
    async () => (await fetch(`${base}/readyz`)).status,
    (s) => s === 200,
  );
  await h.client.apply(topicResource('metered', { partitions: 1 }));
  await waitFor(
    'Ready',
    () => h.client.get('KafkaTopic', NS, 'metered'),
    (o) => condition(o, 'Ready')?.status === 'True',
  );
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /kafkaplane_operator_reconcile_total\{kind="KafkaTopic",result="(success|requeue)"\} [1-9]/);
  assert.match(metrics, /kafkaplane_operator_reconcile_duration_seconds_bucket\{le="[0-9.]+",kind="KafkaTopic"\}/);
  assert.match(metrics, /kafkaplane_operator_workqueue_depth\{kind="KafkaUser"\} 0/);
  assert.match(metrics, /kafkaplane_operator_leader 1/);

  // SIGTERM: a graceful stop that gives the Lease up at once.
  const holder = await leaseHolder();
  assert.ok(holder, 'the operator holds the Lease');
  op.child.kill('SIGTERM');
  assert.equal(await op.exited, 0, op.stderr());
  assert.equal(await leaseHolder(), '', 'Lease released');
});

test('killed (SIGKILL) mid-reconcile again and again, the operator converges', { timeout: 240_000 }, async () => {
  const names = Array.from({ length: 30 }, (_, i) => `killed-${i}`);
  for (const name of names) await h.client.apply(topicResource(name, { partitions: 2, config: { 'retention.ms': 120000 } }));
  for (let round = 0; round < 3; round++) {
    const op = startOperator();
    // Until it leads and has started reconciling (a killed leader's Lease expires after 3 s), then a little more.
    await waitFor(
      'reconciling',
      async () => op.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('became the leader')),
      (x) => x,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 50 + round * 100));
    op.child.kill('SIGKILL');
    await op.exited;
  }
  const last = startOperator();
  for (const name of names)
    await waitFor(
      `${name} Ready`,
      () => h.client.get('KafkaTopic', NS, name),
      (o) => condition(o, 'Ready')?.status === 'True',
      60_000,
    );
  const observed = await withAdmin(h.admin, (admin) => observeTopics(admin, names));
  for (const name of names) assert.deepEqual({ p: observed.get(name)?.partitions, o: observed.get(name)?.overrides }, { p: 2, o: { 'retention.ms': '120000' } }, name);
  last.child.kill('SIGTERM');
  assert.equal(await last.exited, 0);
});

test('two replicas: one leads, the other takes over when it stops', { timeout: 120_000 }, async () => {
  const a = startOperator();
  await waitFor(
    'a leads',
    async () => a.lines.some((l) => String(l.msg).startsWith('became the leader')),
    (x) => x,
  );
  const b = startOperator();
  await waitFor(
    'b synced',
    async () => b.lines.some((l) => l.msg === 'caches synced'),
    (x) => x,
  );
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(!b.lines.some((l) => String(l.msg).startsWith('became the leader')), 'b waits while a leads');
  a.child.kill('SIGTERM');
  assert.equal(await a.exited, 0);
  await waitFor(
    'b leads',
    async () => b.lines.some((l) => String(l.msg).startsWith('became the leader')),
    (x) => x,
    15_000,
  );
  await h.client.apply(topicResource('after-takeover', { partitions: 1 }));
  await waitFor(
    'Ready under b',
    () => h.client.get('KafkaTopic', NS, 'after-takeover'),
    (o) => condition(o, 'Ready')?.status === 'True',
  );
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0);
});

test('a replication throttle left by an operator killed mid-drain: the next one removes it and drops the record', { timeout: 120_000 }, async () => {
  // kafka-configs.sh as the internal super user, on the listener the operator uses.
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-operator-configs-'));
  const commandConfig = join(dir, 'admin.properties');
  const sasl = h.admin.sasl!;
  await writeFile(
    commandConfig,
    `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${sasl.username}" password="${sasl.password}";\n`,
  );
  const configs = async (...args: string[]) => {
    const out = await runKafkaTool(KAFKA_TOOLS.configs, ['--bootstrap-server', h.admin.bootstrap.join(','), '--command-config', commandConfig, ...args], { timeoutMs: 60_000 });
    assert.equal(out.code, 0, out.stderr);
    return out.stdout;
  };
  // What a drain killed between setting its throttle and removing it leaves: the rate on the broker, the throttled
  // replicas on the topic it moved, and its record in the KafkaCluster status (written by the operator's field manager).
  await withAdmin(h.admin, (admin) => admin.createTopics({ topics: [{ topic: 'drained', partitions: 2, replicas: 1 }] }));
  await configs('--entity-type', 'brokers', '--entity-name', '0', '--alter', '--add-config', 'leader.replication.throttled.rate=1048576,follower.replication.throttled.rate=1048576');
  await configs('--entity-type', 'topics', '--entity-name', 'drained', '--alter', '--add-config', 'leader.replication.throttled.replicas=[0:0,1:0],follower.replication.throttled.replicas=[0:0,1:0]');
  assert.match(await configs('--entity-type', 'topics', '--entity-name', 'drained', '--describe'), /leader\.replication\.throttled\.replicas=0:0,1:0/);
  const record = { brokers: [1], throttle: { brokers: [0], topics: ['drained'] } };
  await h.client.applyStatus({ apiVersion: 'kafkaplane.io/v1alpha1', kind: 'KafkaCluster', metadata: { name: CLUSTER, namespace: NS }, status: { drain: record } });
  assert.deepEqual(statusOf(await h.client.get('KafkaCluster', NS, CLUSTER)).drain, record);

  const op = startOperator();
  await waitFor(
    'the drain record gone from the KafkaCluster status',
    () => h.client.get('KafkaCluster', NS, CLUSTER),
    (o) => statusOf(o).drain === undefined && statusOf(o).observedGeneration !== undefined,
    60_000,
  );
  assert.ok(
    op.lines.some((l) => l.msg === 'removed the replication throttle of an interrupted drain'),
    op.stderr(),
  );
  assert.doesNotMatch(await configs('--entity-type', 'topics', '--entity-name', 'drained', '--describe'), /throttled/);
  assert.doesNotMatch(await configs('--entity-type', 'brokers', '--entity-name', '0', '--describe'), /throttled/);
  op.child.kill('SIGTERM');
  assert.equal(await op.exited, 0, op.stderr());
});
