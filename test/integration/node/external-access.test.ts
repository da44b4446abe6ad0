// examples/external-access.yaml on the one-node Kubernetes: its NodePort listener (SCRAM-SHA-512) is reachable from
// the host, each broker advertises <node IP>:<its node port>, kcat on the host produces and consumes through it, and
// `kafkaplane doctor --bootstrap <node IP>:<bootstrap node port>` passes.
// Changed for this machine, and why: monitoring off (its JMX agent download, kafka-exporter image and the
// PodMonitor/PrometheusRule CRDs are not available offline); the bootstrap node port 30190 instead of 31090 (the
// brokers then take 30191-30193: 31092 is another integration test's port on this machine); the KafkaUser gets ACLs
// (the example leaves them to the user) so that it may produce, consume and describe. NetworkPolicies are applied but
// not enforced (the CNI bridge plugin has no policy engine).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type KubeNode, startKubeNode } from '../../helpers/kube-node.ts';
import { KAFKA_PODS, deleteNamespace, deploy, waitTopicJob } from './kafka.ts';
import { cli, elapsed, ensureNamespace, waitPodsReady } from './support.ts';

const NS = 'external';
const BOOTSTRAP_NODE_PORT = 30190;

function hostKcat(args: string[], input = '', timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('kcat', args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

describe('external-access: NodePort listeners from the host', { timeout: 1_800_000 }, () => {
  let node: KubeNode;
  before(async () => {
    node = await startKubeNode();
  });
  after(async () => {
    await node?.stop();
  });

  test('brokers advertise the node IP and their node ports; kcat and kafkaplane doctor work from the host', async () => {
    const started = Date.now();
    await ensureNamespace(node, NS);
    const clientPassword = randomBytes(18).toString('base64url');
    const secrets = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-internal', namespace: NS }, stringData: { password: randomBytes(24).toString('hex') } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-client-password', namespace: NS }, stringData: { password: clientPassword } },
    ];
    await node.kubectl(['apply', '--server-side', '-f', '-'], { input: secrets.map((s) => JSON.stringify(s)).join('\n---\n') });
    const d = await deploy(
      node,
      'external-access.yaml',
      'yaml',
      NS,
      (cluster) => {
        cluster.spec.kubernetes.monitoring = { enabled: false };
        for (const pool of cluster.spec.nodePools) {
          pool.resources = pool.roles.includes('broker')
            ? { requests: { cpu: '100m', memory: '1536Mi' }, limits: { memory: '1536Mi' } }
            : { requests: { cpu: '100m', memory: '768Mi' }, limits: { memory: '768Mi' } };
        }
        const nodeport = cluster.spec.listeners.find((l: any) => l.type === 'nodeport');
        nodeport.configuration.bootstrap.nodePort = BOOTSTRAP_NODE_PORT;
      },
      (doc) => {
        if (doc.kind !== 'KafkaUser') return;
        doc.spec.authorization = {
          type: 'simple',
          acls: [
            { resource: { type: 'topic', name: '*' }, operations: ['Read', 'Write', 'Describe', 'DescribeConfigs'] },
            { resource: { type: 'group', name: '*' }, operations: ['Read', 'Describe'] },
            { resource: { type: 'cluster' }, operations: ['Describe', 'DescribeConfigs'] },
          ],
        };
      },
    );
    await waitPodsReady(node, NS, KAFKA_PODS, 6, 600_000);
    const readySeconds = elapsed(started);
    await waitTopicJob(node, NS);

    const bootstrap = `${node.nodeIP}:${BOOTSTRAP_NODE_PORT}`;
    const sasl = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=edge-client', '-X', `sasl.password=${clientPassword}`];
    const metadata = await hostKcat(['-b', bootstrap, ...sasl, '-L', '-m', '20']);
    assert.equal(metadata.code, 0, metadata.stderr);
    assert.match(metadata.stdout, / 3 brokers:/);
    for (const [i, port] of [30191, 30192, 30193].entries()) {
      assert.match(metadata.stdout, new RegExp(`broker ${i} at ${node.nodeIP.replaceAll('.', '\\.')}:${port}`), `broker ${i} advertises ${node.nodeIP}:${port}`);
    }

    // 2,000 records from the host through the node ports, acks=all, read back.
    const count = 2_000;
    const values = Array.from({ length: count }, (_, i) => `host-${i + 1}`);
    const produced = await hostKcat(['-P', '-b', bootstrap, ...sasl, '-t', 'orders', '-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'message.timeout.ms=60000', '-vvv'], values.join('\n') + '\n');
    const acked = [...produced.stderr.matchAll(/Message delivered to partition \d+ \(offset \d+\)/g)].length;
    assert.equal(acked, count, `kcat on the host acked ${acked} of ${count}: ${produced.stderr.split('\n').slice(-5).join('\n')}`);
    const consumed = await hostKcat(['-C', '-b', bootstrap, ...sasl, '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
    assert.deepEqual(new Set(consumed.stdout.split('\n').filter(Boolean)), new Set(values));

    // kafkaplane doctor from the host, as a user would run it against this cluster.
    const doctor = await cli(['doctor', '--bootstrap', bootstrap, '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'edge-client', '--lag-interval', '0', '--timeout', '30'], {
      env: { ...process.env, KAFKAPLANE_SASL_PASSWORD: clientPassword },
      timeoutMs: 180_000,
    });
    process.stderr.write(`[external-access] doctor exit ${doctor.code}:\n${doctor.stdout}${doctor.stderr}\n`);
    assert.equal(doctor.code, 0, `kafkaplane doctor failed:\n${doctor.stdout}${doctor.stderr}`);

    const deleted = await deleteNamespace(node, NS);
    process.stderr.write(`[external-access] apply ${d.applySeconds} s, pods Ready after ${readySeconds} s, namespace deleted in ${deleted} s\n`);
  });
});
