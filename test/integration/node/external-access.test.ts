// examples/external-access.yaml on the one-node Kubernetes: its NodePort listener (SCRAM-SHA-512) is reachable from
// the host, each broker advertises <node address>:<its node port> (read from the Node object by its init container), Kafka's console tools on the host produce and consume
// through it, and `kafkaplane doctor --bootstrap <node IP>:<bootstrap node port>` passes.
// Changed for this machine, and why: monitoring off (its JMX agent download, kafka-exporter image and the
// PodMonitor/PrometheusRule CRDs are not available offline); the bootstrap node port 30190 instead of 31090 (the
// brokers then take 30191-30193: 31092 is another integration test's port on this machine). The example has no
// spec.authorization, so an authenticated client may do anything. NetworkPolicies are applied but not enforced (the
// CNI bridge plugin has no policy engine).
// The example's web console (spec.kubernetes.console) runs with this node's kafkaplane image behind NodePort 30990
// (./console.ts): Ready, and from the host a login with the users-file Secret's credentials shows the topics page.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_KAFKA_VERSION } from '../../../src/api/kafka-cluster.ts';
import { resolveDistribution } from '../../../src/local/distribution.ts';
import { type KubeNode, startKubeNode } from '../../helpers/kube-node.ts';
import { createConsoleUsers, verifyConsole } from './console.ts';
import { KAFKA_PODS, deleteNamespace, deploy, waitTopicJob } from './kafka.ts';
import { cli, elapsed, ensureNamespace, tempDir, waitPodsReady } from './support.ts';

const NS = 'external';
const BOOTSTRAP_NODE_PORT = 30190;

/**
 * Kafka's own Java tools on the host (the jars of src/local/distribution.ts), as a client nobody here wrote. Not kcat:
 * Debian's kcat links librdkafka 2.0.2, whose SCRAM fails against Kafka 4.x brokers ("invalid credentials" with the
 * right password; edenhill/kcat#462, fixed in librdkafka 2.6.1).
 */
async function hostTool(mainClass: string, args: string[], input = '', timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const dist = await resolveDistribution(DEFAULT_KAFKA_VERSION);
  return new Promise((resolve) => {
    const child = execFile('java', ['-Xmx256m', '-cp', dist.classpath, mainClass, ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
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

  test('brokers advertise the node IP and their node ports; kcat and kafkaplane doctor work from the host; the rendered console serves the topics page after login', async () => {
    const started = Date.now();
    await ensureNamespace(node, NS);
    const clientPassword = randomBytes(18).toString('base64url');
    const secrets = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-internal', namespace: NS }, stringData: { password: randomBytes(24).toString('hex') } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-client-password', namespace: NS }, stringData: { password: clientPassword } },
    ];
    await node.kubectl(['apply', '--server-side', '-f', '-'], { input: secrets.map((s) => JSON.stringify(s)).join('\n---\n') });
    const consoleSetup = await createConsoleUsers(node, NS, 'edge');
    const d = await deploy(node, 'external-access.yaml', 'yaml', NS, (cluster) => {
      cluster.spec.kubernetes.monitoring = { enabled: false };
      consoleSetup.edit(cluster);
      for (const pool of cluster.spec.nodePools) {
        pool.resources = pool.roles.includes('broker')
          ? { requests: { cpu: '100m', memory: '1536Mi' }, limits: { memory: '1536Mi' } }
          : { requests: { cpu: '100m', memory: '768Mi' }, limits: { memory: '768Mi' } };
      }
      const nodeport = cluster.spec.listeners.find((l: any) => l.type === 'nodeport');
      nodeport.configuration.bootstrap.nodePort = BOOTSTRAP_NODE_PORT;
      // The brokers read their node's address from the Kubernetes API (the node-address init container). This node
      // has no ExternalIP (no cloud provider): InternalIP is the address it lists that the host reaches.
      nodeport.configuration.preferredNodePortAddressType = 'InternalIP';
      // curlimages/curl cannot be pulled here: the kafka-client test image has curl and sh.
      cluster.spec.kubernetes.rackInit = { image: node.images.kafkaClient };
    });
    await waitPodsReady(node, NS, KAFKA_PODS, 6, 600_000);
    const readySeconds = elapsed(started);
    await waitTopicJob(node, NS);

    // Each broker's init container read the Node through the real apiserver with the rendered RBAC and token.
    for (const i of [0, 1, 2]) {
      const log = await node.kubectl(['logs', '-n', NS, `edge-broker-${i}`, '-c', 'node-address']);
      assert.match(log.stdout, new RegExp(`advertising its InternalIP address ${node.nodeIP.replaceAll('.', '\\.')}`), `edge-broker-${i}'s node-address log: ${log.stdout}`);
    }
    const bootstrap = `${node.nodeIP}:${BOOTSTRAP_NODE_PORT}`;
    const clientConfig = path.join(tempDir('kafkaplane-ext-'), 'client.properties');
    fs.writeFileSync(
      clientConfig,
      `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="edge-client" password="${clientPassword}";\n`,
    );
    // Every broker as the client sees it through the node ports: <node IP>:30191..30193.
    const versions = await hostTool('org.apache.kafka.tools.BrokerApiVersionsCommand', ['--bootstrap-server', bootstrap, '--command-config', clientConfig]);
    assert.equal(versions.code, 0, versions.stderr);
    for (const [i, port] of [30191, 30192, 30193].entries()) {
      assert.match(versions.stdout, new RegExp(`^${node.nodeIP.replaceAll('.', '\\.')}:${port} \\(id: ${i} `, 'm'), `broker ${i} advertises ${node.nodeIP}:${port}`);
    }

    // 2,000 records from the host through the node ports, acks=all, read back.
    const count = 2_000;
    const values = Array.from({ length: count }, (_, i) => `host-${i + 1}`);
    const produced = await hostTool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', bootstrap, '--topic', 'orders', '--producer.config', clientConfig, '--producer-property', 'acks=all', '--producer-property', 'delivery.timeout.ms=60000'],
      values.join('\n') + '\n',
    );
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await hostTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'orders',
      '--consumer.config',
      clientConfig,
      '--from-beginning',
      '--max-messages',
      String(count),
      '--timeout-ms',
      '60000',
    ]);
    assert.deepEqual(new Set(consumed.stdout.split('\n').filter(Boolean)), new Set(values));

    // kafkaplane doctor from the host, as a user would run it against this cluster.
    const doctor = await cli(['doctor', '--bootstrap', bootstrap, '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'edge-client', '--lag-interval', '0', '--timeout', '30'], {
      env: { ...process.env, KAFKAPLANE_SASL_PASSWORD: clientPassword },
      timeoutMs: 180_000,
    });
    process.stderr.write(`[external-access] doctor exit ${doctor.code}:\n${doctor.stdout}${doctor.stderr}\n`);
    assert.equal(doctor.code, 0, `kafkaplane doctor failed:\n${doctor.stdout}${doctor.stderr}`);

    // The rendered console, through its NodePort from the host, logged in with the users-file Secret's credentials.
    const consoleResult = await verifyConsole(node, NS, 'edge', consoleSetup, 'orders');

    const deleted = await deleteNamespace(node, NS);
    process.stderr.write(`[external-access] apply ${d.applySeconds} s, pods Ready after ${readySeconds} s, console ${JSON.stringify(consoleResult)}, namespace deleted in ${deleted} s\n`);
  });
});
