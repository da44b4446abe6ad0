/**
 * kafkaplane's pod templates as Strimzi's `template` (src/render/formats/strimzi-template.ts): each mapped field, the
 * merge (a KafkaNodePool's template replaces the Kafka's in Strimzi, so a pool gets the whole merged template), and
 * each warning for what Strimzi cannot express. Strimzi's own model classes and CRDs judge the output in
 * test/integration/kube/strimzi-model.test.ts and render-apply.test.ts (examples/pod-templates.yaml).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubernetesSettings } from '../../src/api/kubernetes.ts';
import { nodeSelectorAffinity, strimziTemplates, strimziVolumeSources } from '../../src/render/formats/strimzi-template.ts';
import { renderFormat } from '../../src/render/index.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { renderInput, strimziInput } from '../helpers/render.ts';
import { parseSpec } from '../../src/api/load.ts';
import { cluster, clusterYaml } from '../helpers/spec.ts';

/** Rendered objects are read as plain data. */
type Any = any;

const CONTROLLER = { name: 'controller', roles: ['controller'], replicas: 3, storage: { size: '10Gi' } };
const BROKER = { name: 'broker', roles: ['broker'], replicas: 3, storage: { size: '100Gi' } };

/** A cluster with the given spec.kubernetes and pools (JSON is YAML). */
function spec(kubernetes: object, pools: object[] = [CONTROLLER, BROKER]) {
  return JSON.stringify({ nodePools: pools, listeners: [{ name: 'plain', port: 9092 }], kubernetes });
}
function map(kubernetes: object, pools?: object[], release = '0.48.0') {
  const c = cluster(spec(kubernetes, pools));
  return strimziTemplates(c, kubernetesSettings(c.spec), release);
}
const only = (warnings: string[], prefix: string) => warnings.filter((w) => w.startsWith(prefix));

test('no template and no pod settings: nothing to set, nothing to say', () => {
  const r = map({});
  assert.equal(r.kafka, undefined);
  assert.deepEqual(r.pools, [undefined, undefined]);
  assert.deepEqual(r.probes, {});
  assert.deepEqual(r.warnings, []);
});

test('cluster level: metadata, scheduling, pull secrets and grace period go to spec.kafka.template.pod; spec.kubernetes.pod under the template', () => {
  const r = map({
    imagePullSecrets: ['registry'],
    pod: { labels: { a: 'pod', b: 'pod' }, annotations: { x: '1' }, tolerations: [{ operator: 'Exists' }], priorityClassName: 'low', terminationGracePeriodSeconds: 300 },
    template: {
      pod: {
        metadata: { labels: { b: 'template' } },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }],
        priorityClassName: 'kafka',
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
        affinity: {
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'cache' } } } }],
          },
        },
      },
    },
  });
  const pod = (r.kafka as Any).pod;
  assert.deepEqual(pod.metadata, { labels: { a: 'pod', b: 'template' }, annotations: { x: '1' } });
  assert.deepEqual(pod.imagePullSecrets, [{ name: 'registry' }]);
  assert.equal(pod.terminationGracePeriodSeconds, 300);
  assert.deepEqual(pod.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }], 'the template wins over spec.kubernetes.pod, as render applies it');
  assert.equal(pod.priorityClassName, 'kafka');
  assert.equal(pod.topologySpreadConstraints[0].topologyKey, 'topology.kubernetes.io/zone');
  assert.equal(pod.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight, 10);
  assert.deepEqual(r.pools, [undefined, undefined], 'pools without a template of their own use the Kafka template');
  assert.deepEqual(r.warnings, []);
  // kafkaplane's default grace period (120 s) stays out, as before templates were translated.
  assert.equal((map({ pod: { labels: { a: 'b' } } }).kafka as Any).pod.terminationGracePeriodSeconds, undefined);
});

test('nodeSelector becomes required node affinity: a new term, or ANDed into every existing term', () => {
  assert.deepEqual(nodeSelectorAffinity(undefined, { 'kubernetes.io/os': 'linux' }), {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] } },
  });
  const affinity = {
    podAntiAffinity: { x: 1 },
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
      },
    },
  };
  const out = nodeSelectorAffinity(affinity, { disk: 'ssd' }) as Any;
  const req = { key: 'disk', operator: 'In', values: ['ssd'] };
  assert.deepEqual(out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
    { matchExpressions: [{ key: 'a', operator: 'Exists' }, req] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }], matchExpressions: [req] },
  ]);
  assert.deepEqual(out.podAntiAffinity, { x: 1 });
  assert.deepEqual(out.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, [{ weight: 1 }]);
  assert.equal(nodeSelectorAffinity(affinity, undefined), affinity);
  // spec.kubernetes.pod.nodeSelector too, and the template's wins over it.
  const r = map({ pod: { nodeSelector: { a: 'pod' } }, template: { pod: { nodeSelector: { b: 'template' } } } });
  assert.deepEqual((r.kafka as Any).pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
    { matchExpressions: [{ key: 'b', operator: 'In', values: ['template'] }] },
  ]);
});

test("a pool's template: the whole merged template on its KafkaNodePool (Strimzi replaces, it does not merge)", () => {
  const r = map(
    {
      imagePullSecrets: ['registry'],
      template: {
        pod: { metadata: { labels: { team: 'payments' } }, priorityClassName: 'kafka', volumes: [{ name: 'shared', configMap: { name: 'shared' } }] },
        kafkaContainer: {
          env: [
            { name: 'A', value: 'cluster' },
            { name: 'B', value: 'cluster' },
          ],
        },
      },
    },
    [
      CONTROLLER,
      {
        ...BROKER,
        template: { pod: { metadata: { labels: { tier: 'brokers' } } }, kafkaContainer: { env: [{ name: 'B', value: 'broker' }], volumeMounts: [{ name: 'shared', mountPath: '/mnt/shared' }] } },
      },
    ],
  );
  assert.equal(r.pools[0], undefined);
  const broker = r.pools[1] as Any;
  assert.deepEqual(broker.pod.metadata.labels, { team: 'payments', tier: 'brokers' });
  assert.equal(broker.pod.priorityClassName, 'kafka');
  assert.deepEqual(broker.pod.imagePullSecrets, [{ name: 'registry' }]);
  assert.deepEqual(broker.pod.volumes, [{ name: 'shared', configMap: { name: 'shared' } }]);
  assert.deepEqual(broker.kafkaContainer.env, [
    { name: 'A', value: 'cluster' },
    { name: 'B', value: 'broker' },
  ]);
  assert.deepEqual(broker.kafkaContainer.volumeMounts, [{ name: 'shared', mountPath: '/mnt/shared' }]);
  assert.deepEqual((r.kafka as Any).kafkaContainer.env, [
    { name: 'A', value: 'cluster' },
    { name: 'B', value: 'cluster' },
  ]);
  assert.deepEqual(r.warnings, [], "a pool's mount of the cluster's volume is fine");
});

test('kafkaContainer: env by value, secretKeyRef, configMapKeyRef (an empty one gets value ""); fieldRef and Strimzi-owned names warn', () => {
  const r = map({
    template: {
      kafkaContainer: {
        env: [
          { name: 'V', value: 'x' },
          { name: 'EMPTY' },
          { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'STRIMZI_KAFKA_GC_LOG_ENABLED', value: 'true' },
          { name: 'KAFKA_JMX_EXPORTER_ENABLED', value: 'true' },
        ],
        securityContext: { runAsNonRoot: true, runAsUser: null, readOnlyRootFilesystem: true },
      },
    },
  });
  const k = (r.kafka as Any).kafkaContainer;
  assert.deepEqual(k.env, [
    { name: 'V', value: 'x' },
    { name: 'EMPTY', value: '' },
    { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
  ]);
  assert.deepEqual(k.securityContext, { runAsNonRoot: true, readOnlyRootFilesystem: true }, "null (remove kafkaplane's default) means nothing to Strimzi");
  assert.deepEqual(
    r.warnings.map((w) => w.slice(0, w.indexOf(':'))),
    ['spec.kubernetes.template.kafkaContainer.env[4].valueFrom', 'spec.kubernetes.template.kafkaContainer.env[5]', 'spec.kubernetes.template.kafkaContainer.env[6]'],
  );
  assert.match(r.warnings[0]!, /POD \(fieldRef\) is left out/);
  assert.match(r.warnings[1]!, /Strimzi sets STRIMZI_KAFKA_GC_LOG_ENABLED/);
});

test('volumes: the sources Strimzi takes pass (image from 0.47.0); others, Strimzi-named ones and their mounts are left out with a warning', () => {
  assert.deepEqual(strimziVolumeSources('0.46.0'), ['secret', 'configMap', 'emptyDir', 'persistentVolumeClaim', 'csi']);
  assert.ok(strimziVolumeSources('0.47.0').includes('image'));
  assert.ok(strimziVolumeSources('1.2.0').includes('image'));
  const template = {
    pod: {
      volumes: [
        { name: 's', secret: { secretName: 's' } },
        { name: 'c', configMap: { name: 'c' } },
        { name: 'e', emptyDir: { medium: 'Memory' } },
        { name: 'p', persistentVolumeClaim: { claimName: 'p' } },
        { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
        { name: 'img', image: { reference: 'example.com/tools:1' } },
        { name: 'host', hostPath: { path: '/var/log' } },
        { name: 'strimzi-tmp', emptyDir: {} },
      ],
    },
    kafkaContainer: {
      volumeMounts: [
        { name: 's', mountPath: '/mnt/s' },
        { name: 'host', mountPath: '/mnt/host' },
        { name: 'c', mountPath: '/etc/c' },
      ],
    },
  };
  const at48 = map({ template });
  assert.deepEqual(
    (at48.kafka as Any).pod.volumes.map((v: { name: string }) => v.name),
    ['s', 'c', 'e', 'p', 'csi', 'img'],
  );
  assert.deepEqual((at48.kafka as Any).kafkaContainer.volumeMounts, [{ name: 's', mountPath: '/mnt/s' }]);
  assert.deepEqual(
    at48.warnings.map((w) => w.slice(0, w.indexOf(':'))),
    [
      'spec.kubernetes.template.pod.volumes[6].hostPath',
      'spec.kubernetes.template.pod.volumes[7].name',
      'spec.kubernetes.template.kafkaContainer.volumeMounts[1].name',
      'spec.kubernetes.template.kafkaContainer.volumeMounts[2].mountPath',
    ],
  );
  assert.match(at48.warnings[0]!, /Strimzi 0\.48\.0 takes only secret, configMap, emptyDir, persistentVolumeClaim, csi, image volumes/);
  assert.match(at48.warnings[3]!, /only under \/mnt .* \/etc\/c is left out/);
  const at46 = map({ template }, undefined, '0.46.0');
  assert.ok(only(at46.warnings, 'spec.kubernetes.template.pod.volumes[5].image').length === 1, at46.warnings.join('\n'));
});

test('emptyDir sizeLimit: left out before Strimzi 0.49 (its CRD wants an object there, strimzi#12068), with a warning; kept from 0.49', () => {
  const template = { pod: { volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }] } };
  const before = map({ template }, undefined, '0.48.0');
  assert.deepEqual((before.kafka as Any).pod.volumes, [{ name: 'scratch', emptyDir: { medium: 'Memory' } }]);
  assert.equal(only(before.warnings, 'spec.kubernetes.template.pod.volumes[0].emptyDir.sizeLimit:').length, 1);
  const after = map({ template }, undefined, '0.49.0');
  assert.deepEqual((after.kafka as Any).pod.volumes, [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]);
  assert.deepEqual(after.warnings, []);
});

test('sidecars and init containers have no place in Strimzi: left out, each with its spec path', () => {
  const container = { name: 'shipper', image: 'busybox:1.36' };
  const r = map({ template: { pod: { initContainers: [{ ...container, name: 'check' }] } } }, [CONTROLLER, { ...BROKER, template: { pod: { containers: [container] } } }]);
  assert.deepEqual(
    r.warnings.map((w) => w.slice(0, w.indexOf(':'))),
    ['spec.kubernetes.template.pod.initContainers[0]', 'spec.nodePools[1].template.pod.containers[0]'],
  );
  assert.match(r.warnings[1]!, /sidecar "shipper" is left out/);
  assert.equal((r.pools[1] as Any)?.pod?.containers, undefined);
});

test('probes: one liveness and readiness probe for all pools; differing pools warn; no startup probe', () => {
  const same = map({ template: { probes: { readiness: { periodSeconds: 5 }, liveness: { failureThreshold: 6, timeoutSeconds: 4 } } } });
  assert.deepEqual(same.probes, { readinessProbe: { periodSeconds: 5 }, livenessProbe: { failureThreshold: 6, timeoutSeconds: 4 } });
  assert.deepEqual(same.warnings, []);
  // Every pool sets the same: that is the cluster's probe.
  const t = { probes: { liveness: { periodSeconds: 20 } } };
  const equal = map({}, [
    { ...CONTROLLER, template: t },
    { ...BROKER, template: t },
  ]);
  assert.deepEqual(equal.probes, { livenessProbe: { periodSeconds: 20 } });
  assert.deepEqual(equal.warnings, []);
  // The broker differs: the cluster's timings are used and the broker's are named.
  const differ = map({ template: { probes: { readiness: { periodSeconds: 5 }, startup: { periodSeconds: 15 } } } }, [
    CONTROLLER,
    { ...BROKER, template: { probes: { readiness: { failureThreshold: 9 }, startup: { failureThreshold: 500 } } } },
  ]);
  assert.deepEqual(differ.probes, { readinessProbe: { periodSeconds: 5 } });
  assert.deepEqual(
    differ.warnings.map((w) => w.slice(0, w.indexOf(':'))),
    ['spec.nodePools[1].template.probes.readiness', 'spec.kubernetes.template.probes.startup', 'spec.nodePools[1].template.probes.startup'],
  );
  assert.match(differ.warnings[0]!, /pool broker's timings \{"periodSeconds":5,"failureThreshold":9\} are left out for \{"periodSeconds":5\}/);
  assert.match(differ.warnings[1]!, /no startup probe/);
});

test("pod securityContext: nulls dropped; without fsGroup on persistent storage it warns (it replaces Strimzi's fsGroup 0)", () => {
  const warned = map({ template: { pod: { securityContext: { runAsNonRoot: true, runAsUser: null } } } });
  assert.deepEqual((warned.kafka as Any).pod.securityContext, { runAsNonRoot: true });
  assert.equal(only(warned.warnings, 'spec.kubernetes.template.pod.securityContext:').length, 1);
  // fsGroup removed on purpose (OpenShift assigns it), or given: no warning.
  assert.deepEqual(map({ template: { pod: { securityContext: { runAsNonRoot: true, fsGroup: null } } } }).warnings, []);
  assert.deepEqual(map({ template: { pod: { securityContext: { fsGroup: 0 } } } }).warnings, []);
  // Only nulls: nothing to pass, Strimzi keeps its own default.
  assert.equal(map({ template: { pod: { securityContext: { runAsUser: null, fsGroup: null } } } }).kafka, undefined);
  // The pool's merged context counts: the cluster removed fsGroup.
  const pool = map({ template: { pod: { securityContext: { fsGroup: null } } } }, [CONTROLLER, { ...BROKER, template: { pod: { securityContext: { runAsNonRoot: true } } } }]);
  assert.deepEqual(pool.warnings, []);
  // Ephemeral storage: Strimzi sets no fsGroup either.
  const ephemeral = map({}, [CONTROLLER, { ...BROKER, storage: { type: 'ephemeral', size: '10Gi' }, template: { pod: { securityContext: { runAsNonRoot: true } } } }]);
  assert.deepEqual(ephemeral.warnings, []);
});

test("selectors on kafkaplane's own pod labels warn (Strimzi's pods carry only name and instance of them)", () => {
  const spread = (matchLabels: Record<string, string>) => ({
    template: { pod: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } }] } },
  });
  assert.deepEqual(map(spread({ 'app.kubernetes.io/instance': 'demo', 'app.kubernetes.io/name': 'kafka' })).warnings, []);
  const r = map(spread({ 'kafkaplane.io/pool': 'broker' }));
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /^spec\.kubernetes\.template\.pod \(affinity \/ topologySpreadConstraints\): .*kafkaplane\.io\/pool.*strimzi\.io\/pool-name/);
});

test('render --format strimzi: Kafka and KafkaNodePool carry the templates and probes; the warnings reach the result', () => {
  const text = clusterYaml(
    spec({ pod: { labels: { team: 'a' } }, template: { probes: { liveness: { failureThreshold: 6 } } } }, [
      CONTROLLER,
      { ...BROKER, template: { pod: { containers: [{ name: 'shipper', image: 'busybox:1.36' }] }, kafkaContainer: { env: [{ name: 'TZ', value: 'UTC' }] } } },
    ]),
  );
  const rendered = renderFormat(strimziInput(renderInput(parseSpec(text, 't.yaml'))), 'strimzi');
  const objects = rendered.objects as KubeObject[];
  const warnings = rendered.warnings;
  const kafka = objects.find((o) => o.kind === 'Kafka') as Any;
  assert.deepEqual(kafka.spec.kafka.template, { pod: { metadata: { labels: { team: 'a' } } } });
  assert.deepEqual(kafka.spec.kafka.livenessProbe, { failureThreshold: 6 });
  const pools = objects.filter((o) => o.kind === 'KafkaNodePool') as Any[];
  assert.equal(pools[0].spec.template, undefined);
  assert.deepEqual(pools[1].spec.template, { pod: { metadata: { labels: { team: 'a' } } }, kafkaContainer: { env: [{ name: 'TZ', value: 'UTC' }] } });
  assert.ok(
    warnings.some((w) => w.startsWith('spec.nodePools[1].template.pod.containers[0]:')),
    warnings.join('\n'),
  );
  assert.ok(!warnings.some((w) => w.includes('spec.kubernetes.pod.labels')), 'spec.kubernetes.pod is translated, no longer listed as left out');
});
