// The operator under a burst (npm run bench:operator): N KafkaTopics applied at once to a real kube-apiserver, the
// operator run as users run it (`kafkaplane operator run`, the real binary, laptop mode) against a real local Kafka,
// measured from outside:
//
//   latency   from each KafkaTopic's creation (the apply's answer) to its Ready=True condition (seen by a watch),
//             p50/p99 over every topic of every round                                       target p99 ≤ 1 s
//   in Kafka  every topic exists with its partitions and config when the round ends
//   bare      the reference: the same number of topics in one bare CreateTopics request (same client library, nothing
//             around it), right after each round, until ListTopics shows each
//   Kafka     from creation to the topic showing in the broker's metadata (ListTopics polled every 50 ms): the part
//             of the latency that is Kafka's
//   memory    the operator process's RSS after the rounds
//   idle CPU  the operator's CPU time over an idle window after the rounds (resyncs and watches only)
//
// Round 1 starts in the steady state: after the operator's start-up reconcile of the KafkaCluster and after one bare
// CreateTopics has warmed the fresh broker (both timed and printed).
//
// --trace: the operator logs each stage of every KafkaTopic (KAFKAPLANE_TRACE=topics) and the bench prints them.
// Options: --topics N (default 100), --rounds N (default 3), --idle-seconds N (default 20), --json FILE,
// --dist (run the built JS as the npm package and the image do: `npm run build` first; default: the checkout's .ts),
// --node-options S (NODE_OPTIONS of the operator process alone, e.g. the V8 flags its Deployment sets),
// --node-args S (flags on the operator's node command line, for those NODE_OPTIONS refuses, e.g. --optimize-for-size),
// --heap-snapshot (after the idle window: the operator writes a heap snapshot into the current directory and its
// V8 heap statistics are printed; it is given --heapsnapshot-signal=SIGUSR2 for that).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createAdmin, withAdmin } from '../src/kafka/admin-session.ts';
import { observeTopics } from '../src/kafka/topic-reconcile.ts';
import type { KubeObject } from '../src/operator/kube/client.ts';
import { Informer } from '../src/operator/kube/informer.ts';
import { HEAP_SNAPSHOT_FLAG, takeHeapSnapshot } from './heap-snapshot.ts';
import { CLUSTER, NS, condition, startHarness, topicResource, waitFor } from '../test/integration/operator/harness.ts';

const { values } = parseArgs({
  options: {
    dist: { type: 'boolean', default: false },
    'node-options': { type: 'string' },
    'node-args': { type: 'string' },
    'heap-snapshot': { type: 'boolean', default: false },
    topics: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    'idle-seconds': { type: 'string', default: '20' },
    trace: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const TOPICS = Number(values.topics);
const ROUNDS = Number(values.rounds);
const IDLE_S = Number(values['idle-seconds']);
const log = (m: string) => process.stderr.write(`[bench:operator] ${m}\n`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** utime + stime of a process, in seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Waits (up to 60 s) until the broker has a log for every partition of `names` (DescribeLogDirs); ms waited. */
async function logsCreated(names: string[], partitions = 3): Promise<number> {
  const t0 = performance.now();
  await withAdmin(h.admin, async (admin) => {
    for (let i = 0; i < 600; i++) {
      const described = await admin.describeLogDirs({ topics: names.map((name) => ({ name, partitions: Array.from({ length: partitions }, (_, p) => p) })) });
      const present = described.flatMap((b) => b.results.flatMap((r) => r.topics.flatMap((t) => t.partitions.filter((p) => !p.isFutureKey)))).length;
      if (present >= names.length * partitions) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the broker did not create the logs of ${names.length} topics within 60 s`);
  });
  return performance.now() - t0;
}

log(`load average at start ${load()}`);
const startedAt = new Date();
const h = await startHarness(() => undefined);
let operator: ChildProcess | undefined;
try {
  operator = spawn(process.execPath, [...(values['node-args']?.split(' ').filter(Boolean) ?? []), ...h.operatorRunArgs('--no-leader-elect')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...(values.dist ? { KAFKAPLANE_ENTRY: 'dist' } : {}),
      ...(values.trace ? { KAFKAPLANE_TRACE: 'topics' } : {}),
      ...(values['node-options'] || values['heap-snapshot'] ? { NODE_OPTIONS: `${values['node-options'] ?? ''}${values['heap-snapshot'] ? ` ${HEAP_SNAPSHOT_FLAG}` : ''}`.trim() } : {}),
    },
  });
  let synced!: () => void;
  const ready = new Promise<void>((r) => (synced = r));
  operator.stderr!.setEncoding('utf8');
  // --trace: the operator's stage lines (src/operator/trace.ts), by resource key and by batch.
  const stages = new Map<string, Map<string, number>>();
  const batches = new Map<string, { keys: string[]; stages: Map<string, number> }>();
  let rest = '';
  operator.stderr!.on('data', (chunk: string) => {
    if (chunk.includes('"caches synced"')) synced();
    if (!values.trace) return;
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{"trace"')) continue;
      const e = JSON.parse(line) as { trace: string; t: number; key?: string; batch?: string; keys?: string[] };
      if (e.batch !== undefined) {
        const b = batches.get(e.batch) ?? { keys: [], stages: new Map() };
        batches.set(e.batch, b);
        if (e.keys) b.keys = e.keys;
        b.stages.set(e.trace, e.t);
      } else if (e.key !== undefined) {
        const m = stages.get(e.key) ?? new Map<string, number>();
        stages.set(e.key, m);
        if (!m.has(e.trace)) m.set(e.trace, e.t);
      }
    }
  });
  const createdWall = new Map<string, number>();
  await ready;
  const pid = operator.pid!;
  const rssSynced = rssMiB(pid);
  log(`operator RSS with its caches synced, before any KafkaTopic: ${rssSynced.toFixed(0)} MiB`);

  // The steady state users apply topics in: the operator has done its start-up reconcile of the KafkaCluster (render,
  // apply, read Kafka: ~1 s of CPU that would otherwise delay the first round's watch events by ~0.5 s), and the broker
  // has served a CreateTopics before (a fresh broker's first one takes 3× as long: JIT). Both are printed.
  const s0 = performance.now();
  await waitFor(
    'the operator to write the KafkaCluster status',
    () => h.client.get('KafkaCluster', NS, CLUSTER),
    (o) => (o?.status as { observedGeneration?: number } | undefined)?.observedGeneration !== undefined,
    60_000,
  );
  log(`the operator's start-up reconcile of the KafkaCluster wrote its status ${(performance.now() - s0).toFixed(0)} ms after its caches synced`);
  const warmNames = Array.from({ length: 10 }, (_, i) => `warmup-${i}`);
  const w0 = performance.now();
  await withAdmin(h.admin, (admin) => admin.createTopics({ topics: warmNames.map((topic) => ({ topic, partitions: 3, replicas: 1 })) }));
  log(`the broker's first CreateTopics (10 topics, bare) took ${(performance.now() - w0).toFixed(0)} ms; logs created ${(await logsCreated(warmNames)).toFixed(0)} ms later`);

  // Ready times, as a watch sees them.
  const readyAt = new Map<string, number>();
  const watch = new Informer(h.client, {
    kind: 'KafkaTopic',
    namespace: NS,
    onChange: (key, object) => {
      if (object && !readyAt.has(key) && condition(object as KubeObject, 'Ready')?.status === 'True') readyAt.set(key, performance.now());
    },
  });
  watch.start();
  await watch.synced();

  const latencies: number[] = [];
  const bareAll: number[] = [];
  const bareRounds: { round: number; p50: number; p99: number }[] = [];
  const rounds: { round: number; wallMs: number; p50: number; p99: number; max: number; inMetadataP50: number; inMetadataP99: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const names = Array.from({ length: TOPICS }, (_, i) => `bench-r${round}-${String(i).padStart(3, '0')}`);
    const created = new Map<string, number>();
    // When each topic shows in the broker's metadata (ListTopics every 50 ms): the Kafka side of the latency.
    const shown = new Map<string, number>();
    const lister = await createAdmin(h.admin);
    let listing = true;
    const poll = (async () => {
      for (let i = 0; listing && i < 2_000; i++) {
        const now = performance.now();
        for (const t of await lister.listTopics().catch(() => [] as string[])) if (!shown.has(`${NS}/${t}`)) shown.set(`${NS}/${t}`, now);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    await Promise.all(
      names.map(async (name) => {
        await h.client.apply(topicResource(name, { partitions: 3, replicas: 1, config: { 'retention.ms': 3_600_000 } }));
        created.set(`${NS}/${name}`, performance.now());
        createdWall.set(`${NS}/${name}`, Date.now());
      }),
    );
    log(`round ${round}: ${TOPICS} KafkaTopics applied (created in the apiserver) within ${(performance.now() - t0).toFixed(0)} ms`);
    const deadline = Date.now() + 60_000;
    while ([...created.keys()].some((k) => !readyAt.has(k)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const missing = [...created.keys()].filter((k) => !readyAt.has(k));
    if (missing.length > 0) throw new Error(`round ${round}: ${missing.length} KafkaTopics not Ready after 60 s (${missing.slice(0, 3).join(', ')}…)`);
    listing = false;
    await poll;
    await lister.close();
    const mine = [...created].map(([k, t]) => readyAt.get(k)! - t).sort((a, b) => a - b);
    const kafkaSide = [...created]
      .filter(([k]) => shown.has(k))
      .map(([k, t]) => shown.get(k)! - t)
      .sort((a, b) => a - b);
    const wallMs = Math.max(...[...created.keys()].map((k) => readyAt.get(k)!)) - t0;
    latencies.push(...mine);
    const observed = await withAdmin(h.admin, (admin) => observeTopics(admin, names));
    const wrong = names.filter((n) => observed.get(n)?.partitions !== 3 || observed.get(n)?.overrides['retention.ms'] !== '3600000');
    if (wrong.length > 0)
      throw new Error(
        `round ${round}: ${wrong.length} topics not as specified in Kafka: ${wrong
          .slice(0, 3)
          .map((n) => `${n} ${JSON.stringify(observed.get(n))}`)
          .join(', ')}`,
      );
    rounds.push({
      round,
      wallMs: Math.round(wallMs),
      p50: Math.round(pct(mine, 50)),
      p99: Math.round(pct(mine, 99)),
      max: Math.round(mine.at(-1)!),
      inMetadataP50: Math.round(pct(kafkaSide, 50)),
      inMetadataP99: Math.round(pct(kafkaSide, 99)),
    });
    if (values.trace) {
      // Each stage as ms after the apply's answer (negative: the operator saw the event before the answer came).
      const byStage = new Map<string, number[]>();
      const add = (stage: string, ms: number) => byStage.set(stage, [...(byStage.get(stage) ?? []), ms]);
      const roundBatches = [...batches.values()].filter((b) => b.keys.some((k) => created.has(k)));
      for (const [key, t] of [...createdWall].filter(([k]) => created.has(k))) {
        for (const [stage, at] of stages.get(key) ?? []) add(stage, at - t);
        const b = roundBatches.find((x) => x.keys.includes(key));
        for (const [stage, at] of b?.stages ?? []) add(stage, at - t);
        add('ready (watch)', readyAt.get(key)! - created.get(key)!);
      }
      const order = ['event', 'reconcile', 'submit', 'batch-due', 'batch-start', 'batch-observed', 'batch-applied', 'finalized', 'batch-visible', 'status', 'ready (watch)'];
      log(`round ${round}: ${roundBatches.length} batches of ${roundBatches.map((b) => b.keys.length).join(', ')} topics`);
      for (const stage of order) {
        const v = (byStage.get(stage) ?? []).sort((a, b) => a - b);
        if (v.length > 0) log(`  ${stage.padEnd(15)} p50 ${pct(v, 50).toFixed(0).padStart(6)} ms  p99 ${pct(v, 99).toFixed(0).padStart(6)} ms  (n ${v.length})`);
      }
    }
    log(
      `round ${round}: ${TOPICS} KafkaTopics → Ready and in Kafka: p50 ${pct(mine, 50).toFixed(0)} ms, p99 ${pct(mine, 99).toFixed(0)} ms, all within ${wallMs.toFixed(0)} ms; in the broker's metadata: p50 ${pct(kafkaSide, 50).toFixed(0)} ms, p99 ${pct(kafkaSide, 99).toFixed(0)} ms`,
    );

    // Kafka publishes new metadata on one thread, after creating the logs of the previous change's partitions (~6 ms
    // each here): a measurement started before the last one's logs exist pays for them. So each waits for that.
    log(`round ${round}: Kafka created the round's ${TOPICS * 3} partition logs ${(await logsCreated(names)).toFixed(0)} ms after the last Ready`);

    // The reference, right after: the same 100 topics created by one bare CreateTopics request, until ListTopics
    // shows each — what Kafka alone takes on this machine now.
    const bareNames = names.map((n) => n.replace('bench-', 'bare-'));
    const bare = await withAdmin(h.admin, async (admin) => {
      const seen = new Map<string, number>();
      const b0 = performance.now();
      await admin.createTopics({ topics: bareNames.map((topic) => ({ topic, partitions: 3, replicas: 1 })), configs: [{ name: 'retention.ms', value: '3600000' }] });
      for (let i = 0; seen.size < bareNames.length && i < 1_200; i++) {
        const now = performance.now();
        for (const t of await admin.listTopics()) if (!seen.has(t) && bareNames.includes(t)) seen.set(t, now - b0);
        if (seen.size < bareNames.length) await new Promise((r) => setTimeout(r, 50));
      }
      return [...seen.values()].sort((a, b) => a - b);
    });
    await logsCreated(bareNames);
    bareRounds.push({ round, p50: Math.round(pct(bare, 50)), p99: Math.round(pct(bare, 99)) });
    bareAll.push(...bare);
    log(`round ${round}: bare CreateTopics of ${TOPICS} topics → in the broker's metadata: p50 ${pct(bare, 50).toFixed(0)} ms, p99 ${pct(bare, 99).toFixed(0)} ms`);
  }
  bareAll.sort((a, b) => a - b);
  watch.stop();
  latencies.sort((a, b) => a - b);
  const rss = rssMiB(pid);
  await new Promise((r) => setTimeout(r, 2_000));
  const cpu0 = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const idleCpu = ((cpuSeconds(pid) - cpu0) / IDLE_S) * 100;
  const rssIdle = rssMiB(pid);
  if (values['heap-snapshot']) await takeHeapSnapshot(pid, log);
  const result = {
    startedAt: startedAt.toISOString(),
    topicsPerRound: TOPICS,
    rounds,
    p50Ms: Math.round(pct(latencies, 50)),
    p99Ms: Math.round(pct(latencies, 99)),
    maxMs: Math.round(latencies.at(-1)!),
    bareRounds,
    bareP50Ms: Math.round(pct(bareAll, 50)),
    bareP99Ms: Math.round(pct(bareAll, 99)),
    entry: values.dist ? 'dist' : 'src',
    nodeOptions: values['node-options'] ?? null,
    nodeArgs: values['node-args'] ?? null,
    operatorRssSyncedMiB: Math.round(rssSynced),
    operatorRssMiB: Math.round(rss),
    operatorRssIdleMiB: Math.round(rssIdle),
    idleCpuPercent: Number(idleCpu.toFixed(2)),
    idleSeconds: IDLE_S,
    loadAverageEnd: load(),
  };
  log(
    `all rounds: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (target ≤ 1000 ms), bare CreateTopics p50 ${result.bareP50Ms} ms, p99 ${result.bareP99Ms} ms; operator RSS (${result.entry}) ${result.operatorRssSyncedMiB} MiB synced, ${result.operatorRssMiB} MiB after the rounds, ${result.operatorRssIdleMiB} MiB after the idle window; idle CPU ${result.idleCpuPercent}% over ${IDLE_S} s`,
  );
  log(`load average at end ${result.loadAverageEnd}`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  operator?.kill('SIGTERM');
  await h.stop();
}
