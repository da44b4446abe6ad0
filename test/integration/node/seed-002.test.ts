// examples/seed-002-combined.yaml (3 combined broker+controller nodes) rendered as yaml and as kustomize (dev overlay),
// applied with `kubectl apply --server-side` on the one-node Kubernetes, with the test Kafka image: every pod Running
// and Ready, 3 voters, 3 brokers, the topic Job complete, 10,000 records with acks=all through the bootstrap Service.
// The yaml variant also turns monitoring on (./monitoring.ts): the JMX agent in every broker pod and the kafkaplane
// exporter Deployment, scraped from the host.
import { after, before, describe, test } from 'node:test';
import { type KubeNode, startKubeNode } from '../../helpers/kube-node.ts';
import { deleteNamespace, deploy, verifyDeployment } from './kafka.ts';
import { type AgentMirror, startAgentMirror, verifyMonitoring, withMonitoring } from './monitoring.ts';

describe('seed-002 (3 combined nodes) on a real node', { timeout: 1_800_000 }, () => {
  let node: KubeNode;
  let mirror: AgentMirror;
  before(async () => {
    node = await startKubeNode();
    mirror = await startAgentMirror();
  });
  after(async () => {
    await mirror?.close();
    await node?.stop();
  });

  for (const format of ['yaml', 'kustomize'] as const) {
    test(`${format}: pods Ready, quorum, brokers, topic Job, 10,000 records acks=all${format === 'yaml' ? '; JMX agent and the kafkaplane exporter pod report them' : ''}`, async () => {
      const namespace = `seed002-${format}`;
      const monitored = format === 'yaml';
      const d = await deploy(node, 'seed-002-combined.yaml', format, namespace, monitored ? (cluster) => withMonitoring(cluster, mirror, node.images) : undefined);
      const result: Record<string, unknown> = { ...(await verifyDeployment(node, d, { pods: 3, voters: 3, brokers: 3, topic: 'test-topic' })) };
      if (monitored) result.monitoring = await verifyMonitoring(node, namespace, d.cluster, 'test-topic', 10_000);
      const deleted = await deleteNamespace(node, namespace);
      process.stderr.write(`[seed-002 ${format}] apply ${d.applySeconds} s, ${JSON.stringify(result)}, namespace deleted in ${deleted} s\n`);
    });
  }
});
