// examples/seed-003-dedicated.yaml (3 brokers + 3 dedicated controllers, a TLS listener, rack awareness) rendered as
// yaml and as kustomize (dev overlay) on the one-node Kubernetes. What the example asks of a cluster is provided the
// way a user would: a StorageClass "gp3" (local-path here), the node's zone label, the TLS keystore Secrets. Sized down
// to fit a 2-core node (requests and heap only); the rack init container runs the kafka-client image (curl), since
// curlimages/curl cannot be pulled here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KubeNode, startKubeNode } from '../../helpers/kube-node.ts';
import { CLIENT_POD, deleteNamespace, deploy, kafkaTool, verifyDeployment } from './kafka.ts';
import { ensureNamespace, exec, selfSignedKeystore, tlsSecrets } from './support.ts';

const CLUSTER = 'data-on-eks';
const ZONE = 'zone-a';

function shrink(doc: Record<string, any>, rackImage: string): void {
  for (const pool of doc.spec.nodePools) {
    if (pool.roles.includes('broker')) {
      pool.resources = { requests: { cpu: '100m', memory: '1536Mi' }, limits: { memory: '1536Mi' } };
      pool.jvm = { ...(pool.jvm ?? {}), heap: '640m' };
    } else {
      pool.resources = { requests: { cpu: '100m', memory: '768Mi' }, limits: { memory: '768Mi' } };
    }
  }
  doc.spec.kubernetes.rackInit = { image: rackImage };
}

describe('seed-003 (3 brokers + 3 controllers, TLS, rack) on a real node', { timeout: 1_800_000 }, () => {
  let node: KubeNode;
  before(async () => {
    node = await startKubeNode();
    await node.kubectl(['label', 'node', node.nodeName, `topology.kubernetes.io/zone=${ZONE}`, '--overwrite']);
    await node.kubectl(['apply', '--server-side', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'gp3' },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
      }),
    });
  });
  after(async () => {
    await node?.stop();
  });

  for (const format of ['yaml', 'kustomize'] as const) {
    test(`${format}: pods Ready, 3 voters, 3 brokers in their zone, TLS listener, 10,000 records acks=all`, async () => {
      const namespace = `seed003-${format}`;
      await ensureNamespace(node, namespace);
      const tls = selfSignedKeystore(CLUSTER, 'broker', namespace);
      await node.kubectl(['apply', '--server-side', '-f', '-'], {
        input: tlsSecrets(CLUSTER, namespace, tls)
          .map((s) => JSON.stringify(s))
          .join('\n---\n'),
      });

      const d = await deploy(node, 'seed-003-dedicated.yaml', format, namespace, (doc) => shrink(doc, node.images.kafkaClient));
      const result = await verifyDeployment(node, d, { pods: 6, voters: 3, brokers: 3, topic: 'node-test', createTopic: true });

      // broker.rack from the rack init container: the node's zone.
      const configs = await kafkaTool(node, namespace, 'kafka-configs.sh', ['--bootstrap-server', d.bootstrap, '--entity-type', 'brokers', '--entity-name', '0', '--describe', '--all']);
      assert.match(configs.stdout, new RegExp(`broker\\.rack=${ZONE}\\b`));
      // The TLS listener, verifying the brokers' certificate and host names.
      await exec(node, namespace, CLIENT_POD, ['sh', '-c', 'cat > /tmp/ca.pem'], { input: tls.pem });
      const overTls = await exec(node, namespace, CLIENT_POD, [
        'kcat',
        '-b',
        `${CLUSTER}-bootstrap.${namespace}.svc.cluster.local:9093`,
        '-X',
        'security.protocol=ssl',
        '-X',
        'ssl.ca.location=/tmp/ca.pem',
        '-L',
        '-t',
        'node-test',
        '-m',
        '20',
      ]);
      assert.match(overTls.stdout, / 3 brokers:/);
      assert.match(overTls.stdout, /topic "node-test" with 3 partitions/);

      const deleted = await deleteNamespace(node, namespace);
      process.stderr.write(`[seed-003 ${format}] apply ${d.applySeconds} s, ${JSON.stringify(result)}, namespace deleted in ${deleted} s\n`);
    });
  }
});
