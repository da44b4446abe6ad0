// The operator as users install it, on the real one-node Kubernetes: `helm install` of deploy/helm/kafkaplane-operator
// runs `kafkaplane operator run` in a pod (the kafkaplane image, the repo Dockerfile's layout) with its ServiceAccount
// and least-privilege RBAC; a KafkaCluster (seed-002) and a KafkaTopic applied with kubectl become real: pods Ready,
// a Ready status with the listener addresses, the topic in Kafka — and kcat in a client pod produces with acks=all and
// reads back through the address the status gives. (KafkaUsers need a SCRAM listener: test/integration/operator/.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { type KubeNode, startKubeNode, waitUntil } from '../../helpers/kube-node.ts';
import { spawnWithTimeout } from '../../helpers/spawn.ts';
import { deleteNamespace } from '../node/kafka.ts';
import { REPO_ROOT, ensureNamespace, exampleWithImage, kcatConsumeAll, kcatProduce, ledger, startClientPod } from '../node/support.ts';

const OPERATOR_NS = 'kafkaplane-system';
const NS = 'apps';
const HELM = execFileSync('bash', [`${REPO_ROOT}/scripts/helm/build.sh`, '--print-bin'], { encoding: 'utf8' }).trim();

type Resource = {
  metadata: { generation?: number };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string; observedGeneration?: number }[]; [k: string]: unknown };
};

async function get(node: KubeNode, kind: string, name: string): Promise<Resource | undefined> {
  const r = await node.kubectl(['get', kind, name, '-n', NS, '-o', 'json'], { allowFail: true });
  return r.code === 0 ? (JSON.parse(r.stdout) as Resource) : undefined;
}

/** Ready True for the current generation; on timeout the status and the operator's log say why. */
async function waitReady(node: KubeNode, kind: string, name: string, timeoutMs: number): Promise<Resource> {
  return waitUntil(
    `${kind} ${name} Ready`,
    timeoutMs,
    async () => {
      const o = await get(node, kind, name);
      const ready = o?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' && ready.observedGeneration === o!.metadata.generation ? o : false;
    },
    2_000,
  ).catch(async (error: Error) => {
    const o = await get(node, kind, name);
    const logs = await node.kubectl(['logs', '-n', OPERATOR_NS, 'deployment/kafkaplane-operator', '--tail=40'], { allowFail: true });
    throw new Error(`${error.message}\nstatus: ${JSON.stringify(o?.status, null, 1)?.slice(0, 2000)}\noperator log:\n${logs.stdout.slice(-4000)}`);
  });
}

describe('the operator installed with Helm, running in a pod', { timeout: 1_500_000 }, () => {
  let node: KubeNode;
  before(async () => {
    node = await startKubeNode();
  });
  after(async () => {
    // The custom resources go first, while the operator still holds its Role in the namespace: their finalizers need
    // it (deleting the namespace would delete the Role and RoleBinding too, and the finalizers could not be removed).
    if (node) await node.kubectl(['delete', 'kafkatopics,kafkausers,kafkaclusters', '--all', '-n', NS, '--timeout=120s'], { allowFail: true, timeoutMs: 150_000 });
    if (node) await deleteNamespace(node, NS).catch(() => undefined);
    await node?.stop();
  });

  test('helm install; a KafkaCluster and a KafkaTopic become Ready; kcat moves records through the status address', async () => {
    const started = Date.now();
    // The watched namespace exists first: the chart puts the operator's Role and RoleBinding there.
    await ensureNamespace(node, NS);
    const install = await spawnWithTimeout(
      HELM,
      [
        'install',
        'kafkaplane-operator',
        `${REPO_ROOT}/deploy/helm/kafkaplane-operator`,
        '--namespace',
        OPERATOR_NS,
        '--create-namespace',
        '--set',
        `image=${node.images.kafkaplane}`,
        '--set',
        `watchNamespace=${NS}`,
        '--kubeconfig',
        node.kubeconfigPath,
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(install.code, 0, install.stderr);
    const rollout = await node.kubectl(['rollout', 'status', '-n', OPERATOR_NS, 'deployment/kafkaplane-operator', '--timeout=180s'], { allowFail: true, timeoutMs: 200_000 });
    assert.equal(rollout.code, 0, `the operator's pod became Ready: ${rollout.stdout}${rollout.stderr}`);

    // seed-002 as custom resources, with the test image; its KafkaTopic and a KafkaUser of our own.
    const docs = parseAllDocuments(fs.readFileSync(exampleWithImage('seed-002-combined.yaml', node.images.kafka), 'utf8')).map((d) => d.toJS() as Record<string, any>);
    const cluster = docs.find((d) => d.kind === 'KafkaCluster')!;
    cluster.metadata = { name: 'kafka', namespace: NS };
    const topic = {
      apiVersion: 'kafkaplane.io/v1alpha1',
      kind: 'KafkaTopic',
      metadata: { name: 'orders', namespace: NS, labels: { 'kafkaplane.io/cluster': 'kafka' } },
      spec: { partitions: 3, replicas: 3, config: { 'min.insync.replicas': '2' } },
    };
    const applied = await node.kubectl(['apply', '--server-side', '-f', '-'], { input: [cluster, topic].map((d) => JSON.stringify(d)).join('\n'), allowFail: true });
    assert.equal(applied.code, 0, applied.stderr);

    const ready = await waitReady(node, 'kafkacluster', 'kafka', 600_000);
    const readyAfter = Math.round((Date.now() - started) / 1000);
    const listeners = (ready.status?.listeners ?? []) as { name: string; bootstrapServers: string }[];
    assert.ok(listeners.length > 0, JSON.stringify(ready.status));
    const internal = listeners[0]!.bootstrapServers;
    assert.match(internal, /\.svc/, `the first listener is the in-cluster one: ${internal}`);
    const topicReady = await waitReady(node, 'kafkatopic', 'orders', 180_000);
    assert.equal(topicReady.status?.partitions, 3);

    const client = await startClientPod(node, NS);
    const produced = await kcatProduce(node, NS, client, internal, 'orders', 'op', 2_000);
    assert.equal(produced.acked.size, 2_000, `acks=all through ${internal}`);
    const read = await kcatConsumeAll(node, NS, client, internal, 'orders');
    assert.deepEqual(ledger(produced.acked, read, 'op').lost, []);

    process.stderr.write(`[operator-pod] KafkaCluster Ready ${readyAfter} s after helm install; 2,000 records acked and read back through ${internal}\n`);
  });
});
