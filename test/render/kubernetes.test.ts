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
import { kubernetesSettings } from '../../src/spec/kubernetes.ts';
import { parseSpec } from '../../src/spec/load.ts';
import { EXAMPLES, renderExample, renderInput } from '../helpers/render.ts';
import { cluster, clusterYaml, example } from '../helpers/spec.ts';

const input = (spec: string, name = 'demo') => renderInput(parseSpec(clusterYaml(spec, name)));
const objects = (spec: string, name = 'demo') => renderKubernetes(input(spec, name)).objects;
const find = (list: KubeObject[], kind: string, name?: string) => {
  const found = list.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length > 0, true, `no ${kind}${name ? ` ${name}` : ''} in ${list.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0]!;
};
/** node-<id>.properties from the rendered ConfigMap, parsed. */
const nodeProps = (list: KubeObject[], id: number) => parseProperties((find(list, 'ConfigMap', undefined).data as Record<string, string>)[`node-${id}.properties`]!);
const formatArgs = (list: KubeObject[], id: number) => (find(list, 'ConfigMap').data as Record<string, string>)[`node-${id}.format-args`]!.trimEnd().split('\n');
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

  const longCluster = cluster('nodePools:\n  - {name: ' + 'p'.repeat(20) + ', roles: [broker, controller], replicas: 3}\nlisteners:\n  - {name: ' + 'e'.repeat(11) + ', port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}', 'c'.repeat(40));
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
  const rendered = renderKubernetes(renderInput(parseSpec(clusterYaml('nodePools:\n  - {name: ' + 'p'.repeat(20) + ', roles: [broker, controller], replicas: 3}\nlisteners:\n  - {name: ' + 'e'.repeat(11) + ', port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}', 'c'.repeat(40))))).objects;
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
  const list = objects('listeners:\n  - {name: plain, port: 9092}\n  - {name: ext, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}, brokers: [{broker: 2, nodePort: 32000}]}}');
  for (const [id, port] of [[0, 31001], [1, 31002], [2, 32000]] as const) {
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
  const clash = renderErrorProblems(() => objects('listeners:\n  - {name: a, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 31000}}}\n  - {name: b, port: 9095, type: nodeport, configuration: {bootstrap: {nodePort: 31002}}}'));
  assert.ok(clash.some((p) => /node port 31002 .* is also used by listener a broker 1/.test(p)), clash.join('\n'));
  const tooHigh = renderErrorProblems(() => objects('listeners:\n  - {name: a, port: 9094, type: nodeport, configuration: {bootstrap: {nodePort: 32766}}}'));
  assert.ok(tooHigh.some((p) => /above the node port range/.test(p)), tooHigh.join('\n'));
  // docker compose needs no LoadBalancer host: everything is published on localhost.
  assert.doesNotThrow(() => renderCompose(input('listeners:\n  - {name: lb, port: 9095, type: loadbalancer}')));
});

test('rack awareness: broker.rack is the zone label Kubernetes copies onto the pod, read with the downward API', () => {
  const spec = example('seed-003-dedicated.yaml');
  const list = renderKubernetes(renderInput(spec)).objects;
  assert.equal(nodeProps(list, 0)['broker.rack'], '@KAFKAPLANE_RACK@');
  assert.equal(nodeProps(list, 3)['broker.rack'], undefined, 'controllers have no rack');
  const brokers = find(list, 'StatefulSet', 'data-on-eks-broker');
  assert.deepEqual(envOf(brokers).find((e) => e.name === 'KAFKAPLANE_RACK')?.valueFrom, { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } });
  assert.deepEqual(podSpec(brokers).topologySpreadConstraints[0], {
    maxSkew: 1,
    topologyKey: 'topology.kubernetes.io/zone',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'data-on-eks', 'kafkaplane.io/pool': 'broker' } },
  });
  const controllers = find(list, 'StatefulSet', 'data-on-eks-controller');
  assert.equal(envOf(controllers).some((e) => e.name === 'KAFKAPLANE_RACK'), false);
  const problems = renderErrorProblems(() => objects('rack: {topologyKey: example.com/rack}'));
  assert.match(problems[0]!, /^spec\.rack\.topologyKey: "example\.com\/rack" cannot reach a pod/);
  const required = objects('rack: {}\nkubernetes: {pod: {spread: required}}');
  const sts = find(required, 'StatefulSet');
  assert.equal(podSpec(sts).topologySpreadConstraints[0].whenUnsatisfiable, 'DoNotSchedule');
  assert.ok(podSpec(sts).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
});

test('quorum inside pods: dynamic (4.1) bootstraps from the controllers\' DNS names and formats with --initial-controllers', () => {
  const list = renderKubernetes(renderInput(example('seed-003-dedicated.yaml'))).objects;
  const controllersAt = 'data-on-eks-controller-0.data-on-eks-controller.kafka.svc.cluster.local:9090,data-on-eks-controller-1.data-on-eks-controller.kafka.svc.cluster.local:9090,data-on-eks-controller-2.data-on-eks-controller.kafka.svc.cluster.local:9090';
  for (const id of [0, 3]) {
    assert.equal(nodeProps(list, id)['controller.quorum.bootstrap.servers'], controllersAt);
    assert.equal(nodeProps(list, id)['controller.quorum.voters'], undefined);
  }
  assert.deepEqual(formatArgs(list, 0), ['format', '--cluster-id', '@KAFKAPLANE_CLUSTER_ID@', '--config', '/run/kafkaplane/server.properties']);
  assert.deepEqual(formatArgs(list, 4), [
    'format',
    '--cluster-id',
    '@KAFKAPLANE_CLUSTER_ID@',
    '--config',
    '/run/kafkaplane/server.properties',
    '--initial-controllers',
    ['3', '4', '5'].map((id, i) => `${id}@data-on-eks-controller-${i}.data-on-eks-controller.kafka.svc.cluster.local:9090:@KAFKAPLANE_DIRECTORY_ID_${id}@`).join(','),
  ]);
  const secret = find(list, 'Secret', 'data-on-eks-identity');
  assert.deepEqual(Object.keys(secret.stringData as object), ['cluster-id', 'directory-id-3', 'directory-id-4', 'directory-id-5']);
  const controllerEnv = envOf(find(list, 'StatefulSet', 'data-on-eks-controller')).map((e) => e.name);
  assert.deepEqual(controllerEnv.filter((n) => n.startsWith('KAFKAPLANE_')), ['KAFKAPLANE_NODE_ID_OFFSET', 'KAFKAPLANE_CLUSTER_ID', 'KAFKAPLANE_DIRECTORY_ID_3', 'KAFKAPLANE_DIRECTORY_ID_4', 'KAFKAPLANE_DIRECTORY_ID_5']);
  assert.equal(envOf(find(list, 'StatefulSet', 'data-on-eks-controller')).find((e) => e.name === 'KAFKAPLANE_NODE_ID_OFFSET')?.value, '3');
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
  assert.deepEqual(kafka.readinessProbe.tcpSocket, { port: 'replication' });
  assert.equal((sts.spec as any).volumeClaimTemplates[0].spec.storageClassName, 'standard');
  assert.equal((sts.spec as any).volumeClaimTemplates[0].spec.resources.requests.storage, '5Gi');
  assert.ok(envOf(sts).every((e) => !/^KAFKA_(PORT|SERVICE)/.test(e.name)));
  assert.deepEqual((find(list, 'PodDisruptionBudget').spec as any).maxUnavailable, 1);
  const policy = find(list, 'NetworkPolicy').spec as any;
  assert.deepEqual(policy.ingress[0].ports.map((p: { port: number }) => p.port), [9090, 9091]);
  assert.deepEqual(policy.ingress[0].from, [{ podSelector: { matchLabels: { 'kafkaplane.io/cluster': 'kafka', 'app.kubernetes.io/instance': 'kafka' } } }]);

  const pinned = objects('kubernetes:\n  image: registry.example.com/kafka:4.1.2@sha256:' + 'a'.repeat(64));
  assert.equal(podSpec(find(pinned, 'StatefulSet')).containers[0].image, `registry.example.com/kafka:4.1.2@sha256:${'a'.repeat(64)}`);
  const ephemeral = find(objects('nodePools:\n  - {name: dual, roles: [broker, controller], replicas: 3, storage: {type: ephemeral, size: 2Gi}}'), 'StatefulSet');
  assert.equal((ephemeral.spec as any).volumeClaimTemplates, undefined);
  assert.deepEqual(podSpec(ephemeral).volumes[0], { name: 'data', emptyDir: { sizeLimit: '2Gi' } });
});

test('monitoring: JMX exporter agent checked by SHA-256, PodMonitor, PrometheusRule with the standard alerts, kafka_exporter', () => {
  const list = renderKubernetes(renderInput(example('external-access.yaml'))).objects;
  const sts = find(list, 'StatefulSet', 'edge-broker');
  const init = podSpec(sts).initContainers[0];
  assert.equal(init.env.find((e: { name: string }) => e.name === 'JMX_EXPORTER_URL').value, 'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar');
  assert.match(init.env.find((e: { name: string }) => e.name === 'JMX_EXPORTER_SHA256').value, /^[a-f0-9]{64}$/);
  assert.match(envOf(sts).find((e) => e.name === 'KAFKA_OPTS')!.value!, /^-javaagent:\/opt\/jmx-exporter\/jmx_prometheus_javaagent\.jar=9404:\/etc\/kafkaplane\/metrics\/metrics\.yaml$/);
  const rule = find(list, 'PrometheusRule');
  const alerts = (rule.spec as any).groups[0].rules.map((r: { alert: string }) => r.alert);
  assert.deepEqual(alerts, ['KafkaOfflinePartitions', 'KafkaUnderReplicatedPartitions', 'KafkaUnderMinIsrPartitions', 'KafkaNoActiveController', 'KafkaNodeDown', 'KafkaConsumerGroupLag']);
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
  assert.deepEqual(rendered.warnings, []);
  const job = find(rendered.objects, 'Job');
  assert.match(job.metadata.name, /^demo-topics-[0-9a-f]{8}$/);
  const container = (job.spec as any).template.spec.containers[0];
  const script: string = container.command[2];
  assert.match(script, /kafka-topics\.sh --bootstrap-server "\$bootstrap" --create --if-not-exists --topic orders --partitions 6 --replication-factor 3 --config retention\.ms=604800000 --config cleanup\.policy=compact,delete/);
  assert.match(script, /kafka-configs\.sh .* --entity-name app --add-config "SCRAM-SHA-512=\[password=\$USER_PASSWORD_0\]"/);
  assert.match(script, /kafka-acls\.sh .* --allow-principal User:app --allow-host '\*' --operation Read --operation Write --topic orders --resource-pattern-type literal/);
  assert.match(script, /--group app- --resource-pattern-type prefixed/);
  assert.match(script, /^bootstrap=demo-dual-0\.demo-dual\.default\.svc\.cluster\.local:9091,/m);
  assert.deepEqual(container.env[0], { name: 'USER_PASSWORD_0', valueFrom: { secretKeyRef: { name: 'app-password', key: 'password' } } });
  const other = renderKubernetes(renderInput(parseSpec(clusterYaml('version: 4.1.2') + '---\napiVersion: kafkaplane.io/v1alpha1\nkind: KafkaTopic\nmetadata: {name: x}\n')));
  assert.notEqual(find(other.objects, 'Job').metadata.name, job.metadata.name);
  assert.equal(objects('version: 4.1.2').some((o) => o.kind === 'Job'), false, 'no topics, no Job');
  assert.equal(renderKubernetes(renderInput(example('topics-users.yaml'))).warnings.length, 2, 'users without a password Secret are reported');
});

test('strimzi: Kafka with KRaft node pools, node ids kept, listeners and users mapped; reserved ports refused', () => {
  const list = renderExample('external-access.yaml', 'strimzi').objects as KubeObject[];
  const kafka = find(list, 'Kafka');
  assert.equal(kafka.apiVersion, 'kafka.strimzi.io/v1beta2');
  assert.deepEqual(kafka.metadata.annotations, { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
  const listeners = (kafka.spec as any).kafka.listeners;
  assert.deepEqual(listeners[1], { name: 'nodeport', port: 9094, type: 'nodeport', tls: false, configuration: { bootstrap: { nodePort: 31090 } } });
  assert.equal(listeners[2].configuration.advertisedHostTemplate, 'kafka-{nodeId}.example.com');
  assert.deepEqual(listeners[0].networkPolicyPeers, [{ namespaceSelector: { matchLabels: { team: 'orders' } }, podSelector: { matchLabels: { app: 'orders' } } }]);
  assert.equal(find(list, 'KafkaNodePool', 'edge-controller').metadata.annotations?.['strimzi.io/next-node-ids'], '[3-5]');
  const users = renderExample('topics-users.yaml', 'strimzi').objects as KubeObject[];
  assert.deepEqual((find(users, 'KafkaUser', 'orders-app').spec as any).authorization.acls[1].resource, { type: 'group', name: 'orders-', patternType: 'prefix' });
  const problems = renderErrorProblems(() => renderFormat(input('listeners:\n  - {name: low, port: 9000}'), 'strimzi'));
  assert.match(problems[0]!, /^spec\.listeners\[0\]\.port: Strimzi listeners need a port of 9092 or more/);
});

test('a dedicated cluster model: ConfigMap holds one properties file and one format-args file per node', () => {
  const spec = example('seed-003-dedicated.yaml');
  const model = clusterModel(spec.clusters[0]!);
  const data = find(renderKubernetes(renderInput(spec)).objects, 'ConfigMap', 'data-on-eks-config').data as Record<string, string>;
  assert.deepEqual(Object.keys(data), ['entrypoint.sh', ...model.nodes.flatMap((n) => [`node-${n.id}.properties`, `node-${n.id}.format-args`])]);
});
