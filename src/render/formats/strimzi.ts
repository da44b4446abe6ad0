import type { SpecProblem } from '../../errors.ts';
import { heapSize } from '../../model/jvm.ts';
import { nodeIdRanges } from '../../spec/kafka-cluster.ts';
import { kafkaTopicName } from '../../spec/kafka-topic.ts';
import { kubernetesSettings } from '../../spec/kubernetes.ts';
import { RenderError } from '../errors.ts';
import { JMX_EXPORTER_CONFIG, METRICS_FILE } from '../monitoring.ts';
import type { KubeObject, RenderInput } from '../objects.ts';

/**
 * The same cluster as Strimzi custom resources (kafka.strimzi.io/v1beta2, KRaft with node pools), for teams that run
 * the Strimzi operator: Kafka + one KafkaNodePool per pool + KafkaTopic + KafkaUser. Strimzi builds the broker
 * configuration itself; kafkaplane maps the spec onto Strimzi's fields and refuses what Strimzi cannot express.
 * https://strimzi.io/docs/operators/latest/configuring.html
 */
const STRIMZI_RESERVED_PORTS = new Set([9404, 9999]);

export function renderStrimzi(input: RenderInput): { objects: KubeObject[]; warnings: string[] } {
  const { cluster } = input;
  const spec = cluster.spec;
  const settings = kubernetesSettings(spec);
  const namespace = input.namespace ?? cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  const problems: SpecProblem[] = [];
  spec.listeners.forEach((l, i) => {
    // Strimzi keeps 9090/9091 (like kafkaplane), 9404 (metrics) and 9999 (JMX) and wants client ports from 9092 up.
    if (l.port < 9092 || STRIMZI_RESERVED_PORTS.has(l.port)) {
      problems.push({ path: `spec.listeners[${i}].port`, message: `Strimzi listeners need a port of 9092 or more, other than 9404 and 9999; ${l.port} would be rejected by the Strimzi operator` });
    }
  });
  if (problems.length > 0) throw new RenderError(input.source ?? 'the spec', 'Strimzi resources', problems.map((p) => ({ ...p, document: `KafkaCluster "${name}"` })));

  const labels = { 'app.kubernetes.io/managed-by': 'kafkaplane', 'app.kubernetes.io/part-of': 'kafkaplane' };
  const metadata = (objectName: string, extra: Record<string, string> = {}, annotations?: Record<string, string>) => ({
    name: objectName,
    namespace,
    labels: { ...labels, ...extra },
    ...(annotations ? { annotations } : {}),
  });
  const monitoring = settings.monitoring.enabled;
  const metricsConfigMap = `${name}-metrics`;

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
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'Kafka',
    metadata: metadata(name, {}, { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' }),
    spec: {
      kafka: {
        version: spec.version,
        listeners,
        config: Object.fromEntries(Object.entries(spec.config)),
        ...(spec.authorization ? { authorization: { type: 'simple', superUsers: spec.authorization.superUsers } } : {}),
        ...(spec.rack ? { rack: { topologyKey: spec.rack.topologyKey } } : {}),
        ...(settings.image ? { image: settings.image } : {}),
        ...(monitoring
          ? { metricsConfig: { type: 'jmxPrometheusExporter', valueFrom: { configMapKeyRef: { name: metricsConfigMap, key: METRICS_FILE } } } }
          : {}),
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
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaNodePool',
      // Strimzi hands out node ids itself; the annotation asks for the same ids as kafkaplane's model.
      metadata: metadata(`${name}-${pool.name}`, { 'strimzi.io/cluster': name }, range.end > range.start ? { 'strimzi.io/next-node-ids': `[${range.start}-${range.end - 1}]` } : undefined),
      spec: {
        replicas: pool.replicas,
        roles: [...pool.roles].sort(),
        storage,
        ...(pool.resources ? { resources: pool.resources } : {}),
        jvmOptions: { '-Xms': heap, '-Xmx': heap },
      },
    };
  });

  const topics: KubeObject[] = input.topics.map((t) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: metadata(t.metadata.name, { 'strimzi.io/cluster': name }),
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
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaUser',
      metadata: metadata(u.metadata.name, { 'strimzi.io/cluster': name }),
      spec: {
        // Without a password Secret the User Operator generates one into the Secret named after the user.
        ...(auth ? { authentication: { type: 'scram-sha-512', ...(ref ? { password: { valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } } } : {}) } } : {}),
        ...(u.spec.authorization
          ? {
              authorization: {
                type: 'simple',
                acls: u.spec.authorization.acls.map((a) => ({
                  resource:
                    a.resource.type === 'cluster'
                      ? { type: 'cluster' }
                      : { type: a.resource.type, name: a.resource.name, patternType: a.resource.patternType },
                  operations: a.operations,
                  host: a.host,
                  type: a.type,
                })),
              },
            }
          : {}),
      },
    };
  });

  const objects: KubeObject[] = [kafka, ...pools, ...topics, ...users];
  if (monitoring) {
    objects.unshift({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(metricsConfigMap), data: { [METRICS_FILE]: JMX_EXPORTER_CONFIG } });
  }
  return { objects, warnings: [] };
}
