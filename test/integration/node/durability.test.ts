// seed-002 under load on the one-node Kubernetes:
//  1. a broker pod deleted while kcat produces with acks=all comes back on its PVC with its data, no acknowledged
//     record is lost, and the PodDisruptionBudget refuses to evict a second broker meanwhile;
//  2. a config change rolls the pods one at a time (the config hash in the pod template) under load, with no
//     acknowledged record lost; the test measures how long the roll takes and whether the ISR shrank.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubeRequest } from '../../helpers/kube-api.ts';
import { type KubeNode, startKubeNode, waitUntil } from '../../helpers/kube-node.ts';
import { CLIENT_POD, KAFKA_PODS, type Deployment, deploy, verifyDeployment } from './kafka.ts';
import { elapsed, exec, exampleWithImage, kcatConsumeAll, kcatProduce, ledger, pods, render } from './support.ts';

const NS = 'durability';
const TOPIC = 'test-topic';

/** ISR sizes per partition of a topic, from kcat's metadata (cheap enough to poll every second or two). */
async function isrSizes(node: KubeNode, d: Deployment, topic: string): Promise<number[]> {
  const r = await exec(node, d.namespace, CLIENT_POD, ['kcat', '-b', d.bootstrap, '-L', '-t', topic, '-m', '5'], { allowFail: true, timeoutMs: 20_000 });
  return [...r.stdout.matchAll(/partition \d+, leader -?\d+, replicas: [\d,]*, isrs: ([\d,]*)/g)].map((m) => m[1]!.split(',').filter(Boolean).length);
}

/** POST an Eviction (dry run: a wrongly allowed eviction must not take a second broker down for real). */
async function tryEvict(node: KubeNode, pod: string): Promise<number> {
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: NS }, deleteOptions: { dryRun: ['All'] } };
  return (await kubeRequest(node, 'POST', `/api/v1/namespaces/${NS}/pods/${pod}/eviction`, eviction)).status;
}

describe('seed-002 under load: a deleted broker, the PDB, a rolling config change', { timeout: 2_400_000 }, () => {
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

  test('a config change rolls the pods one at a time under load; 0 acked records lost (duration and ISR measured)', async () => {
    const sts = async () => JSON.parse((await node.kubectl(['get', 'sts', 'kafka-dual', '-n', NS, '-o', 'json'])).stdout);
    const before = await sts();
    const hashBefore = JSON.stringify(before.spec.template.metadata.annotations ?? {});

    // The change: one broker setting (server.properties in the ConfigMap; its hash is in the pod template).
    const spec = exampleWithImage('seed-002-combined.yaml', node.images.kafka, (doc) => {
      doc.metadata.namespace = NS;
      doc.spec.config['num.io.threads'] = 6;
    });
    const manifest = await render(spec, 'yaml');
    const started = Date.now();
    await node.kubectl(['apply', '--server-side', '--field-manager=kafkaplane-test', '-f', '-'], { input: manifest });
    const after1 = await sts();
    assert.notEqual(JSON.stringify(after1.spec.template.metadata.annotations ?? {}), hashBefore, 'the pod template changed (config hash)');

    // Load in bounded batches while the roll runs; the ISR and how many pods are away at once, sampled.
    let rolling = true;
    const acked = new Set<string>();
    let failed = 0;
    let batches = 0;
    const load = (async () => {
      let from = 1;
      while (rolling && batches < 60) {
        const p = await kcatProduce(node, NS, CLIENT_POD, d.bootstrap, TOPIC, 'roll', 5_000, 180_000, { perSecond: 1_000, from });
        for (const k of p.acked) acked.add(k);
        failed += p.failed;
        from += 5_000;
        batches++;
      }
    })();
    let minIsr = 3;
    let maxAway = 0;
    const restartOrder: string[] = [];
    const uids = new Map((await pods(node, NS, KAFKA_PODS)).map((p) => [p.name, p.uid]));
    try {
      await waitUntil(
        'the rolling update to finish',
        900_000,
        async () => {
          const list = await pods(node, NS, KAFKA_PODS);
          maxAway = Math.max(maxAway, 3 - list.filter((p) => p.ready).length);
          for (const p of list) {
            if (uids.get(p.name) !== p.uid && !restartOrder.includes(p.name)) restartOrder.push(p.name);
          }
          const isr = await isrSizes(node, d, TOPIC);
          if (isr.length > 0) minIsr = Math.min(minIsr, ...isr);
          const s = await sts();
          return s.status.updateRevision === s.status.currentRevision && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3 && list.every((p) => p.ready);
        },
        2_000,
      );
    } finally {
      rolling = false;
      await load;
    }
    const rollSeconds = elapsed(started);
    const read = await kcatConsumeAll(node, NS, CLIENT_POD, d.bootstrap, TOPIC);
    const result = ledger(acked, read, 'roll');
    assert.deepEqual(result.lost, [], 'no acknowledged record lost during the roll');
    assert.ok(acked.size > 0);
    assert.deepEqual([...restartOrder].sort(), ['kafka-dual-0', 'kafka-dual-1', 'kafka-dual-2'], 'every pod restarted');
    assert.equal(maxAway, 1, 'one pod at a time');
    const config = await exec(node, NS, CLIENT_POD, [
      'env',
      'KAFKA_HEAP_OPTS=-Xmx128m',
      '/opt/kafka/bin/kafka-configs.sh',
      '--bootstrap-server',
      d.bootstrap,
      '--entity-type',
      'brokers',
      '--entity-name',
      '0',
      '--describe',
      '--all',
    ]);
    assert.match(config.stdout, /num\.io\.threads=6\b/);
    process.stderr.write(
      `[roll] ${rollSeconds} s for 3 pods (order ${restartOrder.join(' → ')}; minReadySeconds 30 between pods); ${batches} batches: acked ${acked.size}, failed ${failed}, read ${result.readOwn}, lost ${result.lost.length}, duplicates ${result.duplicates}; smallest ISR seen ${minIsr} of 3${minIsr < 3 ? ' (ISR shrank)' : ''}; at most ${maxAway} pod(s) away\n`,
    );
  });
});
