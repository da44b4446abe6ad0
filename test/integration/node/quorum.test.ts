// Issue 13, blocker 1 and major 5, on real pods (the one-node Kubernetes, the test images of Kafka 3.9.2 and 4.1.2):
//  1. seed-002 created at Kafka 3.9.2 (static quorum), 2,000 records with acks=all;
//  2. re-rendered at 4.1.2 with spec.quorum.mode unset (the default for a new 4.1 cluster is dynamic): the first
//     rolled pod refuses to start on its static metadata log, with the fix in its log; the quorum holds;
//  3. re-rendered with spec.quorum.mode: static: the pods roll one at a time from 3.9.2 to 4.1.2 under acks=all load;
//     every acknowledged record (of 3.9 and of the roll) is read back, 3 voters, still controller.quorum.voters;
//  4. a controller whose volume is lost (its PVC deleted) comes back empty: the entrypoint asks the quorum, finds
//     the node registered, and waits instead of formatting; reformat-voter (the static quorum's recovery) brings it
//     back as a voter.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KubeNode, startKubeNode, waitUntil } from '../../helpers/kube-node.ts';
import { CLIENT_POD, KAFKA_PODS, type Deployment, quorumStatus, verifyDeployment } from './kafka.ts';
import { elapsed, ensureNamespace, exampleWithImage, exec, kcatConsumeAll, kcatProduce, ledger, pods, render } from './support.ts';

const NS = 'quorum';
const TOPIC = 'test-topic';
const EXAMPLE = 'seed-002-combined.yaml';

async function apply(node: KubeNode, image: string, edit: (spec: Record<string, any>) => void): Promise<void> {
  const spec = exampleWithImage(EXAMPLE, image, (doc) => {
    doc.metadata.namespace = NS;
    edit(doc.spec);
  });
  await node.kubectl(['apply', '--server-side', '--field-manager=kafkaplane-test', '-f', '-'], { input: await render(spec, 'yaml') });
}

/** The kafka container's log, current and previous (a container that exited and restarts). */
async function kafkaLog(node: KubeNode, pod: string): Promise<string> {
  const now = await node.kubectl(['logs', '-n', NS, pod, '-c', 'kafka'], { allowFail: true });
  const previous = await node.kubectl(['logs', '-n', NS, pod, '-c', 'kafka', '--previous'], { allowFail: true });
  return `${previous.stdout}\n${now.stdout}`;
}

async function podImage(node: KubeNode, pod: string): Promise<string> {
  return JSON.parse((await node.kubectl(['get', 'pod', pod, '-n', NS, '-o', 'json'])).stdout).spec.containers[0].image;
}

describe('quorum mode kept across 3.9 → 4.1; a controller that lost its disk waits', { timeout: 1_800_000 }, () => {
  let node: KubeNode;
  let d: Deployment;
  /** Every record in the topic on 3.9.2 (partition:offset → value): all of it must be there after the upgrade. */
  let data39: Map<string, string>;
  before(async () => {
    node = await startKubeNode();
    await ensureNamespace(node, NS);
    const started = Date.now();
    await apply(node, node.images.kafka39, (spec) => {
      spec.version = '3.9.2';
    });
    d = { namespace: NS, cluster: 'kafka', bootstrap: `kafka-bootstrap.${NS}.svc.cluster.local:9092`, manifest: '', applySeconds: 0 };
    const verified = await verifyDeployment(node, d, { pods: 3, voters: 3, brokers: 3, topic: TOPIC, records: 2_000 });
    data39 = await kcatConsumeAll(node, NS, CLIENT_POD, d.bootstrap, TOPIC);
    assert.equal(data39.size, 2_000);
    process.stderr.write(`[quorum] Kafka 3.9.2 cluster ready and verified in ${elapsed(started)} s (${JSON.stringify(verified)})\n`);
  });
  after(async () => {
    await node?.stop();
  });

  test('3.9.2 → 4.1.2: an unset mode is refused by the pods, mode static rolls one pod at a time; quorum and acks=all data kept', async () => {
    const props = await exec(node, NS, 'kafka-dual-0', ['cat', '/run/kafkaplane/server.properties'], { container: 'kafka' });
    assert.match(props.stdout, /^controller\.quorum\.voters=0@/m, 'created static');

    // 2. re-rendered at 4.1.2, spec.quorum.mode unset: a new 4.1 cluster would be dynamic.
    const refusedAt = Date.now();
    await apply(node, node.images.kafka, (spec) => {
      spec.version = '4.1.2';
    });
    // The StatefulSets are OnDelete (a roll is driven, never started by an apply): restart the last pod, as the roll
    // (`kafkaplane restart --kubernetes`, test/integration/node/rolls.test.ts) would first.
    await node.kubectl(['delete', 'pod', 'kafka-dual-2', '-n', NS, '--wait=false']);
    const refusal = await waitUntil(
      'the first rolled pod to refuse the dynamic configuration',
      180_000,
      async () => {
        const log = await kafkaLog(node, 'kafka-dual-2');
        return /belongs to a static quorum .* but its configuration asks for a dynamic quorum/.test(log) ? log : false;
      },
      2_000,
    );
    assert.match(refusal, /set spec\.quorum\.mode: static, render and apply again/);
    assert.doesNotMatch(refusal, /Kafka Server started|KafkaRaftServer.*started/);
    const quorum = await quorumStatus(node, d);
    assert.ok(quorum.leader === 0 || quorum.leader === 1, `the two others keep the quorum (leader ${quorum.leader})`);
    assert.deepEqual([...quorum.voters].sort(), [0, 1, 2], 'the voter set is unchanged');
    const refusedSeconds = elapsed(refusedAt);

    // 3. mode static: the roll goes on, 3.9.2 → 4.1.2, under acks=all load.
    const rollStarted = Date.now();
    await apply(node, node.images.kafka, (spec) => {
      spec.version = '4.1.2';
      spec.quorum = { mode: 'static' };
    });
    let rolling = true;
    const acked = new Set<string>();
    let failed = 0;
    const load = (async () => {
      let from = 1;
      for (let batch = 0; rolling && batch < 60; batch++) {
        const p = await kcatProduce(node, NS, CLIENT_POD, d.bootstrap, TOPIC, 'upgrade', 3_000, 180_000, { perSecond: 1_000, from });
        for (const k of p.acked) acked.add(k);
        failed += p.failed;
        from += 3_000;
      }
    })();
    let maxAway = 0;
    try {
      // One pod at a time, the highest ordinal first (the refusing pod), each only once the previous one is back and
      // Ready, as a StatefulSet's rolling update would; the pods are OnDelete, so the test deletes them in turn.
      for (const pod of ['kafka-dual-2', 'kafka-dual-1', 'kafka-dual-0']) {
        const uid = (await pods(node, NS, KAFKA_PODS)).find((p) => p.name === pod)?.uid;
        await node.kubectl(['delete', 'pod', pod, '-n', NS, '--wait=false']);
        await waitUntil(
          `${pod} restarted and Ready`,
          600_000,
          async () => {
            const list = await pods(node, NS, KAFKA_PODS);
            maxAway = Math.max(maxAway, 3 - list.filter((p) => p.ready).length);
            const p = list.find((x) => x.name === pod);
            return p !== undefined && p.uid !== uid && p.ready;
          },
          2_000,
        );
      }
    } finally {
      rolling = false;
      await load;
    }
    const rollSeconds = elapsed(rollStarted);
    for (const pod of ['kafka-dual-0', 'kafka-dual-1', 'kafka-dual-2']) assert.equal(await podImage(node, pod), node.images.kafka);
    assert.equal(maxAway, 1, 'one pod at a time (the refused pod counted)');
    const after = await waitUntil(
      '3 voters and a leader on 4.1.2',
      120_000,
      async () => {
        const q = await quorumStatus(node, d);
        return q.leader >= 0 && q.voters.length === 3 ? q : false;
      },
      3_000,
    );
    assert.deepEqual([...after.voters].sort(), [0, 1, 2]);
    const upgraded = await exec(node, NS, 'kafka-dual-0', ['cat', '/run/kafkaplane/server.properties'], { container: 'kafka' });
    assert.match(upgraded.stdout, /^controller\.quorum\.voters=0@/m, 'still static');

    const read = await kcatConsumeAll(node, NS, CLIENT_POD, d.bootstrap, TOPIC);
    const during = ledger(acked, read, 'upgrade');
    const missing39 = [...data39].filter(([key, value]) => read.get(key) !== value).map(([key]) => key);
    assert.deepEqual(missing39.slice(0, 10), [], `${missing39.length} of the 2,000 records written on 3.9.2 are not read back on 4.1.2`);
    assert.deepEqual(during.lost.slice(0, 10), [], `${during.lost.length} records acknowledged during the roll were lost`);
    assert.ok(acked.size > 0);
    process.stderr.write(
      `[quorum] unset mode refused by kafka-dual-2 ${refusedSeconds} s after the apply; roll 3.9.2 → 4.1.2 with mode static ${rollSeconds} s, at most ${maxAway} pod away; during the roll acked ${acked.size}, failed ${failed}, lost ${during.lost.length}; 3.9 records read back ${data39.size - missing39.length}/${data39.size}\n`,
    );
  });

  test('a controller whose volume is lost waits instead of being formatted as the voter it was; reformat-voter brings it back', async () => {
    const victim = 'kafka-dual-2';
    const pvc = `data-${victim}`;
    const uid = JSON.parse((await node.kubectl(['get', 'pvc', pvc, '-n', NS, '-o', 'json'])).stdout).metadata.uid;
    const lostAt = Date.now();
    await node.kubectl(['delete', 'pvc', pvc, '-n', NS, '--wait=false']);
    await node.kubectl(['delete', 'pod', victim, '-n', NS, '--grace-period=10', '--wait=false']);
    const waiting = await waitUntil(
      `${victim} to come back on a new, empty volume and wait`,
      240_000,
      async () => {
        const fresh = await node.kubectl(['get', 'pvc', pvc, '-n', NS, '-o', 'json'], { allowFail: true });
        if (fresh.code !== 0 || JSON.parse(fresh.stdout).metadata.uid === uid) return false;
        const log = await kafkaLog(node, victim);
        return /Kafka is not started; waiting for .*reformat-voter/.test(log) ? log : false;
      },
      2_000,
    );
    const waitedSeconds = elapsed(lostAt);
    assert.match(waiting, /controller 2 has an empty log dir .* but the running quorum already knows it: it lost its disk/);
    assert.doesNotMatch(waiting, /kafkaplane: formatting/);
    const list = await pods(node, NS, KAFKA_PODS);
    assert.equal(list.find((p) => p.name === victim)?.ready, false, 'not Ready: the roll or a PDB-respecting drain stops here');
    const q = await quorumStatus(node, d);
    assert.ok(q.leader === 0 || q.leader === 1, `the quorum keeps its leader (${q.leader})`);

    // The static quorum's recovery (docs/render.md): the others are up, so accept formatting it again under id 2.
    await exec(node, NS, victim, ['sh', '-c', 'echo 2 > /run/kafkaplane/reformat-voter'], { container: 'kafka' });
    await waitUntil(
      `${victim} Ready again and caught up as a voter`,
      240_000,
      async () => {
        const p = (await pods(node, NS, KAFKA_PODS)).find((x) => x.name === victim);
        if (!p?.ready) return false;
        const status = await quorumStatus(node, d);
        return status.voters.length === 3 && status.leader >= 0;
      },
      3_000,
    );
    const log = await kafkaLog(node, victim);
    assert.match(log, /kafkaplane: formatting .*kafka-log-2 for node 2/);
    process.stderr.write(`[quorum] lost volume: ${victim} waited (not formatted) ${waitedSeconds} s after its PVC was deleted; back as a voter ${elapsed(lostAt)} s after\n`);
  });
});
