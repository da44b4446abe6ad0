// A roll across pools on the one-node Kubernetes (issue 13, major 3 and the content-hashed ConfigMaps): seed-002 as
// two pools of combined nodes ("zone-a" with 2, "zone-b" with 1), a NodePort listener so the CLI on the host reaches
// Kafka. A spec.config change is rendered and applied: every pod's template changes, nothing restarts by itself
// (OnDelete), the new config sits in new ConfigMaps beside the old ones; then `kafkaplane restart --kubernetes`
// restarts the pods one at a time — never two pools at once, the active controller last — under acks=all load, and
// no acknowledged record is lost.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KubeNode, NODE_IP, startKubeNode } from '../../helpers/kube-node.ts';
import { KAFKA_PODS, type Deployment, deploy, kafkaTool, quorumStatus, verifyDeployment } from './kafka.ts';
import { rollUnderLoad } from './roll-load.ts';
import { cli, exampleWithImage, pods, render } from './support.ts';

const NS = 'rolls';
const TOPIC = 'test-topic';
/** NodePorts of this file (docs/testing.md lists the node tests' ports): bootstrap 30690, brokers 30691-30693. */
const BOOTSTRAP_NODE_PORT = 30690;

function twoPools(doc: Record<string, any>, config: Record<string, unknown> = {}): void {
  const [pool] = doc.spec.nodePools;
  doc.spec.nodePools = [
    { ...pool, name: 'zone-a', replicas: 2 },
    { ...pool, name: 'zone-b', replicas: 1 },
  ];
  doc.spec.listeners.push({ name: 'external', port: 9094, type: 'nodeport', configuration: { bootstrap: { nodePort: BOOTSTRAP_NODE_PORT } } });
  Object.assign(doc.spec.config, config);
}

describe('a spec.config change on a 2-pool cluster, rolled by kafkaplane restart --kubernetes', { timeout: 1_500_000 }, () => {
  let node: KubeNode;
  let d: Deployment;
  before(async () => {
    node = await startKubeNode();
    d = await deploy(node, 'seed-002-combined.yaml', 'yaml', NS, (doc) => twoPools(doc));
    await verifyDeployment(node, d, { pods: 3, voters: 3, brokers: 3, topic: TOPIC, records: 1_000 });
  });
  after(async () => {
    await node?.stop();
  });

  test('nothing restarts on apply; the roll goes one pod at a time, never two pools at once, the active controller last; 0 acked records lost', async () => {
    const mounted = async () => {
      const items = JSON.parse((await node.kubectl(['get', 'pods', '-n', NS, '-l', KAFKA_PODS, '-o', 'json'])).stdout).items as any[];
      return new Map(items.map((p) => [p.metadata.name as string, p.spec.volumes.find((v: any) => v.name === 'config').configMap.name as string]));
    };
    const configBefore = await mounted();
    const uidsBefore = new Map((await pods(node, NS, KAFKA_PODS)).map((p) => [p.name, p.uid]));

    const spec = exampleWithImage('seed-002-combined.yaml', node.images.kafka, (doc) => {
      doc.metadata.namespace = NS;
      twoPools(doc, { 'num.io.threads': 6 });
    });
    await node.kubectl(['apply', '--server-side', '--field-manager=kafkaplane-test', '-f', '-'], { input: await render(spec, 'yaml') });
    for (const pool of ['zone-a', 'zone-b']) {
      const sts = JSON.parse((await node.kubectl(['get', 'sts', `kafka-${pool}`, '-n', NS, '-o', 'json'])).stdout);
      assert.equal(sts.spec.updateStrategy.type, 'OnDelete');
      assert.match(sts.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name, new RegExp(`^kafka-config-${pool}-[0-9a-f]{10}$`));
    }
    // OnDelete: the StatefulSet controller leaves the pods alone; each keeps the ConfigMap it started with.
    await new Promise((r) => setTimeout(r, 10_000));
    assert.deepEqual(new Map((await pods(node, NS, KAFKA_PODS)).map((p) => [p.name, p.uid])), uidsBefore, 'no pod restarted by itself');
    assert.deepEqual(await mounted(), configBefore);
    const configMaps = JSON.parse((await node.kubectl(['get', 'configmaps', '-n', NS, '-l', 'app.kubernetes.io/component=config', '-o', 'json'])).stdout).items.map((c: any) => c.metadata.name);
    for (const old of new Set(configBefore.values())) assert.ok(configMaps.includes(old), `the old ConfigMap ${old} is still there for pods not yet rolled`);

    const bootstrap = `${NODE_IP}:${BOOTSTRAP_NODE_PORT}`;
    const common = ['restart', '--kubernetes', '-f', spec, '--kubeconfig', node.kubeconfigPath, '--kafka-bootstrap', bootstrap, '-o', 'json'];
    const plan = await cli([...common, '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    const leader = (await quorumStatus(node, d)).leader;
    const planned = JSON.parse(plan.stdout).plan.map((p: { node: number }) => p.node);
    assert.deepEqual(
      [...planned].sort((a: number, b: number) => a - b),
      [0, 1, 100],
    );
    assert.equal(planned.at(-1), leader, `the active controller (${leader}) goes last`);

    const roll = await rollUnderLoad(node, d, TOPIC, () => cli([...common, '--timeout', '900'], { timeoutMs: 960_000 }));
    assert.equal(roll.result.code, 0, roll.result.stderr);
    const report = JSON.parse(roll.result.stdout) as { restarted: { node: number; pod: string; downMs: number }[]; durationMs: number };
    const podOf = (id: number) => (id === 100 ? 'kafka-zone-b-0' : `kafka-zone-a-${id}`);
    assert.deepEqual([...report.restarted.map((r) => r.pod)].sort(), planned.map(podOf).sort(), 'each node restarted once');
    assert.equal(report.restarted.at(-1)?.node, leader, `the active controller (${leader}) went last`);
    assert.deepEqual([...roll.restartOrder].sort(), ['kafka-zone-a-0', 'kafka-zone-a-1', 'kafka-zone-b-0'], 'every pod replaced');
    assert.equal(roll.maxAway, 1, 'one pod away at a time');
    assert.equal(roll.maxPoolsAway, 1, 'never two pools at once');
    assert.ok(roll.minIsr >= 2, `the ISR never fell below min.insync.replicas (smallest seen: ${roll.minIsr})`);
    assert.deepEqual(roll.lost, [], 'no acknowledged record lost');
    assert.ok(roll.acked > 0);

    // Every pod now reads its pool's new ConfigMap, and Kafka runs the new value.
    const configAfter = await mounted();
    for (const [pod, name] of configAfter) assert.notEqual(name, configBefore.get(pod), `${pod} mounts the new ConfigMap`);
    const described = await kafkaTool(node, NS, 'kafka-configs.sh', ['--bootstrap-server', d.bootstrap, '--entity-type', 'brokers', '--entity-name', '100', '--describe', '--all']);
    assert.match(described.stdout, /num\.io\.threads=6\b/);
    process.stderr.write(
      `[rolls] restart --kubernetes: ${(report.durationMs / 1000).toFixed(1)} s for 3 pods in 2 pools (order ${report.restarted.map((r) => `${r.pod} ${(r.downMs / 1000).toFixed(0)} s`).join(' → ')}; leader ${leader} last); ${roll.batches} batches: acked ${roll.acked}, failed ${roll.failed}, read ${roll.readOwn}, lost ${roll.lost.length}, duplicates ${roll.duplicates}; smallest ISR ${roll.minIsr} of 3; at most ${roll.maxAway} pod(s) and ${roll.maxPoolsAway} pool(s) away\n`,
    );
  });
});
