import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ExporterState, exporterSamples, partitionStatusKey } from '../../src/exporter/metrics.ts';
import { ExporterRegistry } from '../../src/exporter/registry.ts';
import { type ClusterSnapshot, groupTopic } from '../../src/model/cluster-snapshot.ts';

const snapshot: ClusterSnapshot = {
  takenAtMs: 1_000_000,
  durationMs: 250,
  clusterId: 'c',
  controllerId: 1,
  brokers: [
    { id: 0, host: 'b0', port: 9092, rack: null },
    { id: 1, host: 'b1', port: 9092, rack: null },
  ],
  topics: [
    {
      name: 'orders',
      internal: false,
      minIsr: 2,
      partitions: [
        { partition: 0, leader: 0, replicas: [0, 1], isr: [0, 1], oldest: 5n, newest: 100n },
        { partition: 1, leader: 0, replicas: [1, 0], isr: [0], oldest: 0n, newest: 50n },
      ],
    },
    { name: 'dead', internal: false, minIsr: 1, partitions: [{ partition: 0, leader: -1, replicas: [2], isr: [], oldest: null, newest: null }] },
  ],
  groups: [
    {
      id: 'app',
      type: 'consumer',
      state: 'Stable',
      members: 2,
      topics: [
        groupTopic('orders', [
          { committed: 90n, lagSeconds: 3.5 },
          { committed: -1n, lagSeconds: null },
        ]),
      ],
    },
    { id: 'idle', type: 'classic', state: 'Empty', members: 0, topics: [groupTopic('orders', [{ committed: -1n, lagSeconds: null }])] },
  ],
  quorum: {
    leaderId: 1,
    leaderEpoch: 7,
    highWatermark: 500n,
    voters: [
      { id: 1, logEndOffset: 500n, lastCaughtUpTimestamp: 0 },
      { id: 0, logEndOffset: 480n, lastCaughtUpTimestamp: 0 },
    ],
    observers: [],
  },
  errors: [],
};

const state = (over: Partial<ExporterState> = {}): ExporterState => ({
  snapshot,
  up: true,
  nowMs: 1_002_000,
  partitionStatus: new Map([[partitionStatusKey('app', 'orders', 0), 'OK']]),
  groupStatus: new Map([['app', 'WARN']]),
  topicFilter: () => true,
  groupFilter: () => true,
  ...over,
});

const value = (samples: ReturnType<typeof exporterSamples>, name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.metric.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test("kafka_exporter's series, with its semantics: lag -1 where nothing was committed, lag_sum skips it", () => {
  const s = exporterSamples(state());
  assert.equal(value(s, 'kafka_brokers'), 2);
  assert.equal(value(s, 'kafka_broker_info', { id: '1', address: 'b1:9092' }), 1);
  assert.equal(value(s, 'kafka_topic_partitions', { topic: 'orders' }), 2);
  assert.equal(value(s, 'kafka_topic_partition_current_offset', { topic: 'orders', partition: '0' }), 100);
  assert.equal(value(s, 'kafka_topic_partition_oldest_offset', { topic: 'orders', partition: '0' }), 5);
  assert.equal(value(s, 'kafka_topic_partition_leader_is_preferred', { topic: 'orders', partition: '1' }), 0);
  assert.equal(value(s, 'kafka_topic_partition_under_replicated_partition', { topic: 'orders', partition: '1' }), 1);
  assert.equal(value(s, 'kafka_consumergroup_lag', { consumergroup: 'app', partition: '0' }), 10);
  assert.equal(value(s, 'kafka_consumergroup_lag', { consumergroup: 'app', partition: '1' }), -1);
  assert.equal(value(s, 'kafka_consumergroup_lag_sum', { consumergroup: 'app', topic: 'orders' }), 10);
  assert.equal(value(s, 'kafka_consumergroup_current_offset_sum', { consumergroup: 'app', topic: 'orders' }), 89);
  assert.equal(value(s, 'kafka_consumergroup_members', { consumergroup: 'idle' }), 0);
  assert.equal(value(s, 'kafka_consumergroup_lag', { consumergroup: 'idle' }), undefined, 'a topic the group never committed to is not reported');
});

test("kafkaplane's extras: lag seconds, Burrow status, cluster health and the quorum", () => {
  const s = exporterSamples(state());
  assert.equal(value(s, 'kafkaplane_consumergroup_lag_seconds', { consumergroup: 'app', partition: '0' }), 3.5);
  assert.equal(value(s, 'kafkaplane_consumergroup_status', { consumergroup: 'app' }), 2);
  assert.equal(value(s, 'kafkaplane_cluster_offline_partitions'), 1);
  assert.equal(value(s, 'kafkaplane_cluster_under_min_isr_partitions'), 2, 'orders-1 (ISR 1 < 2) and the leaderless dead-0');
  assert.equal(value(s, 'kafkaplane_controller_quorum_leader'), 1);
  assert.equal(value(s, 'kafkaplane_controller_quorum_lag', { node: '0', role: 'voter' }), 20);
  assert.equal(value(s, 'kafkaplane_exporter_up'), 1);
});

test("filters hide topics and groups as kafka_exporter's --topic.filter and --group.filter do", () => {
  const s = exporterSamples(state({ topicFilter: (t) => t !== 'orders', groupFilter: (g) => g === 'idle' }));
  assert.equal(value(s, 'kafka_topic_partitions', { topic: 'orders' }), undefined);
  assert.equal(value(s, 'kafka_consumergroup_members', { consumergroup: 'app' }), undefined);
  assert.equal(value(s, 'kafka_consumergroup_members', { consumergroup: 'idle' }), 0);
});

test("the registry serves kafka_exporter's help texts exactly and the staleness of the data", async () => {
  const registry = new ExporterRegistry();
  await registry.update(exporterSamples(state()), Date.now() - 5_000);
  const text = await registry.metrics();
  assert.match(text, /^# HELP kafka_brokers Number of Brokers in the Kafka Cluster\.$/m);
  assert.match(text, /^# HELP kafka_consumergroup_lag Current Approximate Lag of a ConsumerGroup at Topic\/Partition$/m);
  assert.match(text, /^# TYPE kafka_consumergroup_lag gauge$/m);
  assert.match(text, /^kafka_consumergroup_lag\{consumergroup="app",topic="orders",partition="0"\} 10$/m);
  const age = Number(/^kafkaplane_exporter_collection_age_seconds (\S+)$/m.exec(text)?.[1]);
  assert.ok(age >= 5 && age < 10, `age ${age}`);
  assert.match(text, /^process_resident_memory_bytes /m);
});

test('label values are escaped as the text format requires', async () => {
  const { exposition } = await import('../../src/exporter/registry.ts');
  const text = await exposition([{ metric: { name: 'kafka_topic_partitions', help: '', labels: ['topic'] }, labels: { topic: 'a"b\\c\nd' }, value: 3 }]);
  assert.match(text, /^kafka_topic_partitions\{topic="a\\"b\\\\c\\nd"\} 3$/m);
});

test('gzip (what Prometheus asks for): the cached collection and the scrape-time part as one multi-member stream', async () => {
  const { gunzipSync } = await import('node:zlib');
  const registry = new ExporterRegistry();
  await registry.update(exporterSamples(state()), Date.now());
  const plain = (await registry.metrics()).replace(/^kafkaplane_exporter_collection_age_seconds .*$/m, '').replace(/^process_cpu.*$/gm, '');
  const unzipped = gunzipSync(await registry.gzipped())
    .toString('utf8')
    .replace(/^kafkaplane_exporter_collection_age_seconds .*$/m, '')
    .replace(/^process_cpu.*$/gm, '');
  assert.equal(
    unzipped
      .split('\n')
      .filter((l) => l.startsWith('kafka_'))
      .join('\n'),
    plain
      .split('\n')
      .filter((l) => l.startsWith('kafka_'))
      .join('\n'),
  );
  assert.match(unzipped, /^# HELP kafkaplane_exporter_collection_age_seconds /m);
});

test('TLS certificates: seconds until each broker certificate expires (negative once expired), also while collection fails', () => {
  const certificates = [
    { brokerId: 0, address: 'b0:9093', subject: 'kafka-0', notAfterMs: 1_002_000 + 86_400_000 },
    { brokerId: 1, address: 'b1:9093', subject: 'kafka-1', notAfterMs: 1_000_000 },
  ];
  const expiry = (s: ExporterState) =>
    exporterSamples(s)
      .filter((x) => x.metric.name === 'kafkaplane_tls_certificate_expiry_seconds')
      .map((x) => [x.labels.broker, x.labels.subject, x.value]);
  assert.deepEqual(expiry(state({ certificates })), [
    ['0', 'kafka-0', 86_400],
    ['1', 'kafka-1', -2],
  ]);
  assert.deepEqual(expiry(state({ certificates, up: false, snapshot: undefined })).length, 2);
  assert.deepEqual(expiry(state()), [], 'no TLS connection, no series');
});
