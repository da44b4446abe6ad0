// kafkaplane's toolbox against Apache Kafka's own tools, side by side, on one cluster in one run (npm run bench).
//
//   perf produce   vs  kafka-producer-perf-test   (100 B and 1 KiB records, acks=all)
//   perf consume   vs  kafka-consumer-perf-test
//   topics list    vs  kafka-topics --list        (wall time, when `kafkaplane topics` exists)
//
// Each pair runs alternately (kafka, kafkaplane, kafka, kafkaplane, …) so load from anything else on the machine
// hits both alike; the report gives every run and the median ratio. Both tools run as separate processes, the Java
// tools with the JVM options of Kafka's own scripts (kafka-run-class.sh, KAFKA_HEAP_OPTS=-Xmx512M), so the numbers
// are what a user of either tool would see.
//
// Options: --rounds N (default 3), --records N (100-byte run; the 1 KiB run uses N/3), --profile DIR (write
// --cpu-prof profiles of the kafkaplane runs there), --json FILE (raw results), --keep (leave the cluster up).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withAdmin } from '../src/kafka/admin-session.ts';
import { resolveDistribution } from '../src/local/distribution.ts';
import { findJava } from '../src/local/java.ts';
import { toolLoggingConfig } from '../src/local/logging.ts';
import { DEFAULT_KAFKA_VERSION } from '../src/api/kafka-cluster.ts';
import { startTestCluster, TEST_PORTS, testClusterSpec } from '../test/helpers/local-cluster.ts';
import { CONSUMER_SUMMARY, PRODUCER_TOTAL, parseConsumerSummary, parseProducerTotal } from '../test/helpers/perf-lines.ts';

const PORT_BASE = TEST_PORTS.bench;
const BIN = fileURLToPath(new URL('../bin/kafkaplane.js', import.meta.url));
/** Kafka's scripts: kafka-run-class.sh KAFKA_JVM_PERFORMANCE_OPTS, and the -Xmx512M the perf scripts set. */
const KAFKA_SCRIPT_JVM = [
  '-Xmx512M',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];
/** kafka-topics.sh uses kafka-run-class.sh's default heap (256M). */
const KAFKA_TOPICS_JVM = ['-Xmx256M', ...KAFKA_SCRIPT_JVM.slice(1)];
const RUN_TIMEOUT_MS = 600_000;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    records: { type: 'string', default: '300000' },
    profile: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const rounds = Number(opts.rounds);
const records100 = Number(opts.records);
const records1k = Math.max(1000, Math.floor(records100 / 3));
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], timeoutMs = RUN_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: performance.now() - started });
    });
  });
}

const [java, dist] = await Promise.all([findJava(), resolveDistribution(DEFAULT_KAFKA_VERSION)]);
const logging = toolLoggingConfig(dist.logging);
const logFile = join(tmpdir(), `kafkaplane-bench-${logging.fileName}`);
writeFileSync(logFile, logging.text);
const kafkaTool = (mainClass: string, args: string[], jvm = KAFKA_SCRIPT_JVM) => run(java.bin, [...jvm, `${logging.jvmFlag}${logFile}`, '-cp', dist.classpath, mainClass, ...args]);
let profileCount = 0;
const kafkaplane = (args: string[]) =>
  run(process.execPath, [
    ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`, `--cpu-prof-name=kafkaplane-${++profileCount}-${args.slice(0, 2).join('-')}.cpuprofile`] : []),
    BIN,
    ...args,
  ]);

function check(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1) ?? '';
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
log(`starting a 3-node cluster on ports ${PORT_BASE}+ …`);
const spec = testClusterSpec('bench', '', { 'default.replication.factor': 3, 'min.insync.replicas': 2 });
const cluster = await startTestCluster(spec, { portBase: PORT_BASE, heap: '768m', log: (l) => log(l) });
const B = cluster.bootstrap;
const loadAtStart = loadavg();

interface Pair {
  name: string;
  unit: string;
  /** Higher is better (throughput) or lower is better (wall time). */
  higherIsBetter: boolean;
  kafka: number[];
  kafkaplane: number[];
  kafkaLines: string[];
  kafkaplaneLines: string[];
  note?: string;
}
const results: Pair[] = [];

try {
  const admin = { bootstrap: B.split(','), timeoutMs: 30_000 };
  const topicFor = async (name: string) => {
    await withAdmin(admin, (a) => a.createTopics({ topics: [name], partitions: 3, replicas: 3, configs: [{ name: 'min.insync.replicas', value: '2' }] }));
    await new Promise((r) => setTimeout(r, 2000));
    return name;
  };

  for (const [size, count] of [
    [100, records100],
    [1024, records1k],
  ] as const) {
    const pair: Pair = {
      name: `perf produce, ${size} B records, acks=all (${count} records)`,
      unit: 'records/s',
      higherIsBetter: true,
      kafka: [],
      kafkaplane: [],
      kafkaLines: [],
      kafkaplaneLines: [],
    };
    // Kafka's producer sends one batch.size batch per partition per request and a broker serves one request per
    // connection at a time; kafkaplane sends batch.size × max.in.flight per request. This row gives the Java tool
    // requests of that size too, to separate "bigger requests" from "faster client".
    const tuned: Pair = {
      name: `perf produce, ${size} B records, acks=all — Kafka tool with batch.size=81920 (5 × 16 KiB, kafkaplane's request size)`,
      unit: 'records/s',
      higherIsBetter: true,
      kafka: [],
      kafkaplane: pair.kafkaplane,
      kafkaLines: [],
      kafkaplaneLines: pair.kafkaplaneLines,
    };
    for (let i = 0; i < rounds; i++) {
      const jt = await topicFor(`bench-produce-${size}-java-${i}`);
      const jtt = await topicFor(`bench-produce-${size}-java-tuned-${i}`);
      const kt = await topicFor(`bench-produce-${size}-kp-${i}`);
      const args = (topic: string) => ['--topic', topic, '--num-records', String(count), '--record-size', String(size), '--throughput', '-1', '--producer-props', `bootstrap.servers=${B}`, 'acks=all'];
      log(`${pair.name}: round ${i + 1}/${rounds}, kafka-producer-perf-test …`);
      const j = check(await kafkaTool('org.apache.kafka.tools.ProducerPerformance', args(jt)), 'kafka-producer-perf-test');
      log(`  ${lastLine(j.stdout)}`);
      log(`${pair.name}: round ${i + 1}/${rounds}, kafka-producer-perf-test batch.size=81920 …`);
      const jtRun = check(await kafkaTool('org.apache.kafka.tools.ProducerPerformance', [...args(jtt), 'batch.size=81920']), 'kafka-producer-perf-test (batch.size=81920)');
      log(`  ${lastLine(jtRun.stdout)}`);
      tuned.kafka.push(parseProducerTotal(lastLine(jtRun.stdout))!.recordsPerSec);
      tuned.kafkaLines.push(lastLine(jtRun.stdout));
      log(`${pair.name}: round ${i + 1}/${rounds}, kafkaplane perf produce …`);
      const k = check(await kafkaplane(['perf', 'produce', ...args(kt)]), 'kafkaplane perf produce');
      log(`  ${lastLine(k.stdout)}`);
      for (const [who, r] of [
        ['kafka', j],
        ['kafkaplane', k],
      ] as const) {
        const line = lastLine(r.stdout);
        if (!PRODUCER_TOTAL.test(line)) throw new Error(`${who}: unexpected final line: ${line}`);
        pair[who].push(parseProducerTotal(line)!.recordsPerSec);
        pair[`${who}Lines`].push(line);
      }
    }
    results.push(pair, tuned);
  }

  // Consumers read the same data: a topic filled once with 100-byte records.
  const consumeTopic = await topicFor('bench-consume');
  const fillCount = records100 * 2;
  log(`filling ${consumeTopic} with ${fillCount} records for the consumers …`);
  check(
    await kafkaplane([
      'perf',
      'produce',
      '--topic',
      consumeTopic,
      '--num-records',
      String(fillCount),
      '--record-size',
      '100',
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${B}`,
      'acks=1',
    ]),
    'fill',
  );
  const consume: Pair = {
    name: `perf consume, 100 B records (${fillCount} messages)`,
    unit: 'messages/s',
    higherIsBetter: true,
    kafka: [],
    kafkaplane: [],
    kafkaLines: [],
    kafkaplaneLines: [],
    note: 'nMsg.sec (whole run, including the group join)',
  };
  const consumeFetch: Pair = {
    name: 'perf consume, fetch phase only',
    unit: 'messages/s',
    higherIsBetter: true,
    kafka: [],
    kafkaplane: [],
    kafkaLines: [],
    kafkaplaneLines: [],
    note: 'fetch.nMsg.sec (after the group join)',
  };
  for (let i = 0; i < rounds; i++) {
    const args = (group: string) => ['--bootstrap-server', B, '--topic', consumeTopic, '--messages', String(fillCount), '--group', group, '--timeout', '30000'];
    log(`perf consume: round ${i + 1}/${rounds}, kafka-consumer-perf-test …`);
    const j = check(await kafkaTool('org.apache.kafka.tools.ConsumerPerformance', args(`bench-java-${i}`)), 'kafka-consumer-perf-test');
    log(`  ${lastLine(j.stdout)}`);
    log(`perf consume: round ${i + 1}/${rounds}, kafkaplane perf consume …`);
    const k = check(await kafkaplane(['perf', 'consume', ...args(`bench-kp-${i}`)]), 'kafkaplane perf consume');
    log(`  ${lastLine(k.stdout)}`);
    for (const [who, r] of [
      ['kafka', j],
      ['kafkaplane', k],
    ] as const) {
      const line = lastLine(r.stdout);
      if (!CONSUMER_SUMMARY.test(line)) throw new Error(`${who}: unexpected summary line: ${line}`);
      const s = parseConsumerSummary(line)!;
      consume[who].push(s.messagesPerSec);
      consume[`${who}Lines`].push(line);
      consumeFetch[who].push(s.fetchMessagesPerSec);
    }
  }
  results.push(consume, consumeFetch);

  // topics list: wall time of the whole command, process start to exit, as a user waits for it.
  const help = await run(process.execPath, [BIN, 'topics', '--help']);
  const topics: Pair = { name: 'topics list (wall time, process start to exit)', unit: 'ms', higherIsBetter: false, kafka: [], kafkaplane: [], kafkaLines: [], kafkaplaneLines: [] };
  if (help.code === 0) {
    for (let i = 0; i < rounds + 2; i++) {
      const j = check(await kafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', B, '--list'], KAFKA_TOPICS_JVM), 'kafka-topics --list');
      const k = check(await kafkaplane(['topics', 'list', '--include-internal', '-b', B]), 'kafkaplane topics list --include-internal');
      if (j.stdout.split('\n').filter(Boolean).sort().join() !== k.stdout.split('\n').filter(Boolean).sort().join()) {
        throw new Error(`topics list differs:\nkafka-topics:\n${j.stdout}\nkafkaplane:\n${k.stdout}`);
      }
      topics.kafka.push(j.ms);
      topics.kafkaplane.push(k.ms);
    }
  } else {
    topics.note = '`kafkaplane topics` did not exist in this checkout when the bench ran';
  }
  results.push(topics);
} finally {
  if (!opts.keep) await cluster.stop();
  else log(`cluster left running: ${B} (state ${cluster.stateDir})`);
}

const loadAtEnd = loadavg();
const lines: string[] = [];
lines.push(
  `Run ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; ${java.bin} (${java.version ?? '?'}); Kafka ${DEFAULT_KAFKA_VERSION}; load average ${loadAtStart.map((l) => l.toFixed(1)).join('/')} at start, ${loadAtEnd.map((l) => l.toFixed(1)).join('/')} at end`,
);
lines.push('');
lines.push('| benchmark | Kafka tool (median) | kafkaplane (median) | ratio | runs: Kafka tool | runs: kafkaplane |');
lines.push('| --- | ---: | ---: | ---: | --- | --- |');
for (const p of results) {
  if (p.kafka.length === 0) {
    lines.push(`| ${p.name} | – | – | – | ${p.note ?? ''} | |`);
    continue;
  }
  const mk = median(p.kafka);
  const mp = median(p.kafkaplane);
  const ratio = p.higherIsBetter ? mp / mk : mp / mk;
  const fmt = (x: number) => (p.unit === 'ms' ? `${Math.round(x)} ms` : `${Math.round(x).toLocaleString('en-US')} ${p.unit}`);
  lines.push(`| ${p.name}${p.note ? ` — ${p.note}` : ''} | ${fmt(mk)} | ${fmt(mp)} | ${ratio.toFixed(2)}× | ${p.kafka.map(fmt).join(', ')} | ${p.kafkaplane.map(fmt).join(', ')} |`);
}
lines.push('');
lines.push('Final lines (last round):');
lines.push('```');
for (const p of results) {
  if (p.kafkaLines.length === 0) continue;
  lines.push(`# ${p.name}`);
  lines.push(`kafka:      ${p.kafkaLines.at(-1)}`);
  lines.push(`kafkaplane: ${p.kafkaplaneLines.at(-1)}`);
}
lines.push('```');
process.stdout.write(`${lines.join('\n')}\n`);
if (opts.json) writeFileSync(opts.json, JSON.stringify({ loadAtStart, loadAtEnd, results }, null, 2));
