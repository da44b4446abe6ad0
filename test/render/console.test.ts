/**
 * spec.kubernetes.console: render's console Deployment, Service and NetworkPolicy (issue 11). The real-node proof is
 * test/integration/node/external-access.test.ts (./console.ts there).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { renderFormat } from '../../src/render/index.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { renderInput } from '../helpers/render.ts';
import { clusterYaml, example, problems } from '../helpers/spec.ts';

const SECURED = `listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization: {type: simple}`;

function render(spec: string) {
  return renderKubernetes(renderInput(parseSpec(clusterYaml(spec))));
}
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
// biome-ignore lint/suspicious/noExplicitAny: rendered objects are plain JSON
const container = (o: KubeObject | undefined): any => (o!.spec as any).template.spec.containers[0];

test('off by default: no console object', () => {
  const { objects } = render('nodePools: [{name: dual, roles: [broker, controller], replicas: 3}]');
  assert.equal(find(objects, 'Deployment', 'demo-console'), undefined);
});

test('a secured cluster: the console reads through REPLICATION as the internal user, password from the Secret, users file from a Secret', () => {
  const { objects, warnings } = render(`${SECURED}\nkubernetes:\n  console: {enabled: true, readOnly: true}`);
  const deployment = find(objects, 'Deployment', 'demo-console');
  const c = container(deployment);
  assert.equal(c.image, 'kafkaplane/kafkaplane:0.1.0');
  assert.deepEqual(
    c.args.filter((a: string) => !a.startsWith('--bootstrap=')),
    ['console', '--sasl-mechanism=PLAIN', '--sasl-username=kafkaplane', '--listen=0.0.0.0:8080', '--users-file=/etc/kafkaplane/console/users', '--audit-log=-', '--refresh-interval=10', '--read-only'],
  );
  assert.match(
    c.args.find((a: string) => a.startsWith('--bootstrap=')),
    /^--bootstrap=demo-dual-0\.demo-dual\.default\.svc\.cluster\.local:9091,/,
  );
  assert.deepEqual(c.env, [
    { name: 'KAFKAPLANE_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'demo-internal', key: 'password' } } },
    { name: 'NODE_OPTIONS', value: '--max-semi-space-size=4' },
    { name: 'KAFKAPLANE_V8_FLAGS', value: '--optimize-for-size' },
  ]);
  assert.equal(c.readinessProbe.httpGet.path, '/ready');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are plain JSON
  const pod = (deployment!.spec as any).template;
  assert.deepEqual(pod.spec.volumes[0], { name: 'users', secret: { secretName: 'demo-console-users', items: [{ key: 'users', path: 'users' }], defaultMode: 0o440 } });
  // A pod of this cluster: the cluster's NetworkPolicy admits it to the REPLICATION port.
  const policy = find(objects, 'NetworkPolicy', 'demo-nodes');
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are plain JSON
  const own = (policy!.spec as any).ingress[0].from[0].podSelector.matchLabels as Record<string, string>;
  for (const [k, v] of Object.entries(own)) assert.equal(pod.metadata.labels[k], v, `console pod label ${k}`);
  assert.ok(warnings.some((w) => w.includes('Secret demo-console-users') && w.includes('--hash-password')));
  // No password anywhere in what render wrote.
  assert.doesNotMatch(JSON.stringify(objects.filter((o) => o.metadata.name === 'demo-console')), /password=|scrypt\$/);
});

test('NodePort with a fixed port, clients limited, the exporter image reused, resources overridden', () => {
  const { objects } = render(
    [
      'kubernetes:',
      '  monitoring: {enabled: true, kafkaExporter: {image: "registry.example.com/kafkaplane:0.2.0"}}',
      '  console:',
      '    enabled: true',
      '    service: {type: NodePort, nodePort: 30990}',
      '    clients: [{namespaceSelector: {matchLabels: {team: ops}}}]',
      '    resources: {limits: {memory: 1Gi}}',
    ].join('\n'),
  );
  const c = container(find(objects, 'Deployment', 'demo-console'));
  assert.equal(c.image, 'registry.example.com/kafkaplane:0.2.0');
  assert.deepEqual(c.resources, { requests: { cpu: '50m', memory: '192Mi' }, limits: { memory: '1Gi' } });
  assert.ok(!c.args.includes('--read-only'));
  assert.deepEqual(
    c.env,
    [
      { name: 'NODE_OPTIONS', value: '--max-semi-space-size=4' },
      { name: 'KAFKAPLANE_V8_FLAGS', value: '--optimize-for-size' },
    ],
    'a PLAINTEXT REPLICATION listener needs no password',
  );
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are plain JSON
  const service = find(objects, 'Service', 'demo-console')!.spec as any;
  assert.equal(service.type, 'NodePort');
  assert.deepEqual(service.ports, [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', nodePort: 30990 }]);
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are plain JSON
  const policy = find(objects, 'NetworkPolicy', 'demo-console')!.spec as any;
  assert.deepEqual(policy.ingress, [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
});

test('bad console settings are spec problems with their path', () => {
  assert.deepEqual(problems(clusterYaml('kubernetes:\n  console: {enabled: true, service: {type: NodePort, nodePort: 80}}')), [
    'spec.kubernetes.console.service.nodePort: must be at least 30000, got 80',
  ]);
  assert.match(
    problems(clusterYaml('kubernetes:\n  console: {enabled: true, resources: {limits: {memory: lots}}}')).join('\n'),
    /spec\.kubernetes\.console\.resources\.limits\.memory: must be a Kubernetes quantity/,
  );
});

test('strimzi: nothing maps, and render says so', () => {
  const input = renderInput(parseSpec(clusterYaml('version: 4.3.1\nkubernetes:\n  console: {enabled: true}')));
  const result = renderFormat(input, 'strimzi');
  assert.ok(result.warnings.some((w) => w.includes('spec.kubernetes.console')));
  assert.ok(!JSON.stringify(result.files).includes('console'));
});

test('console with spec.internalTls: refused at its path until the Deployment mounts a client certificate', () => {
  const spec = example('external-access.yaml');
  spec.clusters[0]!.spec.internalTls = true;
  assert.throws(() => renderKubernetes(renderInput(spec)), /spec\.kubernetes\.console\.enabled.*client certificate/s);
});
