// The toolbox on seed 003's topology (dedicated controllers, brokers that only observe the quorum): cluster describe
// reports voters and observers with the log end offsets and lag kafka-metadata-quorum reports, and doctor judges
// the quorum by its voters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { main } from '../../../src/cli/main.ts';
import type { Io } from '../../../src/cli/output.ts';
import { status } from '../../../src/local/cluster.ts';
import { KAFKA_TOOLS, runKafkaTool } from '../../helpers/kafka-tools.ts';
import { type TestCluster, clusterSpec, startTestCluster } from '../../helpers/local-cluster.ts';
import { compareQuorum } from '../../helpers/quorum-compare.ts';

const PORT_BASE = 27092; // below the ephemeral port range (32768-60999)
const SPEC = clusterSpec(
  'dedicated-tb',
  `nodePools:
  - {name: broker, roles: [broker], replicas: 2}
  - {name: controller, roles: [controller], replicas: 3}
config:
  group.initial.rebalance.delay.ms: 0
  offsets.topic.num.partitions: 3`,
);
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE, heap: '320m' });
});
after(async () => {
  await cluster?.stop();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never, quiet: true, format: 'text' };
  const code = await main(['node', 'kafkaplane', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

test('cluster describe: 3 voters and the 2 brokers as observers, log end offsets and lag as kafka-metadata-quorum reports them', async () => {
  const ours = async () => {
    const r = await cli('cluster', 'describe', '-b', cluster.bootstrap, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { quorum: { leaderId: number; voters: { id: number; directoryId: string; status: string; logEndOffset: number; lag: number }[]; observers: { id: number; directoryId: string; status: string; logEndOffset: number; lag: number }[] } };
  };
  await compareQuorum(ours, () => runKafkaTool(KAFKA_TOOLS.metadataQuorum, ['--bootstrap-server', cluster.bootstrap, 'describe', '--replication']), { voters: 3, observers: 2 });
  // Voters are the controller nodes, observers the broker nodes (ids as the local runtime numbers them).
  const nodes = (await status({ stateDir: cluster.stateDir })).nodes;
  const ids = (role: string) => nodes.filter((n) => n.roles.includes(role)).map((n) => n.id).sort((a, b) => a - b);
  const report = await ours();
  assert.deepEqual(report.quorum.voters.map((v) => v.id).sort((a, b) => a - b), ids('controller'));
  assert.deepEqual(report.quorum.observers.map((o) => o.id).sort((a, b) => a - b), ids('broker'));
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
