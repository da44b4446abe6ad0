// Monitoring on the one-node Kubernetes: the rendered JMX exporter agent (downloaded by the pods' init container,
// checked by SHA-256) and the rendered kafkaplane exporter Deployment, scraped from the host over the pod network.
// The agent comes from a host HTTP server on the node IP standing in for "a Maven mirror inside your network"
// (monitoring.jmxExporter.url): Maven Central is not reachable from pods here. The init container runs the kafka-client
// image (curl + sha256sum) as curlimages/curl cannot be pulled here.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { metricsAgent } from '../../../src/local/metrics-agent.ts';
import { NODE_IP } from '../../helpers/kube-node.ts';
import type { KubeNode } from '../../helpers/kube-node.ts';
import { sample } from '../../helpers/service.ts';
import { KAFKA_PODS } from './kafka.ts';
import { pods, waitPodsReady } from './support.ts';

/** The host port the agent is served on (below 32768, on the node IP only). */
const AGENT_PORT = 14080;

export interface AgentMirror {
  url: string;
  sha256: string;
  close(): Promise<void>;
}

/** Serves the pinned JMX exporter agent jar (from the local cache, fetched from Maven Central) on the node IP. */
export async function startAgentMirror(): Promise<AgentMirror> {
  const jar = readFileSync(await metricsAgent(process.env));
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jmx_prometheus_javaagent.jar') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/java-archive', 'content-length': jar.length }).end(jar);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(AGENT_PORT, NODE_IP, resolve));
  return {
    url: `http://${NODE_IP}:${AGENT_PORT}/jmx_prometheus_javaagent.jar`,
    sha256: createHash('sha256').update(jar).digest('hex'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The spec edit: monitoring on, with the mirror, this node's images, and no Prometheus Operator objects (no CRDs here). */
export function withMonitoring(cluster: Record<string, any>, mirror: AgentMirror, images: KubeNode['images']): void {
  cluster.spec.kubernetes.monitoring = {
    enabled: true,
    jmxExporter: { url: mirror.url, sha256: mirror.sha256, image: images.kafkaClient },
    kafkaExporter: { implementation: 'kafkaplane', image: images.kafkaplane },
    podMonitor: false,
    prometheusRule: false,
  };
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, url);
  return response.text();
}

/**
 * Every broker pod's JMX agent answers with Kafka's broker metrics, and the exporter pod (Ready: it collected) reports
 * the brokers and, for `topic`, current offsets summing to the records Kafka acknowledged.
 */
export async function verifyMonitoring(node: KubeNode, namespace: string, cluster: string, topic: string, records: number): Promise<{ exporterReadySeconds: number; offsetSum: number }> {
  const started = Date.now();
  for (const pod of await pods(node, namespace, KAFKA_PODS)) {
    const text = await scrape(`http://${pod.ip}:9404/metrics`);
    assert.match(text, /^kafka_server_replicamanager_leadercount[{ ]/m, `${pod.name}'s JMX agent serves the broker metrics`);
  }
  const [exporter] = await waitPodsReady(node, namespace, `app.kubernetes.io/name=kafka-exporter,app.kubernetes.io/instance=${cluster}`, 1, 180_000);
  const exporterReadySeconds = Math.round((Date.now() - started) / 1000);
  assert.equal(exporter!.restarts, 0, 'the exporter ran within its memory limit, without restarts');
  // The exporter collects every 15 s: poll until its cache has caught up with the produced records (bounded).
  let text = '';
  let offsetSum = -1;
  for (const until = Date.now() + 90_000; offsetSum !== records && Date.now() < until; ) {
    if (offsetSum >= 0) await new Promise((r) => setTimeout(r, 3_000));
    text = await scrape(`http://${exporter!.ip}:9308/metrics`);
    offsetSum = 0;
    for (let partition = 0; sample(text, 'kafka_topic_partition_current_offset', { topic, partition: String(partition) }) !== undefined; partition++) {
      offsetSum += sample(text, 'kafka_topic_partition_current_offset', { topic, partition: String(partition) })!;
    }
  }
  assert.equal(sample(text, 'kafka_brokers'), 3);
  assert.equal(sample(text, 'kafkaplane_exporter_up'), 1);
  assert.equal(offsetSum, records, `${topic}'s end offsets, as the exporter in the pod reports them, add up to the acknowledged records`);
  return { exporterReadySeconds, offsetSum };
}
