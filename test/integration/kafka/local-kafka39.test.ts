// Kafka 3.9 (the last release line with ZooKeeper, run here in KRaft mode): a static controller quorum
// (controller.quorum.voters, storage formatted without --initial-controllers) and reload4j logging. The same spec
// with `version: 3.9.2` must give a working cluster that clients nobody here wrote use, and that keeps its data.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { down } from '../../../src/local/down.ts';
import { status } from '../../../src/local/status.ts';
import { up } from '../../../src/local/up.ts';
import { parseProperties } from '../../../src/model/properties-format.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';

const PORT_BASE = TEST_PORTS.kafka39;
const SPEC = testClusterSpec('legacy', 'version: 3.9.2', { 'offsets.topic.num.partitions': 3 });
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster(SPEC, { portBase: PORT_BASE });
});
after(async () => {
  await cluster?.stop();
});

test('Kafka 3.9.2: a static quorum of 3 voters, every node configured with controller.quorum.voters', async () => {
  assert.equal(cluster.result.kafkaVersion, '3.9.2');
  for (const id of [0, 1, 2]) {
    const props = parseProperties(await readFile(join(cluster.stateDir, 'nodes', String(id), 'server.properties'), 'utf8'));
    assert.equal(props['controller.quorum.voters'], `0@127.0.0.1:${PORT_BASE + 200},1@127.0.0.1:${PORT_BASE + 201},2@127.0.0.1:${PORT_BASE + 202}`);
    assert.equal(props['controller.quorum.bootstrap.servers'], undefined, 'no KIP-853 bootstrap servers on 3.9');
    const meta = await readFile(join(cluster.stateDir, 'nodes', String(id), 'data', 'meta.properties'), 'utf8');
    assert.match(meta, new RegExp(`cluster.id=${cluster.result.clusterId}`));
  }
  const s = await status({ stateDir: cluster.stateDir });
  assert.equal(s.healthy, true);
  assert.deepEqual(s.quorum?.voters.map((v) => v.id).sort(), [0, 1, 2]);
  // Logs go through reload4j (3.9's POMs carry no backend): the broker is not silent.
  assert.match(await readFile(s.nodes[0]!.logFile, 'utf8'), /Kafka Server started/);
});

test('Kafka 3.9.2: kcat lists 3 brokers, writes and reads; down then up keeps every message', async () => {
  const listed = await runKcat(['-b', cluster.bootstrap, '-L']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, / 3 brokers:/);
  const lines = Array.from({ length: 30 }, (_, i) => `legacy-${i}`);
  const produced = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'legacy-topic', '-X', 'acks=all'], { input: `${lines.join('\n')}\n` });
  assert.equal(produced.code, 0, produced.stderr);

  await down({ stateDir: cluster.stateDir, graceMs: 60_000 });
  const again = await up({ spec: parseSpec(SPEC), stateDir: cluster.stateDir, heap: '384m', readyTimeoutMs: 180_000 });
  assert.equal(again.created, false);
  const read = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'legacy-topic', '-o', 'beginning', '-c', String(lines.length), '-u', '-q'], { timeoutMs: 60_000 });
  assert.equal(read.code, 0, read.stderr);
  assert.deepEqual(read.stdout.trim().split('\n').sort(), [...lines].sort());
});
