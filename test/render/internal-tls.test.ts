import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import type { KafkaCluster } from '../../src/api/kafka-cluster.ts';
import { RenderError } from '../../src/render/errors.ts';
import { renderFormat } from '../../src/render/index.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { strimziInput } from '../helpers/render.ts';
import { REPO, example } from '../helpers/spec.ts';

const production = example('production.yaml');
const input = { cluster: production.clusters[0]!, topics: production.topics.map((t) => t.topic), users: production.users.map((u) => u.user), source: 'examples/production.yaml' };

function objects(cluster: KafkaCluster = input.cluster): KubeObject[] {
  return renderFormat({ ...input, cluster }, 'yaml').objects as KubeObject[];
}
function find(list: KubeObject[], kind: string, name: string): Record<string, any> {
  const o = list.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} rendered`);
  return o as Record<string, any>;
}
/** examples/production.yaml's cluster with a kubernetes: block, parsed (defaults applied). */
function withKubernetes(kubernetes: Record<string, unknown>): KafkaCluster {
  const text = readFileSync(new URL('examples/production.yaml', REPO), 'utf8').replace('  internalTls: true\n', `  internalTls: true\n  kubernetes: ${JSON.stringify(kubernetes)}\n`);
  return parseSpec(text, 'production.yaml').clusters[0]!;
}

test('spec.internalTls: compose refuses it with the field named (nothing half-rendered); strimzi, yaml and kustomize render it', () => {
  assert.throws(
    () => renderFormat(input, 'compose'),
    (e: unknown) => e instanceof RenderError && /spec\.internalTls/.test(JSON.stringify(e.problems)) && /cert-manager/.test(JSON.stringify(e.problems)),
  );
  const strimzi = renderFormat(strimziInput(input), 'strimzi');
  assert.ok(strimzi.files[0]!.content.includes('kind: Kafka\n'));
  const kustomize = renderFormat(input, 'kustomize');
  assert.ok(kustomize.files.some((f) => f.content.includes('kind: Certificate')));
});

test('spec.internalTls on Kubernetes: a self-signed CA chain and node/client Certificates with every pod name; nodes require client certificates', () => {
  const list = objects();
  // The default issuer: a SelfSigned Issuer signs the CA Certificate, a CA Issuer signs the rest.
  assert.deepEqual(find(list, 'Issuer', 'production-selfsigned').spec, { selfSigned: {} });
  const ca = find(list, 'Certificate', 'production-ca').spec;
  assert.equal(ca.isCA, true);
  assert.equal(ca.issuerRef.name, 'production-selfsigned');
  assert.deepEqual(find(list, 'Issuer', 'production-ca').spec, { ca: { secretName: 'production-ca' } });
  const order = list.map((o) => o.kind);
  assert.ok(order.indexOf('Certificate') < order.indexOf('StatefulSet'), 'certificates before the pods that mount them');

  const node = find(list, 'Certificate', 'production-node-tls').spec;
  for (let i = 0; i < 3; i++) {
    assert.ok(node.dnsNames.includes(`production-dual-${i}.production-dual.kafka.svc.cluster.local`));
    assert.ok(node.dnsNames.includes(`production-dual-${i}.production-dual.kafka.svc`));
  }
  assert.ok(node.dnsNames.includes('production-bootstrap.kafka.svc.cluster.local'));
  assert.deepEqual(node.usages.slice(0, 2), ['server auth', 'client auth']);
  assert.equal(node.keystores.pkcs12.create, true);
  assert.equal(node.keystores.pkcs12.profile, 'Modern2023');
  assert.equal(node.issuerRef.name, 'production-ca');
  const client = find(list, 'Certificate', 'production-internal-client-tls').spec;
  assert.equal(client.commonName, 'kafkaplane');
  assert.deepEqual(client.usages[0], 'client auth');

  // The pods mount what cert-manager writes; client TLS listeners serve the same certificate (no user Secret needed).
  const sts = find(list, 'StatefulSet', 'production-dual').spec.template.spec;
  assert.deepEqual(
    sts.volumes.find((v: { name: string }) => v.name === 'node-tls'),
    { name: 'node-tls', secret: { secretName: 'production-node-tls' } },
  );
  assert.equal(
    sts.volumes.find((v: { name: string }) => v.name === 'tls'),
    undefined,
  );
  assert.ok(!JSON.stringify(sts.containers[0].env).includes('KAFKAPLANE_TLS_KEYSTORE_PASSWORD'));
  assert.ok(JSON.stringify(sts.containers[0].env).includes('KAFKAPLANE_INTERNAL_PASSWORD'), 'SASL_SSL still logs in with the internal password');

  const config = list
    .filter((o) => o.kind === 'ConfigMap')
    .map((o) => (o as Record<string, any>).data as Record<string, string>)
    .find((d) => d['node-0.properties'] !== undefined);
  assert.ok(config);
  const props = config['node-0.properties']!;
  for (const l of ['replication', 'controller']) {
    assert.match(props, new RegExp(`listener\\.name\\.${l}\\.ssl\\.client\\.auth=required`));
    assert.match(props, new RegExp(`listener\\.name\\.${l}\\.ssl\\.keystore\\.location=/etc/kafkaplane/node-tls/keystore\\.p12`));
    assert.match(props, new RegExp(`listener\\.name\\.${l}\\.ssl\\.truststore\\.location=/etc/kafkaplane/node-tls/truststore\\.p12`));
  }
  assert.match(props, /listener\.name\.clients\.ssl\.keystore\.location=\/etc\/kafkaplane\/node-tls\/keystore\.p12/);
  assert.match(props, /REPLICATION:SASL_SSL/);
  const quorum = config['quorum-client.properties']!;
  assert.match(quorum, /security\.protocol=SASL_SSL/);
  assert.match(quorum, /sasl\.mechanism=PLAIN/);
  assert.match(quorum, /ssl\.keystore\.location=\/etc\/kafkaplane\/node-tls\/keystore\.p12/);

  // The topics Job presents kafkaplane's client certificate.
  const job = list.find((o) => o.kind === 'Job') as Record<string, any>;
  const pod = job.spec.template.spec;
  assert.deepEqual(
    pod.volumes.find((v: { name: string }) => v.name === 'client-tls'),
    { name: 'client-tls', secret: { secretName: 'production-internal-client-tls' } },
  );
  const script = pod.containers[0].command[2] as string;
  assert.match(script, /security\.protocol=SASL_SSL/);
  assert.match(script, /ssl\.keystore\.location=\/etc\/kafkaplane\/client-tls\/keystore\.p12/);
});

test('spec.kubernetes.certManager.issuerRef: your issuer signs the certificates and no CA chain is rendered', () => {
  const list = objects(withKubernetes({ certManager: { issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' }, duration: '720h', renewBefore: '240h' } }));
  assert.equal(list.filter((o) => o.kind === 'Issuer').length, 0);
  const certificates = list.filter((o) => o.kind === 'Certificate') as Record<string, any>[];
  assert.deepEqual(
    certificates.map((c) => c.metadata.name),
    ['production-node-tls', 'production-internal-client-tls'],
  );
  for (const c of certificates) {
    assert.deepEqual(c.spec.issuerRef, { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    assert.equal(c.spec.duration, '720h');
  }
});

test('spec.internalTls with the exporter: kafka_exporter gets the client certificate, kafkaplane’s own exporter is refused with the field named', () => {
  const monitoring = (implementation: string) => withKubernetes({ monitoring: { enabled: true, kafkaExporter: { enabled: true, implementation } } });
  assert.throws(
    () => objects(monitoring('kafkaplane')),
    (e: unknown) => e instanceof RenderError && /kubernetes\.monitoring\.kafkaExporter\.implementation/.test(JSON.stringify(e.problems)),
  );
  const exporter = find(objects(monitoring('kafka_exporter')), 'Deployment', 'production-kafka-exporter').spec.template.spec;
  const args = exporter.containers[0].args as string[];
  assert.ok(args.includes('--tls.enabled'));
  assert.ok(args.includes('--tls.cert-file=/etc/kafkaplane/client-tls/tls.crt'));
  assert.ok(exporter.volumes.some((v: { name: string }) => v.name === 'client-tls'));
  assert.ok(
    exporter.containers[0].volumeMounts.some((v: { name: string }) => v.name === 'secrets'),
    'the SASL password file still mounted',
  );
});
