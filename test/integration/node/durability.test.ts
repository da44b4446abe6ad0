// seed-002 under load on the one-node Kubernetes:
//  a broker pod deleted while kcat produces with acks=all comes back on its PVC with its data, no acknowledged
//  record is lost, and the PodDisruptionBudget refuses to evict a second broker meanwhile.
// (A config change rolled under load: rolls.test.ts, with `kafkaplane restart --kubernetes` across two pools.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubeRequest } from '../../helpers/kube-api.ts';
import { type KubeNode, startKubeNode, waitUntil } from '../../helpers/kube-node.ts';
import { CLIENT_POD, KAFKA_PODS, type Deployment, deploy, verifyDeployment } from './kafka.ts';
import { elapsed, exec, kcatConsumeAll, kcatProduce, ledger, pods } from './support.ts';

const NS = 'durability';
const TOPIC = 'test-topic';

/** POST an Eviction (dry run: a wrongly allowed eviction must not take a second broker down for real). */
async function tryEvict(node: KubeNode, pod: string): Promise<number> {
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: NS }, deleteOptions: { dryRun: ['All'] } };
  return (await kubeRequest(node, 'POST', `/api/v1/namespaces/${NS}/pods/${pod}/eviction`, eviction)).status;
}

describe('seed-002 under load: a deleted broker, the PDB', { timeout: 2_400_000 }, () => {
  let node: KubeNode;
  let d: Deployment;
  before(async () => {
    node = await startKubeNode();
    d = await deploy(node, 'seed-002-combined.yaml', 'yaml', NS);
    await verifyDeployment(node, d, { pods: 3, voters: 3, brokers: 3, topic: TOPIC, records: 1_000 });
  });
  after(async () => {
    await node?.stop();
  });

  test('a broker pod deleted under acks=all load comes back with its data; 0 acked records lost; the PDB holds', async () => {
    const victim = 'kafka-dual-1';
    const before = (await pods(node, NS, KAFKA_PODS)).find((p) => p.name === victim)!;
    const pvcBefore = JSON.parse((await node.kubectl(['get', 'pvc', `data-${victim}`, '-n', NS, '-o', 'json'])).stdout);

    // 30,000 records at ~1,000/s: bounded in count and (by kcat's message timeout and the exec's) in time.
    const producing = kcatProduce(node, NS, CLIENT_POD, d.bootstrap, TOPIC, 'kill', 30_000, 240_000, { perSecond: 1_000 });
    await new Promise((r) => setTimeout(r, 5_000));
    const deletedAt = Date.now();
    await node.kubectl(['delete', 'pod', victim, '-n', NS, '--wait=false']);

    // The PDB (maxUnavailable 1) must refuse a second disruption while the first broker is away.
    await waitUntil(
      'the PDB to count the deleted broker',
      60_000,
      async () => {
        const pdb = JSON.parse((await node.kubectl(['get', 'pdb', 'kafka-nodes', '-n', NS, '-o', 'json'])).stdout);
        return pdb.status.disruptionsAllowed === 0;
      },
      500,
    );
    const evictWhileDown = await tryEvict(node, 'kafka-dual-2');
    assert.equal(evictWhileDown, 429, 'evicting a second broker is refused (429 Too Many Requests) while one is down');

    const back = await waitUntil(
      `${victim} back and Ready`,
      300_000,
      async () => {
        const p = (await pods(node, NS, KAFKA_PODS)).find((q) => q.name === victim);
        return p && p.uid !== before.uid && p.ready ? p : false;
      },
      1_000,
    );
    const downSeconds = elapsed(deletedAt);
    const produced = await producing;

    // Its data: the same PVC and volume, not formatted again, and replicas of the topic in its log dir.
    const pvcAfter = JSON.parse((await node.kubectl(['get', 'pvc', `data-${victim}`, '-n', NS, '-o', 'json'])).stdout);
    assert.equal(pvcAfter.metadata.uid, pvcBefore.metadata.uid);
    assert.equal(pvcAfter.spec.volumeName, pvcBefore.spec.volumeName);
    const log = (await node.kubectl(['logs', '-n', NS, back.name])).stdout;
    assert.doesNotMatch(log, /kafkaplane: formatting/, 'the restarted broker did not format its log dir again');
    const dirs = await exec(node, NS, CLIENT_POD, [
      'env',
      'KAFKA_HEAP_OPTS=-Xmx128m',
      '/opt/kafka/bin/kafka-log-dirs.sh',
      '--bootstrap-server',
      d.bootstrap,
      '--describe',
      '--broker-list',
      '1',
      '--topic-list',
      TOPIC,
    ]);
    const sizes = [...dirs.stdout.matchAll(/"partition":"test-topic-\d+","size":(\d+)/g)].map((m) => Number(m[1]));
    assert.ok(sizes.length > 0 && sizes.some((s) => s > 0), `broker 1 holds test-topic data after the restart: ${dirs.stdout.slice(-400)}`);

    const read = await kcatConsumeAll(node, NS, CLIENT_POD, d.bootstrap, TOPIC);
    const result = ledger(produced.acked, read, 'kill');
    assert.deepEqual(result.lost, [], 'no acknowledged record lost');
    assert.ok(produced.acked.size > 0);
    process.stderr.write(
      `[durability] ${victim} back Ready ${downSeconds} s after its deletion; produced 30000 in ${produced.seconds} s: acked ${produced.acked.size}, failed ${produced.failed}, read ${result.readOwn}, lost ${result.lost.length}, duplicates ${result.duplicates}; eviction while down → ${evictWhileDown}\n`,
    );
  });
});
