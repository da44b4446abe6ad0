// The toolbox against a real 3-node cluster, with clients nobody here wrote as the reference: what kafkaplane
// produces, kcat and Kafka's console consumer read intact (keys, headers, nulls, binary values, every codec), and
// the other way round; kafkaplane consume prints exactly the bytes kcat prints for the same -J / -f request; perf
// output parses with the same regexes as the output of Kafka's own perf tools, run here side by side.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import type { ConnectionConfig } from '../../../src/kafka/client.ts';
import { runCli, spawnCli } from '../../helpers/cli.ts';
import { KAFKA_TOOLS, produceAt, runKafkaTool } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { CONSUMER_DETAILED, CONSUMER_DETAILED_HEADER, CONSUMER_HEADER, CONSUMER_SUMMARY, PRODUCER_TOTAL, PRODUCER_WINDOW, parseConsumerSummary, parseProducerTotal } from '../../helpers/perf-lines.ts';
import { spawnWithTimeout } from '../../helpers/spawn.ts';

const PORT_BASE = TEST_PORTS.toolbox;
let cluster: TestCluster;
let B: string;
let scratch: string;

// Three combined nodes with a plaintext, a TLS and a SCRAM-SHA-512 listener, and one SCRAM user.
const SPEC = `${testClusterSpec(
  'toolbox',
  `listeners:
  - {name: plain, port: 9092}
  - {name: tls, port: 9093, tls: true}
  - {name: scram, port: 9094, authentication: scram-sha-512}`,
)}---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaUser
metadata:
  name: toolbox
  labels:
    kafkaplane.io/cluster: toolbox
spec:
  authentication:
    type: scram-sha-512
`;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE });
  B = cluster.result.listeners.find((l) => l.name === 'plain')!.bootstrap;
  scratch = await mkdtemp(join(tmpdir(), 'kafkaplane-toolbox-'));
});
after(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

const asRun = (r: { code: number; bytes: Buffer; stderr: string; ms: number }): Run => ({ code: r.code, stdout: r.bytes, stderr: r.stderr, ms: r.ms });
/** kafkaplane in this process (fast); output captured as bytes. */
const kp = async (args: string[]): Promise<Run> => asRun(await runCli(args));
/** A real process: the `kafkaplane` binary, or kcat, with stdin and raw stdout bytes. */
const spawnRaw = async (command: string, args: string[], input?: Buffer | string): Promise<Run> => asRun(await spawnWithTimeout(command, args, input === undefined ? {} : { input }));
const kpProcess = async (args: string[], input?: Buffer | string): Promise<Run> => asRun(await spawnCli(args, input === undefined ? {} : { input }));
const kcat = (args: string[], input?: Buffer | string) => spawnRaw('kcat', ['-b', B, ...args], input);

const adminConfig = (): ConnectionConfig => ({ bootstrap: B.split(','), timeoutMs: 30_000 });

async function createTopic(t: { after: (fn: () => Promise<void>) => void }, partitions = 3): Promise<string> {
  const name = `tb-${randomUUID().slice(0, 8)}`;
  await withAdmin(adminConfig(), async (admin) => {
    await admin.createTopics({ topics: [name], partitions, replicas: 3 });
    for (let i = 0; i < 100; i++) {
      const md = await admin.metadata({ topics: [name], forceUpdate: true });
      if (md.topics.get(name)?.partitions.every((p) => p.leader >= 0)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`topic ${name} has no leaders`);
  });
  t.after(() => withAdmin(adminConfig(), (admin) => admin.deleteTopics({ topics: [name] })).catch(() => undefined));
  return name;
}

async function endOffsets(topic: string): Promise<bigint> {
  return withAdmin(adminConfig(), async (admin) => {
    const md = await admin.metadata({ topics: [topic] });
    const count = md.topics.get(topic)!.partitionsCount;
    const res = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: count }, (_, i) => ({ partitionIndex: i, timestamp: -1n })) }] });
    return res.flatMap((r) => r.partitions).reduce((n, p) => n + p.offset, 0n);
  });
}

/** Splits output into records: `%K:%k%S:%s` framing from kcat or kafkaplane (lengths make it binary-safe). */
function parseFramed(buf: Buffer): { key: Buffer | null; value: Buffer | null; headers: string; partition: number }[] {
  const out: { key: Buffer | null; value: Buffer | null; headers: string; partition: number }[] = [];
  let i = 0;
  const readNum = () => {
    const end = buf.indexOf(0x3a, i);
    const n = Number(buf.subarray(i, end).toString());
    i = end + 1;
    return n;
  };
  while (i < buf.length) {
    const partition = readNum();
    const hlen = readNum();
    const headers = buf.subarray(i, i + hlen).toString('latin1');
    i += hlen;
    const klen = readNum();
    const key = klen < 0 ? null : buf.subarray(i, i + klen);
    i += Math.max(klen, 0);
    const vlen = readNum();
    const value = vlen < 0 ? null : buf.subarray(i, i + vlen);
    i += Math.max(vlen, 0);
    assert.equal(buf[i], 0x0a, 'record framing');
    i++;
    out.push({ key, value, headers, partition });
  }
  return out;
}

const sortLines = (b: Buffer) => b.toString('latin1').split('\n').filter(Boolean).sort();

test('kcat reads what kafkaplane produces: keys, headers, nulls and binary values', async (t) => {
  const topic = await createTopic(t);
  // Lines with keys (-K tab), fixed headers (one null), -Z: empty key or value → null.
  const lines = 'k1\tv1\nk2\tv2 with spaces\n\tno key\nk3\t\nplain line without key\n\n';
  const r = await kpProcess(['produce', '-b', B, '-t', topic, '-K', '\\t', '-H', 'trace=abc', '-H', 'empty=', '-H', 'nullh', '-Z'], lines);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /produced 5 messages/);
  // Binary: every byte value, one record per file (kcat semantics), to a fixed partition with a fixed key.
  const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
  const file = join(scratch, `bin-${topic}`);
  await writeFile(file, binary);
  const b = await kp(['produce', '-b', B, '-t', topic, '-p', '1', '-k', 'bin\u00e9', '-H', 'ctype=application/octet-stream', '-z', 'lz4', file]);
  assert.equal(b.code, 0, b.stderr);

  // Length-prefixed fields keep binary values unambiguous; headers are checked in a second read.
  const framed = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p:0:%K:%k%S:%s\n']);
  assert.equal(framed.code, 0, framed.stderr);
  const records = parseFramed(framed.stdout);
  const headersRead = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%K:%k|%h\n']);
  assert.equal(records.length, 6);
  const byValue = new Map(records.map((x) => [x.value === null ? 'NULL' : x.value.toString('latin1'), x]));
  assert.equal(byValue.get('v1')!.key!.toString(), 'k1');
  assert.equal(byValue.get('v2 with spaces')!.key!.toString(), 'k2');
  assert.equal(byValue.get('no key')!.key, null);
  assert.equal(byValue.get('NULL')!.key!.toString(), 'k3');
  assert.equal(byValue.get('plain line without key')!.key, null);
  const bin = records.find((x) => x.value?.length === 512)!;
  assert.deepEqual(bin.value, binary);
  assert.equal(bin.key!.toString('utf8'), 'bin\u00e9');
  assert.equal(bin.partition, 1);
  const headerLines = headersRead.stdout.toString('utf8').split('\n').filter(Boolean);
  assert.equal(headerLines.filter((l) => l.endsWith('|trace=abc,empty=,nullh=NULL')).length, 5, headersRead.stdout.toString());
  assert.ok(headerLines.includes('5:bin\u00e9|ctype=application/octet-stream'), headerLines.join('\n'));
});

test('kafkaplane consume prints exactly what kcat prints: -J envelope and -f format, every codec', async (t) => {
  const topic = await createTopic(t);
  const binary = Buffer.from([0, 1, 2, 0x0a, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xa9, 0xff, 0x1f]);
  const file = join(scratch, `kcat-bin-${topic}`);
  await writeFile(file, binary);
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    const z = codec === 'none' ? [] : ['-z', codec];
    const p = await kcat(['-P', '-t', topic, '-K', ':', '-H', `codec=${codec}`, '-H', 'dup=1', '-H', 'dup=2', '-H', 'nullh', '-Z', ...z], `a:${codec}-1\nb:${codec}-2\n:${codec}-nokey\nc:\n`);
    assert.equal(p.code, 0, p.stderr);
  }
  assert.equal((await kcat(['-P', '-t', topic, '-p', '2', '-k', 'bin', file])).code, 0);

  const ours = await kp(['consume', '-b', B, '-t', topic, '-e', '-J']);
  const theirs = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-J']);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(sortLines(ours.stdout).length, 21);
  assert.deepEqual(sortLines(ours.stdout), sortLines(theirs.stdout));
  assert.match(ours.stderr, /Reached end of topic .* \[2\] at offset \d+/);

  const format = '%t %p %o %k %s %K %S %T %h|\\n';
  const oursF = await kp(['consume', '-b', B, '-t', topic, '-e', '-q', '-f', format]);
  const theirsF = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', format]);
  assert.deepEqual(sortLines(oursF.stdout), sortLines(theirsF.stdout));
  // -o json (the global output flag) is the same envelope.
  const global = await kp(['-o', 'json', 'consume', '-b', B, '-t', topic, '-e', '-q']);
  assert.deepEqual(sortLines(global.stdout), sortLines(ours.stdout));
  // kcat -K / -Z output forms.
  const kz = await kp(['consume', '-b', B, '-t', topic, '-p', '0', '-e', '-q', '-K', '=', '-Z']);
  const kzRef = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-K', '=', '-Z']);
  // kcat -Z prints NULL for empty as well as null fields; kafkaplane only for null (empty stays empty).
  const normalize = (lines: string[]) => lines.map((l) => l.replace(/^NULL=/, '=').replace(/=NULL$/, '='));
  assert.deepEqual(normalize(sortLines(kz.stdout)), normalize(sortLines(kzRef.stdout)));
  // The binary record survives byte for byte.
  const raw = await kp(['consume', '-b', B, '-t', topic, '-p', '2', '-e', '-q', '-f', '%k:%s']);
  assert.ok(raw.stdout.includes(Buffer.concat([Buffer.from('bin:'), binary])));
});

test("Kafka's console producer and consumer interoperate, and keys land in the partition Java clients pick", async (t) => {
  const javaTopic = await createTopic(t, 6);
  const ourTopic = await createTopic(t, 6);
  const keys = Array.from({ length: 24 }, (_, i) => `key-${i}`);
  const input = keys.map((k) => `${k}:value of ${k}`).join('\n') + '\n';
  const java = await runKafkaTool(KAFKA_TOOLS.consoleProducer, ['--bootstrap-server', B, '--topic', javaTopic, '--property', 'parse.key=true', '--property', 'key.separator=:'], { input });
  assert.equal(java.code, 0, java.stderr);
  const ours = await kpProcess(['produce', '-b', B, '-t', ourTopic, '--property', 'parse.key=true', '--property', 'key.separator=:'], input);
  assert.equal(ours.code, 0, ours.stderr);

  const partitionsOf = async (topic: string) => new Map(sortLines((await kp(['consume', '-b', B, '-t', topic, '-e', '-q', '-f', '%k %p\\n'])).stdout).map((l) => l.split(' ') as [string, string]));
  const javaPartitions = await partitionsOf(javaTopic);
  assert.equal(javaPartitions.size, 24);
  assert.deepEqual(await partitionsOf(ourTopic), javaPartitions);

  const consoleConsumer = await runKafkaTool(KAFKA_TOOLS.consoleConsumer, [
    '--bootstrap-server',
    B,
    '--topic',
    ourTopic,
    '--from-beginning',
    '--max-messages',
    '24',
    '--property',
    'print.key=true',
    '--property',
    'key.separator=|',
    '--timeout-ms',
    '30000',
  ]);
  assert.equal(consoleConsumer.code, 0, consoleConsumer.stderr);
  assert.deepEqual(consoleConsumer.stdout.split('\n').filter(Boolean).sort(), keys.map((k) => `${k}|value of ${k}`).sort());
  const readBack = await kp(['consume', '-b', B, '-t', javaTopic, '-e', '-q', '-K', ':']);
  assert.deepEqual(sortLines(readBack.stdout), input.split('\n').filter(Boolean).sort());
});

test('offsets: N, -N, s@ and e@ times, -c and -e select the records kcat selects', async (t) => {
  const topic = await createTopic(t, 1);
  // Two batches whose records carry timestamps 3 s apart (CreateTime set by the producer): `boundary` lies between.
  const boundary = Date.now() - 5_000;
  await produceAt(B, topic, ['a0', 'a1', 'a2', 'a3', 'a4'], boundary - 1_500);
  await produceAt(B, topic, ['b5', 'b6', 'b7', 'b8', 'b9'], boundary + 1_500);

  const cases: [string[], string[]][] = [
    [
      ['--offset', '-3', '-e'],
      ['-o', '-3', '-e'],
    ],
    [
      ['--offset', '4', '-c', '3'],
      ['-o', '4', '-c', '3'],
    ],
    [
      ['--offset', `s@${boundary}`, '-e'],
      ['-o', `s@${boundary}`, '-e'],
    ],
    [
      ['--offset', 'beginning', '--offset', `e@${boundary}`],
      ['-o', 'beginning', '-o', `e@${boundary}`],
    ],
    [
      ['--offset', 'end', '-e'],
      ['-o', 'end', '-e'],
    ],
    [
      ['--from-beginning', '-c', '2'],
      ['-o', 'beginning', '-c', '2'],
    ],
  ];
  for (const [ours, theirs] of cases) {
    const a = await kp(['consume', '-b', B, '-t', topic, '-q', '-f', '%o:%s\\n', ...ours]);
    const b = await kcat(['-C', '-t', topic, '-q', '-f', '%o:%s\n', ...theirs]);
    assert.equal(a.code, 0, `${ours.join(' ')}: ${a.stderr}`);
    assert.equal(a.stdout.toString(), b.stdout.toString(), ours.join(' '));
    // kcat's own spelling works too: the same -o arguments given to kafkaplane.
    const habit = await kp(['consume', '-b', B, '-t', topic, '-q', '-f', '%o:%s\\n', ...theirs]);
    assert.equal(habit.code, 0, `${theirs.join(' ')}: ${habit.stderr}`);
    assert.equal(habit.stdout.toString(), b.stdout.toString(), `kcat spelling: ${theirs.join(' ')}`);
  }
  const iso = new Date(boundary).toISOString();
  const byIso = await kp(['consume', '-b', B, '-t', topic, '-q', '-e', '--offset', `s@${iso}`]);
  assert.equal(byIso.stdout.toString(), 'b5\nb6\nb7\nb8\nb9\n');
  // --timeout-ms ends a run that would otherwise wait for new records.
  const idle = await kp(['consume', '-b', B, '-t', topic, '--offset', 'end', '--timeout-ms', '1500']);
  assert.equal(idle.code, 0);
  assert.match(idle.stderr, /no message for 1500 ms/);
  assert.ok(idle.ms < 15_000, `took ${idle.ms} ms`);
});

test('produce --acks 1, --no-idempotence and --null-marker: what kcat reads, what the brokers recorded', async (t) => {
  const topic = await createTopic(t);
  // --null-marker turns an input key, value or header value equal to the marker into null (console producer input:
  // headers TAB key TAB value); a fixed -H header is not input (`-H name` without "=" is its null).
  const input = 'trace:NIL,keep:yes\tk1\tv1\ntrace:t2\tNIL\tno key\ntrace:t3\tk3\tNIL\n';
  const loose = await kpProcess(
    ['produce', '-b', B, '-t', topic, '-p', '0', '--property', 'parse.key=true', '--property', 'parse.headers=true', '--acks', '1', '--no-idempotence', '--null-marker', 'NIL', '-H', 'fixed=NIL'],
    input,
  );
  assert.equal(loose.code, 0, loose.stderr);
  assert.match(loose.stderr, /produced 3 messages/);
  const read = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%K:%k|%S:%s|%h\n']);
  assert.equal(read.code, 0, read.stderr);
  assert.deepEqual(read.stdout.toString().split('\n').filter(Boolean), ['2:k1|2:v1|fixed=NIL,trace=NULL,keep=yes', '-1:|6:no key|fixed=NIL,trace=t2', '2:k3|-1:|fixed=NIL,trace=t3']);
  // The default producer (acks=all, idempotent) to partition 1, for contrast.
  assert.equal((await kpProcess(['produce', '-b', B, '-t', topic, '-p', '1'], 'idempotent\n')).code, 0);

  // Idempotence off is visible on the brokers: an idempotent producer leaves producer state (a producer id) on
  // the partition, a plain one none (DescribeProducers, KIP-664).
  const producers = async (partition: number) => {
    const r = await runKafkaTool(KAFKA_TOOLS.transactions, ['--bootstrap-server', B, 'describe-producers', '--topic', topic, '--partition', String(partition)]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').slice(1).filter(Boolean);
  };
  assert.deepEqual(await producers(0), [], '--no-idempotence: no producer state');
  assert.equal((await producers(1)).length, 1, 'the idempotent default registers a producer id');

  // (acks=1 against acks=all needs a partition whose ISR is below min.insync.replicas: admin-tools.test.ts checks it
  // with a broker stopped. A topic whose min.insync.replicas exceeds its replication factor does not do: Kafka 4
  // caps the effective minimum at the replication factor, KIP-966.)
});

test('group mode commits what it printed: a second member resumes, and kafka-consumer-groups sees the offsets', async (t) => {
  const topic = await createTopic(t);
  const values = Array.from({ length: 30 }, (_, i) => `m${i}`);
  assert.equal((await kpProcess(['produce', '-b', B, '-t', topic], values.join('\n') + '\n')).code, 0);
  const group = `g-${randomUUID().slice(0, 8)}`;
  const first = await kp(['consume', '-b', B, '-t', topic, '-G', group, '--offset', 'beginning', '-c', '10', '-q']);
  assert.equal(first.code, 0, first.stderr);
  // Partitions the first member never read have nothing committed: --offset beginning is where those start.
  const second = await kp(['consume', '-b', B, '-t', topic, '-G', group, '--offset', 'beginning', '-e', '-q']);
  assert.equal(second.code, 0, second.stderr);
  const seen = [...sortLines(first.stdout), ...sortLines(second.stdout)];
  assert.equal(sortLines(first.stdout).length, 10);
  assert.deepEqual(seen.sort(), [...values].sort());
  const describe = await runKafkaTool(KAFKA_TOOLS.consumerGroups, ['--bootstrap-server', B, '--describe', '--group', group]);
  assert.equal(describe.code, 0, describe.stderr);
  const rows = describe.stdout.split('\n').filter((l) => l.includes(topic));
  assert.equal(rows.length, 3, describe.stdout);
  const current = rows.map((r) => r.trim().split(/\s+/)).reduce((n, cols) => n + Number(cols[3]), 0);
  const lag = rows.map((r) => r.trim().split(/\s+/)).reduce((n, cols) => n + Number(cols[5]), 0);
  assert.equal(current, 30);
  assert.equal(lag, 0);
});

test('bad input: a clear message, exit code 2 (usage) or 1 (the cluster disagrees), and nothing half-done', async (t) => {
  const topic = await createTopic(t);
  const missing = `missing-${randomUUID().slice(0, 8)}`;
  const cases: [string[], number, RegExp][] = [
    [['consume', '-b', B, '-t', missing, '-e'], 1, new RegExp(`topic "${missing}" does not exist`)],
    [['perf', 'produce', '-b', B, '--topic', missing, '--num-records', '10', '--record-size', '10', '--throughput', '-1'], 1, /does not exist/],
    [['consume', '-b', B, '-t', topic, '--offset', 'yesterday'], 2, /invalid offset "yesterday"/],
    [['consume', '-b', B, '-t', topic, '--offset', 's@not-a-time'], 2, /invalid offset "s@not-a-time"/],
    [['consume', '-b', B, '-t', topic, '-f', '%t %x'], 2, /unsupported token "%x"/],
    [['consume', '-b', B, '-t', topic, '-f', '%s %'], 2, /lone "%"/],
    [['consume', '-b', B, '-t', topic, '--offset', '99', '-e'], 1, /offset 99 is out of range/],
    [['consume', '-b', B, '-t', topic, '-p', '7', '-e'], 1, /has 3 partitions \(0-2\); there is no partition 7/],
    [['consume', '-b', B, '-t', topic, '-G', 'g', '--offset', '5'], 2, /with --group, --offset only says where to start/],
    [['produce', '-b', B, '-t', topic, '--acks', '2'], 2, /acks must be 0, 1 or all/],
    [['produce', '-b', B, '-t', topic, '-z', 'brotli'], 2, /compression must be one of/],
    [['perf', 'consume', '-b', B, '--topic', topic, '--messages', '10', '--date-format', 'yyyy-QQ'], 2, /pattern letter "Q"/],
  ];
  for (const [args, code, message] of cases) {
    const r = await kp(args);
    assert.equal(r.code, code, `${args.join(' ')}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /hit a bug/);
  }
  const unknownTopic = await kpProcess(['produce', '-b', B, '-t', missing], 'x\n');
  assert.equal(unknownTopic.code, 1);
  assert.match(unknownTopic.stderr, /does not exist/);
  // A malformed line in the middle of piped input: nothing is sent, and the message names the record.
  const bad = await kpProcess(['produce', '-b', B, '-t', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], 'k1:v1\nk2:v2\nno separator here\nk4:v4\n');
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /record 3: no key separator ":" found: "no separator here"/);
  assert.equal(await endOffsets(topic), 0n);
});

test('an unreachable bootstrap fails within the timeout, naming the address and the likely cause', async () => {
  const refused = await kp(['consume', '-b', '127.0.0.1:1', '-t', 'x', '-e']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /cannot reach Kafka at 127\.0\.0\.1:1/);
  assert.match(refused.stderr, /connection refused|nothing listens/);
  // A black-holed address: no answer at all. Must end within the 2-second timeout (plus startup), never hang.
  const dropped = await kp(['perf', 'produce', '-b', '10.255.255.1:9092', '--timeout', '2', '--topic', 'x', '--num-records', '1', '--record-size', '1', '--throughput', '-1']);
  assert.equal(dropped.code, 1);
  assert.match(dropped.stderr, /10\.255\.255\.1:9092/);
  assert.ok(dropped.ms < 10_000, `took ${dropped.ms} ms`);
});

test('without --bootstrap, the toolbox talks to the local cluster `kafkaplane up` started', async (t) => {
  const topic = await createTopic(t);
  const p = await kpProcess(['produce', '--state-dir', cluster.stateDir, '-t', topic, '-k', 'k'], 'hello\n');
  assert.equal(p.code, 0, p.stderr);
  const c = await kp(['consume', '--state-dir', cluster.stateDir, '-t', topic, '-e', '-q', '-f', '%k=%s\\n']);
  assert.equal(c.stdout.toString(), 'k=hello\n');
});

test('perf produce prints kafka-producer-perf-test lines: one set of regexes parses both tools', async (t) => {
  const topic = await createTopic(t);
  const args = ['--topic', topic, '--num-records', '20000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${B}`, 'acks=all'];
  const java = await runKafkaTool(KAFKA_TOOLS.producerPerf, args, { timeoutMs: 240_000 });
  assert.equal(java.code, 0, java.stderr);
  const ours = await kp(['perf', 'produce', ...args]);
  assert.equal(ours.code, 0, ours.stderr);
  for (const [who, out] of [
    ['kafka', java.stdout],
    ['kafkaplane', ours.stdout.toString()],
  ] as const) {
    const lines = out.split('\n').filter(Boolean);
    assert.ok(lines.length >= 1, who);
    for (const line of lines.slice(0, -1)) assert.match(line, PRODUCER_WINDOW, `${who}: ${line}`);
    assert.match(lines.at(-1)!, PRODUCER_TOTAL, `${who}: ${lines.at(-1)}`);
    assert.equal(parseProducerTotal(lines.at(-1)!)!.records, 20000, who);
  }
  // Throttled: both print 5-second window lines, and kafkaplane keeps to the requested rate.
  const throttled = ['--topic', topic, '--num-records', '6000', '--record-size', '512', '--throughput', '1000', '--producer-props', `bootstrap.servers=${B}`, 'compression.type=gzip'];
  const [javaSlow, oursSlow] = await Promise.all([runKafkaTool(KAFKA_TOOLS.producerPerf, throttled, { timeoutMs: 240_000 }), kp(['perf', 'produce', ...throttled])]);
  for (const [who, out] of [
    ['kafka', javaSlow.stdout],
    ['kafkaplane', oursSlow.stdout.toString()],
  ] as const) {
    const lines = out.split('\n').filter(Boolean);
    assert.ok(lines.length >= 2, `${who} printed no window line:\n${out}`);
    for (const line of lines.slice(0, -1)) assert.match(line, PRODUCER_WINDOW, `${who}: ${line}`);
    const total = parseProducerTotal(lines.at(-1)!)!;
    assert.equal(total.records, 6000, who);
    assert.ok(total.recordsPerSec <= 1100, `${who}: ${total.recordsPerSec} records/sec`);
  }
  assert.equal(await endOffsets(topic), 20000n * 2n + 6000n * 2n);
});

test('perf consume prints kafka-consumer-perf-test lines: header, summary and detailed stats parse alike', async (t) => {
  const topic = await createTopic(t);
  const fill = await kp(['perf', 'produce', '--topic', topic, '--num-records', '30000', '--record-size', '200', '--throughput', '-1', '--producer-props', `bootstrap.servers=${B}`]);
  assert.equal(fill.code, 0, fill.stderr);
  const args = ['--bootstrap-server', B, '--topic', topic, '--messages', '25000', '--timeout', '20000'];
  const java = await runKafkaTool(KAFKA_TOOLS.consumerPerf, args, { timeoutMs: 240_000 });
  assert.equal(java.code, 0, java.stderr);
  const ours = await kp(['perf', 'consume', ...args]);
  assert.equal(ours.code, 0, ours.stderr);
  for (const [who, out] of [
    ['kafka', java.stdout],
    ['kafkaplane', ours.stdout.toString()],
  ] as const) {
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines[0], CONSUMER_HEADER, who);
    assert.match(lines[1]!, CONSUMER_SUMMARY, `${who}: ${lines[1]}`);
    const summary = parseConsumerSummary(lines[1]!)!;
    assert.ok(summary.messages >= 25000, `${who}: ${summary.messages}`);
    // 200-byte values, no keys: MB is messages × 200 / 1024².
    assert.ok(Math.abs(summary.mb - (summary.messages * 200) / 1048576) < 0.001, `${who}: ${summary.mb} MB`);
  }
  // --from-latest with nothing new: both give up after --timeout with Kafka's warning.
  const detailed = ['--bootstrap-server', B, '--topic', topic, '--messages', '30000', '--timeout', '3000', '--show-detailed-stats', '--reporting-interval', '1', '--from-latest'];
  const [javaD, oursD] = await Promise.all([
    runKafkaTool(KAFKA_TOOLS.consumerPerf, [...detailed, '--group', `gj-${randomUUID().slice(0, 6)}`], { timeoutMs: 240_000 }),
    kp(['perf', 'consume', ...detailed, '--group', `gk-${randomUUID().slice(0, 6)}`]),
  ]);
  for (const [who, out] of [
    ['kafka', javaD.stdout],
    ['kafkaplane', oursD.stdout.toString()],
  ] as const) {
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines[0], CONSUMER_DETAILED_HEADER, who);
    assert.match(lines.at(-1)!, /^WARNING: Exiting before consuming the expected number of messages: timeout \(3000 ms\) exceeded\. You can use the --timeout option to increase the timeout\.$/, who);
    for (const line of lines.slice(1, -1)) assert.match(line, CONSUMER_DETAILED, `${who}: ${line}`);
  }
  const fromStart = await kp(['perf', 'consume', '--bootstrap-server', B, '--topic', topic, '--messages', '30000', '--show-detailed-stats', '--reporting-interval', '1']);
  const lines = fromStart.stdout.toString().split('\n').filter(Boolean);
  assert.equal(lines[0], CONSUMER_DETAILED_HEADER);
  assert.ok(lines.length >= 2, fromStart.stdout.toString());
  for (const line of lines.slice(1)) assert.match(line, CONSUMER_DETAILED, line);
});

test('TLS and SCRAM listeners: the toolbox connects with --tls/--tls-ca and with a SCRAM --command-config', async (t) => {
  const topic = await createTopic(t);
  const tls = cluster.result.listeners.find((l) => l.name === 'tls')!;
  const scram = cluster.result.listeners.find((l) => l.name === 'scram')!;
  assert.equal(tls.securityProtocol, 'SSL');
  assert.equal(scram.securityProtocol, 'SASL_PLAINTEXT');
  const password = (await readFile(cluster.result.users.find((u) => u.user === 'toolbox')!.passwordFile, 'utf8')).trim();
  const props = join(scratch, 'toolbox-scram.properties');
  await writeFile(
    props,
    `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="toolbox" password="${password}";\n`,
  );

  const overTls = await kpProcess(['produce', '-b', tls.bootstrap, '--tls', '--tls-ca', cluster.result.caFile!, '-t', topic, '-K', ':'], 'tls-key:over tls\n');
  assert.equal(overTls.code, 0, overTls.stderr);
  const overScram = await kpProcess(['produce', '-b', scram.bootstrap, '--command-config', props, '-t', topic, '-K', ':'], 'scram-key:over scram\n');
  assert.equal(overScram.code, 0, overScram.stderr);
  const perf = await kp([
    'perf',
    'produce',
    '--topic',
    topic,
    '--num-records',
    '1000',
    '--record-size',
    '10',
    '--throughput',
    '-1',
    '--producer.config',
    props,
    '--producer-props',
    `bootstrap.servers=${scram.bootstrap}`,
  ]);
  assert.equal(perf.code, 0, perf.stderr);
  assert.match(lastLineOf(perf.stdout), PRODUCER_TOTAL);

  const viaScram = await kp(['consume', '-b', scram.bootstrap, '--command-config', props, '-t', topic, '-e', '-q', '-f', '%k=%s\\n']);
  assert.equal(viaScram.code, 0, viaScram.stderr);
  assert.ok(viaScram.stdout.toString().includes('tls-key=over tls\n'));
  assert.ok(viaScram.stdout.toString().includes('scram-key=over scram\n'));
  const viaTls = await kp(['consume', '-b', tls.bootstrap, '--tls', '--tls-ca', cluster.result.caFile!, '-t', topic, '-G', `g-${randomUUID().slice(0, 6)}`, '--offset', 'beginning', '-e', '-q']);
  assert.equal(viaTls.code, 0, viaTls.stderr);
  assert.equal(sortLines(viaTls.stdout).length, 1002);
  const perfConsume = await kp(['perf', 'consume', '--bootstrap-server', scram.bootstrap, '--consumer.config', props, '--topic', topic, '--messages', '1002']);
  assert.equal(perfConsume.code, 0, perfConsume.stderr);
  assert.equal(parseConsumerSummary(lastLineOf(perfConsume.stdout))!.messages, 1002);
  // kcat (librdkafka) over TLS reads what came in over SCRAM, and a wrong password is refused clearly.
  const ssl = ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${cluster.result.caFile}`];
  const kc = await spawnRaw('kcat', ['-b', tls.bootstrap, ...ssl, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n']);
  assert.ok(kc.stdout.toString().includes('scram-key=over scram\n'), kc.stdout.toString().slice(0, 200));
  assert.ok(kc.stdout.toString().includes('tls-key=over tls\n'));
  const wrong = join(scratch, 'wrong.properties');
  await writeFile(wrong, (await readFile(props, 'utf8')).replace(password, 'not-the-password'));
  const refused = await kp(['consume', '-b', scram.bootstrap, '--command-config', wrong, '-t', topic, '-e']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /SASL|authentication|credentials/i);
  assert.doesNotMatch(refused.stderr, /hit a bug/);
});

test('doctor without -b checks every client listener: PLAINTEXT and TLS over Kafka, SCRAM by TCP (authentication not checked)', async () => {
  const r = await kp(['doctor', '--state-dir', cluster.stateDir, '--lag-interval', '0', '-o', 'json']);
  const report = JSON.parse(r.stdout.toString()) as { findings: { check: string; severity: string; title: string }[] };
  const titles = report.findings.filter((f) => f.check === 'advertised-listeners').map((f) => `${f.severity} ${f.title}`);
  assert.deepEqual(titles.filter((t) => t.includes('listener ')).sort(), [
    'ok every advertised address on the internal REPLICATION listener is reachable from here (3 brokers)',
    'ok listener plain (PLAINTEXT): every advertised address is reachable from here (3 brokers)',
    'ok listener scram (SASL_PLAINTEXT): every advertised address is reachable from here (3 brokers); authentication not checked (doctor has no SASL_PLAINTEXT credentials: only TCP to the advertised addresses)',
    'ok listener tls (SSL): every advertised address is reachable from here (3 brokers)',
  ]);
  assert.equal(r.code, 0, titles.join('\n'));
});

const lastLineOf = (b: Buffer) => b.toString().trim().split('\n').at(-1) ?? '';
