// Faults under load on real Kafka (the local runtime, real JVMs). Each scenario runs the checked workload
// (`kafkaplane perf verify`: acks=all, idempotent, keyed over every partition, read back) through the fault and
// asserts that nothing acknowledged was lost. The figures of every run go to test-results/reliability.json, from which
// `node scripts/reliability-report.ts` writes RELIABILITY.md.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseSpec } from '../../../src/api/load.ts';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { controllerQuorumLeader, describeQuorum } from '../../../src/kafka/cluster.ts';
import { describeTopics } from '../../../src/kafka/topics.ts';
import { adminConnection } from '../../../src/local/local-cluster.ts';
import { locate } from '../../../src/local/locate.ts';
import { runningPid, stopNode } from '../../../src/local/node-process.ts';
import { restart } from '../../../src/local/restart.ts';
import { status } from '../../../src/local/status.ts';
import { up } from '../../../src/local/up.ts';
import { PROBE_SCRIPT } from '../../../src/render/probes.ts';
import { runCli, spawnCli } from '../../helpers/cli.ts';
import { doctorDuringFault as doctorOfFault, figures, record, verify as verifyWorkload } from '../../helpers/reliability.ts';
import { nodeJvms, startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';

const TOPIC = 'verified';
let cluster: TestCluster;
let spec: string;

/** The checked workload on this file's cluster. */
const verify = (records: number, rate: number) => verifyWorkload(cluster.stateDir, TOPIC, records, rate);
const doctorDuringFault = () => doctorOfFault(cluster.stateDir);

async function health(): Promise<{ urp: number; underMinIsr: number; leader: number }> {
  const local = await locate({ stateDir: cluster.stateDir });
  return withAdmin(adminConnection(local, 5_000), async (admin) => {
    const topics = await describeTopics(admin, () => true);
    const parts = topics.topics.flatMap((t) => t.partitions.map((p) => ({ ...p, minIsr: t.minIsr })));
    return { urp: parts.filter((p) => p.isr.length < p.replicas.length).length, underMinIsr: parts.filter((p) => p.isr.length < p.minIsr).length, leader: (await describeQuorum(admin)).leaderId };
  }).catch(() => ({ urp: -1, underMinIsr: -1, leader: -1 }));
}

/** Samples partition health every second while `work` runs: the smallest headroom seen and how long recovery took. */
async function watch<T>(work: Promise<T>): Promise<{ result: T; maxUnderMinIsr: number; samples: number }> {
  let done = false;
  let maxUnderMinIsr = 0;
  let samples = 0;
  const sampler = (async () => {
    while (!done) {
      const h = await health();
      if (h.underMinIsr > maxUnderMinIsr) maxUnderMinIsr = h.underMinIsr;
      samples++;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  const result = await work.finally(() => {
    done = true;
  });
  await sampler;
  return { result, maxUnderMinIsr, samples };
}

async function untilNoUrp(timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await health()).urp === 0) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`partitions still under-replicated after ${timeoutMs / 1000} s`);
}

/** The liveness check the rendered pods run (probe.sh live <port>), against a local node's REPLICATION listener. */
function liveProbe(port: number): { code: number; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-probe-'));
  try {
    writeFileSync(join(dir, 'probe.sh'), PROBE_SCRIPT);
    const r = spawnSync('/bin/bash', [join(dir, 'probe.sh'), 'live', String(port)], { encoding: 'utf8', timeout: 10_000 });
    return { code: r.status ?? -1, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The node id of a node JVM (its command line carries -Dkafkaplane.node=<state>/nodes/<id>). */
function nodeIdOf(pid: number): number {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  const match = /kafkaplane\.node=[^\0]*\/nodes\/(\d+)/.exec(cmdline);
  assert.ok(match, `no node id in the command line of ${pid}`);
  return Number(match[1]);
}

before(async () => {
  spec = testClusterSpec('reliable', '', { 'min.insync.replicas': 2 });
  cluster = await startTestCluster(spec, { portBase: TEST_PORTS.reliability });
  assert.equal((await runCli(['topics', 'create', TOPIC, '--partitions', '6', '--replication-factor', '3', '--state-dir', cluster.stateDir])).code, 0);
});
after(async () => {
  await cluster?.stop();
});

test('rolling restart under load: one node at a time, the active controller last, no partition below min ISR, nothing lost', async () => {
  const plan = await restart({ stateDir: cluster.stateDir, dryRun: true });
  const leader = (await health()).leader;
  assert.equal(plan.plan.at(-1)!.node, leader, 'the active controller goes last');
  assert.ok(
    plan.plan.every((p) => p.waitingFor.length === 0),
    JSON.stringify(plan.plan),
  );
  const load = verify(12_000, 300);
  await new Promise((r) => setTimeout(r, 5_000));
  const { result: rolled, maxUnderMinIsr } = await watch(restart({ stateDir: cluster.stateDir }));
  const workload = await load;
  assert.deepEqual(rolled.restarted.map((r) => r.node).sort(), [0, 1, 2]);
  assert.equal(rolled.restarted.at(-1)!.node, leader);
  assert.equal(maxUnderMinIsr, 0, 'no partition fell below min.insync.replicas during the roll');
  assert.equal(workload.lost, 0, `lost: ${workload.lostSample.join(', ')}`);
  assert.ok(workload.acked > 0 && workload.read >= workload.acked);
  record('rolling restart (kafkaplane restart) under load', {
    ...figures(workload),
    rollMs: rolled.durationMs,
    perNode: rolled.restarted,
  });
});

test('kill -9 of a broker under load, restarted by kafkaplane up: nothing lost, under-replication gone again', async () => {
  const load = verify(9_000, 300);
  await new Promise((r) => setTimeout(r, 5_000));
  const victim = nodeJvms(cluster.stateDir).at(-1)!;
  const victimId = nodeIdOf(victim);
  process.kill(victim, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 5_000));
  const diagnosis = await doctorDuringFault();
  assert.deepEqual(diagnosis.roots, [`node-${victimId}`], `doctor names the stopped node as the one root cause:\n${diagnosis.text}`);
  assert.ok(diagnosis.symptoms.includes('advertised-listeners'), diagnosis.text);
  const restarted = await up({ spec: parseSpec(spec), stateDir: cluster.stateDir, heap: '384m', readyTimeoutMs: 180_000 });
  assert.equal(restarted.started.length, 1);
  const recoveryMs = await untilNoUrp(120_000);
  const workload = await load;
  assert.equal(workload.lost, 0, `lost: ${workload.lostSample.join(', ')}`);
  record('kill -9 of one node under load, restarted by kafkaplane up', {
    ...figures(workload),
    urpGoneMsAfterUp: recoveryMs,
    doctor: diagnosis.roots.join(', '),
  });
});

test('the quorum leader frozen (SIGSTOP) for 30 s under load, then thawed: the quorum re-elects, clients go on, nothing lost', async () => {
  const leader = (await health()).leader;
  const local = await locate({ stateDir: cluster.stateDir });
  const pid = Number(JSON.parse(readFileSync(local.layout.pidFile(leader), 'utf8')).pid);
  const replicationPort = local.placement.internalEndpoint(local.model.nodes.find((n) => n.id === leader)!, local.model.listeners.replication).port;
  const beforeFreeze = liveProbe(replicationPort);
  assert.equal(beforeFreeze.code, 0, `the pods' liveness check passes on a running node: ${beforeFreeze.stderr}`);
  const load = verify(15_000, 300);
  await new Promise((r) => setTimeout(r, 5_000));
  process.kill(pid, 'SIGSTOP');
  const frozenAt = Date.now();
  let frozenProbe: { code: number; stderr: string } | undefined;
  let newLeader = -1;
  let diagnosis: Awaited<ReturnType<typeof doctorDuringFault>> | undefined;
  try {
    // doctor runs while the node is frozen (the freeze lasts until it is done, 90 s at most).
    const doctorDone = new Promise((r) => setTimeout(r, 3_000)).then(doctorDuringFault).then((d) => {
      diagnosis = d;
    });
    doctorDone.catch(() => undefined);
    // The pods' liveness check sees what a TCP check cannot: the port takes the connection, nothing answers.
    frozenProbe = liveProbe(replicationPort);
    while (Date.now() - frozenAt < 30_000 || (diagnosis === undefined && Date.now() - frozenAt < 90_000)) {
      // Asked of the other controllers on their controller listener (KIP-919), as kafka-metadata-quorum
      // --bootstrap-controller does: a broker forwarding to the frozen leader would only time out.
      for (const node of local.model.nodes.filter((n) => n.controller && n.id !== leader)) {
        const endpoint = local.placement.internalEndpoint(node, local.model.listeners.controller);
        const seen = await controllerQuorumLeader(endpoint, 2_000).catch(() => -1);
        if (seen >= 0 && seen !== leader) newLeader = seen;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await doctorDone;
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  assert.equal(frozenProbe?.code, 1, 'the liveness check fails on the frozen node');
  assert.match(frozenProbe?.stderr ?? '', /no ApiVersions answer came within 4s: the JVM is hung or stopped/);
  assert.ok(newLeader >= 0 && newLeader !== leader, `another controller led while ${leader} was frozen`);
  assert.deepEqual(diagnosis?.roots, [`node-${leader}`], `doctor names the frozen node as the one root cause:\n${diagnosis?.text}`);
  const recoveryMs = await untilNoUrp(120_000);
  assert.equal(liveProbe(replicationPort).code, 0, 'the liveness check passes again once the node is thawed');
  const workload = await load;
  assert.equal(workload.lost, 0, `lost: ${workload.lostSample.join(', ')}`);
  record('the quorum leader frozen (SIGSTOP) for 30 s under load', {
    ...figures(workload),
    newLeader,
    doctor: diagnosis?.roots.join(', '),
    urpGoneMsAfterThaw: recoveryMs,
  });
});

test('the log directory of one node fills up under load: that node stops and says why (status, doctor), the others serve, nothing lost', async (t) => {
  const local = await locate({ stateDir: cluster.stateDir });
  const leader = (await health()).leader;
  const victim = local.model.nodes.find((n) => n.broker && n.id !== leader)!.id;
  const dataDir = local.layout.dataDir(victim);
  // The node's data moves onto a small tmpfs of its own (the node stopped meanwhile), reached through a symlink.
  const disk = mkdtempSync(join(tmpdir(), 'kafkaplane-disk-'));
  await stopNode(local.layout, victim, 30_000);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', disk]);
  t.after(() => {
    spawnSync('umount', ['-l', disk]);
    rmSync(disk, { recursive: true, force: true });
  });
  execFileSync('cp', ['-a', dataDir, join(disk, 'data')]);
  rmSync(dataDir, { recursive: true });
  symlinkSync(join(disk, 'data'), dataDir);
  await up({ spec: parseSpec(spec), stateDir: cluster.stateDir, heap: '384m', readyTimeoutMs: 180_000 });
  await untilNoUrp(120_000);
  assert.equal((await runCli(['topics', 'create', 'filler', '--partitions', '3', '--replication-factor', '3', '--state-dir', cluster.stateDir])).code, 0);
  // Leave 2 MiB: the filler traffic below (3 MB to every replica) takes the node over the edge.
  const free = statfsSync(disk).bavail * statfsSync(disk).bsize;
  execFileSync('fallocate', ['-l', String(free - 2 * 1024 * 1024), join(disk, 'ballast')]);

  const load = verify(9_000, 300);
  await new Promise((r) => setTimeout(r, 5_000));
  const filler = spawnCli(['perf', 'produce', '--state-dir', cluster.stateDir, '--topic', 'filler', '--num-records', '3000', '--record-size', '1000', '--throughput', '1000', '-q'], {
    timeoutMs: 120_000,
  });
  const deadline = Date.now() + 60_000;
  while ((await runningPid(local.layout, victim)) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const diedAfterMs = 60_000 - (deadline - Date.now());
  assert.equal(await runningPid(local.layout, victim), undefined, `node ${victim} should stop when its log directory cannot be written`);

  const node = (await status({ stateDir: cluster.stateDir })).nodes.find((n) => n.id === victim)!;
  assert.equal(node.state, 'stopped');
  assert.equal(node.problem, 'the disk is full', 'status says why the node stopped');
  const diagnosis = await doctorDuringFault();
  assert.deepEqual(diagnosis.roots, [`node-${victim}`], diagnosis.text);
  assert.match(diagnosis.text, /the disk of its log directory is full/);

  await filler;
  const workload = await load;
  assert.equal(workload.lost, 0, `lost: ${workload.lostSample.join(', ')}`);
  assert.ok(workload.acked > 8_000, `the other nodes kept serving: ${workload.acked} of 9000 acknowledged`);
  // The way back: free the space, start the node; it recovers its log and catches up.
  rmSync(join(disk, 'ballast'));
  const back = Date.now();
  await up({ spec: parseSpec(spec), stateDir: cluster.stateDir, heap: '384m', readyTimeoutMs: 180_000 });
  const upMs = Date.now() - back;
  const recoveryMs = await untilNoUrp(180_000);
  record('the log directory of one node full under load', {
    ...figures(workload),
    nodeStoppedAfterMs: diedAfterMs,
    doctor: diagnosis.roots.join(', '),
    upMs,
    urpGoneMsAfterUp: recoveryMs,
  });
});
