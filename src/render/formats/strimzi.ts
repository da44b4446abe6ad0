import type { SpecProblem } from '../../errors.ts';
import { heapSize } from '../../model/jvm.ts';
import { kubernetesNames } from '../../model/kubernetes-names.ts';
import { nodeIdRanges } from '../../api/kafka-cluster.ts';
import { kafkaTopicName } from '../../api/kafka-topic.ts';
import { type KubernetesSpec, JMX_EXPORTER_VERSION, kubernetesSettings, kubernetesSpec } from '../../api/kubernetes.ts';
import { RenderError } from '../errors.ts';
import { externalListenerWarnings } from '../kubernetes.ts';
import { prometheusAlerts } from '../alerts.ts';
import { JMX_EXPORTER_CONFIG, METRICS_FILE, podMetricsEndpoint } from '../monitoring.ts';
import { type KubeObject, type RenderInput, recommendedLabels } from '../objects.ts';
import { heapProblems, poolResources } from '../resources.ts';
import { DEFAULT_STRIMZI_VERSION, strimziReleaseFor } from '../strimzi-releases.ts';
import { strimziTemplates } from './strimzi-template.ts';

/**
 * The same cluster as Strimzi custom resources for one named Strimzi release (input.strimziVersion, table in
 * ../strimzi-releases.ts: kafka.strimzi.io/v1beta2 or v1 per release, KRaft with node pools), for teams that run
 * the Strimzi operator: Kafka + one KafkaNodePool per pool + KafkaTopic + KafkaUser, and with monitoring a PodMonitor
 * and a PrometheusRule for Strimzi's pods. Strimzi builds the broker configuration itself; kafkaplane maps the spec
 * onto Strimzi's fields, refuses what Strimzi cannot express and warns about every setting it leaves out.
 * https://strimzi.io/docs/operators/latest/configuring.html
 */
const STRIMZI_RESERVED_PORTS = new Set([9404, 9999]);

/** Strimzi's name for the metrics port of its Kafka and kafka_exporter pods (MetricsModel.METRICS_PORT_NAME). */
const STRIMZI_METRICS_PORT = 'tcp-prometheus';

/**
 * The official apache/kafka image (and its GraalVM twin apache/kafka-native). Strimzi runs only images built on its
 * own (quay.io/strimzi/kafka:<strimzi>-kafka-<kafka>): its pods start Kafka with Strimzi's scripts, which those
 * images do not have.
 */
const APACHE_KAFKA_IMAGE = /^(docker\.io\/)?apache\/kafka(-native)?([:@]|$)/;

/** spec.kubernetes settings the Strimzi resources leave out (Strimzi has no field for them, or decides them itself). */
function droppedSettings(settings: KubernetesSpec): string[] {
  const defaults = kubernetesSpec.parse({});
  const dropped: string[] = [];
  const pod = settings.pod;
  // annotations, labels, nodeSelector, tolerations, priorityClassName, terminationGracePeriodSeconds and
  // imagePullSecrets go into Strimzi's template (./strimzi-template.ts).
  if (pod.spread !== defaults.pod.spread) dropped.push('spec.kubernetes.pod.spread');
  if (settings.imagePullPolicy !== defaults.imagePullPolicy) dropped.push('spec.kubernetes.imagePullPolicy');
  if (settings.clusterDomain !== defaults.clusterDomain) dropped.push('spec.kubernetes.clusterDomain (the Strimzi operator reads KUBERNETES_SERVICE_DNS_DOMAIN)');
  if (!settings.serviceAccount.create || settings.serviceAccount.name !== undefined || settings.serviceAccount.annotations !== undefined) dropped.push('spec.kubernetes.serviceAccount');
  if (!settings.networkPolicy.enabled)
    dropped.push('spec.kubernetes.networkPolicy.enabled: false (Strimzi always creates its NetworkPolicies unless the operator runs with STRIMZI_NETWORK_POLICY_GENERATION=false)');
  if (settings.tls.secretName !== undefined || settings.tls.passwordSecret !== undefined || settings.tls.keystoreKey !== defaults.tls.keystoreKey)
    dropped.push('spec.kubernetes.tls (Strimzi issues the listener certificates from its own CA)');
  if (settings.identity !== undefined) dropped.push('spec.kubernetes.identity (Strimzi chooses the cluster id and directory ids)');
  if (settings.rackInit.image !== defaults.rackInit.image) dropped.push('spec.kubernetes.rackInit.image (Strimzi reads the zone with its own kafka-init container)');
  const jmx = settings.monitoring.jmxExporter;
  if (jmx.version !== JMX_EXPORTER_VERSION || jmx.url !== undefined || jmx.agentPath !== undefined || jmx.image !== defaults.monitoring.jmxExporter.image || jmx.sha256 !== undefined) {
    dropped.push('spec.kubernetes.monitoring.jmxExporter (Strimzi images carry their own JMX exporter agent)');
  }
  if (settings.monitoring.kafkaExporter.image !== undefined) dropped.push('spec.kubernetes.monitoring.kafkaExporter.image (Strimzi runs its own kafka_exporter image)');
  if (settings.monitoring.enabled && settings.monitoring.kafkaExporter.enabled && settings.monitoring.kafkaExporter.implementation !== 'kafka_exporter')
    dropped.push('spec.kubernetes.monitoring.kafkaExporter.implementation: kafkaplane (Strimzi runs kafka_exporter; its alerts on lag seconds and group status are left out)');
  if (settings.monitoring.port !== defaults.monitoring.port) dropped.push('spec.kubernetes.monitoring.port (Strimzi always uses 9404)');
  if (settings.monitoring.scrapers !== undefined) dropped.push("spec.kubernetes.monitoring.scrapers (Strimzi's NetworkPolicy admits anyone to the metrics port)");
  if (settings.scaleDown.drain || settings.scaleDown.replicationThrottle !== undefined)
    dropped.push(
      'spec.kubernetes.scaleDown (Strimzi refuses a scale-down while the brokers hold replicas; with Cruise Control enabled, spec.cruiseControl.autoRebalance with mode remove-brokers drains them first)',
    );
  if (settings.console.enabled)
    dropped.push(
      'spec.kubernetes.console (a Strimzi Kafka resource has no console; run `kafkaplane console --bootstrap <cluster>-kafka-bootstrap:9092` against the Strimzi cluster instead, docs/console.md)',
    );
  return dropped;
}

export function renderStrimzi(input: RenderInput): { objects: KubeObject[]; warnings: string[] } {
  const { cluster } = input;
  const spec = cluster.spec;
  const settings = kubernetesSettings(spec);
  const namespace = input.namespace ?? cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  // First: a Kafka version the target release does not run makes every other check moot.
  const release = strimziReleaseFor(input.strimziVersion ?? DEFAULT_STRIMZI_VERSION, spec.version, input.source ?? 'the spec', name);
  const problems: SpecProblem[] = [];
  spec.listeners.forEach((l, i) => {
    // Strimzi keeps 9090/9091 (like kafkaplane), 9404 (metrics) and 9999 (JMX) and wants client ports from 9092 up.
    if (l.port < 9092 || STRIMZI_RESERVED_PORTS.has(l.port)) {
      problems.push({ path: `spec.listeners[${i}].port`, message: `Strimzi listeners need a port of 9092 or more, other than 9404 and 9999; ${l.port} would be rejected by the Strimzi operator` });
    }
  });
  problems.push(...heapProblems(spec.nodePools));
  if (problems.length > 0)
    throw new RenderError(
      input.source ?? 'the spec',
      'Strimzi resources',
      problems.map((p) => ({ ...p, document: `KafkaCluster "${name}"` })),
    );

  const warnings: string[] = [...externalListenerWarnings(cluster)];
  const spreads = settings.template?.pod?.topologySpreadConstraints !== undefined || spec.nodePools.some((p) => p.template?.pod?.topologySpreadConstraints !== undefined);
  if (spec.rack && !release.rackAffinity && !spreads) {
    warnings.push(
      `spec.rack: Strimzi ${release.version} sets broker.rack from the zone but no longer spreads the Kafka pods over the zones itself (Strimzi 0.49 dropped its preferred anti-affinity): set spec.kubernetes.template.pod.topologySpreadConstraints on ${spec.rack.topologyKey} (render passes it to Strimzi's template)`,
    );
  }
  let image: string | undefined;
  if (settings.image !== undefined && APACHE_KAFKA_IMAGE.test(settings.image)) {
    warnings.push(
      `spec.kubernetes.image ${settings.image} is not passed to Strimzi (spec.kafka.image): Strimzi runs only its own Kafka images (quay.io/strimzi/kafka), and its operator picks the one for spec.version ${spec.version}`,
    );
  } else if (settings.image !== undefined) {
    image = settings.image;
    warnings.push(
      `spec.kubernetes.image ${settings.image} becomes Strimzi's spec.kafka.image: it must be built on Strimzi ${release.version}'s Kafka image for Kafka ${spec.version} (quay.io/strimzi/kafka:${release.version}-kafka-${spec.version}), or the pods will not start`,
    );
  }
  const dropped = droppedSettings(settings);
  if (dropped.length > 0) {
    warnings.push(
      `the Strimzi resources leave out settings they have no field for or that Strimzi decides itself: ${dropped.join('; ')}. Where Strimzi supports them, set them by hand in the Kafka and KafkaNodePool resources' template (spec.kafka.template.pod, spec.template.pod)`,
    );
  }
  // Pod templates (src/api/pod-template.ts) as Strimzi's template and probes; what it cannot express warns.
  const templates = strimziTemplates(cluster, settings, release.version);
  warnings.push(...templates.warnings);

  const monitoringSettings = settings.monitoring;
  const labelsOf = (appName: string, component: string, version = true) => recommendedLabels({ cluster: name, name: appName, component, version: version ? spec.version : undefined });
  const metadata = (objectName: string, labels: Record<string, string>, annotations?: Record<string, string>) => ({
    name: objectName,
    namespace,
    labels,
    ...(annotations ? { annotations } : {}),
  });
  const strimziCluster = { 'strimzi.io/cluster': name };
  const monitoring = monitoringSettings.enabled;
  const names = kubernetesNames(cluster, settings, namespace);
  const metricsConfigMap = names.metricsConfigMap;

  const listeners = spec.listeners.map((l) => {
    const configuration: Record<string, unknown> = {};
    const c = l.configuration;
    if (c?.bootstrap) {
      configuration.bootstrap = {
        ...(c.bootstrap.nodePort !== undefined ? { nodePort: c.bootstrap.nodePort } : {}),
        ...(c.bootstrap.host !== undefined ? { host: c.bootstrap.host } : {}),
        ...(c.bootstrap.annotations ? { annotations: c.bootstrap.annotations } : {}),
      };
    }
    if (c?.brokers) {
      configuration.brokers = c.brokers.map((b) => ({
        broker: b.broker,
        ...(b.nodePort !== undefined ? { nodePort: b.nodePort } : {}),
        ...(b.advertisedHost !== undefined ? { advertisedHost: b.advertisedHost } : {}),
        ...(b.advertisedPort !== undefined ? { advertisedPort: b.advertisedPort } : {}),
        ...(b.annotations ? { annotations: b.annotations } : {}),
      }));
    }
    if (c?.advertisedHostTemplate) configuration.advertisedHostTemplate = c.advertisedHostTemplate;
    if (c?.preferredNodePortAddressType) configuration.preferredNodePortAddressType = c.preferredNodePortAddressType;
    if (c?.loadBalancerSourceRanges) configuration.loadBalancerSourceRanges = c.loadBalancerSourceRanges;
    return {
      name: l.name,
      port: l.port,
      type: l.type,
      tls: l.tls,
      ...(l.authentication === 'scram-sha-512' ? { authentication: { type: 'scram-sha-512' } } : {}),
      ...(Object.keys(configuration).length > 0 ? { configuration } : {}),
      // Strimzi's own NetworkPolicy admits these peers to the listener (kafkaplane: spec.kubernetes.networkPolicy.clients).
      ...(l.type === 'internal' && settings.networkPolicy.clients ? { networkPolicyPeers: settings.networkPolicy.clients } : {}),
    };
  });

  const kafka: KubeObject = {
    apiVersion: release.apiVersion,
    kind: 'Kafka',
    // 0.46/0.47 need these annotations for KRaft with node pools; 0.48 ignores them, and v1 (0.49+) examples drop them.
    metadata: metadata(name, labelsOf('kafka', 'cluster'), release.apiVersion === 'kafka.strimzi.io/v1beta2' ? { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' } : undefined),
    spec: {
      kafka: {
        version: spec.version,
        listeners,
        config: Object.fromEntries(Object.entries(spec.config)),
        ...(spec.authorization ? { authorization: { type: 'simple', superUsers: spec.authorization.superUsers } } : {}),
        ...(spec.rack ? { rack: { topologyKey: spec.rack.topologyKey } } : {}),
        ...(image !== undefined ? { image } : {}),
        ...(monitoring ? { metricsConfig: { type: 'jmxPrometheusExporter', valueFrom: { configMapKeyRef: { name: metricsConfigMap, key: METRICS_FILE } } } } : {}),
        ...templates.probes,
        ...(templates.kafka ? { template: templates.kafka } : {}),
      },
      // The Topic and User Operators reconcile the KafkaTopic and KafkaUser resources below.
      entityOperator: { topicOperator: {}, userOperator: {} },
      ...(monitoring && settings.monitoring.kafkaExporter.enabled ? { kafkaExporter: { topicRegex: '.*', groupRegex: '.*' } } : {}),
    },
  };

  const ranges = nodeIdRanges(spec.nodePools);
  const pools: KubeObject[] = spec.nodePools.map((pool, i) => {
    const range = ranges[i]!;
    const storage =
      pool.storage.type === 'ephemeral'
        ? { type: 'ephemeral', sizeLimit: pool.storage.size }
        : { type: 'persistent-claim', size: pool.storage.size, deleteClaim: pool.storage.deleteClaim, ...(pool.storage.class ? { class: pool.storage.class } : {}) };
    const heap = heapSize(pool, 'kubernetes');
    return {
      apiVersion: release.apiVersion,
      kind: 'KafkaNodePool',
      // Strimzi names a pool's pods <cluster>-<pool>-<node id>, so the pool keeps the spec's name: the pods are then
      // named as kafkaplane names them (kafka-dual-0). Strimzi hands out node ids itself; the annotation asks for the
      // same ids as kafkaplane's model.
      metadata: metadata(
        pool.name,
        { ...labelsOf('kafka', 'node-pool'), ...strimziCluster },
        range.end > range.start ? { 'strimzi.io/next-node-ids': `[${range.start}-${range.end - 1}]` } : undefined,
      ),
      spec: {
        replicas: pool.replicas,
        roles: [...pool.roles].sort(),
        storage,
        // The same requests as the StatefulSets get: a pool without resources is not left BestEffort.
        resources: poolResources(pool),
        jvmOptions: { '-Xms': heap, '-Xmx': heap },
        ...(templates.pools[i] ? { template: templates.pools[i] } : {}),
      },
    };
  });

  const topics: KubeObject[] = input.topics.map((t) => ({
    apiVersion: release.apiVersion,
    kind: 'KafkaTopic',
    metadata: metadata(t.metadata.name, { ...labelsOf('kafka-topic', 'topic', false), ...strimziCluster }),
    spec: {
      ...(kafkaTopicName(t) !== t.metadata.name ? { topicName: kafkaTopicName(t) } : {}),
      ...(t.spec.partitions !== undefined ? { partitions: t.spec.partitions } : {}),
      ...(t.spec.replicas !== undefined ? { replicas: t.spec.replicas } : {}),
      ...(Object.keys(t.spec.config).length > 0 ? { config: t.spec.config } : {}),
    },
  }));

  const users: KubeObject[] = input.users.map((u) => {
    const auth = u.spec.authentication;
    const ref = auth?.password?.valueFrom.secretKeyRef;
    return {
      apiVersion: release.apiVersion,
      kind: 'KafkaUser',
      metadata: metadata(u.metadata.name, { ...labelsOf('kafka-user', 'user', false), ...strimziCluster }),
      spec: {
        // Without a password Secret the User Operator generates one into the Secret named after the user.
        ...(auth ? { authentication: { type: 'scram-sha-512', ...(ref ? { password: { valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } } } : {}) } } : {}),
        ...(u.spec.authorization
          ? {
              authorization: {
                type: 'simple',
                acls: u.spec.authorization.acls.map((a) => ({
                  resource: a.resource.type === 'cluster' ? { type: 'cluster' } : { type: a.resource.type, name: a.resource.name, patternType: a.resource.patternType },
                  operations: a.operations,
                  host: a.host,
                  type: a.type,
                })),
              },
            }
          : {}),
        // Strimzi's KafkaUser spec.quotas has the same fields.
        ...(u.spec.quotas && Object.keys(u.spec.quotas).length > 0 ? { quotas: { ...u.spec.quotas } } : {}),
      },
    };
  });

  const objects: KubeObject[] = [kafka, ...pools, ...topics, ...users];
  if (monitoring) {
    objects.unshift({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(metricsConfigMap, labelsOf('kafka', 'metrics')), data: { [METRICS_FILE]: JMX_EXPORTER_CONFIG } });
    const monitoringLabels = (component: string) => ({ ...labelsOf('kafka', component), ...(monitoringSettings.labels ?? {}) });
    if (monitoringSettings.podMonitor) {
      objects.push({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: metadata(names.podMonitor, monitoringLabels('metrics')),
        spec: {
          // Strimzi labels every pod of the cluster (brokers, controllers, kafka_exporter) with its cluster and kind;
          // only the Kafka nodes and kafka_exporter have the metrics port.
          selector: { matchLabels: { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'Kafka' } },
          // The same labels as kafkaplane's own PodMonitor, so the same alerts work.
          podMetricsEndpoints: [podMetricsEndpoint(STRIMZI_METRICS_PORT, 'strimzi_io_cluster', 'strimzi_io_pool_name')],
        },
      });
    }
    if (monitoringSettings.prometheusRule) {
      const rules = prometheusAlerts({
        namespace,
        cluster: name,
        exporter: monitoringSettings.kafkaExporter.enabled ? 'kafka_exporter' : 'none',
        consumerLagThreshold: monitoringSettings.consumerLagThreshold,
        missingPods: { expectedNodes: spec.nodePools.reduce((n, p) => n + p.replicas, 0) },
      });
      objects.push({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: metadata(names.prometheusRule, monitoringLabels('alerts')),
        spec: { groups: [{ name: `kafka-${name}`, rules }] },
      });
    }
  }
  return { objects, warnings };
}
