// examples/seed-002-combined.yaml (3 combined broker+controller nodes) rendered as yaml and as kustomize (dev overlay),
// applied with `kubectl apply --server-side` on the one-node Kubernetes, with the test Kafka image: every pod Running
// and Ready, 3 voters, 3 brokers, the topic Job complete, 10,000 records with acks=all through the bootstrap Service.
// The yaml variant also turns monitoring on (./monitoring.ts): the JMX agent in every broker pod and the kafkaplane
// exporter Deployment, scraped from the host.
// The kustomize variant turns spec.internalTls on: real cert-manager (v1.21's controllers built from its Go module by
// scripts/cert-manager/build.sh, run on the host with the node's kubeconfig) issues the rendered Certificates, the
// nodes replicate and vote over mutual TLS, and Kafka's own tool shows that CONTROLLER and REPLICATION refuse a
// client without a certificate the cluster's CA signed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertManager, certManagerCrds, startCertManager } from '../../helpers/cert-manager.ts';
import { after, before, describe, test } from 'node:test';
import { type KubeNode, startKubeNode } from '../../helpers/kube-node.ts';
import { deleteNamespace, deploy, verifyDeployment } from './kafka.ts';
import { type AgentMirror, startAgentMirror, verifyMonitoring, withMonitoring } from './monitoring.ts';
import { exec, tempDir } from './support.ts';

describe('seed-002 (3 combined nodes) on a real node', { timeout: 1_800_000 }, () => {
  let node: KubeNode;
  let mirror: AgentMirror;
  let certManager: CertManager | undefined;
  const certManagerLog = join(tempDir('kafkaplane-cert-manager-'), 'cert-manager.log');
  before(async () => {
    node = await startKubeNode();
    mirror = await startAgentMirror();
  });
  after(async () => {
    await certManager?.stop();
    if (certManager && process.env.CI) process.stderr.write(`[seed-002] cert-manager log tail:\n${readFileSync(certManagerLog, 'utf8').split('\n').slice(-15).join('\n')}\n`);
    await mirror?.close();
    await node?.stop();
  });

  for (const format of ['yaml', 'kustomize'] as const) {
    test(`${format}: pods Ready, quorum, brokers, topic Job, 10,000 records acks=all${format === 'yaml' ? '; JMX agent and the kafkaplane exporter pod report them' : ''}`, async () => {
      const namespace = `seed002-${format}`;
      const monitored = format === 'yaml';
      const tls = format === 'kustomize';
      if (tls) {
        const crds = await certManagerCrds();
        await node.kubectl(['apply', '--server-side', '-f', '-'], { input: crds.map((c) => JSON.stringify(c)).join('\n---\n') });
        await node.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds.map((c) => `crd/${c.metadata.name}`)]);
        const started = Date.now();
        certManager = await startCertManager(node.kubeconfigPath, certManagerLog);
        process.stderr.write(`[seed-002 kustomize] cert-manager started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
      const d = await deploy(
        node,
        'seed-002-combined.yaml',
        format,
        namespace,
        monitored
          ? (cluster) => withMonitoring(cluster, mirror, node.images)
          : (cluster) => {
              cluster.spec.internalTls = true;
            },
      );
      const result: Record<string, unknown> = { ...(await verifyDeployment(node, d, { pods: 3, voters: 3, brokers: 3, topic: 'test-topic' })) };
      if (monitored) result.monitoring = await verifyMonitoring(node, namespace, d.cluster, 'test-topic', 10_000);
      if (tls) result.mutualTls = await verifyMutualTls(node, namespace, d.cluster);
      const deleted = await deleteNamespace(node, namespace);
      process.stderr.write(`[seed-002 ${format}] apply ${d.applySeconds} s, ${JSON.stringify(result)}, namespace deleted in ${deleted} s\n`);
    });
  }
});

/**
 * cert-manager issued the node and client certificates (Ready, written as it writes them), and Kafka's own tool, run
 * in a broker pod, is refused by CONTROLLER and REPLICATION with the CA's truststore alone, and let in with the node's
 * certificate.
 */
async function verifyMutualTls(node: KubeNode, namespace: string, cluster: string): Promise<Record<string, unknown>> {
  const certs = JSON.parse((await node.kubectl(['get', 'certificates.cert-manager.io', '-n', namespace, '-o', 'json'])).stdout).items as Record<string, any>[];
  const ready = certs.filter((c) => c.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True')).map((c) => c.metadata.name);
  assert.deepEqual(ready.sort(), [`${cluster}-ca`, `${cluster}-internal-client-tls`, `${cluster}-node-tls`].sort(), 'cert-manager issued every Certificate');
  const secret = JSON.parse((await node.kubectl(['get', 'secret', '-n', namespace, `${cluster}-node-tls`, '-o', 'json'])).stdout);
  for (const key of ['ca.crt', 'tls.crt', 'tls.key', 'keystore.p12', 'truststore.p12']) assert.ok(secret.data[key], `cert-manager wrote ${key}`);
  const pod = `${cluster}-dual-0`;
  const host = (p: string) => `${p}.${cluster}-dual.${namespace}.svc.cluster.local`;
  const dir = '/etc/kafkaplane/node-tls';
  const truststoreOnly = `security.protocol=SSL\nssl.truststore.location=${dir}/truststore.p12\nssl.truststore.password=kafkaplane-pkcs12\nssl.truststore.type=PKCS12\n`;
  const withCertificate = `${truststoreOnly}ssl.keystore.location=${dir}/keystore.p12\nssl.keystore.password=kafkaplane-pkcs12\nssl.keystore.type=PKCS12\n`;
  await exec(node, namespace, pod, ['sh', '-c', `printf '${truststoreOnly}' > /tmp/no-cert.properties; printf '${withCertificate}' > /tmp/cert.properties`], { container: 'kafka' });
  const tool = (command: string) =>
    exec(node, namespace, pod, ['sh', '-c', `export KAFKA_HEAP_OPTS=-Xmx128m KAFKA_OPTS= JMX_PORT= KAFKA_LOG4J_OPTS=; cd /opt/kafka/bin; ${command} 2>&1`], {
      container: 'kafka',
      allowFail: true,
      timeoutMs: 120_000,
    });
  const quorum = (config: string) => tool(`timeout 60 ./kafka-metadata-quorum.sh --bootstrap-controller ${host(`${cluster}-dual-1`)}:9090 --command-config /tmp/${config} describe --status`);
  const replication = (config: string) => tool(`timeout 60 ./kafka-broker-api-versions.sh --bootstrap-server ${host(`${cluster}-dual-1`)}:9091 --command-config /tmp/${config}`);
  const controllerIn = await quorum('cert.properties');
  assert.equal(controllerIn.code, 0, controllerIn.stdout);
  assert.match(controllerIn.stdout, /CurrentVoters/);
  const controllerOut = await quorum('no-cert.properties');
  assert.notEqual(controllerOut.code, 0, 'CONTROLLER refuses a client without a certificate');
  assert.match(controllerOut.stdout, /SSL handshake failed|SslAuthenticationException|bad_certificate|certificate_required/i);
  const replicationIn = await replication('cert.properties');
  assert.equal(replicationIn.code, 0, replicationIn.stdout);
  const replicationOut = await replication('no-cert.properties');
  assert.notEqual(replicationOut.code, 0, 'REPLICATION refuses a client without a certificate');
  assert.match(replicationOut.stdout, /SSL handshake failed|SslAuthenticationException|bad_certificate|certificate_required/i);
  return { certificates: ready.length, controllerWithoutCertificate: 'refused', replicationWithoutCertificate: 'refused' };
}
