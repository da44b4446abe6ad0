// The operator's toolbox against a real 3-node KRaft cluster, compared with the reference tools run from the same
// jars: topics vs TopicCommand, groups vs ConsumerGroupCommand (classic and KIP-848 groups), metadata vs kcat -L,
// cluster describe vs MetadataQuorumCommand, connect-info's properties with both tools, and doctor finding a stopped
// broker, an under-min-ISR partition and an unreachable advertised address set up on purpose (those run last: they
// damage the cluster).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { parse as parseYaml } from 'yaml';
import { readPid, startDetached, stopProcess } from '../../../src/local/processes.ts';
import { stateLayout } from '../../../src/local/state.ts';
import { runCli, runCliJson } from '../../helpers/cli.ts';
import { KAFKA_TOOLS, type ToolResult, runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { compareQuorum } from '../../helpers/quorum-compare.ts';
import { spawnWithTimeout } from '../../helpers/spawn.ts';

const PORT_BASE = TEST_PORTS.adminTools;
const SPEC = `${testClusterSpec(
  'toolbox-admin',
  `listeners:
  - name: plain
    port: 9092
  - name: scram
    port: 9093
    authentication: scram-sha-512`,
  { 'min.insync.replicas': 2 },
)}---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaUser
metadata:
  name: app
spec:
  authentication:
    type: scram-sha-512
`;

let cluster: TestCluster;
let bootstrap: string;
const run = randomUUID().slice(0, 6);
const topicName = (what: string) => `adm-${run}-${what}`;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE });
  bootstrap = cluster.bootstrap;
});
after(async () => {
  await cluster?.stop();
});

/** Runs kafkaplane in-process, as a user would from a shell. */
const cli = (...args: string[]) => runCli(args);
const cliJson = <T>(...args: string[]) => runCliJson<T>(args);

async function kafkaTool(tool: string, args: string[]): Promise<ToolResult> {
  const result = await runKafkaTool(tool, ['--bootstrap-server', bootstrap, ...args]);
  return result;
}

/** `count` keyed records; with `timestampMs`, every record carries that CreateTime (no waiting for time to pass). */
async function produce(topic: string, count: number, prefix: string, timestampMs?: number): Promise<void> {
  // acks goes with the send: @platformatic/kafka 2.12 ignores a constructor `acks` and sends acks=1 unless idempotent.
  const producer = new Producer({ clientId: 'adm-producer', bootstrapBrokers: bootstrap.split(','), serializers: stringSerializers, retries: 5, retryDelay: 500, timeout: 20_000 });
  try {
    await producer.send({
      messages: Array.from({ length: count }, (_, i) => ({ topic, key: `${prefix}-${i}`, value: `${prefix}-value-${i}`, ...(timestampMs !== undefined ? { timestamp: BigInt(timestampMs) } : {}) })),
      acks: ProduceAcks.ALL,
    });
  } finally {
    await producer.close();
  }
}

/** kafka-topics --describe output → topic headers (configs as a set: the tool prints them in HashMap order) and partition lines verbatim. */
function parseTopicDescribe(text: string) {
  const topics = new Map<string, { id: string; partitionCount: number; replicationFactor: number; configs: string[] }>();
  const partitions: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('Topic: ')) {
      const field = (name: string) => new RegExp(`${name}: ([^\\t]*)`).exec(line)?.[1] ?? '';
      topics.set(field('Topic'), {
        id: field('TopicId'),
        partitionCount: Number(field('PartitionCount')),
        replicationFactor: Number(field('ReplicationFactor')),
        configs: field('Configs').split(',').filter(Boolean).sort(),
      });
    } else if (line.startsWith('\tTopic: ')) partitions.push(line);
  }
  return { topics, partitions: partitions.sort() };
}

/** A whitespace-aligned table (kafka-consumer-groups, kafkaplane): header names → rows of cells. */
function parseTable(text: string, firstHeader = 'GROUP'): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let header: string[] | undefined;
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (line.trim() === '') continue;
    if (cells[0] === firstHeader) header = cells;
    else if (header && cells.length >= header.length) rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]!])));
  }
  return rows;
}

const offsetRow = (r: Record<string, string>) => [r.TOPIC, r.PARTITION, r['CURRENT-OFFSET'], r['LOG-END-OFFSET'], r.LAG, r['CONSUMER-ID'], r.HOST, r['CLIENT-ID']].join(' ');

/** Polls until `check` returns a value (bounded in attempts and time). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 300 && Date.now() < deadline; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ------------------------------------------------------------------------------------------------- topics

test('topics create/describe/list match kafka-topics for the same topics', async () => {
  const mine = topicName('mine');
  const assigned = topicName('assigned');
  const theirs = topicName('theirs');
  const created = await cli('topics', 'create', mine, '--partitions', '3', '--replication-factor', '3', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=compact', '-b', bootstrap);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, `Created topic ${mine}.\n`);
  assert.equal((await cli('topics', 'create', assigned, '--replica-assignment', '0:1,1:2,2:0,0:2', '-b', bootstrap)).code, 0);
  const tool = await kafkaTool(KAFKA_TOOLS.topics, ['--create', '--topic', theirs, '--partitions', '2', '--replication-factor', '2', '--config', 'max.message.bytes=200000']);
  assert.equal(tool.code, 0, tool.stderr);

  const ours = await cli('topics', 'describe', mine, assigned, theirs, '-b', bootstrap);
  assert.equal(ours.code, 0, ours.stderr);
  const reference = await kafkaTool(KAFKA_TOOLS.topics, ['--describe', '--topic', `${mine},${assigned},${theirs}`]);
  assert.equal(reference.code, 0, reference.stderr);
  const a = parseTopicDescribe(ours.stdout);
  const b = parseTopicDescribe(reference.stdout);
  assert.deepEqual(a.topics, b.topics);
  assert.deepEqual(a.partitions, b.partitions, 'partition lines are byte-identical: leader, replicas, ISR, ELR');
  assert.equal(a.topics.get(assigned)?.partitionCount, 4);
  assert.match(a.partitions.find((l) => l.includes(`${assigned}\tPartition: 3`))!, /Replicas: 0,2\t/);

  const list = await cli('topics', 'list', '-b', bootstrap);
  const refList = await kafkaTool(KAFKA_TOOLS.topics, ['--list', '--exclude-internal']);
  assert.deepEqual(list.stdout.trim().split('\n').sort(), refList.stdout.trim().split('\n').sort());
  assert.ok(!list.stdout.includes('__consumer_offsets'), 'internal topics are hidden unless asked');
  const withInternal = await cli('topics', 'list', '--include-internal', '-b', bootstrap);
  const refAll = await kafkaTool(KAFKA_TOOLS.topics, ['--list']);
  assert.deepEqual(withInternal.stdout.trim().split('\n').sort(), refAll.stdout.trim().split('\n').sort());

  // Filters select the same partitions and topics as the tool's.
  for (const filter of ['--at-min-isr-partitions', '--under-replicated-partitions', '--topics-with-overrides']) {
    const o = await cli('topics', 'describe', mine, assigned, theirs, filter, '-b', bootstrap);
    const r = await kafkaTool(KAFKA_TOOLS.topics, ['--describe', '--topic', `${mine},${assigned},${theirs}`, filter]);
    assert.deepEqual(parseTopicDescribe(o.stdout), parseTopicDescribe(r.stdout), filter);
  }
});

test('topics alter grows partitions and sets/deletes overrides; a bad alter changes nothing (exit 2)', async () => {
  const topic = topicName('alter');
  assert.equal((await cli('topics', 'create', topic, '--partitions', '2', '--config', 'cleanup.policy=compact', '-b', bootstrap)).code, 0);
  const altered = await cli('topics', 'alter', topic, '--partitions', '5', '--config', 'retention.ms=7200000', '--delete-config', 'cleanup.policy', '-b', bootstrap);
  assert.equal(altered.code, 0, altered.stderr);
  assert.match(altered.stdout, /partitions 2 → 5, retention\.ms=7200000, -cleanup\.policy/);
  const described = () => kafkaTool(KAFKA_TOOLS.topics, ['--describe', '--topic', topic]);
  let reference = parseTopicDescribe((await described()).stdout).topics.get(topic)!;
  assert.equal(reference.partitionCount, 5);
  assert.ok(reference.configs.includes('retention.ms=7200000'));
  assert.ok(!reference.configs.some((c) => c.startsWith('cleanup.policy')));

  const bad = await cli('topics', 'alter', topic, '--partitions', '8', '--config', 'retention.ms=soon', '-b', bootstrap);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /retention\.ms/);
  assert.match(bad.stderr, /nothing was changed/);
  reference = parseTopicDescribe((await described()).stdout).topics.get(topic)!;
  assert.equal(reference.partitionCount, 5, 'the partition part was not applied either');

  const fewer = await cli('topics', 'alter', topic, '--partitions', '3', '-b', bootstrap);
  assert.equal(fewer.code, 2);
  assert.match(fewer.stderr, /cannot reduce them to 3/);
});

test('bad input: unknown topics, unknown configs, malformed --command-config, nothing half-done', async () => {
  const keep = topicName('keep');
  assert.equal((await cli('topics', 'create', keep, '-b', bootstrap)).code, 0);
  const unknown = await cli('topics', 'describe', topicName('nope'), '-b', bootstrap);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /error: topic 'adm-.*-nope' does not exist/);

  const badConfig = await cli('topics', 'create', topicName('badcfg'), '--config', 'no.such.config=1', '-b', bootstrap);
  assert.equal(badConfig.code, 2, badConfig.stderr);
  assert.match(badConfig.stderr, /no\.such\.config/);
  assert.ok(!(await cli('topics', 'list', '-b', bootstrap)).stdout.includes(topicName('badcfg')));

  const deleteMixed = await cli('topics', 'delete', keep, topicName('missing'), '-b', bootstrap);
  assert.equal(deleteMixed.code, 1);
  assert.ok((await cli('topics', 'list', '-b', bootstrap)).stdout.includes(keep), 'the existing topic was not deleted either');

  const file = join(tmpdir(), `adm-${run}.properties`);
  await writeFile(file, 'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n');
  const malformed = await cli('topics', 'list', '--command-config', file, '-b', bootstrap);
  await rm(file, { force: true });
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /sasl\.jaas\.config: missing/);

  const deleted = await cli('topics', 'delete', keep, '-b', bootstrap);
  assert.equal(deleted.code, 0, deleted.stderr);
  const refList = await kafkaTool(KAFKA_TOOLS.topics, ['--list']);
  assert.ok(!refList.stdout.split('\n').includes(keep));
});

test('an unreachable bootstrap fails within the timeout, naming the address and the cause', async () => {
  const started = Date.now();
  const r = await cli('topics', 'describe', '-b', '127.0.0.1:1', '--timeout', '3');
  assert.equal(r.code, 1);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.match(r.stderr, /cannot reach Kafka at 127\.0\.0\.1:1/);
  assert.match(r.stderr, /connection refused/);
  const list = await cli('topics', 'list', '-b', 'kafka-0.kafka.svc.cluster.local:9092', '--timeout', '3');
  assert.equal(list.code, 1);
  assert.match(list.stderr, /does not resolve/);
});

// ------------------------------------------------------------------------------------------------- groups

const groupsTopic = topicName('orders');
const classicGroup = `adm-${run}-classic`;
const activeGroup = `adm-${run}-kip848`;
let activeConsumer: Promise<ToolResult> | undefined;

test('groups describe/list match kafka-consumer-groups for a classic group and an active KIP-848 group', async () => {
  assert.equal((await cli('topics', 'create', groupsTopic, '--partitions', '3', '-b', bootstrap)).code, 0);
  await produce(groupsTopic, 30, 'first');
  // A classic group that read 20 records, committed them and left: Empty, with lag.
  const consumer = new Consumer({ clientId: 'adm-classic', groupId: classicGroup, bootstrapBrokers: bootstrap.split(','), deserializers: stringDeserializers, timeout: 20_000 });
  try {
    const stream = await consumer.consume({ topics: [groupsTopic], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
    let read = 0;
    const deadline = setTimeout(() => void stream.close(), 60_000);
    for await (const message of stream) {
      await message.commit();
      if (++read >= 20) break;
    }
    clearTimeout(deadline);
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  // A KIP-848 ("consumer" protocol) group that stays active: Kafka's console consumer until it has 35 records.
  activeConsumer = runKafkaTool(
    KAFKA_TOOLS.consoleConsumer,
    [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      groupsTopic,
      '--group',
      activeGroup,
      '--from-beginning',
      '--max-messages',
      '35',
      '--consumer-property',
      'group.protocol=consumer',
      '--consumer-property',
      'auto.commit.interval.ms=500',
      '--timeout-ms',
      '240000',
    ],
    { timeoutMs: 300_000 },
  );
  await eventually('the KIP-848 group to commit all 30 records', async () => {
    const r = await cli('groups', 'describe', activeGroup, '-o', 'json', '-b', bootstrap);
    if (r.code !== 0) return undefined;
    const g = (JSON.parse(r.stdout) as { groups: { state: string; type: string; offsets: { currentOffset: number | null; lag: number | null }[] }[] }).groups[0]!;
    return g.state === 'Stable' && g.offsets.length === 3 && g.offsets.every((o) => o.lag === 0) ? g : undefined;
  });

  for (const group of [classicGroup, activeGroup]) {
    const ours = await cli('groups', 'describe', group, '-b', bootstrap);
    assert.equal(ours.code, 0, ours.stderr);
    const reference = await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--describe', '--group', group]);
    assert.equal(reference.code, 0, reference.stderr);
    assert.deepEqual(parseTable(ours.stdout).map(offsetRow).sort(), parseTable(reference.stdout).map(offsetRow).sort(), group);
  }
  const classicRows = parseTable((await cli('groups', 'describe', classicGroup, '-b', bootstrap)).stdout);
  assert.equal(
    classicRows.reduce((n, r) => n + Number(r['CURRENT-OFFSET']), 0),
    20,
  );

  const members = parseTable((await cli('groups', 'describe', activeGroup, '--members', '-b', bootstrap)).stdout);
  const refMembers = parseTable((await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--describe', '--group', activeGroup, '--members'])).stdout);
  assert.deepEqual(
    members.map((m) => [m['CONSUMER-ID'], m['#PARTITIONS']]),
    refMembers.map((m) => [m['CONSUMER-ID'], m['#PARTITIONS']]),
  );

  const listed = parseTable((await cli('groups', 'list', '-b', bootstrap)).stdout);
  const refList = (await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--list'])).stdout.trim().split('\n').filter(Boolean);
  assert.deepEqual(listed.map((g) => g.GROUP).sort(), refList.sort());
  assert.deepEqual(
    listed.filter((g) => g.GROUP === activeGroup).map((g) => [g.TYPE, g.STATE]),
    [['Consumer', 'Stable']],
  );

  const unknown = await cli('groups', 'describe', `adm-${run}-nobody`, '-b', bootstrap);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /consumer group 'adm-.*-nobody' does not exist/);
});

test("reset-offsets --execute on an active group is refused with Kafka's message, and nothing changes", async () => {
  const before = parseTable((await cli('groups', 'describe', activeGroup, '-b', bootstrap)).stdout)
    .map(offsetRow)
    .sort();
  const refused = await cli('groups', 'reset-offsets', activeGroup, '--all-topics', '--to-earliest', '--execute', '-b', bootstrap);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`Assignments can only be reset if the group '${activeGroup}' is inactive, but the current state is Stable\\.`));
  const reference = await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--group', activeGroup, '--reset-offsets', '--all-topics', '--to-earliest', '--execute']);
  assert.match(reference.stdout, new RegExp(`Assignments can only be reset if the group '${activeGroup}' is inactive, but the current state is Stable\\.`));
  assert.deepEqual(
    parseTable((await cli('groups', 'describe', activeGroup, '-b', bootstrap)).stdout)
      .map(offsetRow)
      .sort(),
    before,
  );
  const deleting = await cli('groups', 'delete', activeGroup, '-b', bootstrap);
  assert.equal(deleting.code, 1);
  assert.match(deleting.stderr, /has 1 active member/);

  // Let the console consumer finish (it stops at 35 records) so the group becomes inactive.
  await produce(groupsTopic, 5, 'more');
  const finished = await activeConsumer!;
  assert.equal(finished.code, 0, finished.stderr);
});

test("reset-offsets plans equal kafka-consumer-groups' for the same inputs; --execute commits them", async () => {
  const scope = ['--topic', groupsTopic];
  // Start from a known committed offset on every partition (so --shift-by has something to shift).
  const seeded = await cli('groups', 'reset-offsets', classicGroup, ...scope, '--to-offset', '5', '--execute', '-b', bootstrap);
  assert.equal(seeded.code, 0, seeded.stderr);
  const seededRows = parseTable((await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--describe', '--group', classicGroup])).stdout);
  assert.equal(seededRows.length, 3);
  for (const r of seededRows) assert.equal(r['CURRENT-OFFSET'], String(Math.min(5, Number(r['LOG-END-OFFSET']))));
  const scenarios: string[][] = [
    ['--to-earliest'],
    ['--to-latest'],
    ['--to-current'],
    ['--to-offset', '4'],
    ['--to-offset', '1000'],
    ['--shift-by', '-3'],
    ['--shift-by', '100'],
    ['--to-datetime', '2020-01-01T00:00:00.000'],
    ['--to-datetime', '2099-01-01T00:00:00.000'],
    ['--by-duration', 'PT1H'],
  ];
  const csv = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[^,\s]+,\d+,\d+$/.test(l))
      .sort();
  for (const scenario of scenarios) {
    const ours = await cli('groups', 'reset-offsets', classicGroup, ...scope, ...scenario, '--export', '-b', bootstrap);
    assert.equal(ours.code, 0, `${scenario.join(' ')}: ${ours.stderr}`);
    const reference = await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--group', classicGroup, '--reset-offsets', ...scope, ...scenario, '--export', '--dry-run']);
    assert.equal(reference.code, 0, reference.stderr);
    assert.deepEqual(csv(ours.stdout), csv(reference.stdout), scenario.join(' '));
    assert.equal(csv(ours.stdout).length, 3, scenario.join(' '));
  }
  // The dry run says so on a line of its own (stderr: every write a whole line), after the plan on stdout.
  const dry = await cli('groups', 'reset-offsets', classicGroup, ...scope, '--to-earliest', '-b', bootstrap);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^GROUP +TOPIC +PARTITION +NEW-OFFSET\n/);
  assert.equal(dry.stderr, 'dry run: nothing was changed (add --execute to commit these offsets)\n');
  assert.ok(
    dry.stderrWrites.every((w) => w.endsWith('\n')),
    JSON.stringify(dry.stderrWrites),
  );
  const nobody = await cli('groups', 'reset-offsets', `adm-${run}-nobody`, ...scope, '--to-earliest', '-b', bootstrap);
  assert.equal(nobody.code, 1);
  assert.equal(
    nobody.stderr,
    `error: consumer group 'adm-${run}-nobody' does not exist\nhint: check the name (\`kafkaplane groups list\`); to give a new group its starting offsets, add --allow-new-group\n`,
  );
  // --from-file: our CSV export is the tool's input format, and the other way round.
  const planFile = join(tmpdir(), `adm-${run}-plan.csv`);
  await writeFile(planFile, `${groupsTopic},0,1\n${groupsTopic},2,999999\n`);
  const fromFile = await cli('groups', 'reset-offsets', classicGroup, '--from-file', planFile, '--export', '-b', bootstrap);
  const refFromFile = await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--group', classicGroup, '--reset-offsets', '--from-file', planFile, '--export', '--dry-run']);
  assert.deepEqual(csv(fromFile.stdout), csv(refFromFile.stdout));
  await writeFile(planFile, `${groupsTopic},zero,1\n`);
  const badFile = await cli('groups', 'reset-offsets', classicGroup, '--from-file', planFile, '-b', bootstrap);
  await rm(planFile, { force: true });
  assert.equal(badFile.code, 2);
  assert.match(badFile.stderr, /plan\.csv:1: partition "zero" is not a number/);

  for (const bad of [
    ['--to-datetime', '2024-02-30T00:00:00.000'],
    ['--by-duration', '3 hours'],
    ['--to-offset', 'ten'],
    ['--to-earliest', '--to-latest'],
  ]) {
    const r = await cli('groups', 'reset-offsets', classicGroup, ...scope, ...bad, '-b', bootstrap);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
  }
  const unknownTopic = await cli('groups', 'reset-offsets', classicGroup, '--topic', topicName('none'), '--to-earliest', '-b', bootstrap);
  assert.equal(unknownTopic.code, 1);
  assert.match(unknownTopic.stderr, /topic 'adm-.*-none' does not exist/);

  const executed = await cli('groups', 'reset-offsets', classicGroup, ...scope, '--to-offset', '2', '--execute', '-b', bootstrap);
  assert.equal(executed.code, 0, executed.stderr);
  const after = parseTable((await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--describe', '--group', classicGroup])).stdout);
  assert.deepEqual(after.map((r) => [r.PARTITION, r['CURRENT-OFFSET']]).sort(), [
    ['0', '2'],
    ['1', '2'],
    ['2', '2'],
  ]);
});

test("reset-offsets --to-datetime and --by-duration in the middle of the log: the plan equals kafka-consumer-groups'", async () => {
  const topic = topicName('bytime');
  const group = `adm-${run}-bytime`;
  assert.equal((await cli('topics', 'create', topic, '--partitions', '3', '-b', bootstrap)).code, 0);
  // Two batches 40 s apart by their record timestamps (CreateTime set by the producer): every time in the gap falls
  // after batch A and before batch B, without waiting for the time to pass.
  const gapMs = 40_000;
  const afterA = Date.now() - 60_000;
  await produce(topic, 12, 'a', afterA);
  await produce(topic, 12, 'b', afterA + gapMs);
  const boundary = afterA + gapMs / 2;
  const created = await cli('groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--execute', '--allow-new-group', '-b', bootstrap);
  assert.equal(created.code, 0, created.stderr);
  const scope = ['--topic', topic];
  const csv = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[^,\s]+,\d+,\d+$/.test(l))
      .sort();
  // --to-datetime with a zone other than UTC (+02:00), so the zone is parsed, not ignored.
  const local = new Date(boundary + 2 * 3600_000).toISOString().replace('Z', '+02:00');
  // --by-duration is relative to each tool's own clock, and Kafka's JVM starts seconds after ours: aim at the middle
  // of the gap (computed just before the run), 20 s from either batch, so that both "now minus the duration" land in it.
  const byDuration = () => ['--by-duration', `PT${Math.round((Date.now() - boundary) / 1000)}S`];
  for (const next of [() => ['--to-datetime', local], byDuration]) {
    const scenario = next();
    const ours = await cli('groups', 'reset-offsets', group, ...scope, ...scenario, '--export', '-b', bootstrap);
    assert.equal(ours.code, 0, `${scenario.join(' ')}: ${ours.stderr}`);
    const reference = await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--group', group, '--reset-offsets', ...scope, ...scenario, '--export', '--dry-run']);
    assert.equal(reference.code, 0, reference.stderr);
    assert.deepEqual(csv(ours.stdout), csv(reference.stdout), scenario.join(' '));
    // In the middle: every partition moves to the end of batch A, i.e. 12 records in all are before the time.
    const offsets = csv(ours.stdout).map((l) => Number(l.split(',')[2]));
    assert.equal(
      offsets.reduce((n, o) => n + o, 0),
      12,
      `${scenario.join(' ')}: ${ours.stdout}`,
    );
  }
  assert.equal((await cli('groups', 'delete', group, '-b', bootstrap)).code, 0);
});

test('groups delete removes an inactive group; an unknown group is an error', async () => {
  const deleted = await cli('groups', 'delete', classicGroup, '-b', bootstrap);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, `Deletion of requested consumer groups ('${classicGroup}') was successful.\n`);
  const refList = await kafkaTool(KAFKA_TOOLS.consumerGroups, ['--list']);
  assert.ok(!refList.stdout.split('\n').includes(classicGroup));
  const again = await cli('groups', 'delete', classicGroup, '-b', bootstrap);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /does not exist/);
});

// ------------------------------------------------------------------------------------------------- metadata, cluster

/** kcat -L text → broker lines and topic blocks (partition lines per topic), order-free. */
function parseKcatList(text: string) {
  const brokers: string[] = [];
  const topics = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^  broker /.test(line)) brokers.push(line.replace(' (controller)', ''));
    else if (/^  topic "/.test(line)) topics.set(line, (current = []));
    else if (/^    partition /.test(line)) current?.push(line);
  }
  return { brokers: brokers.sort(), topics: new Map([...topics].map(([t, ps]) => [t, ps.sort()])), controllers: (text.match(/\(controller\)/g) ?? []).length };
}

test('metadata prints what kcat -L prints', async () => {
  const ours = await cli('metadata', '-b', bootstrap);
  assert.equal(ours.code, 0, ours.stderr);
  const kcat = await runKcat(['-b', bootstrap, '-L']);
  assert.equal(kcat.code, 0, kcat.stderr);
  const a = parseKcatList(ours.stdout);
  const b = parseKcatList(kcat.stdout);
  assert.deepEqual(a.brokers, b.brokers);
  assert.deepEqual(a.topics, b.topics);
  assert.ok([...a.topics.keys()].some((t) => t.includes(groupsTopic)));
  // The Metadata "controller" of a KRaft cluster is a broker the cluster picks per request: one is marked.
  assert.equal(a.controllers, 1);
  assert.match(ours.stdout, /^Metadata for all topics \(from broker \d: 127\.0\.0\.1:\d+\/\d\):\n 3 brokers:\n/);
  const json = await cliJson<{ brokers: { id: number; name: string }[]; topics: { topic: string }[] }>('metadata', '-t', groupsTopic, '-b', bootstrap);
  assert.deepEqual(
    json.topics.map((t) => t.topic),
    [groupsTopic],
  );
  assert.equal(json.brokers.length, 3);
});

test('cluster describe reports the quorum MetadataQuorumCommand reports', async () => {
  const report = await cliJson<{ clusterId: string; brokers: unknown[]; quorum: { leaderId: number; voters: { id: number; directoryId: string; status: string }[]; observers: unknown[] } }>(
    'cluster',
    'describe',
    '-b',
    bootstrap,
  );
  const status = await kafkaTool(KAFKA_TOOLS.metadataQuorum, ['describe', '--status']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`ClusterId:\\s+${report.clusterId}`));
  assert.match(status.stdout, new RegExp(`LeaderId:\\s+${report.quorum.leaderId}\\b`));
  // Node, directory id, status, LogEndOffset and Lag, as `describe --replication` shows them.
  await compareQuorum(
    () => cliJson('cluster', 'describe', '-b', bootstrap),
    () => kafkaTool(KAFKA_TOOLS.metadataQuorum, ['describe', '--replication']),
    { voters: 3, observers: 0 },
  );
  assert.equal(report.brokers.length, 3);
  const text = await cli('cluster', 'describe', '-b', bootstrap);
  assert.match(text.stdout, new RegExp(`KRaft quorum: leader ${report.quorum.leaderId} \\(the active controller\\)`));
});

test("connect-info --format properties works as --command-config for kafkaplane and for Kafka's own tools", async () => {
  const props = await cli('connect-info', '--state-dir', cluster.stateDir, '--format', 'properties');
  assert.equal(props.code, 0, props.stderr);
  assert.match(props.stdout, new RegExp(`bootstrap\\.servers=${bootstrap.replaceAll('.', '\\.')}`));
  const file = join(tmpdir(), `adm-${run}-client.properties`);
  await writeFile(file, props.stdout);
  try {
    const ours = await cli('topics', 'list', '--command-config', file);
    assert.equal(ours.code, 0, ours.stderr);
    assert.ok(ours.stdout.includes(groupsTopic));
    const theirs = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', bootstrap, '--command-config', file, '--list']);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.ok(theirs.stdout.includes(groupsTopic));
  } finally {
    await rm(file, { force: true });
  }
  const all = await cli('connect-info', '--state-dir', cluster.stateDir);
  for (const title of ['Spring Boot application.yaml', 'environment variables', 'Kubernetes ConfigMap', 'kcat', 'kafka-python']) assert.ok(all.stdout.includes(`# --- ${title}`), title);
  const kcatLine = await cli('connect-info', '--state-dir', cluster.stateDir, '--format', 'kcat');
  const args = kcatLine.stdout.replaceAll('\\\n', ' ').trim().split(/\s+/).slice(1);
  const kcat = await runKcat(args);
  assert.equal(kcat.code, 0, kcat.stderr);
  assert.match(kcat.stdout, / 3 brokers:/);
});

test("a SCRAM listener: connect-info's properties log kafkaplane and Kafka's tools in; a wrong password is named as such", async () => {
  const props = await cli('connect-info', '--state-dir', cluster.stateDir, '--listener', 'scram', '--user', 'app', '--format', 'properties', '--reveal-password');
  assert.equal(props.code, 0, props.stderr);
  assert.match(props.stdout, /security\.protocol=SASL_PLAINTEXT\nsasl\.mechanism=SCRAM-SHA-512\nsasl\.jaas\.config=.*username="app" password="[^<]/);
  const file = join(tmpdir(), `adm-${run}-scram.properties`);
  await writeFile(file, props.stdout);
  try {
    const list = await cli('topics', 'list', '--command-config', file);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.includes(groupsTopic));
    const metadata = await cli('metadata', '--command-config', file);
    assert.equal(metadata.code, 0, metadata.stderr);
    assert.match(metadata.stdout, new RegExp(`broker 0 at 127\\.0\\.0\\.1:${PORT_BASE + 300}`));
    const describe = await cli('topics', 'describe', groupsTopic, '--command-config', file);
    assert.equal(describe.code, 0, describe.stderr);
    const theirs = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', `127.0.0.1:${PORT_BASE + 300}`, '--command-config', file, '--list']);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.ok(theirs.stdout.includes(groupsTopic));
  } finally {
    await rm(file, { force: true });
  }

  // Spring Boot's application.yaml, read as Spring reads it: the keys it binds, and (with the password Spring would
  // resolve from ${KAFKA_SASL_PASSWORD}) the same settings log Kafka's own client in.
  const spring = await cli('connect-info', '--state-dir', cluster.stateDir, '--listener', 'scram', '--user', 'app', '--format', 'spring');
  assert.equal(spring.code, 0, spring.stderr);
  const doc = parseYaml(spring.stdout) as { spring: { kafka: { 'bootstrap-servers': string; properties: Record<string, string> } } };
  const scramBootstrap = [0, 1, 2].map((i) => `127.0.0.1:${PORT_BASE + 300 + i}`).join(',');
  assert.equal(doc.spring.kafka['bootstrap-servers'], scramBootstrap);
  assert.equal(doc.spring.kafka.properties['security.protocol'], 'SASL_PLAINTEXT');
  assert.equal(doc.spring.kafka.properties['sasl.mechanism'], 'SCRAM-SHA-512');
  assert.equal(doc.spring.kafka.properties['sasl.jaas.config'], 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${KAFKA_SASL_PASSWORD}";');
  const password = (await readFile(join(cluster.stateDir, 'users', 'app.password'), 'utf8')).trim();
  const springProps = join(tmpdir(), `adm-${run}-spring.properties`);
  await writeFile(
    springProps,
    Object.entries(doc.spring.kafka.properties)
      .map(([k, v]) => `${k}=${v.replace('${KAFKA_SASL_PASSWORD}', () => password)}`)
      .join('\n'),
  );
  try {
    const viaSpring = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', doc.spring.kafka['bootstrap-servers'], '--command-config', springProps, '--list']);
    assert.equal(viaSpring.code, 0, viaSpring.stderr);
    assert.ok(viaSpring.stdout.includes(groupsTopic));
  } finally {
    await rm(springProps, { force: true });
  }
  // The kafka-python snippet is valid Python.
  const python = await cli('connect-info', '--state-dir', cluster.stateDir, '--listener', 'scram', '--user', 'app', '--format', 'python');
  assert.equal(python.code, 0, python.stderr);
  const compiled = await spawnWithTimeout('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: python.stdout, timeoutMs: 30_000, missing: 'python3 must be installed' });
  assert.equal(compiled.code, 0, compiled.stderr);
  assert.match(python.stdout, /sasl_mechanism="SCRAM-SHA-512"/);

  const wrong = await cli('topics', 'list', '-b', `127.0.0.1:${PORT_BASE + 300}`, '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'app', '--sasl-password', 'not-the-password');
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /refused the SASL SCRAM-SHA-512 login of "app"/);
});

// ------------------------------------------------------------------------------------------------- doctor (damages the cluster: last)

interface DoctorReport {
  exitCode: number;
  findings: { check: string; severity: string; title: string; detail: string[]; fix: string | null; id?: string; causedBy?: string }[];
}

async function doctor(...args: string[]): Promise<DoctorReport & { code: number }> {
  const r = await cli('doctor', '--lag-interval', '0', '-o', 'json', ...args);
  assert.ok(r.stdout.trim().startsWith('{'), r.stderr);
  return { ...(JSON.parse(r.stdout) as DoctorReport), code: r.code };
}

test('doctor on the healthy cluster: no warning, nothing critical, exit 0 — also with --strict, and over every client listener', async () => {
  // The KIP-848 group of the groups tests is Empty now: delete it, an abandoned group is a (deserved) warning.
  const groups = await cliJson<{ id: string }[]>('groups', 'list', '-b', bootstrap);
  const leftovers = groups.map((g) => g.id).filter((id) => id.startsWith(`adm-${run}-`));
  if (leftovers.length > 0) assert.equal((await cli('groups', 'delete', ...leftovers, '-b', bootstrap)).code, 0);
  const report = await doctor('-b', bootstrap, '--strict');
  assert.deepEqual(
    report.findings.filter((f) => f.severity !== 'ok'),
    [],
  );
  assert.equal(report.code, 0);
  assert.equal(report.exitCode, 0);
  assert.ok(report.findings.some((f) => f.check === 'advertised-listeners' && f.severity === 'ok'));

  // Without -b, doctor connects through the internal REPLICATION listener, and checks each client listener too.
  const local = await doctor('--state-dir', cluster.stateDir, '--strict');
  assert.equal(local.code, 0, JSON.stringify(local.findings.filter((f) => f.severity !== 'ok')));
  const titles = local.findings.filter((f) => f.check === 'advertised-listeners').map((f) => f.title);
  assert.ok(
    titles.some((t) => /^every advertised address on the internal REPLICATION listener is reachable/.test(t)),
    titles.join('\n'),
  );
  assert.ok(titles.includes('listener plain (PLAINTEXT): every advertised address is reachable from here (3 brokers)'), titles.join('\n'));
  assert.ok(
    titles.some((t) => /^listener scram \(SASL_PLAINTEXT\): every advertised address is reachable from here \(3 brokers\); authentication not checked/.test(t)),
    titles.join('\n'),
  );
});

test('doctor finds a stopped broker and a partition under min.insync.replicas', async () => {
  const strict = topicName('strict');
  assert.equal((await cli('topics', 'create', strict, '--partitions', '1', '--replication-factor', '3', '--config', 'min.insync.replicas=3', '-b', bootstrap)).code, 0);
  // Partitions only broker 2 holds: without it they have no leader (--unavailable-partitions).
  const onlyOn2 = topicName('only2');
  assert.equal((await cli('topics', 'create', onlyOn2, '--replica-assignment', '2,2', '-b', bootstrap)).code, 0);
  const layout = stateLayout(cluster.stateDir);
  const pid = await readPid(layout.pidFile(2));
  assert.ok(pid, 'node 2 runs');
  await stopProcess(pid, 30_000);

  const report = await eventually('the cluster to notice broker 2 is gone', async () => {
    const r = await doctor('-b', bootstrap.split(',').slice(0, 2).join(','));
    return r.findings.some((f) => f.check === 'brokers' && f.severity === 'critical') && r.findings.some((f) => /min\.insync\.replicas/.test(f.title)) ? r : undefined;
  });
  assert.equal(report.code, 1);
  assert.match(report.findings.find((f) => f.check === 'brokers')!.title, /broker down: 2/);
  const underMinIsr = report.findings.find((f) => /under min\.insync\.replicas/.test(f.title))!;
  assert.equal(underMinIsr.severity, 'critical');
  assert.ok(
    underMinIsr.detail.some((d) => d.startsWith(`${strict}-0: ISR`)),
    JSON.stringify(underMinIsr.detail),
  );

  // acks: with the ISR below min.insync.replicas, acks=all is refused and --acks 1 is not (what `--acks 1` sends).
  // (Files as the records: each file is one record, and the test's own stdin stays out of it.)
  const alive2 = bootstrap.split(',').slice(0, 2).join(',');
  const record = join(tmpdir(), `adm-${run}-record`);
  await writeFile(record, 'with one ack');
  try {
    const all = await cli('produce', '-t', strict, '-b', alive2, '--timeout', '3', record);
    assert.equal(all.code, 1, all.stderr);
    assert.match(all.stderr, /NOT_ENOUGH_REPLICAS|not enough (in-sync )?replicas/i);
    const one = await cli('produce', '-t', strict, '-b', alive2, '--acks', '1', record);
    assert.equal(one.code, 0, one.stderr);
  } finally {
    await rm(record, { force: true });
  }
  // (Not read back here: consumers see records below the high watermark, which Kafka 4 does not advance while the
  // ISR is below min.insync.replicas, KIP-966. The leader's acknowledgement is what --acks 1 changes.)

  // The local view adds the process that is not running and where its log is.
  const local = await doctor('--state-dir', cluster.stateDir);
  const nodes = local.findings.find((f) => f.check === 'local-nodes')!;
  assert.equal(nodes.severity, 'critical');
  assert.match(nodes.title, /^node 2 \(.+\) of local cluster ".+" is not running/);
  assert.equal(nodes.id, 'node-2');
  // The stopped node is the root cause: the missing broker is reported under it, not as a second critical finding.
  assert.equal(local.findings.find((f) => f.check === 'brokers')?.causedBy, 'node-2');

  // kafka-topics agrees on which partitions are under min ISR.
  const alive = bootstrap.split(',').slice(0, 2).join(',');
  const ours = await cli('topics', 'describe', '--under-min-isr-partitions', '-b', alive);
  const theirs = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', alive, '--describe', '--under-min-isr-partitions', '--exclude-internal']);
  assert.deepEqual(parseTopicDescribe(ours.stdout).partitions, parseTopicDescribe(theirs.stdout).partitions);
  assert.ok(parseTopicDescribe(ours.stdout).partitions.some((l) => l.includes(strict)));

  // The other filters, now that they select something: the same partition lines as kafka-topics'.
  for (const [filter, expected] of [
    ['--under-replicated-partitions', strict],
    ['--unavailable-partitions', onlyOn2],
  ] as const) {
    const o = await cli('topics', 'describe', filter, '-b', alive);
    assert.equal(o.code, 0, o.stderr);
    const r = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', alive, '--describe', filter, '--exclude-internal']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parseTopicDescribe(o.stdout).partitions, parseTopicDescribe(r.stdout).partitions, filter);
    assert.ok(
      parseTopicDescribe(o.stdout).partitions.some((l) => l.includes(`Topic: ${expected}\t`)),
      `${filter}: ${o.stdout}`,
    );
  }
  const unavailable = parseTopicDescribe((await cli('topics', 'describe', '--unavailable-partitions', '-b', alive)).stdout).partitions;
  assert.deepEqual(
    unavailable.filter((l) => l.includes(onlyOn2)).map((l) => /Leader: (\S+)/.exec(l)![1]),
    ['none', 'none'],
  );
  const offline = report.findings.find((f) => f.check === 'partitions' && /offline/.test(f.title))!;
  assert.equal(offline.severity, 'critical');
  assert.match(offline.detail.join(' '), new RegExp(`${onlyOn2}-0, ${onlyOn2}-1`));
});

test('doctor finds a broker that advertises an address this machine cannot reach, and says what to change', async () => {
  // Node 2 comes back advertising a Kubernetes-internal name on its client listener: the #1 item of seed 004.
  const layout = stateLayout(cluster.stateDir);
  const properties = await readFile(layout.propertiesFile(2), 'utf8');
  const host = 'toolbox-admin-dual-2.toolbox-admin-dual.kafka.svc.cluster.local';
  const changed = properties.replace(/^advertised\.listeners=PLAIN:\/\/127\.0\.0\.1:/m, `advertised.listeners=PLAIN://${host}:`);
  assert.notEqual(changed, properties);
  await writeFile(layout.propertiesFile(2), changed);
  const previous = await readPid(layout.pidFile(1));
  const command = (await readFile(`/proc/${previous!.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  // Node 1's command line with node 2's files (the JVM options are the same for every node of the pool).
  const args = command.slice(1).map((a) => a.replaceAll(`${layout.nodeDir(1)}`, `${layout.nodeDir(2)}`));
  await startDetached({ command: command[0]!, args, outputFile: layout.stdoutFile(2), pidFile: layout.pidFile(2), marker: `-Dkafkaplane.node=${layout.nodeDir(2)}`, cwd: layout.nodeDir(2) });

  await eventually(
    'broker 2 to register with its new address',
    async () => {
      const metadata = await cli('metadata', '-o', 'json', '-b', bootstrap);
      return metadata.code === 0 && metadata.stdout.includes(host) ? true : undefined;
    },
    120_000,
  );
  const report = await doctor('-b', bootstrap);
  const advertised = report.findings.find((f) => f.check === 'advertised-listeners')!;
  assert.equal(advertised.severity, 'critical');
  assert.match(advertised.detail.join('\n'), new RegExp(`broker 2 advertises ${host.replaceAll('.', '\\.')}:${PORT_BASE + 2}: the host name does not resolve from here`));
  assert.match(advertised.fix!, /nodeport or loadbalancer/);
  assert.equal(report.code, 1);
  const text = await cli('doctor', '--lag-interval', '0', '-b', bootstrap);
  assert.match(text.stdout, /CRITICAL +1 broker advertises an address this machine cannot reach/);

  // Without -b doctor goes through the REPLICATION listener, which node 2 still advertises correctly: the client
  // listener check is what finds the bad PLAIN address.
  const local = await doctor('--state-dir', cluster.stateDir);
  const plain = local.findings.find((f) => f.check === 'advertised-listeners' && f.title.startsWith('listener plain'))!;
  assert.equal(plain.severity, 'critical', JSON.stringify(local.findings));
  assert.match(plain.title, /^listener plain \(PLAINTEXT\): 1 advertised address this machine cannot reach/);
  assert.match(plain.detail.join('\n'), new RegExp(`broker 2 advertises ${host.replaceAll('.', '\\.')}:${PORT_BASE + 2}: the host name does not resolve from here`));
  assert.ok(local.findings.some((f) => f.check === 'advertised-listeners' && /REPLICATION listener is reachable/.test(f.title) && f.severity === 'ok'));
  assert.equal(local.code, 1);
});
