import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterModel } from '../../src/model/broker-properties.ts';
import { DNS1123_LABEL, MAX_STATEFULSET_NAME, fitName, kubernetesNames } from '../../src/model/kubernetes-names.ts';
import { parseProperties } from '../../src/model/properties-format.ts';
import { renderCompose } from '../../src/render/formats/compose.ts';
import { derivedKafkaUuid } from '../../src/render/identity.ts';
import { renderFormat } from '../../src/render/index.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { RenderError } from '../../src/render/errors.ts';
import { kubernetesSettings } from '../../src/api/kubernetes.ts';
import { parseSpec } from '../../src/api/load.ts';
import { parse } from 'yaml';
import { EXAMPLES, nodeFilesOf, renderExample, renderInput, strimziInput } from '../helpers/render.ts';
import { cluster, clusterYaml, example, problems } from '../helpers/spec.ts';

const input = (spec: string, name = 'demo') => renderInput(parseSpec(clusterYaml(spec, name)));
const objects = (spec: string, name = 'demo') => renderKubernetes(input(spec, name)).objects;
const find = (list: KubeObject[], kind: string, name?: string) => {
  const found = list.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length > 0, true, `no ${kind}${name ? ` ${name}` : ''} in ${list.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0]!;
};
/** Warnings other than what applying render's output cannot do (test/render/limits.test.ts covers those). */
const LIMITS = /topics Job only adds|does not re-run the topics Job|at start only, so a renewed certificate/;
const notLimits = (warnings: string[]) => warnings.filter((w) => !LIMITS.test(w));
/** node-<id>.properties from the rendered ConfigMap, parsed. */
const nodeProps = (list: KubeObject[], id: number) => parseProperties(nodeFilesOf(list)[`node-${id}.properties`]!);
const formatArgs = (list: KubeObject[], id: number) => nodeFilesOf(list)[`node-${id}.format-args`]!.trimEnd().split('\n');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podSpec = (sts: KubeObject) => (sts.spec as any).template.spec;
const envOf = (sts: KubeObject) => podSpec(sts).containers[0].env as { name: string; value?: string; valueFrom?: any }[];

function renderErrorProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof RenderError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a RenderError');
}

test('names: DNS-1123 labels of at most 63 characters, StatefulSets at most 52, deterministic when cut', () => {
  assert.equal(fitName('short'), 'short');
  const long = `${'a'.repeat(40)}-${'b'.repeat(20)}-bootstrap-extra`;
  const cut = fitName(long);
  assert.ok(cut.length <= 63 && DNS1123_LABEL.test(cut), cut);
  assert.equal(fitName(long), cut);
  assert.notEqual(fitName(`${long}x`), cut, 'two long names that share a prefix stay distinct');

  const longCluster = cluster(
    'nodePools:\n  - {name: ' +
      'p'.repeat(20) +
      ', roles: [broker, controller], replicas: 3}\nlisteners:\n  - {name: ' +
      'e'.repeat(11) +
      ', port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}',
    'c'.repeat(40),
  );
  const names = kubernetesNames(longCluster, kubernetesSettings(longCluster.spec));
  assert.ok(names.statefulSet('p'.repeat(20)).length <= MAX_STATEFULSET_NAME);
  for (const name of EXAMPLES) {
    for (const format of ['yaml', 'strimzi'] as const) {
      for (const o of renderExample(name, format).objects as KubeObject[]) {
        assert.ok(o.metadata.name.length <= 63 && DNS1123_LABEL.test(o.metadata.name), `${name}: ${o.kind} ${o.metadata.name}`);
        for (const [k, v] of Object.entries(o.metadata.labels ?? {})) assert.ok(v.length <= 63, `${o.kind}/${o.metadata.name} label ${k}=${v}`);
        if (o.kind === 'StatefulSet') assert.ok(o.metadata.name.length <= MAX_STATEFULSET_NAME);
      }
    }
  }
  const rendered = renderKubernetes(
    renderInput(
      parseSpec(
        clusterYaml(
          'nodePools:\n  - {name: ' +
            'p'.repeat(20) +
            ', roles: [broker, controller], replicas: 3}\nlisteners:\n  - {name: ' +
            'e'.repeat(11) +
            ', port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}',
          'c'.repeat(40),
        ),
      ),
    ),
  ).objects;
  for (const o of rendered) assert.ok(o.metadata.name.length <= 63 && DNS1123_LABEL.test(o.metadata.name), `${o.kind} ${o.metadata.name}`);
  const sts = find(rendered, 'StatefulSet');
  assert.ok(sts.metadata.name.length <= MAX_STATEFULSET_NAME, sts.metadata.name);
  // The pod addresses baked into the properties use the same (cut) names as the objects.
  assert.match(nodeProps(rendered, 0)['advertised.listeners']!, new RegExp(`REPLICATION://${sts.metadata.name}-0\\.${sts.metadata.name}\\.default\\.svc\\.cluster\\.local:9091`));
});

test('internal listener: advertised as the pod DNS name on the headless Service', () => {
  const list = objects('listeners:\n  - {name: plain, port: 9092}', 'demo');
  const props = nodeProps(list, 2);
  assert.equal(props.listeners, 'PLAIN://:9092,REPLICATION://:9091,CONTROLLER://:9090');
  assert.equal(
    props['advertised.listeners'],
    'PLAIN://demo-dual-2.demo-dual.default.svc.cluster.local:9092,REPLICATION://demo-dual-2.demo-dual.default.svc.cluster.local:9091,CONTROLLER://demo-dual-2.demo-dual.default.svc.cluster.local:9090',
  );
  const headless = find(list, 'Service', 'demo-dual');
  assert.equal((headless.spec as any).clusterIP, 'None');
  assert.equal((headless.spec as any).publishNotReadyAddresses, true);
  assert.equal(find(list, 'StatefulSet').spec && (find(list, 'StatefulSet').spec as any).serviceName, 'demo-dual');
});

test('nodeport listener: one NodePort Service per broker, advertised as <node IP>:<its node port>', () => {
  const list = objects(
    'listeners:\n  - {name: plain, port: 9092}\n  - {name: ext, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}, brokers: [{broker: 2, nodePort: 32000}]}}',
  );
  for (const [id, port] of [
    [0, 31001],
    [1, 31002],
    [2, 32000],
  ] as const) {
    assert.match(nodeProps(list, id)['advertised.listeners']!, new RegExp(`EXT://@KAFKAPLANE_HOST_IP@:${port}`));
    const service = find(list, 'Service', `demo-ext-${id}`);
    assert.equal((service.spec as any).type, 'NodePort');
    assert.deepEqual((service.spec as any).ports, [{ name: 'ext', port: 9094, targetPort: 'ext', protocol: 'TCP', nodePort: port }]);
    assert.equal((service.spec as any).selector['statefulset.kubernetes.io/pod-name'], `demo-dual-${id}`);
  }
  assert.equal((find(list, 'Service', 'demo-ext-bootstrap').spec as any).ports[0].nodePort, 31000);
  const hostIp = envOf(find(list, 'StatefulSet')).find((e) => e.name === 'KAFKAPLANE_HOST_IP');
  assert.deepEqual(hostIp?.valueFrom, { fieldRef: { fieldPath: 'status.hostIP' } });
});

test('nodeport listener with explicit hosts and ports, loadbalancer with a host template', () => {
  const list = objects(
    [
      'listeners:',
      '  - {name: np, port: 9094, type: nodeport, configuration: {brokers: [{broker: 0, nodePort: 30100, advertisedHost: n0.example.com, advertisedPort: 443}, {broker: 1, nodePort: 30101, advertisedHost: n1.example.com}, {broker: 2, nodePort: 30102}]}}',
      '  - {name: lb, port: 9095, type: loadbalancer, configuration: {advertisedHostTemplate: "k-{nodeId}.example.com", brokers: [{broker: 1, advertisedHost: special.example.com, advertisedPort: 19095, annotations: {a: b}}]}}',
    ].join('\n'),
  );
  assert.match(nodeProps(list, 0)['advertised.listeners']!, /^NP:\/\/n0\.example\.com:443,LB:\/\/k-0\.example\.com:9095,/);
  assert.match(nodeProps(list, 1)['advertised.listeners']!, /^NP:\/\/n1\.example\.com:30101,LB:\/\/special\.example\.com:19095,/);
  assert.match(nodeProps(list, 2)['advertised.listeners']!, /^NP:\/\/@KAFKAPLANE_HOST_IP@:30102,LB:\/\/k-2\.example\.com:9095,/);
  const lb1 = find(list, 'Service', 'demo-lb-1');
  assert.equal((lb1.spec as any).type, 'LoadBalancer');
  assert.deepEqual(lb1.metadata.annotations, { a: 'b' });
  assert.deepEqual((lb1.spec as any).ports, [{ name: 'lb', port: 9095, targetPort: 'lb', protocol: 'TCP' }]);
});

test('external listeners that cannot be advertised are refused with their spec path, before anything is rendered', () => {
  assert.deepEqual(
    renderErrorProblems(() => objects('listeners:\n  - {name: ext, port: 9094, type: nodeport}')).map((p) => p.split(':')[0]),
    ['spec.listeners[0].configuration'],
  );
  const lb = renderErrorProblems(() => objects('listeners:\n  - {name: lb, port: 9095, type: loadbalancer}'));
  assert.equal(lb.length, 1);
  assert.match(lb[0]!, /^spec\.listeners\[0\]\.configuration\.advertisedHostTemplate: loadbalancer listener "lb" needs the address clients use for brokers 0, 1, 2/);
  const clash = renderErrorProblems(() =>
    objects(
      'listeners:\n  - {name: a, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}\n  - {name: b, port: 9095, type: nodeport, configuration: {bootstrap: {nodePort: 31002}}}',
    ),
  );
  assert.ok(
    clash.some((p) => /node port 31002 .* is also used by listener a broker 1/.test(p)),
    clash.join('\n'),
  );
  const tooHigh = renderErrorProblems(() => objects('listeners:\n  - {name: a, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 32766}}}'));
  assert.ok(
    tooHigh.some((p) => /above the node port range/.test(p)),
    tooHigh.join('\n'),
  );
  // docker compose needs no LoadBalancer host: everything is published on localhost.
  assert.doesNotThrow(() => renderCompose(input('listeners:\n  - {name: lb, port: 9095, type: loadbalancer}')));
});

test("rack awareness: an init container reads the node's zone from the Kubernetes API, RBAC only with spec.rack", () => {
  const spec = example('seed-003-dedicated.yaml');
  const list = renderKubernetes(renderInput(spec)).objects;
  assert.equal(nodeProps(list, 0)['broker.rack'], '@KAFKAPLANE_RACK@');
  assert.equal(nodeProps(list, 100)['broker.rack'], undefined, 'controllers have no rack');
  const brokers = find(list, 'StatefulSet', 'data-on-eks-broker');
  const pod = podSpec(brokers);
  assert.equal(envOf(brokers).find((e) => e.name === 'KAFKAPLANE_RACK_FILE')?.value, '/run/kafkaplane/rack');
  const init = pod.initContainers.find((c: { name: string }) => c.name === 'rack');
  assert.equal(init.image, 'curlimages/curl:8.11.1', 'the image render already uses for the JMX agent download');
  assert.deepEqual(init.env, [
    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'TOPOLOGY_KEY', value: 'topology.kubernetes.io/zone' },
  ]);
  // Only the init container gets an API token; Kafka keeps none.
  assert.equal(pod.automountServiceAccountToken, false);
  assert.deepEqual(
    init.volumeMounts.map((m: { name: string }) => m.name),
    ['run', 'rack-api-access'],
  );
  assert.equal(
    pod.containers[0].volumeMounts.some((m: { name: string }) => m.name === 'rack-api-access'),
    false,
  );
  assert.deepEqual(pod.volumes.find((v: { name: string }) => v.name === 'rack-api-access').projected.sources[0], { serviceAccountToken: { path: 'token', expirationSeconds: 600 } });
  assert.deepEqual(pod.topologySpreadConstraints[0], {
    maxSkew: 1,
    topologyKey: 'topology.kubernetes.io/zone',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'kafkaplane.io/cluster': 'data-on-eks', 'kafkaplane.io/pool': 'broker' } },
  });
  const role = find(list, 'ClusterRole', 'kafkaplane-kafka-data-on-eks-rack');
  assert.equal(role.metadata.namespace, undefined, 'cluster-scoped');
  assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
  const binding = find(list, 'ClusterRoleBinding', 'kafkaplane-kafka-data-on-eks-rack');
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'data-on-eks-kafka', namespace: 'kafka' }]);
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  const controllers = find(list, 'StatefulSet', 'data-on-eks-controller');
  assert.equal(
    envOf(controllers).some((e) => e.name.startsWith('KAFKAPLANE_RACK')),
    false,
  );
  assert.equal(podSpec(controllers).initContainers, undefined, 'controllers have no rack, so no init container');

  // Any node label works now (the API is read, not the downward API).
  const custom = objects('rack: {topologyKey: example.com/rack}');
  assert.equal(podSpec(find(custom, 'StatefulSet')).initContainers[0].env[1].value, 'example.com/rack');
  assert.equal(
    objects('version: 4.1.2').some((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding'),
    false,
    'no RBAC without spec.rack',
  );
  const required = objects('rack: {}\nkubernetes: {pod: {spread: required}}');
  const sts = find(required, 'StatefulSet');
  assert.equal(podSpec(sts).topologySpreadConstraints[0].whenUnsatisfiable, 'DoNotSchedule');
  assert.ok(podSpec(sts).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);

  // The prod overlay spreads over zones strictly.
  const prod = renderFormat(renderInput(spec), 'kustomize').files.find((f) => f.path === 'overlays/prod/kustomization.yaml')!;
  const patches = (parse(prod.content) as { patches: { patch: string }[] }).patches.map((p) => parse(p.patch) as any);
  for (const patch of patches) {
    assert.deepEqual(patch.spec.template.spec.topologySpreadConstraints[0], { $patch: 'replace' });
    assert.equal(patch.spec.template.spec.topologySpreadConstraints[1].whenUnsatisfiable, 'DoNotSchedule');
  }
  const noRack = renderFormat(renderInput(example('seed-002-combined.yaml')), 'kustomize').files.find((f) => f.path === 'overlays/prod/kustomization.yaml')!;
  assert.doesNotMatch((parse(noRack.content) as { patches: { patch: string }[] }).patches.map((p) => p.patch).join(''), /topologySpreadConstraints/);

  // A pool's own template wins over the overlay: its spread and anti-affinity stay, the other pool gets the prod rules.
  const own = example('seed-003-dedicated.yaml');
  const brokerPool = own.clusters[0]!.spec.nodePools.find((p) => p.roles.includes('broker') && !p.roles.includes('controller'))!;
  const ownSpread = { maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' as const, labelSelector: { matchLabels: { team: 'data' } } };
  brokerPool.template = { pod: { topologySpreadConstraints: [ownSpread], affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } } } };
  const ownProd = renderFormat(renderInput(own), 'kustomize').files.find((f) => f.path === 'overlays/prod/kustomization.yaml')!;
  const ownPatches = (parse(ownProd.content) as { patches: { patch: string }[] }).patches.map((p) => parse(p.patch) as any);
  assert.deepEqual(
    ownPatches.map((p) => p.metadata.name),
    ['data-on-eks-controller'],
    'the broker pool sets both itself: no prod patch for it',
  );
  assert.equal(ownPatches[0].spec.template.spec.topologySpreadConstraints[1].whenUnsatisfiable, 'DoNotSchedule');
  const ownSts = find(renderKubernetes(renderInput(own)).objects, 'StatefulSet', 'data-on-eks-broker');
  assert.deepEqual(podSpec(ownSts).topologySpreadConstraints, [ownSpread]);
  brokerPool.template = { pod: { topologySpreadConstraints: [ownSpread] } };
  const spreadOnly = (parse(renderFormat(renderInput(own), 'kustomize').files.find((f) => f.path === 'overlays/prod/kustomization.yaml')!.content) as { patches: { patch: string }[] }).patches.map(
    (p) => parse(p.patch) as any,
  );
  const brokerPatch = spreadOnly.find((p) => p.metadata.name === 'data-on-eks-broker').spec.template.spec;
  assert.equal(brokerPatch.topologySpreadConstraints, undefined, 'its own spread stays');
  assert.equal(brokerPatch.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, 'kubernetes.io/hostname');
});

test("quorum inside pods: dynamic (4.1) bootstraps from the controllers' DNS names and formats with --initial-controllers", () => {
  const list = renderKubernetes(renderInput(example('seed-003-dedicated.yaml'))).objects;
  const controllersAt =
    'data-on-eks-controller-0.data-on-eks-controller.kafka.svc.cluster.local:9090,data-on-eks-controller-1.data-on-eks-controller.kafka.svc.cluster.local:9090,data-on-eks-controller-2.data-on-eks-controller.kafka.svc.cluster.local:9090';
  for (const id of [0, 100]) {
    assert.equal(nodeProps(list, id)['controller.quorum.bootstrap.servers'], controllersAt);
    assert.equal(nodeProps(list, id)['controller.quorum.voters'], undefined);
  }
  assert.deepEqual(formatArgs(list, 0), ['format', '--cluster-id', '@KAFKAPLANE_CLUSTER_ID@', '--config', '/run/kafkaplane/server.properties']);
  assert.deepEqual(formatArgs(list, 101), [
    'format',
    '--cluster-id',
    '@KAFKAPLANE_CLUSTER_ID@',
    '--config',
    '/run/kafkaplane/server.properties',
    '--initial-controllers',
    ['100', '101', '102'].map((id, i) => `${id}@data-on-eks-controller-${i}.data-on-eks-controller.kafka.svc.cluster.local:9090:@KAFKAPLANE_DIRECTORY_ID_${id}@`).join(','),
  ]);
  const secret = find(list, 'Secret', 'data-on-eks-identity');
  assert.deepEqual(Object.keys(secret.stringData as object), ['cluster-id', 'directory-id-100', 'directory-id-101', 'directory-id-102']);
  const controllerEnv = envOf(find(list, 'StatefulSet', 'data-on-eks-controller')).map((e) => e.name);
  assert.deepEqual(
    controllerEnv.filter((n) => n.startsWith('KAFKAPLANE_')),
    ['KAFKAPLANE_NODE_ID_OFFSET', 'KAFKAPLANE_CLUSTER_ID', 'KAFKAPLANE_DIRECTORY_ID_100', 'KAFKAPLANE_DIRECTORY_ID_101', 'KAFKAPLANE_DIRECTORY_ID_102'],
  );
  assert.equal(envOf(find(list, 'StatefulSet', 'data-on-eks-controller')).find((e) => e.name === 'KAFKAPLANE_NODE_ID_OFFSET')?.value, '100');
  const sts = find(list, 'StatefulSet', 'data-on-eks-broker');
  assert.equal((sts.spec as any).podManagementPolicy, 'Parallel');

  const staticList = objects('version: 3.9.2');
  assert.equal(nodeProps(staticList, 1)['controller.quorum.voters'], [0, 1, 2].map((i) => `${i}@demo-dual-${i}.demo-dual.default.svc.cluster.local:9090`).join(','));
  assert.deepEqual(formatArgs(staticList, 1), ['format', '--cluster-id', '@KAFKAPLANE_CLUSTER_ID@', '--config', '/run/kafkaplane/server.properties']);
  assert.deepEqual(Object.keys(find(staticList, 'Secret').stringData as object), ['cluster-id']);
});

test('the identity Secret: deterministic ids from namespace/name, valid Kafka uuids, overridable, never the image default', () => {
  const ids = (spec: string, name = 'demo', namespace?: string) => {
    const i = input(spec, name);
    return find(renderKubernetes(namespace ? { ...i, namespace } : i).objects, 'Secret').stringData as Record<string, string>;
  };
  const a = ids('version: 4.1.2');
  assert.deepEqual(ids('version: 4.1.2'), a, 'same spec, same ids');
  assert.notEqual(ids('version: 4.1.2', 'other')['cluster-id'], a['cluster-id']);
  assert.notEqual(ids('version: 4.1.2', 'demo', 'prod')['cluster-id'], a['cluster-id'], 'another namespace is another cluster');
  for (const value of Object.values(a)) assert.match(value, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  assert.equal(new Set(Object.values(a)).size, 4, 'cluster id and three directory ids all differ');
  // The apache/kafka image falls back to this id when CLUSTER_ID is unset (reference §2).
  assert.notEqual(a['cluster-id'], '5L6g3nShT-eMCtK--X86sw');
  assert.equal(Buffer.from(derivedKafkaUuid('x'), 'base64url').length, 16);
  const pinned = ids('kubernetes:\n  identity:\n    clusterId: MkU3OEVBNTcwNTJENDM2Qk\n    directoryIds: {"1": AAAAAAAAAAAAAAAAAAAAAQ}');
  assert.equal(pinned['cluster-id'], 'MkU3OEVBNTcwNTJENDM2Qk');
  assert.equal(pinned['directory-id-1'], 'AAAAAAAAAAAAAAAAAAAAAQ');
  assert.equal(pinned['directory-id-0'], a['directory-id-0']);
  const wrong = renderErrorProblems(() => objects('kubernetes:\n  identity:\n    directoryIds: {"7": AAAAAAAAAAAAAAAAAAAAAQ}'));
  assert.match(wrong[0]!, /^spec\.kubernetes\.identity\.directoryIds\["7"\]: node 7 is not a controller/);
});

test('pods: official image, no service links, non-root, heap from the memory request, probes, PDB, NetworkPolicy', () => {
  const list = renderKubernetes(renderInput(example('seed-002-combined.yaml'))).objects;
  const sts = find(list, 'StatefulSet');
  const pod = podSpec(sts);
  const kafka = pod.containers[0];
  assert.equal(kafka.image, 'apache/kafka:4.1.2');
  assert.equal(pod.enableServiceLinks, false);
  assert.equal(pod.securityContext.runAsUser, 1000);
  assert.equal(pod.securityContext.fsGroup, 1000);
  assert.equal(pod.terminationGracePeriodSeconds, 120);
  assert.equal(envOf(sts).find((e) => e.name === 'KAFKA_HEAP_OPTS')?.value, '-Xms768m -Xmx768m', 'half of the 1.5Gi request');
  // Probes (docs/render.md): readiness asks Kafka on the REPLICATION port for a caught-up answer, liveness for any answer.
  assert.deepEqual(kafka.readinessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'ready', '9091']);
  assert.deepEqual(kafka.livenessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'live', '9091']);
  assert.equal((sts.spec as any).volumeClaimTemplates[0].spec.storageClassName, 'standard');
  assert.equal((sts.spec as any).volumeClaimTemplates[0].spec.resources.requests.storage, '5Gi');
  assert.ok(envOf(sts).every((e) => !/^KAFKA_(PORT|SERVICE)/.test(e.name)));
  assert.deepEqual((find(list, 'PodDisruptionBudget').spec as any).maxUnavailable, 1);
  const policy = find(list, 'NetworkPolicy').spec as any;
  assert.deepEqual(
    policy.ingress[0].ports.map((p: { port: number }) => p.port),
    [9090, 9091],
  );
  assert.deepEqual(policy.ingress[0].from, [{ podSelector: { matchLabels: { 'kafkaplane.io/cluster': 'kafka', 'app.kubernetes.io/instance': 'kafka' } } }]);

  const pinned = objects('kubernetes:\n  image: registry.example.com/kafka:4.1.2@sha256:' + 'a'.repeat(64));
  assert.equal(podSpec(find(pinned, 'StatefulSet')).containers[0].image, `registry.example.com/kafka:4.1.2@sha256:${'a'.repeat(64)}`);
  const ephemeral = find(
    objects('nodePools:\n  - {name: controller, roles: [controller], replicas: 3}\n  - {name: broker, roles: [broker], replicas: 3, storage: {type: ephemeral, size: 2Gi}}'),
    'StatefulSet',
    'demo-broker',
  );
  assert.equal((ephemeral.spec as any).volumeClaimTemplates, undefined);
  assert.deepEqual(podSpec(ephemeral).volumes[0], { name: 'data', emptyDir: { sizeLimit: '2Gi' } });
});

test('monitoring: JMX exporter agent checked by SHA-256, PodMonitor, PrometheusRule with the standard alerts, kafka_exporter', () => {
  const list = renderKubernetes(renderInput(example('external-access.yaml'))).objects;
  const sts = find(list, 'StatefulSet', 'edge-broker');
  const init = podSpec(sts).initContainers[0];
  assert.equal(
    init.env.find((e: { name: string }) => e.name === 'JMX_EXPORTER_URL').value,
    'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar',
  );
  assert.match(init.env.find((e: { name: string }) => e.name === 'JMX_EXPORTER_SHA256').value, /^[a-f0-9]{64}$/);
  assert.match(envOf(sts).find((e) => e.name === 'KAFKA_OPTS')!.value!, /^-javaagent:\/opt\/jmx-exporter\/jmx_prometheus_javaagent\.jar=9404:\/etc\/kafkaplane\/metrics\/metrics\.yaml$/);
  const rule = find(list, 'PrometheusRule');
  const alerts = (rule.spec as any).groups[0].rules.map((r: { alert: string }) => r.alert);
  assert.deepEqual(alerts, [
    'KafkaOfflinePartitions',
    'KafkaUnderReplicatedPartitions',
    'KafkaUnderMinIsrPartitions',
    'KafkaNoActiveController',
    'KafkaNodeDown',
    'KafkaStatefulSetReplicasNotReady',
    'KafkaDiskFilling',
    'KafkaConsumerGroupLag',
    'KafkaConsumerGroupLagSeconds',
    'KafkaConsumerGroupStalled',
    'KafkaQuorumLagging',
    'KafkaExporterStale',
    'KafkaTlsCertificateExpiringSoon',
  ]);
  // Every alert says which doctor check names the cause.
  for (const r of (rule.spec as any).groups[0].rules) assert.match(r.annotations.runbook, /kafkaplane doctor/, r.alert);
  // A pod that is gone has no `up` series: kube-state-metrics' StatefulSet replicas notice it.
  const notReady = (rule.spec as any).groups[0].rules.find((r: { alert: string }) => r.alert === 'KafkaStatefulSetReplicasNotReady');
  assert.match(
    notReady.expr,
    /kube_statefulset_status_replicas_ready\{namespace="kafka",statefulset=~"edge-broker\|edge-controller"\}\) < max by \(namespace, statefulset\) \(kube_statefulset_replicas\{/,
  );
  assert.equal(rule.metadata.labels?.release, 'kube-prometheus-stack');
  assert.ok(find(list, 'PodMonitor'));
  assert.ok(find(list, 'Deployment', 'edge-kafka-exporter'));
  const custom = renderErrorProblems(() => objects('kubernetes:\n  monitoring:\n    enabled: true\n    jmxExporter: {version: 1.3.0}'));
  assert.match(custom[0]!, /^spec\.kubernetes\.monitoring\.jmxExporter\.sha256: required/);
  const baked = podSpec(find(objects('kubernetes:\n  monitoring:\n    enabled: true\n    jmxExporter: {agentPath: /opt/agent/jmx.jar}'), 'StatefulSet'));
  assert.equal(baked.initContainers, undefined, 'an image that has the agent needs no download');
});

test('topic Job: kafka-topics.sh --create --if-not-exists per KafkaTopic, SCRAM and ACLs per KafkaUser, named by content', () => {
  const spec = parseSpec(
    `${clusterYaml('listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization: {type: simple}', 'demo')}---\napiVersion: kafkaplane.io/v1alpha1\nkind: KafkaTopic\nmetadata: {name: orders}\nspec: {partitions: 6, replicas: 3, config: {retention.ms: 604800000, cleanup.policy: "compact,delete"}}\n---\napiVersion: kafkaplane.io/v1alpha1\nkind: KafkaUser\nmetadata: {name: app}\nspec:\n  authentication: {type: scram-sha-512, password: {valueFrom: {secretKeyRef: {name: app-password, key: password}}}}\n  authorization: {type: simple, acls: [{resource: {type: topic, name: orders}, operations: [Read, Write]}, {resource: {type: group, name: app-, patternType: prefix}, operations: [Read]}]}\n`,
  );
  const rendered = renderKubernetes(renderInput(spec));
  assert.equal(notLimits(rendered.warnings).length, 1);
  assert.match(rendered.warnings[0]!, /create Secret demo-internal/);
  const job = find(rendered.objects, 'Job');
  assert.match(job.metadata.name, /^demo-topics-[0-9a-f]{8}$/);
  const container = (job.spec as any).template.spec.containers[0];
  const script: string = container.command[2];
  assert.match(script, /^summary=\$\(describe orders\)$/m);
  assert.match(
    script,
    /^ {2}output=\$\("\$bin\/kafka-topics\.sh" --bootstrap-server "\$bootstrap" \$auth --create --if-not-exists --topic orders --partitions 6 --replication-factor 3 --config retention\.ms=604800000 --config cleanup\.policy=compact,delete\)$/m,
  );
  assert.match(script, /^ {2}check orders "\$summary" 6 3 retention\.ms=604800000 cleanup\.policy=compact,delete$/m);
  assert.match(script, /^scram_file "\$USER_PASSWORD_0"\n"\$bin\/kafka-configs\.sh" .* --entity-name app --add-config-file "\$scram" >\/dev\/null$/m);
  assert.match(script, /kafka-acls\.sh" .* --allow-principal User:app --allow-host '\*' --operation Read --operation Write --topic orders --resource-pattern-type literal/);
  assert.match(script, /--group app- --resource-pattern-type prefixed/);
  assert.match(script, /^bootstrap=demo-dual-0\.demo-dual\.default\.svc\.cluster\.local:9091,/m);
  assert.deepEqual(container.env[0], { name: 'USER_PASSWORD_0', valueFrom: { secretKeyRef: { name: 'app-password', key: 'password' } } });
  const other = renderKubernetes(renderInput(parseSpec(clusterYaml('version: 4.1.2') + '---\napiVersion: kafkaplane.io/v1alpha1\nkind: KafkaTopic\nmetadata: {name: x}\n')));
  assert.notEqual(find(other.objects, 'Job').metadata.name, job.metadata.name);
  assert.equal(
    objects('version: 4.1.2').some((o) => o.kind === 'Job'),
    false,
    'no topics, no Job',
  );
  assert.equal(notLimits(renderKubernetes(renderInput(example('topics-users.yaml'))).warnings).length, 3, 'users without a password Secret are reported (and the internal Secret to create)');
});

test('strimzi: Kafka with KRaft node pools, node ids kept, listeners and users mapped; reserved ports refused', () => {
  const list = renderExample('external-access.yaml', 'strimzi').objects as KubeObject[];
  const kafka = find(list, 'Kafka');
  // The default release (1.2.0) serves only kafka.strimzi.io/v1, where the KRaft/node-pool annotations are gone.
  assert.ok(list.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/')).every((o) => o.apiVersion === 'kafka.strimzi.io/v1'));
  assert.equal(kafka.metadata.annotations, undefined);
  // Strimzi 0.48 (v1beta2 only) gets v1beta2, with the annotations 0.46/0.47 require.
  const old = renderExample('external-access.yaml', 'strimzi', '0.48.0').objects as KubeObject[];
  assert.ok(old.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/')).every((o) => o.apiVersion === 'kafka.strimzi.io/v1beta2'));
  assert.deepEqual(find(old, 'Kafka').metadata.annotations, { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
  assert.equal((find(old, 'Kafka').spec as any).kafka.version, '4.1.0');
  // Apart from those, the same resources in both APIs.
  const strip = (objects: KubeObject[]) =>
    objects.map((o) => ({
      ...o,
      apiVersion: o.apiVersion.replace(/^kafka\.strimzi\.io\/v1(beta2)?$/, 'kafka.strimzi.io'),
      metadata: { ...o.metadata, annotations: undefined, labels: undefined },
      spec: { ...(o.spec as object), kafka: undefined },
    }));
  assert.deepEqual(strip(old), strip(list));
  const listeners = (kafka.spec as any).kafka.listeners;
  assert.deepEqual(listeners[1], { name: 'nodeport', port: 9094, type: 'nodeport', tls: false, authentication: { type: 'scram-sha-512' }, configuration: { bootstrap: { nodePort: 31090 } } });
  assert.equal(listeners[2].configuration.advertisedHostTemplate, 'kafka-{nodeId}.example.com');
  assert.deepEqual(listeners[2].configuration.loadBalancerSourceRanges, ['203.0.113.0/24']);
  assert.deepEqual(listeners[0].networkPolicyPeers, [{ namespaceSelector: { matchLabels: { team: 'orders' } }, podSelector: { matchLabels: { app: 'orders' } } }]);
  // Pools keep the spec's name: Strimzi then names the pods <cluster>-<pool>-<node id> (edge-controller-3).
  assert.equal(find(list, 'KafkaNodePool', 'controller').metadata.annotations?.['strimzi.io/next-node-ids'], '[100-102]');
  const users = renderExample('topics-users.yaml', 'strimzi').objects as KubeObject[];
  assert.deepEqual((find(users, 'KafkaUser', 'orders-app').spec as any).authorization.acls[1].resource, { type: 'group', name: 'orders-', patternType: 'prefix' });
  const problems = renderErrorProblems(() => renderFormat(input('version: 4.3.1\nlisteners:\n  - {name: low, port: 9000}'), 'strimzi'));
  assert.match(problems[0]!, /^spec\.listeners\[0\]\.port: Strimzi listeners need a port of 9092 or more/);
});

test('a dedicated cluster model: ConfigMap holds one properties file and one format-args file per node', () => {
  const spec = example('seed-003-dedicated.yaml');
  const model = clusterModel(spec.clusters[0]!);
  const data = nodeFilesOf(renderKubernetes(renderInput(spec)).objects);
  assert.deepEqual(Object.keys(data), ['entrypoint.sh', 'probe.sh', 'quorum-client.properties', 'log4j2.yaml', ...model.nodes.flatMap((n) => [`node-${n.id}.properties`, `node-${n.id}.format-args`])]);
});

const configHashOf = (list: KubeObject[], sts: string) => (find(list, 'StatefulSet', sts).spec as any).template.metadata.annotations['kafkaplane.io/config-hash'] as string;

test("rolling restarts: each pool's config hash covers only what its pods read, so scaling brokers does not roll controllers", () => {
  // Controllers first: their node ids (0-2) do not move when the broker pool after them grows.
  const spec = (brokers: number, config = '') =>
    `nodePools:\n  - {name: controller, roles: [controller], replicas: 3}\n  - {name: broker, roles: [broker], replicas: ${brokers}}\nconfig: {min.insync.replicas: 2${config}}`;
  const before = objects(spec(3));
  const scaled = objects(spec(5));
  assert.notEqual(configHashOf(scaled, 'demo-broker'), configHashOf(before, 'demo-broker'), "the brokers' files changed (new nodes)");
  assert.equal(configHashOf(scaled, 'demo-controller'), configHashOf(before, 'demo-controller'), "the controllers' files did not");
  // A cluster-wide broker setting reaches every node's properties: both pools roll.
  const configured = objects(spec(3, ', num.io.threads: 16'));
  assert.notEqual(configHashOf(configured, 'demo-controller'), configHashOf(before, 'demo-controller'));
  assert.notEqual(configHashOf(configured, 'demo-broker'), configHashOf(before, 'demo-broker'));
  // Monitoring changes what the JVMs load (the agent's rules): every pool.
  const monitored = objects(`${spec(3)}\nkubernetes: {monitoring: {enabled: true}}`);
  assert.notEqual(configHashOf(monitored, 'demo-controller'), configHashOf(before, 'demo-controller'));
  // Followers get time to rejoin the ISR before the next pod of a roll goes.
  for (const sts of before.filter((o) => o.kind === 'StatefulSet')) assert.equal((sts.spec as any).minReadySeconds, 30);
});

test('port clashes: a client listener on the metrics port or named "metrics" is refused at its spec path; 9090/9091 stay kafkaplane\'s', () => {
  const monitored = (listeners: string, extra = '') => `listeners:\n${listeners}\nkubernetes:\n  monitoring:\n    enabled: true${extra}`;
  const onMetrics = renderErrorProblems(() => objects(monitored('  - {name: plain, port: 9092}\n  - {name: ext, port: 9404}')));
  assert.deepEqual(
    onMetrics.map((p) => p.split(':')[0]),
    ['spec.listeners[1].port'],
  );
  assert.match(onMetrics[0]!, /9404 is the metrics port \(spec\.kubernetes\.monitoring\.port\)/);
  const named = renderErrorProblems(() => objects(monitored('  - {name: metrics, port: 9092}')));
  assert.deepEqual(
    named.map((p) => p.split(':')[0]),
    ['spec.listeners[0].name'],
  );
  const movedMetrics = renderErrorProblems(() => objects(monitored('  - {name: plain, port: 9092}', '\n    port: 9091')));
  assert.match(movedMetrics[0]!, /^spec\.kubernetes\.monitoring\.port: 9091 is kafkaplane's REPLICATION listener port/);
  // Without monitoring, 9404 is an ordinary port.
  assert.doesNotThrow(() => objects('listeners:\n  - {name: plain, port: 9404}'));
  for (const port of [9090, 9091]) {
    assert.match(
      problems(clusterYaml(`listeners:\n  - {name: plain, port: ${port}}`)).join('\n'),
      /spec\.listeners\[0\]\.port: ports 9090 and 9091 are reserved for kafkaplane's KRaft controller and inter-broker listeners/,
    );
  }
});

test('heap vs memory: a heap at or above 75% of the memory limit (or request) is refused at its spec path, for Kubernetes and Strimzi', () => {
  const pool = (resources: string, jvm = '') => `nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 3, resources: ${resources}${jvm}}`;
  const tooBig = renderErrorProblems(() => objects(pool('{requests: {memory: 2Gi}, limits: {memory: 4Gi}}', ', jvm: {heap: 3g}')));
  assert.equal(tooBig.length, 1);
  assert.match(tooBig[0]!, /^spec\.nodePools\[0\]\.jvm\.heap: a heap of 3g is 75% of the pool's memory limit 4Gi: .*OOMKilled.*half, 2Gi, is the usual choice/);
  const noLimit = renderErrorProblems(() => objects(pool('{requests: {memory: 2Gi}}', ', jvm: {heap: 1800m}')));
  assert.match(noLimit[0]!, /^spec\.nodePools\[0\]\.jvm\.heap: a heap of 1800m is 88% of the pool's memory request \(there is no limit\) 2Gi/);
  // The default heap (half the request, at least 256m) can be too big for a tiny pool.
  const tiny = renderErrorProblems(() => objects(pool('{requests: {memory: 300Mi}}')));
  assert.match(tiny[0]!, /^spec\.nodePools\[0\]\.resources: the default heap of 256m is 85%/);
  assert.doesNotThrow(() => objects(pool('{requests: {memory: 4Gi}, limits: {memory: 4Gi}}', ', jvm: {heap: 2g}')));
  const strimzi = renderErrorProblems(() => renderFormat(strimziInput(input(pool('{limits: {memory: 4Gi}}', ', jvm: {heap: 4g}'))), 'strimzi'));
  assert.match(strimzi[0]!, /^spec\.nodePools\[0\]\.jvm\.heap: a heap of 4g is 100%/);
});

test('Kafka logs: stdout only (console log4j2 for 4.x, log4j 1 for 3.9), no GC log file, logs emptyDir with a size limit', () => {
  const list = objects('version: 4.1.2');
  const data = nodeFilesOf(list);
  const log4j2 = parse(data['log4j2.yaml']!) as any;
  assert.deepEqual(Object.keys(log4j2.Configuration.Appenders), ['Console'], 'no file appenders');
  assert.equal(log4j2.Configuration.Appenders.Console.target, 'SYSTEM_OUT');
  const sts = find(list, 'StatefulSet');
  assert.equal(envOf(sts).find((e) => e.name === 'KAFKA_LOG4J_OPTS')?.value, '-Dlog4j2.configurationFile=/etc/kafkaplane/config/log4j2.yaml');
  assert.equal(envOf(sts).find((e) => e.name === 'EXTRA_ARGS')?.value, '-name kafkaServer', 'kafka-server-start.sh without -loggc');
  assert.deepEqual(
    podSpec(sts).volumes.find((v: { name: string }) => v.name === 'logs'),
    { name: 'logs', emptyDir: { sizeLimit: '128Mi' } },
  );
  const old = objects('version: 3.9.1');
  const properties = nodeFilesOf(old)['log4j.properties']!;
  assert.match(properties, /^log4j\.rootLogger=INFO, stdout$/m);
  assert.match(properties, /^log4j\.appender\.stdout=org\.apache\.log4j\.ConsoleAppender$/m);
  assert.doesNotMatch(properties, /FileAppender/);
  assert.equal(envOf(find(old, 'StatefulSet')).find((e) => e.name === 'KAFKA_LOG4J_OPTS')?.value, '-Dlog4j.configuration=file:/etc/kafkaplane/config/log4j.properties');
  assert.equal('log4j2.yaml' in nodeFilesOf(old), false);
});

test('resources: a pool without resources gets requests from its heap (not BestEffort); explicit resources are kept as written', () => {
  const defaults = podSpec(find(objects('version: 4.1.2'), 'StatefulSet')).containers[0].resources;
  assert.deepEqual(defaults, { requests: { cpu: '500m', memory: '2048Mi' } }, 'twice the default 1g heap');
  const bigHeap = podSpec(find(objects('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 3, jvm: {heap: 3g}}'), 'StatefulSet')).containers[0].resources;
  assert.deepEqual(bigHeap, { requests: { cpu: '500m', memory: '6144Mi' } });
  const explicit = podSpec(find(objects('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 3, resources: {limits: {cpu: "2"}}}'), 'StatefulSet')).containers[0].resources;
  assert.deepEqual(explicit, { limits: { cpu: '2' } });
  const pool = find(renderFormat(input('version: 4.3.1'), 'strimzi').objects as KubeObject[], 'KafkaNodePool');
  assert.deepEqual((pool.spec as any).resources, { requests: { cpu: '500m', memory: '2048Mi' } });
});

test("security: a secured cluster's own listeners log in with a password from a Secret; external listeners without authentication warn; the bootstrap Service is internal only", () => {
  const secured = renderKubernetes(input('listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization: {type: simple}\nkubernetes: {networkPolicy: {enabled: false}}'));
  assert.deepEqual(
    secured.warnings.map((w) => w.replace(/\$\(openssl[^)]*\)/, 'PW')),
    [
      'the cluster\'s own listeners authenticate (SASL/PLAIN as "kafkaplane"): create Secret demo-internal with key password before applying, e.g. kubectl -n default create secret generic demo-internal --from-literal=password=PW; pods wait until it exists',
    ],
  );
  const pod = (find(secured.objects, 'StatefulSet').spec as any).template.spec.containers[0];
  assert.deepEqual(pod.env.find((e: { name: string }) => e.name === 'KAFKAPLANE_INTERNAL_PASSWORD').valueFrom, { secretKeyRef: { name: 'demo-internal', key: 'password' } });
  const props = nodeProps(secured.objects, 0);
  assert.equal(props['listener.security.protocol.map'], 'SCRAM:SASL_PLAINTEXT,REPLICATION:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT');
  assert.match(props['listener.name.replication.plain.sasl.jaas.config']!, /password="@KAFKAPLANE_INTERNAL_PASSWORD@" user_kafkaplane="@KAFKAPLANE_INTERNAL_PASSWORD@";$/);
  assert.equal(props['super.users'], 'User:kafkaplane');
  const own = renderKubernetes(input('listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nkubernetes: {internal: {passwordSecret: {name: vault-kafka, key: internal}}}'));
  assert.deepEqual((find(own.objects, 'StatefulSet').spec as any).template.spec.containers[0].env.find((e: { name: string }) => e.name === 'KAFKAPLANE_INTERNAL_PASSWORD').valueFrom, {
    secretKeyRef: { name: 'vault-kafka', key: 'internal' },
  });
  assert.equal(JSON.stringify(find(objects('{}'), 'StatefulSet')).includes('KAFKAPLANE_INTERNAL_PASSWORD'), false, 'an open cluster has no internal password');

  const open = renderKubernetes(input('listeners:\n  - {name: plain, port: 9092}\n  - {name: ext, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}'));
  assert.equal(open.warnings.length, 2);
  assert.match(open.warnings[1]!, /advertise the IP of the Kubernetes node they run on \(status\.hostIP/);
  assert.match(open.warnings[0]!, /^spec\.listeners\[1\] \("ext", nodeport\) has no authentication: anyone who can reach its node ports can read and write every topic/);
  const exampleWarnings = notLimits(renderKubernetes(renderInput(example('external-access.yaml'))).warnings);
  assert.equal(exampleWarnings.length, 3, 'the example logs in on its external listeners');
  assert.match(exampleWarnings[0]!, /\("nodeport", nodeport\): brokers 0, 1, 2 advertise the IP of the Kubernetes node/);
  assert.match(exampleWarnings[1]!, /create Secret edge-internal/);
  assert.match(exampleWarnings[2]!, /the console logs users in from Secret edge-console-users/);

  const list = renderKubernetes(renderInput(example('external-access.yaml'))).objects;
  assert.deepEqual(
    (find(list, 'Service', 'edge-bootstrap').spec as any).ports.map((p: { name: string }) => p.name),
    ['plain'],
    'external listeners are not on the in-cluster bootstrap Service',
  );
  for (const name of ['edge-public-bootstrap', 'edge-public-0', 'edge-public-2']) assert.deepEqual((find(list, 'Service', name).spec as any).loadBalancerSourceRanges, ['203.0.113.0/24']);
  assert.equal((find(list, 'Service', 'edge-nodeport-0').spec as any).loadBalancerSourceRanges, undefined);
  const externalOnly = objects('listeners:\n  - {name: ext, port: 9094, type: nodeport, authentication: scram-sha-512, configuration: {bootstrap: {nodePort: 31000}}}');
  assert.equal(
    externalOnly.some((o) => o.kind === 'Service' && o.metadata.name === 'demo-bootstrap'),
    false,
    'no internal listener, no bootstrap Service',
  );
  assert.match(
    problems(clusterYaml('listeners:\n  - {name: ext, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}, loadBalancerSourceRanges: [10.0.0.0/8]}}')).join('\n'),
    /spec\.listeners\[0\]\.configuration\.loadBalancerSourceRanges: only loadbalancer listeners/,
  );
  assert.match(
    problems(clusterYaml('listeners:\n  - {name: lb, port: 9094, type: loadbalancer, configuration: {advertisedHostTemplate: "k-{nodeId}", loadBalancerSourceRanges: [10.0.0.0]}}')).join('\n'),
    /loadBalancerSourceRanges\[0\]: must be a CIDR/,
  );

  // The metrics port admits the configured scrapers only; unset, anyone (as before).
  const policy = (find(list, 'NetworkPolicy').spec as any).ingress;
  assert.deepEqual(policy.at(-1), { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] });
  const anyone = (find(objects('kubernetes: {monitoring: {enabled: true}}'), 'NetworkPolicy').spec as any).ingress;
  assert.deepEqual(anyone.at(-1), { ports: [{ protocol: 'TCP', port: 'metrics' }] });
});

test('labels: name/instance/component, version = the Kafka version, part-of = the cluster, managed-by = kafkaplane', () => {
  for (const o of renderKubernetes(renderInput(example('external-access.yaml'))).objects) {
    const labels = o.metadata.labels!;
    assert.equal(labels['app.kubernetes.io/part-of'], 'edge', `${o.kind}/${o.metadata.name}`);
    assert.equal(labels['app.kubernetes.io/managed-by'], 'kafkaplane');
    assert.equal(labels['app.kubernetes.io/instance'], 'edge');
    const notKafka = ['kafka-exporter', 'console'].includes(labels['app.kubernetes.io/name']!);
    assert.equal(labels['app.kubernetes.io/version'], notKafka ? undefined : '4.1.2', `${o.kind}/${o.metadata.name}`);
  }
  const sts = find(renderKubernetes(renderInput(example('external-access.yaml'))).objects, 'StatefulSet', 'edge-broker');
  assert.equal((sts.spec as any).selector.matchLabels['app.kubernetes.io/version'], undefined, 'selectors are immutable: no version in them');
  for (const o of renderExample('external-access.yaml', 'strimzi').objects as KubeObject[]) {
    assert.equal(o.metadata.labels?.['app.kubernetes.io/instance'], 'edge', `${o.kind}/${o.metadata.name}`);
    assert.ok(o.metadata.labels?.['app.kubernetes.io/name'], `${o.kind}/${o.metadata.name}`);
    assert.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'edge');
  }
});

test("strimzi: no apache/kafka image for Strimzi, dropped settings reported, PodMonitor and PrometheusRule for Strimzi's pods", () => {
  const official = renderFormat(strimziInput(input('kubernetes: {image: "apache/kafka:4.1.2@sha256:' + 'a'.repeat(64) + '"}')), 'strimzi');
  assert.equal(((official.objects as KubeObject[])[0]!.spec as any).kafka.image, undefined);
  assert.match(official.warnings.join('\n'), /spec\.kubernetes\.image apache\/kafka:4\.1\.2@sha256:a+ is not passed to Strimzi \(spec\.kafka\.image\): Strimzi runs only its own Kafka images/);
  const mirror = renderFormat(strimziInput(input('kubernetes: {image: "registry.example.com/strimzi/kafka:1.2.0-kafka-4.3.1"}')), 'strimzi');
  assert.equal(((mirror.objects as KubeObject[])[0]!.spec as any).kafka.image, 'registry.example.com/strimzi/kafka:1.2.0-kafka-4.3.1');
  assert.match(mirror.warnings.join('\n'), /must be built on Strimzi 1\.2\.0's Kafka image for Kafka 4\.3\.1 \(quay\.io\/strimzi\/kafka:1\.2\.0-kafka-4\.3\.1\)/);
  // spec.kubernetes.pod and imagePullSecrets go into Strimzi's template (test/render/strimzi-template.test.ts); spread is left out.
  const podSettings = renderFormat(
    strimziInput(input('kubernetes:\n  imagePullSecrets: [regcred]\n  pod: {nodeSelector: {disk: ssd}, priorityClassName: kafka, terminationGracePeriodSeconds: 300, spread: required}')),
    'strimzi',
  );
  const templatePod = ((podSettings.objects as KubeObject[])[0]!.spec as any).kafka.template.pod;
  assert.deepEqual(templatePod.imagePullSecrets, [{ name: 'regcred' }]);
  assert.equal(templatePod.priorityClassName, 'kafka');
  assert.equal(templatePod.terminationGracePeriodSeconds, 300);
  assert.deepEqual(templatePod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }]);
  assert.match(podSettings.warnings.join('\n'), /leave out settings they have no field for or that Strimzi decides itself: spec\.kubernetes\.pod\.spread\./);
  assert.deepEqual(renderFormat(input('version: 4.3.1'), 'strimzi').warnings, []);
  const drain = renderFormat(strimziInput(input('kubernetes: {scaleDown: {drain: true, replicationThrottle: 10485760}}')), 'strimzi');
  assert.match(
    drain.warnings.join('\n'),
    /spec\.kubernetes\.scaleDown \(Strimzi refuses a scale-down while the brokers hold replicas; with Cruise Control enabled, spec\.cruiseControl\.autoRebalance with mode remove-brokers drains them first\)/,
  );

  const list = renderExample('external-access.yaml', 'strimzi').objects as KubeObject[];
  const monitor = find(list, 'PodMonitor', 'edge-nodes');
  assert.deepEqual((monitor.spec as any).selector, { matchLabels: { 'strimzi.io/cluster': 'edge', 'strimzi.io/kind': 'Kafka' } });
  assert.equal((monitor.spec as any).podMetricsEndpoints[0].port, 'tcp-prometheus');
  assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');
  const alerts = (find(list, 'PrometheusRule', 'edge-alerts').spec as any).groups[0].rules as { alert: string; expr: string }[];
  assert.ok(alerts.some((a) => a.alert === 'KafkaUnderMinIsrPartitions'));
  // StrimziPodSets are not StatefulSets: the pods that should exist are counted instead.
  assert.equal(alerts.find((a) => a.alert === 'KafkaNodesMissing')?.expr, '(count(up{namespace="kafka",kafka_cluster="edge",container="kafka"}) or vector(0)) < 6');
  assert.equal(
    alerts.some((a) => a.alert === 'KafkaStatefulSetReplicasNotReady'),
    false,
  );
});

test("the lag exporter: kafkaplane's by default, kafka_exporter selectable; a secured cluster's password never in an argument", () => {
  const secured = 'listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization: {type: simple}\nkubernetes:\n  monitoring: {enabled: true}';
  const ours = podSpec(find(objects(secured), 'Deployment', 'demo-kafka-exporter')).containers[0];
  assert.equal(ours.image, 'kafkaplane/kafkaplane:0.1.0');
  assert.equal(ours.args[0], 'exporter');
  assert.ok(ours.args.includes('--web.listen-address=:9308'));
  assert.ok(ours.args.includes('--sasl-username=kafkaplane'));
  assert.deepEqual(ours.env, [{ name: 'KAFKAPLANE_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'demo-internal', key: 'password' } } }]);
  assert.equal(ours.readinessProbe.httpGet.path, '/ready');
  const upstream = podSpec(
    find(objects(`${secured}\n  monitoring: {enabled: true, kafkaExporter: {implementation: kafka_exporter}}`.replace('  monitoring: {enabled: true}\n', '')), 'Deployment', 'demo-kafka-exporter'),
  ).containers[0];
  assert.equal(upstream.image, 'danielqsj/kafka-exporter:v1.9.0');
  assert.ok(upstream.args.includes('--sasl.enabled'));
  for (const c of [ours, upstream])
    assert.ok(
      c.args.every((a: string) => !/password/i.test(a)),
      `no password in ${c.image}'s arguments: ${c.args.join(' ')}`,
    );
});

test('selectors use kafkaplane’s own cluster label: the pods of a Bitnami release of the same name are not selected', () => {
  const list = renderExample('seed-002-combined.yaml', 'yaml').objects as KubeObject[];
  const name = find(list, 'StatefulSet').metadata.labels!['app.kubernetes.io/instance']!;
  // What the Bitnami chart puts on its broker and controller pods (release "<name>").
  const bitnamiPod = {
    'app.kubernetes.io/name': 'kafka',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': 'controller-eligible',
    'app.kubernetes.io/part-of': 'kafka',
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': 'kafka-32.4.3',
  };
  const ownPods = list.filter((o) => o.kind === 'StatefulSet').map((s) => (s.spec as any).template.metadata.labels as Record<string, string>);
  const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  const selectors: [string, Record<string, string>][] = [];
  for (const o of list) {
    const spec = o.spec as any;
    if (o.kind === 'Service' && spec.selector?.['app.kubernetes.io/name'] === 'kafka') selectors.push([`Service/${o.metadata.name}`, spec.selector]);
    if (o.kind === 'StatefulSet') selectors.push([`StatefulSet/${o.metadata.name}`, spec.selector.matchLabels]);
    if (o.kind === 'PodDisruptionBudget') selectors.push([`PodDisruptionBudget/${o.metadata.name}`, spec.selector.matchLabels]);
    if (o.kind === 'NetworkPolicy' && spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'kafka') selectors.push([`NetworkPolicy/${o.metadata.name}`, spec.podSelector.matchLabels]);
  }
  assert.ok(selectors.length >= 4, selectors.map(([n]) => n).join(', '));
  for (const [what, selector] of selectors) {
    assert.equal(selects(selector, bitnamiPod), false, `${what} would select the Bitnami release's pods: ${JSON.stringify(selector)}`);
    assert.ok(
      ownPods.some((labels) => selects(selector, labels)),
      `${what} selects none of the cluster's own pods`,
    );
  }
  // The volumeClaimTemplates keep their labels: a StatefulSet's volumeClaimTemplates cannot change either.
  assert.deepEqual((find(list, 'StatefulSet').spec as any).volumeClaimTemplates[0].metadata.labels, {
    'app.kubernetes.io/name': 'kafka',
    'app.kubernetes.io/instance': name,
    'kafkaplane.io/pool': 'dual',
  });
});

test('spec.kubernetes.bootstrapServiceName: strimzi names the bootstrap Service <cluster>-kafka-bootstrap, everywhere clients are told it; a clash is refused', () => {
  const list = objects('kubernetes: {bootstrapServiceName: strimzi}');
  const service = find(list, 'Service', 'demo-kafka-bootstrap');
  assert.equal((service.spec as any).type ?? 'ClusterIP', 'ClusterIP');
  assert.equal(list.filter((o) => o.kind === 'Service' && o.metadata.name === 'demo-bootstrap').length, 0);
  const names = kubernetesNames(cluster('kubernetes: {bootstrapServiceName: strimzi}'), kubernetesSettings(cluster('kubernetes: {bootstrapServiceName: strimzi}').spec), 'kafka');
  assert.equal(names.bootstrapAddress, 'demo-kafka-bootstrap.kafka.svc.cluster.local');
  // The default stays <cluster>-bootstrap.
  find(objects('version: 4.1.2'), 'Service', 'demo-bootstrap');
  // An external listener named "kafka" would get the same Service name.
  const clash = renderErrorProblems(() =>
    objects('kubernetes: {bootstrapServiceName: strimzi}\nlisteners:\n  - {name: plain, port: 9092}\n  - {name: kafka, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 30390}}}'),
  );
  assert.match(clash[0]!, /^spec\.listeners\[1\]\.name: its Service would be named demo-kafka-bootstrap, the name of the bootstrap Service/);
});

test('nodeport brokers that advertise status.hostIP are warned about; a host template or per-broker hosts silence it', () => {
  const spec = (config: string) =>
    `listeners:\n  - {name: plain, port: 9092}\n  - {name: ext, port: 9094, type: nodeport, authentication: scram-sha-512, configuration: {bootstrap: {nodePort: 30390}${config}}}`;
  const hostIp = renderKubernetes(input(spec(''))).warnings.filter((w) => w.includes('status.hostIP'));
  assert.equal(hostIp.length, 1);
  assert.match(hostIp[0]!, /^spec\.listeners\[1\] \("ext", nodeport\): brokers 0, 1, 2 advertise the IP of the Kubernetes node they run on \(status\.hostIP/);
  assert.deepEqual(
    renderKubernetes(input(spec(', advertisedHostTemplate: "kafka-{nodeId}.example.com"'))).warnings.filter((w) => w.includes('status.hostIP')),
    [],
  );
  const partly = renderKubernetes(input(spec(', brokers: [{broker: 0, advertisedHost: k0.example.com}]'))).warnings.filter((w) => w.includes('status.hostIP'));
  assert.match(partly[0]!, /brokers 1, 2 advertise/);
  // The template is what the brokers advertise.
  const props = nodeProps(objects(spec(', advertisedHostTemplate: "kafka-{nodeId}.example.com"')), 1);
  assert.match(props['advertised.listeners']!, /EXT:\/\/kafka-1\.example\.com:30392/);
});
