// Time to a ready 3-node cluster: `kafkaplane up` against the same three JVMs started by hand with the same
// configs, side by side in one run. "By hand" is what a user following the Kafka quickstart does: format each
// node's storage with kafka-storage (in parallel), start each kafka.Kafka JVM (in parallel), wait until the cluster
// answers (every broker registered, a quorum leader with all voters). kafkaplane's side is the whole `kafkaplane up`
// process as a user waits for it, whose readiness is stricter (also: every listener of every node accepts
// connections, every broker's metadata lists all brokers, no leaderless partition). Both use the same
// server.properties, JVM flags and jars; Kafka is already downloaded; the runs alternate so load hits both alike.
//
//   node bench/up-time.ts [--rounds 3] [--port-base 15092] [--json out.json]
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describeCluster, describeQuorum } from '../src/kafka/cluster.ts';
import { withAdmin } from '../src/kafka/admin-session.ts';
import { down } from '../src/local/down.ts';
import { resolveDistribution } from '../src/local/distribution.ts';
import { findJava } from '../src/local/java.ts';
import { readState, stateLayout } from '../src/local/state.ts';
import { clusterModel } from '../src/model/broker-properties.ts';
import { jvmOptions } from '../src/model/jvm.ts';
import { voters, formatArguments } from '../src/model/quorum.ts';
import { localPlacement } from '../src/model/placement.ts';
import { TEST_PORTS } from '../test/helpers/local-cluster.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const rounds = Number(arg('--rounds', '3'));
const portBase = Number(arg('--port-base', String(TEST_PORTS.benchUp)));
const bin = new URL('../bin/kafkaplane.js', import.meta.url).pathname;
const example = new URL('../examples/seed-002-combined.yaml', import.meta.url).pathname;
const replicationBootstrap = [0, 1, 2].map((i) => `127.0.0.1:${portBase + 100 + i}`);

async function ready(timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const ok = await withAdmin({ bootstrap: replicationBootstrap, timeoutMs: 2_000 }, async (admin) => {
        const c = await describeCluster(admin);
        if (c.brokers.length < 3) return false;
        const q = await describeQuorum(admin);
        return q.leaderId >= 0 && q.voters.length === 3;
      });
      if (ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error('not ready in time');
}

function kafkaplane(args: string[]): Promise<void> {
  return promisify(execFile)(process.execPath, [bin, ...args], { maxBuffer: 1 << 24 }).then(() => undefined);
}

/** The by-hand side: the same properties files kafkaplane wrote, the same flags, no kafkaplane code. */
async function byHand(stateDir: string, fresh: boolean): Promise<number[]> {
  const state = (await readState(stateLayout(stateDir)))!;
  const [java, dist] = await Promise.all([findJava(), resolveDistribution(state.kafkaVersion)]);
  const model = clusterModel(state.cluster, { quorumMode: state.quorumMode });
  const layout = stateLayout(stateDir);
  const placement = localPlacement({ portBase: state.portBase, dataDir: (n) => layout.dataDir(n.id) });
  const quorum = voters(
    model.nodes.filter((n) => n.controller),
    model.listeners.controller,
    placement,
  );
  const t0 = performance.now();
  if (fresh) {
    await Promise.all(
      model.nodes.map((node) =>
        promisify(execFile)(java.bin, [
          '-cp',
          dist.classpath,
          `-Dlog4j2.configurationFile=${join(stateDir, 'log4j2-tools.yaml')}`,
          'kafka.tools.StorageTool',
          ...formatArguments({ mode: model.quorumMode, identity: state.identity, node, quorum, propertiesFile: layout.propertiesFile(node.id) }),
        ]),
      ),
    );
  }
  const pids = model.nodes.map((node) => {
    const pool = model.cluster.spec.nodePools.find((p) => p.name === node.pool)!;
    const child = spawn(
      java.bin,
      [...jvmOptions(pool, 'local'), `-Dlog4j2.configurationFile=${join(layout.nodeDir(node.id), 'log4j2.yaml')}`, '-cp', dist.classpath, 'kafka.Kafka', layout.propertiesFile(node.id)],
      { stdio: 'ignore', detached: true },
    );
    child.unref();
    return child.pid!;
  });
  await ready();
  const elapsed = performance.now() - t0;
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 300 && pids.some((p) => alive(p)); i++) await sleep(100);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  return [elapsed];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function wipeData(stateDir: string) {
  for (const node of readdirSync(join(stateDir, 'nodes'))) rmSync(join(stateDir, 'nodes', node, 'data'), { recursive: true, force: true });
}

const results: { round: number; scenario: string; kafkaplaneMs: number; byHandMs: number }[] = [];
const work = mkdtempSync(join(tmpdir(), 'kafkaplane-bench-up-'));
// The example's KafkaCluster alone: its KafkaTopic would add a topic creation the by-hand side does not do.
const spec = join(work, 'cluster.yaml');
writeFileSync(spec, readFileSync(example, 'utf8').split(/^---$/m)[0]!);
try {
  // Prime: download jars, write configs once so the by-hand side can reuse kafkaplane's files.
  const prime = join(work, 'prime');
  await kafkaplane(['up', '-f', spec, '--state-dir', prime, '--port-base', String(portBase), '-q']);
  await down({ stateDir: prime, purge: false });
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of ['first up (format + start)', 'restart (data kept)'] as const) {
      const fresh = scenario.startsWith('first');
      // kafkaplane
      const ours = join(work, `ours-${round}`);
      if (fresh) rmSync(ours, { recursive: true, force: true });
      const t0 = performance.now();
      await kafkaplane(['up', '-f', spec, '--state-dir', ours, '--port-base', String(portBase), '-q']);
      const kafkaplaneMs = performance.now() - t0;
      await down({ stateDir: ours, purge: false });
      // by hand, same configs (copied from a cluster kafkaplane formatted, data wiped for the fresh case)
      const hand = join(work, `hand-${round}`);
      if (fresh) {
        rmSync(hand, { recursive: true, force: true });
        cpSync(prime, hand, { recursive: true });
        wipeData(hand);
        // The copied properties point at the prime dir; rewrite them for this dir through kafkaplane's own writer.
        await kafkaplane(['up', '-f', spec, '--state-dir', hand, '--port-base', String(portBase), '-q']).catch(() => undefined);
        await down({ stateDir: hand, purge: false });
        wipeData(hand);
      }
      const [byHandMs] = await byHand(hand, fresh);
      results.push({ round, scenario, kafkaplaneMs, byHandMs: byHandMs! });
      process.stderr.write(`round ${round} ${scenario}: kafkaplane ${(kafkaplaneMs / 1000).toFixed(1)} s, by hand ${(byHandMs! / 1000).toFixed(1)} s\n`);
    }
  }
} finally {
  for (const dir of readdirSync(work)) await down({ stateDir: join(work, dir), purge: false }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('| scenario | kafkaplane up (median) | by hand (median) | ratio |');
console.log('| --- | --- | --- | --- |');
for (const scenario of [...new Set(results.map((r) => r.scenario))]) {
  const rs = results.filter((r) => r.scenario === scenario);
  const ours = median(rs.map((r) => r.kafkaplaneMs));
  const hand = median(rs.map((r) => r.byHandMs));
  console.log(`| ${scenario} | ${(ours / 1000).toFixed(1)} s | ${(hand / 1000).toFixed(1)} s | ${(ours / hand).toFixed(2)}× |`);
}
const jsonOut = arg('--json', '');
if (jsonOut) (await import('node:fs')).writeFileSync(jsonOut, JSON.stringify(results, null, 2));
