// Dedicated KRaft controllers and brokers (seed 003's topology, scaled down): controllers start first and elect a
// leader, brokers join as quorum observers, clients see only brokers; the toolbox reports voters and observers as
// kafka-metadata-quorum does and doctor judges the quorum by its voters; a broker joins a running cluster; down stops
// brokers before controllers; kill -9 of the active controller under the checked workload loses nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { controllerQuorumLeader } from '../../../src/kafka/cluster.ts';
import { down } from '../../../src/local/down.ts';
import { locate } from '../../../src/local/locate.ts';
import { runningPid } from '../../../src/local/node-process.ts';
import { status } from '../../../src/local/status.ts';
import { up } from '../../../src/local/up.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { decideScaleDown } from '../../../src/ops/scale-down.ts';
import { runCli } from '../../helpers/cli.ts';
import { KAFKA_TOOLS, runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { compareQuorum } from '../../helpers/quorum-compare.ts';
import { doctorDuringFault, figures, record, verify } from '../../helpers/reliability.ts';

const cli = (...args: string[]) => runCli(args, { quiet: true });

const PORT_BASE = TEST_PORTS.dedicated;
const SPEC = testClusterSpec(
  'dedicated',
  `nodePools:
  - {name: broker, roles: [broker], replicas: 2}
  - {name: controller, roles: [controller], replicas: 3}`,
  { 'offsets.topic.num.partitions': 3 },
);
const GROWN = SPEC.replace('replicas: 2}', 'replicas: 3}');
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE, heap: '320m' });
});
after(async () => {
  await cluster?.stop();
});

test('brokers are 0-1, controllers 100-102 (a block of ids per pool); the quorum has 3 voters and the brokers observe it', async () => {
  const s = await status({ stateDir: cluster.stateDir });
  assert.equal(s.healthy, true);
  assert.deepEqual(
    s.nodes.map((n) => `${n.id}:${n.roles.join('+')}:${n.quorum}`),
    ['0:broker:observer', '1:broker:observer', ...s.nodes.slice(2).map((n) => `${n.id}:controller:${n.quorum}`)],
  );
  assert.deepEqual(s.quorum?.voters.map((v) => v.id).sort(), [100, 101, 102]);
  assert.ok([100, 101, 102].includes(s.quorum!.leaderId));
  assert.deepEqual(
    s.nodes.slice(2).map((n) => n.listeners.map((l) => l.name)),
    [['CONTROLLER'], ['CONTROLLER'], ['CONTROLLER']],
  );
});

test('clients see the two brokers and nothing else; messages flow', async () => {
  const meta = await runKcat(['-b', cluster.bootstrap, '-L']);
  assert.equal(meta.code, 0, meta.stderr);
  assert.match(meta.stdout, / 2 brokers:/);
  const produced = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'dedicated-topic', '-X', 'acks=all'], { input: 'one\ntwo\n' });
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'dedicated-topic', '-o', 'beginning', '-e', '-q']);
  assert.deepEqual(consumed.stdout.trim().split('\n').sort(), ['one', 'two']);
});

test('cluster describe: 3 voters and the 2 brokers as observers, log end offsets and lag as kafka-metadata-quorum reports them', async () => {
  const ours = async () => {
    const r = await cli('cluster', 'describe', '-b', cluster.bootstrap, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as {
      quorum: {
        leaderId: number;
        voters: { id: number; directoryId: string; status: string; logEndOffset: number; lag: number }[];
        observers: { id: number; directoryId: string; status: string; logEndOffset: number; lag: number }[];
      };
    };
  };
  await compareQuorum(ours, () => runKafkaTool(KAFKA_TOOLS.metadataQuorum, ['--bootstrap-server', cluster.bootstrap, 'describe', '--replication']), { voters: 3, observers: 2 });
  // Voters are the controller nodes, observers the broker nodes (ids as the local runtime numbers them).
  const nodes = (await status({ stateDir: cluster.stateDir })).nodes;
  const ids = (role: string) =>
    nodes
      .filter((n) => n.roles.includes(role))
      .map((n) => n.id)
      .sort((a, b) => a - b);
  const report = await ours();
  assert.deepEqual(
    report.quorum.voters.map((v) => v.id).sort((a, b) => a - b),
    ids('controller'),
  );
  assert.deepEqual(
    report.quorum.observers.map((o) => o.id).sort((a, b) => a - b),
    ids('broker'),
  );
  assert.ok(report.quorum.observers.every((o) => o.status === 'Observer'));
  const text = await cli('cluster', 'describe', '-b', cluster.bootstrap);
  assert.match(text.stdout, new RegExp(`^${ids('broker')[0]} +\\S+ +\\d+ +\\d+ +.* Observer$`, 'm'));
});

test('doctor on the dedicated topology: healthy, judged by the voters, exit 0 even with --strict', async () => {
  const r = await cli('doctor', '--state-dir', cluster.stateDir, '--lag-interval', '0', '--strict', '-o', 'json');
  const report = JSON.parse(r.stdout) as { findings: { check: string; severity: string; title: string }[] };
  assert.equal(r.code, 0, JSON.stringify(report.findings.filter((f) => f.severity !== 'ok')));
  assert.match(report.findings.find((f) => f.check === 'quorum')!.title, /all 3 voters caught up/);
  assert.match(report.findings.find((f) => f.check === 'brokers')!.title, /^2 brokers registered: /);
});

// Data placed on the two brokers before the third joins, for `rebalance` to move onto it.
const PLACED = 'placed';
test('a topic with data on brokers 0 and 1 (before a third joins)', async () => {
  assert.equal((await cli('topics', 'create', PLACED, '--partitions', '4', '--replication-factor', '2', '--config', 'min.insync.replicas=2', '--state-dir', cluster.stateDir)).code, 0);
  const lines = Array.from({ length: 20_000 }, (_, i) => `${i}:${'x'.repeat(100)}`).join('\n');
  const produced = await runKcat(['-b', cluster.bootstrap, '-P', '-t', PLACED, '-X', 'acks=all'], { input: `${lines}\n` });
  assert.equal(produced.code, 0, produced.stderr);
});

test('a third broker joins a running cluster; the controllers keep their ids and ports', async () => {
  const controllersBefore = (await status({ stateDir: cluster.stateDir })).nodes.filter((n) => n.roles.includes('controller')).map((n) => `${n.id}:${n.listeners[0]!.port}`);
  const grown = await up({ spec: parseSpec(GROWN), stateDir: cluster.stateDir, heap: '320m', readyTimeoutMs: 180_000 });
  assert.deepEqual(grown.started, [2]);
  const s = await status({ stateDir: cluster.stateDir });
  assert.equal(s.healthy, true);
  assert.deepEqual(
    s.nodes.filter((n) => n.roles.includes('controller')).map((n) => `${n.id}:${n.listeners[0]!.port}`),
    controllersBefore,
  );
  // The new broker takes the next free port index: after the five existing nodes.
  assert.deepEqual(
    s.nodes.find((n) => n.id === 2)!.listeners.map((l) => l.port),
    [PORT_BASE + 5, PORT_BASE + 105],
  );
  const meta = await runKcat(['-b', cluster.bootstrap, '-L']);
  assert.equal(meta.code, 0, meta.stderr);
  assert.match(meta.stdout, / 3 brokers:/);
});

interface RebalanceJson {
  plan: { moves: { topic: string; partition: number; from: number[]; to: number[]; bytes: number }[]; after: { broker: number; replicas: number }[]; before: { broker: number; replicas: number }[] };
  executed: { moved: number; elapsedMs: number; throttle: { removed: boolean; brokers: number[] } | null; leaderElection: { elected: number; error: string | null } } | null;
}
const rebalanceCli = async (...args: string[]) => {
  const r = await cli('rebalance', '--state-dir', cluster.stateDir, '-o', 'json', ...args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RebalanceJson;
};
/** kafka-topics --describe: replicas and ISR of each partition of a topic, as Kafka's own tool prints them. */
const describedByKafka = async (topic: string) => {
  const r = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', cluster.bootstrap, '--describe', '--topic', topic]);
  assert.equal(r.code, 0, r.stderr);
  return [...r.stdout.matchAll(/Partition: (\d+)\s+Leader: (\S+)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]+)/g)].map((m) => ({
    partition: Number(m[1]),
    leader: Number(m[2]),
    replicas: m[3]!.split(',').map(Number),
    isr: m[4]!.split(',').map(Number),
  }));
};
const throttleConfigs = async (type: string, name: string) => {
  const r = await runKafkaTool(KAFKA_TOOLS.configs, ['--bootstrap-server', cluster.bootstrap, '--entity-type', type, '--entity-name', name, '--describe']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => /throttled/.test(l));
};

test('rebalance moves replicas onto the new broker under a checked workload: full ISRs, throttle removed, nothing lost; --drain then empties it so scale-down is allowed', async () => {
  const planned = await rebalanceCli('--dry-run');
  assert.ok(
    planned.plan.moves.some((m) => m.topic === PLACED && m.to.includes(2)),
    JSON.stringify(planned.plan.moves),
  );
  assert.equal(planned.plan.before.find((b) => b.broker === 2)!.replicas, 0);
  assert.equal(planned.executed, null);
  assert.ok(
    (await describedByKafka(PLACED)).every((p) => !p.replicas.includes(2)),
    'a dry run changes nothing',
  );

  const load = verify(cluster.stateDir, PLACED, 3_000, 300);
  await new Promise((r) => setTimeout(r, 2_000));
  const done = await rebalanceCli('--throttle', '1MiB/s');
  const workload = await load;
  assert.equal(workload.lost, 0, `lost: ${workload.lostSample.join(', ')}`);
  assert.equal(workload.acked, 3_000);
  assert.equal(done.executed!.moved, done.plan.moves.length);
  assert.equal(done.executed!.throttle!.removed, true);
  const counts = done.plan.after.map((b) => b.replicas);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `replicas per broker after: ${counts}`);

  const described = await describedByKafka(PLACED);
  assert.equal(described.length, 4);
  for (const p of described) assert.deepEqual([...p.isr].sort(), [...p.replicas].sort(), `partition ${p.partition}: ISR full`);
  const expected = new Map(done.plan.moves.filter((m) => m.topic === PLACED).map((m) => [m.partition, m.to]));
  for (const [partition, to] of expected) assert.deepEqual(described.find((p) => p.partition === partition)!.replicas, to);
  // ElectLeaders right after the moves: every partition is led by its preferred (first) replica.
  assert.equal(done.executed!.leaderElection.error, null);
  for (const p of described) assert.equal(p.leader, p.replicas[0], `partition ${p.partition}: the preferred leader leads`);
  assert.ok(
    described.some((p) => p.replicas.includes(2)),
    'broker 2 holds replicas of the topic',
  );
  for (const b of done.executed!.throttle!.brokers) assert.deepEqual(await throttleConfigs('brokers', String(b)), [], `broker ${b}: throttle removed`);
  assert.deepEqual(await throttleConfigs('topics', PLACED), [], 'topic throttle removed');
  assert.deepEqual((await rebalanceCli('--dry-run')).plan.moves, [], 'planning again after the rebalance moves nothing');

  // Removing broker 2 (the pool back to 2) is refused while it holds replicas, allowed once drained.
  const pools = [{ pool: 'broker', start: 0, current: 3, desired: 2, broker: true, controller: false }];
  const replicasOn = (r: RebalanceJson) => new Map(r.plan.before.map((b) => [b.broker, b.replicas]));
  assert.equal(decideScaleDown(pools, replicasOn(await rebalanceCli('--dry-run'))).kind, 'refused');
  const drained = await rebalanceCli('--drain', '2', '--throttle', '10MiB/s');
  assert.ok(drained.plan.moves.length > 0);
  assert.ok((await describedByKafka(PLACED)).every((p) => !p.replicas.includes(2) && p.isr.length === p.replicas.length));
  const after = await rebalanceCli('--drain', '2', '--dry-run');
  assert.deepEqual(after.plan.moves, []);
  assert.equal(decideScaleDown(pools, replicasOn(after)).kind, 'allowed');
  record('rebalance onto a new broker under load (dedicated controllers: 2 brokers + 1 new, 1 MiB/s throttle)', {
    ...figures(workload),
    moves: done.plan.moves.length,
    rebalanceMs: done.executed!.elapsedMs,
    drainMoves: drained.plan.moves.length,
    drainMs: drained.executed!.elapsedMs,
  });
});

test('kill -9 of the active controller under load: another controller leads within seconds, doctor names the node, up restarts it, nothing acknowledged lost', async () => {
  const topic = 'verified';
  assert.equal((await cli('topics', 'create', topic, '--partitions', '6', '--replication-factor', '3', '--config', 'min.insync.replicas=2', '--state-dir', cluster.stateDir)).code, 0);
  const local = await locate({ stateDir: cluster.stateDir });
  const leader = (await status({ stateDir: cluster.stateDir })).nodes.find((n) => n.quorum === 'leader')!.id;
  const pid = (await runningPid(local.layout, leader))!;
  const load = verify(cluster.stateDir, topic, 6_000, 300);
  await new Promise((r) => setTimeout(r, 4_000));
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  // Asked of the surviving controllers on their controller listener (KIP-919), as kafka-metadata-quorum does.
  let newLeader = -1;
  while (newLeader < 0 && Date.now() - killedAt < 60_000) {
    for (const node of local.model.nodes.filter((n) => n.controller && n.id !== leader)) {
      const seen = await controllerQuorumLeader(local.placement.internalEndpoint(node, local.model.listeners.controller), 2_000).catch(() => -1);
      if (seen >= 0 && seen !== leader) newLeader = seen;
    }
    if (newLeader < 0) await new Promise((r) => setTimeout(r, 200));
  }
  const electedMs = Date.now() - killedAt;
  assert.ok(newLeader >= 0, `no new quorum leader 60 s after controller ${leader} was killed`);
  const diagnosis = await doctorDuringFault(cluster.stateDir);
  assert.deepEqual(diagnosis.roots, [`node-${leader}`], `doctor names the killed controller as the one root cause:\n${diagnosis.text}`);
  const restarted = await up({ spec: parseSpec(GROWN), stateDir: cluster.stateDir, heap: '320m', readyTimeoutMs: 180_000 });
  assert.deepEqual(restarted.started, [leader]);
  const workload = await load;
  assert.equal(workload.lost, 0, `lost: ${workload.lostSample.join(', ')}`);
  assert.equal(workload.acked, 6_000);
  record('kill -9 of the active controller under load (dedicated controllers: 3 controllers, 3 brokers)', {
    ...figures(workload),
    newLeader,
    newLeaderElectedMs: electedMs,
    doctor: diagnosis.roots.join(', '),
  });
});

test('down stops brokers, then controllers, each with a controlled shutdown', async () => {
  const result = await down({ stateDir: cluster.stateDir, graceMs: 60_000 });
  assert.deepEqual(
    result.nodes.map((n) => n.result),
    ['stopped', 'stopped', 'stopped', 'stopped', 'stopped', 'stopped'],
  );
});
