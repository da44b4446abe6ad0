// `kafkaplane exporter` against a real 3-node cluster: every metric it reports for a known state (a topic with known
// offsets, a group committed at a known lag) has the value Kafka's own tools report for that state (GetOffsetShell,
// ConsumerGroupCommand); scrapes answer from the cache; an unreachable cluster shows as up 0, never a hung scrape.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../../helpers/cli.ts';
import { KAFKA_TOOLS, runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { httpGet, type Service, sample, startService } from '../../helpers/service.ts';

const TOPIC = 'lagged';
const GROUP = 'app';
let cluster: TestCluster;
let exporter: Service;
let base: string;

before(async () => {
  cluster = await startTestCluster(testClusterSpec('exporter', ''), { portBase: TEST_PORTS.exporter });
  const create = await runCli(['topics', 'create', TOPIC, '--partitions', '3', '--replication-factor', '3', '--state-dir', cluster.stateDir]);
  assert.equal(create.code, 0, create.stderr);
  // 10, 20 and 30 records in partitions 0, 1 and 2.
  for (const partition of [0, 1, 2]) {
    const lines = Array.from({ length: 10 * (partition + 1) }, (_, i) => `r${partition}-${i}`).join('\n');
    const r = await runKcat(['-P', '-b', cluster.bootstrap, '-t', TOPIC, '-p', String(partition), '-X', 'acks=all'], { input: `${lines}\n` });
    assert.equal(r.code, 0, r.stderr);
  }
  // The group committed offset 4 everywhere: lag 6, 16 and 26.
  const reset = await runCli(['groups', 'reset-offsets', GROUP, '--topic', TOPIC, '--to-offset', '4', '--execute', '--allow-new-group', '--state-dir', cluster.stateDir]);
  assert.equal(reset.code, 0, reset.stderr);
  const started = await startService(['exporter', '--state-dir', cluster.stateDir, '--web.listen-address', '127.0.0.1:0', '--collect.interval', '1'], /metrics at (http:\/\/\S+)\/metrics/);
  exporter = started.service;
  base = started.match[1]!;
  for (let i = 0; i < 100 && (await httpGet(`${base}/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 200));
});
after(async () => {
  await exporter?.stop();
  await cluster?.stop();
});

test('topic metrics equal GetOffsetShell and the metadata', async () => {
  const metrics = (await httpGet(`${base}/metrics`)).body;
  assert.equal(sample(metrics, 'kafka_brokers'), 3);
  assert.equal(sample(metrics, 'kafka_topic_partitions', { topic: TOPIC }), 3);
  for (const [time, metric] of [
    ['-1', 'kafka_topic_partition_current_offset'],
    ['-2', 'kafka_topic_partition_oldest_offset'],
  ] as const) {
    const tool = await runKafkaTool(KAFKA_TOOLS.getOffsetShell, ['--bootstrap-server', cluster.bootstrap, '--topic', TOPIC, '--time', time]);
    assert.equal(tool.code, 0, tool.stderr);
    const lines = tool.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const [, partition, offset] = line.split(':');
      assert.equal(sample(metrics, metric, { topic: TOPIC, partition: partition! }), Number(offset), `${metric} of partition ${partition}`);
    }
  }
  for (const partition of ['0', '1', '2']) {
    assert.equal(sample(metrics, 'kafka_topic_partition_replicas', { topic: TOPIC, partition }), 3);
    assert.equal(sample(metrics, 'kafka_topic_partition_in_sync_replica', { topic: TOPIC, partition }), 3);
    assert.equal(sample(metrics, 'kafka_topic_partition_under_replicated_partition', { topic: TOPIC, partition }), 0);
  }
  assert.equal(sample(metrics, 'kafkaplane_cluster_offline_partitions'), 0);
  assert.ok((sample(metrics, 'kafkaplane_controller_quorum_leader') ?? -1) >= 0);
});

test('group metrics equal kafka-consumer-groups --describe; lag in seconds is the age of the next record', async () => {
  const metrics = (await httpGet(`${base}/metrics`)).body;
  const tool = await runKafkaTool(KAFKA_TOOLS.consumerGroups, ['--bootstrap-server', cluster.bootstrap, '--describe', '--group', GROUP]);
  assert.equal(tool.code, 0, tool.stderr);
  const rows = tool.stdout.split('\n').filter((l) => l.startsWith(`${GROUP} `));
  assert.equal(rows.length, 3, tool.stdout);
  let lagSum = 0;
  for (const row of rows) {
    const [, topic, partition, current, , lag] = row.trim().split(/\s+/);
    assert.equal(topic, TOPIC);
    assert.equal(sample(metrics, 'kafka_consumergroup_current_offset', { consumergroup: GROUP, topic: TOPIC, partition: partition! }), Number(current));
    assert.equal(sample(metrics, 'kafka_consumergroup_lag', { consumergroup: GROUP, topic: TOPIC, partition: partition! }), Number(lag));
    lagSum += Number(lag);
    const seconds = sample(metrics, 'kafkaplane_consumergroup_lag_seconds', { consumergroup: GROUP, topic: TOPIC, partition: partition! });
    assert.ok(seconds !== undefined && seconds >= 0 && seconds < 600, `lag seconds ${seconds}`);
  }
  assert.equal(lagSum, 6 + 16 + 26);
  assert.equal(sample(metrics, 'kafka_consumergroup_lag_sum', { consumergroup: GROUP, topic: TOPIC }), lagSum);
  assert.equal(sample(metrics, 'kafka_consumergroup_current_offset_sum', { consumergroup: GROUP, topic: TOPIC }), 12);
  assert.equal(sample(metrics, 'kafka_consumergroup_members', { consumergroup: GROUP }), 0);
  assert.equal(sample(metrics, 'kafkaplane_consumergroup_status', { consumergroup: GROUP }), 1, 'no members, no window yet: OK');
});

test('a KIP-848 consumer group (group.protocol=consumer) with a live member: members, offsets and lag as kafka-consumer-groups reports them', async () => {
  const group = 'app848';
  // Kafka's own console consumer joins with the new protocol, reads all 60 records, commits, and stays until idle.
  const member = runKafkaTool(
    KAFKA_TOOLS.consoleConsumer,
    [
      '--bootstrap-server',
      cluster.bootstrap,
      '--topic',
      TOPIC,
      '--group',
      group,
      '--from-beginning',
      '--consumer-property',
      'group.protocol=consumer',
      '--consumer-property',
      'auto.commit.interval.ms=500',
      '--timeout-ms',
      '15000',
    ],
    { timeoutMs: 90_000 },
  );
  try {
    let metrics = '';
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      metrics = (await httpGet(`${base}/metrics`)).body;
      if (sample(metrics, 'kafka_consumergroup_members', { consumergroup: group }) === 1 && sample(metrics, 'kafka_consumergroup_current_offset_sum', { consumergroup: group, topic: TOPIC }) === 60)
        break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(sample(metrics, 'kafka_consumergroup_members', { consumergroup: group }), 1, 'the KIP-848 member is counted');
    const tool = await runKafkaTool(KAFKA_TOOLS.consumerGroups, ['--bootstrap-server', cluster.bootstrap, '--describe', '--group', group]);
    assert.equal(tool.code, 0, tool.stderr);
    const rows = tool.stdout.split('\n').filter((l) => l.startsWith(`${group} `));
    assert.equal(rows.length, 3, tool.stdout);
    for (const row of rows) {
      const [, , partition, current, , lag] = row.trim().split(/\s+/);
      assert.equal(sample(metrics, 'kafka_consumergroup_current_offset', { consumergroup: group, topic: TOPIC, partition: partition! }), Number(current));
      assert.equal(sample(metrics, 'kafka_consumergroup_lag', { consumergroup: group, topic: TOPIC, partition: partition! }), Number(lag));
    }
    assert.equal(sample(metrics, 'kafka_consumergroup_lag_sum', { consumergroup: group, topic: TOPIC }), 0);
    const listed = JSON.parse((await runCli(['groups', 'list', '--state-dir', cluster.stateDir, '-o', 'json'])).stdout) as { id: string; type: string }[];
    assert.equal(listed.find((g) => g.id === group)?.type, 'consumer', 'it is a KIP-848 group, not a classic one');
  } finally {
    await member;
  }
});

test('scrapes read the cache: fast, with health and readiness endpoints', async () => {
  assert.equal((await httpGet(`${base}/healthz`)).body, 'ok');
  assert.equal((await httpGet(`${base}/ready`)).status, 200);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) times.push((await httpGet(`${base}/metrics`)).ms);
  times.sort((a, b) => a - b);
  assert.ok(times[18]! < 1_000, `p95 scrape ${times[18]} ms`);
  const metrics = (await httpGet(`${base}/metrics`)).body;
  assert.equal(sample(metrics, 'kafkaplane_exporter_up'), 1);
  assert.ok((sample(metrics, 'kafkaplane_exporter_collection_age_seconds') ?? 99) < 30);
});

test('an unreachable cluster: /ready says why, metrics say up 0, and scrapes still answer at once', async () => {
  const { service, match } = await startService(
    ['exporter', '--bootstrap', '127.0.0.1:1', '--timeout', '1', '--web.listen-address', '127.0.0.1:0', '--collect.interval', '1'],
    /metrics at (http:\/\/\S+)\/metrics/,
  );
  try {
    const url = match[1]!;
    let ready = await httpGet(`${url}/ready`);
    // Until the first collection ends /ready says so; then it names the failure.
    for (let i = 0; i < 100 && (ready.status !== 503 || /no collection finished yet/.test(ready.body)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await httpGet(`${url}/ready`);
    }
    assert.match(ready.body, /not ready: .+/);
    assert.doesNotMatch(ready.body, /no collection finished yet/);
    assert.equal(ready.status, 503);
    const scrape = await httpGet(`${url}/metrics`);
    assert.equal(scrape.status, 200);
    assert.ok(scrape.ms < 1_000, `scrape took ${scrape.ms} ms`);
    assert.equal(sample(scrape.body, 'kafkaplane_exporter_up'), 0);
  } finally {
    await service.stop();
  }
});
