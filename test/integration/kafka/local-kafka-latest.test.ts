// The Kafka releases kafkaplane pins above its default (src/local/distributions/: the newest, and the one Strimzi's
// newest release runs by default): `up` runs each from the pinned jars without Maven, with a dynamic KIP-853 quorum,
// and clients nobody here wrote (kcat, Kafka's own tools of that release) use it. One combined node each, one after
// the other, so the check stays cheap; the 3-node shapes run at the default release everywhere else.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_KAFKA_VERSION } from '../../../src/api/kafka-cluster.ts';
import { status } from '../../../src/local/status.ts';
import { runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';

/** Versions compared as numbers (4.10 > 4.9). */
const byVersion = (a: string, b: string) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
};
/** Every pinned release newer than the default, oldest first (scripts/test.ts fetches the same list). */
const NEWER_PINNED = readdirSync(new URL('../../../src/local/distributions/', import.meta.url))
  .map((f) => f.replace(/\.json$/, ''))
  .filter((v) => byVersion(v, DEFAULT_KAFKA_VERSION) > 0)
  .sort(byVersion);

test('releases above the default are pinned', () => assert.ok(NEWER_PINNED.length > 0));

for (const version of NEWER_PINNED) {
  describe(`Kafka ${version}`, () => {
    let cluster: TestCluster;
    before(async () => {
      const spec = testClusterSpec(`v${version.replaceAll('.', '')}`, `version: ${version}\nnodePools:\n  - name: dual\n    roles: [broker, controller]\n    replicas: 1`, {
        'offsets.topic.replication.factor': 1,
        'transaction.state.log.replication.factor': 1,
        'transaction.state.log.min.isr': 1,
      });
      cluster = await startTestCluster(spec, { portBase: TEST_PORTS.kafkaLatest });
    });
    after(async () => {
      await cluster?.stop();
    });

    test(`runs from its pinned jars: a dynamic quorum, kcat and Kafka ${version}'s own tools move records`, async () => {
      assert.equal(cluster.result.kafkaVersion, version);
      const s = await status({ stateDir: cluster.stateDir });
      assert.equal(s.healthy, true, JSON.stringify(s.nodes));
      assert.deepEqual(
        s.quorum?.voters.map((v) => v.id),
        [0],
      );
      const lines = Array.from({ length: 50 }, (_, i) => `latest-${i}`);
      const produced = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'latest-topic', '-X', 'acks=all'], { input: `${lines.join('\n')}\n` });
      assert.equal(produced.code, 0, produced.stderr);
      const consumed = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'latest-topic', '-o', 'beginning', '-e', '-q']);
      assert.deepEqual(consumed.stdout.trim().split('\n').sort(), [...lines].sort(), 'every record back (3 partitions: order per partition only)');
      // Kafka's own quorum tool of that release: the quorum is dynamic (KIP-853), the node a voter with a directory id.
      const quorum = await runKafkaTool('org.apache.kafka.tools.MetadataQuorumCommand', ['--bootstrap-server', cluster.bootstrap, 'describe', '--status'], { version });
      assert.equal(quorum.code, 0, quorum.stderr);
      assert.match(quorum.stdout, /CurrentVoters:\s+\[\{"id":\s*0,\s*"directoryId":\s*"[A-Za-z0-9_-]{22}"/);
    });
  });
}
