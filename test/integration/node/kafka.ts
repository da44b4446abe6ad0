/**
 * Deploying a rendered example on the one-node Kubernetes and checking it as a user would: every pod Running and
 * Ready, the KRaft quorum with its voters, the brokers registered, the topic Job complete, and kcat producing and
 * consuming through the bootstrap Service.
 */
import assert from 'node:assert/strict';
import type { KubeNode } from '../../helpers/kube-node.ts';
import { waitUntil } from '../../helpers/kube-node.ts';
import { describe, elapsed, ensureNamespace, exec, exampleWithImage, kcatConsumeAll, kcatProduce, ledger, render, startClientPod, waitPodsReady } from './support.ts';

export const KAFKA_PODS = 'app.kubernetes.io/name=kafka';
export const CLIENT_POD = 'client';

export interface Deployment {
  namespace: string;
  /** name of the KafkaCluster (metadata.name) */
  cluster: string;
  bootstrap: string;
  manifest: string;
  applySeconds: number;
}

/**
 * Renders `example` (yaml, or kustomize built through its dev overlay with `kubectl kustomize`) into `namespace`
 * with the test Kafka image and applies it with `kubectl apply --server-side`.
 */
export async function deploy(
  node: KubeNode,
  example: string,
  format: 'yaml' | 'kustomize',
  namespace: string,
  edit?: (cluster: Record<string, any>) => void,
  editOthers?: (doc: Record<string, any>) => void,
): Promise<Deployment> {
  const started = Date.now();
  let cluster = 'kafka';
  const spec = exampleWithImage(
    example,
    node.images.kafka,
    (doc) => {
      cluster = doc.metadata.name;
      doc.metadata.namespace = namespace;
      edit?.(doc);
    },
    editOthers,
  );
  let manifest: string;
  if (format === 'yaml') {
    manifest = await render(spec, 'yaml');
  } else {
    const dir = await render(spec, 'kustomize');
    // The dev overlay: the prod overlay requires one Kafka node per Kubernetes node (required anti-affinity),
    // which a one-node cluster cannot satisfy by design.
    manifest = (await node.kubectl(['kustomize', `${dir}/overlays/dev`])).stdout;
  }
  await ensureNamespace(node, namespace);
  await node.kubectl(['apply', '--server-side', '--field-manager=kafkaplane-test', '-f', '-'], { input: manifest });
  return { namespace, cluster, bootstrap: `${cluster}-bootstrap.${namespace}.svc.cluster.local:9092`, manifest, applySeconds: elapsed(started) };
}

export interface VerifyResult {
  podsReadySeconds: number;
  voters: number;
  brokers: number;
  produced: number;
  acked: number;
  read: number;
  produceSeconds: number;
  consumeSeconds: number;
}

/** The topic-init Job of the render: waits until it succeeded. */
export async function waitTopicJob(node: KubeNode, namespace: string, timeoutMs = 300_000): Promise<void> {
  try {
    await waitUntil(
      'the topic Job to complete',
      timeoutMs,
      async () => {
        const jobs = JSON.parse((await node.kubectl(['get', 'jobs', '-n', namespace, '-l', 'app.kubernetes.io/name=kafka-topics', '-o', 'json'])).stdout).items as any[];
        return jobs.length > 0 && jobs.every((j) => (j.status.succeeded ?? 0) >= 1);
      },
      2_000,
    );
  } catch (err) {
    const logs = await node.kubectl(['logs', '-n', namespace, '-l', 'app.kubernetes.io/name=kafka-topics', '--tail=30'], { allowFail: true });
    throw new Error(`${(err as Error).message}\n${logs.stdout}${logs.stderr}\n${await describe(node, namespace)}`);
  }
}

/** Kafka's own tool from the client pod (the broker containers carry the broker's heap settings in their env). */
export async function kafkaTool(node: KubeNode, namespace: string, tool: string, args: string[], timeoutMs = 120_000) {
  return exec(node, namespace, CLIENT_POD, ['env', 'KAFKA_HEAP_OPTS=-Xmx128m', `/opt/kafka/bin/${tool}`, ...args], { timeoutMs });
}

/** `kafka-metadata-quorum.sh describe --status`, parsed. */
export async function quorumStatus(node: KubeNode, d: Deployment): Promise<{ leader: number; voters: number[]; observers: number[] }> {
  const out = (await kafkaTool(node, d.namespace, 'kafka-metadata-quorum.sh', ['--bootstrap-server', d.bootstrap, 'describe', '--status'])).stdout;
  const ids = (key: string) => {
    const line = out.split('\n').find((l) => l.startsWith(`${key}:`)) ?? '';
    return [...line.matchAll(/"id":\s*(\d+)/g)].map((m) => Number(m[1]));
  };
  return { leader: Number(/LeaderId:\s*(\d+)/.exec(out)?.[1] ?? -1), voters: ids('CurrentVoters'), observers: ids('CurrentObservers') };
}

/** Brokers in the metadata kcat gets through the bootstrap Service. */
export async function registeredBrokers(node: KubeNode, d: Deployment): Promise<number> {
  const out = (await exec(node, d.namespace, CLIENT_POD, ['kcat', '-b', d.bootstrap, '-L', '-m', '15'], { timeoutMs: 60_000 })).stdout;
  return Number(/ (\d+) brokers:/.exec(out)?.[1] ?? 0);
}

/**
 * Everything a user checks after applying: pods, quorum, brokers, topic Job, then 10,000 records with acks=all
 * through the bootstrap Service, all read back.
 */
export async function verifyDeployment(
  node: KubeNode,
  d: Deployment,
  expect: { pods: number; voters: number; brokers: number; topic: string; records?: number /** no KafkaTopic in the example: no Job; create the topic with kafka-topics.sh */; createTopic?: boolean },
): Promise<VerifyResult> {
  const started = Date.now();
  await waitPodsReady(node, d.namespace, KAFKA_PODS, expect.pods, 600_000);
  const podsReadySeconds = elapsed(started);
  await startClientPod(node, d.namespace, CLIENT_POD);

  const quorum = await waitUntil(
    'the quorum to report its voters',
    120_000,
    async () => {
      const q = await quorumStatus(node, d);
      return q.voters.length === expect.voters && q.leader >= 0 ? q : false;
    },
    3_000,
  );
  assert.equal(quorum.voters.length, expect.voters, `voters ${quorum.voters.join(',')}`);
  const brokers = await waitUntil(
    'every broker registered',
    120_000,
    async () => {
      const n = await registeredBrokers(node, d);
      return n === expect.brokers ? n : false;
    },
    3_000,
  );
  if (expect.createTopic) {
    await kafkaTool(node, d.namespace, 'kafka-topics.sh', [
      '--bootstrap-server',
      d.bootstrap,
      '--create',
      '--if-not-exists',
      '--topic',
      expect.topic,
      '--partitions',
      '3',
      '--replication-factor',
      '3',
      '--config',
      'min.insync.replicas=2',
    ]);
  } else {
    await waitTopicJob(node, d.namespace);
  }

  const count = expect.records ?? 10_000;
  const produced = await kcatProduce(node, d.namespace, CLIENT_POD, d.bootstrap, expect.topic, `${d.namespace}`, count);
  assert.equal(produced.failed, 0, 'kcat reports no failed delivery');
  assert.equal(produced.acked.size, count, `kcat acknowledged all ${count} records (acks=all)`);
  const consumeStarted = Date.now();
  const read = await kcatConsumeAll(node, d.namespace, CLIENT_POD, d.bootstrap, expect.topic);
  const result = ledger(produced.acked, read, d.namespace);
  assert.deepEqual(result.lost.slice(0, 10), [], `${result.lost.length} acknowledged records were not read back`);
  assert.equal(result.readOwn, count, 'every record read back once');
  assert.equal(result.duplicates, 0);
  return {
    podsReadySeconds,
    voters: quorum.voters.length,
    brokers,
    produced: count,
    acked: produced.acked.size,
    read: result.readOwn,
    produceSeconds: produced.seconds,
    consumeSeconds: elapsed(consumeStarted),
  };
}

/** Deletes the namespace and waits until it is gone (the kubelet stops the pods; local-path removes the volumes). */
export async function deleteNamespace(node: KubeNode, namespace: string, timeoutMs = 300_000): Promise<number> {
  const started = Date.now();
  // All of a cluster's nodes at once: the last controllers lose their quorum and would wait out the whole grace period
  // (120 s) in a controlled shutdown that cannot finish; the test is done with them, so a short grace.
  await node.kubectl(['delete', 'pods', '-n', namespace, '--all', '--grace-period=3', '--wait=false'], { allowFail: true });
  await node.kubectl(['delete', 'namespace', namespace, '--wait=false']);
  await waitUntil(
    `namespace ${namespace} to be deleted`,
    timeoutMs,
    async () => {
      const r = await node.kubectl(['get', 'namespace', namespace], { allowFail: true });
      return r.code !== 0;
    },
    2_000,
  );
  return elapsed(started);
}
