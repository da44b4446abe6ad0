// examples/seed-002-combined.yaml (3 combined broker+controller nodes) rendered as yaml and as kustomize (dev overlay),
// applied with `kubectl apply --server-side` on the one-node Kubernetes, with the test Kafka image: every pod Running
// and Ready, 3 voters, 3 brokers, the topic Job complete, 10,000 records with acks=all through the bootstrap Service.
import { after, before, describe, test } from 'node:test';
import { type KubeNode, startKubeNode } from '../../helpers/kube-node.ts';
import { deleteNamespace, deploy, verifyDeployment } from './kafka.ts';

describe('seed-002 (3 combined nodes) on a real node', { timeout: 1_800_000 }, () => {
  let node: KubeNode;
  before(async () => {
    node = await startKubeNode();
  });
  after(async () => {
    await node?.stop();
  });

  for (const format of ['yaml', 'kustomize'] as const) {
    test(`${format}: pods Ready, quorum, brokers, topic Job, 10,000 records acks=all`, async () => {
      const namespace = `seed002-${format}`;
      const d = await deploy(node, 'seed-002-combined.yaml', format, namespace);
      const result = await verifyDeployment(node, d, { pods: 3, voters: 3, brokers: 3, topic: 'test-topic' });
      const deleted = await deleteNamespace(node, namespace);
      process.stderr.write(`[seed-002 ${format}] apply ${d.applySeconds} s, ${JSON.stringify(result)}, namespace deleted in ${deleted} s\n`);
    });
  }
});
