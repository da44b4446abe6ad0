import { INTERNAL_USER } from '../model/listeners.ts';
import { brokers } from '../model/nodes.ts';
import { JMX_EXPORTER_SHA256, JMX_EXPORTER_VERSION, type KubernetesSpec } from '../api/kubernetes.ts';
import { CONTAINER_SECURITY_CONTEXT, type KubeObject, type RenderContext, meta, podSecurityContext, standardLabels } from './objects.ts';

/**
 * Broker metrics. The official apache/kafka image has no Prometheus exporter, so kafkaplane runs the Prometheus JMX
 * exporter as a javaagent inside the Kafka JVM (https://github.com/prometheus/jmx_exporter): an init container
 * downloads the agent jar from Maven Central (io.prometheus.jmx:jmx_prometheus_javaagent) into an emptyDir and checks
 * its SHA-256 before Kafka starts; `monitoring.jmxExporter.url` points it at a mirror, and
 * `monitoring.jmxExporter.agentPath` skips the download for an image that already has the jar (docs/render.md shows
 * the Dockerfile). Consumer-group lag is not a broker metric: kafka_exporter reads it over the Kafka protocol.
 */
export const AGENT_DIR = '/opt/jmx-exporter';
export const AGENT_JAR = 'jmx_prometheus_javaagent.jar';
export const METRICS_DIR = '/etc/kafkaplane/metrics';
export const METRICS_FILE = 'metrics.yaml';
export const KAFKA_EXPORTER_PORT = 9308;
/** Name of the metrics port of the Kafka pods and the exporter (the NetworkPolicy and the PodMonitor use the name). */
export const METRICS_PORT_NAME = 'metrics';

export function jmxExporterUrl(settings: KubernetesSpec): string {
  const { version, url } = settings.monitoring.jmxExporter;
  return url ?? `https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${version}/jmx_prometheus_javaagent-${version}.jar`;
}

/** Known when version and url are the defaults; otherwise spec.kubernetes.monitoring.jmxExporter.sha256 (checked by render). */
export function jmxExporterSha256(settings: KubernetesSpec): string | undefined {
  const j = settings.monitoring.jmxExporter;
  return j.sha256 ?? (j.version === JMX_EXPORTER_VERSION && j.url === undefined ? JMX_EXPORTER_SHA256 : undefined);
}

export function metricsJavaagent(settings: KubernetesSpec): string {
  const jar = settings.monitoring.jmxExporter.agentPath ?? `${AGENT_DIR}/${AGENT_JAR}`;
  return `-javaagent:${jar}=${settings.monitoring.port}:${METRICS_DIR}/${METRICS_FILE}`;
}

export function jmxDownloadContainer(settings: KubernetesSpec): Record<string, unknown> {
  return {
    name: 'jmx-exporter',
    image: settings.monitoring.jmxExporter.image,
    imagePullPolicy: settings.imagePullPolicy,
    command: [
      '/bin/sh',
      '-c',
      `set -eu\ncurl -fsSL --retry 5 --retry-connrefused -o "${AGENT_DIR}/agent.part" "$JMX_EXPORTER_URL"\necho "$JMX_EXPORTER_SHA256  ${AGENT_DIR}/agent.part" | sha256sum -c -\nmv "${AGENT_DIR}/agent.part" "${AGENT_DIR}/${AGENT_JAR}"\n`,
    ],
    env: [
      { name: 'JMX_EXPORTER_URL', value: jmxExporterUrl(settings) },
      { name: 'JMX_EXPORTER_SHA256', value: jmxExporterSha256(settings) ?? '' },
    ],
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    volumeMounts: [{ name: 'jmx-exporter', mountPath: AGENT_DIR }],
  };
}

/**
 * JMX exporter rules: Kafka's MBeans become kafka_<domain>_<type>_<name>, lower case, e.g.
 * kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions → kafka_server_replicamanager_underreplicatedpartitions.
 * The first matching rule wins, so the rules go from most to least specific.
 */
export const JMX_EXPORTER_CONFIG = `# Prometheus JMX exporter rules for Apache Kafka, written by kafkaplane (docs/render.md).
# Kafka's MBeans carry up to two keys after name= (topic and partition, request and version, ...).
lowercaseOutputName: true
lowercaseOutputLabelNames: true
rules:
  # Meters, e.g. kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,version=11
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, ([^,]+)=([^,]+), ([^,]+)=([^,]+)><>Count'
    name: kafka_$1_$2_$3_total
    type: COUNTER
    labels:
      '$4': '$5'
      '$6': '$7'
  # e.g. kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=orders
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, ([^,]+)=([^,]+)><>Count'
    name: kafka_$1_$2_$3_total
    type: COUNTER
    labels:
      '$4': '$5'
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*><>Count'
    name: kafka_$1_$2_$3_total
    type: COUNTER
  # Latency percentiles, e.g. kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), ([^,]+)=([^,]+)><>(\\d+)thPercentile'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels:
      '$4': '$5'
      quantile: '0.$6'
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>(\\d+)thPercentile'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels:
      quantile: '0.$4'
  # Gauges, e.g. kafka.log:type=Log,name=Size,topic=orders,partition=0 and
  # kafka.controller:type=KafkaController,name=OfflinePartitionsCount
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), ([^,]+)=([^,]+), ([^,]+)=([^,]+)><>Value'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels:
      '$4': '$5'
      '$6': '$7'
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), ([^,]+)=([^,]+)><>Value'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels:
      '$4': '$5'
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>Value'
    name: kafka_$1_$2_$3
    type: GAUGE
  # Histogram and timer sample counts (UNTYPED keeps the _count name; a COUNTER would get _total appended).
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), ([^,]+)=([^,]+)><>Count'
    name: kafka_$1_$2_$3_count
    type: UNTYPED
    labels:
      '$4': '$5'
  - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>Count'
    name: kafka_$1_$2_$3_count
    type: UNTYPED
`;

function monitoringLabels(ctx: RenderContext, name: string, component: string): Record<string, string> {
  return { ...standardLabels(ctx, name, component), ...(ctx.settings.monitoring.labels ?? {}) };
}

export function renderMetricsConfigMap(ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ctx, ctx.names.metricsConfigMap, standardLabels(ctx, 'kafka', 'metrics')),
    data: { [METRICS_FILE]: JMX_EXPORTER_CONFIG },
  };
}

/** kafka_exporter (consumer-group lag) reads the cluster through the REPLICATION listener, like Strimzi's. */
export function renderKafkaExporter(ctx: RenderContext): KubeObject {
  const { names, settings } = ctx;
  const labels = standardLabels(ctx, 'kafka-exporter', 'metrics', { version: false });
  const selector = { 'app.kubernetes.io/name': 'kafka-exporter', 'app.kubernetes.io/instance': names.cluster };
  const servers = brokers(ctx.model.nodes).map((n) => `--kafka.server=${names.podAddress(n)}:${ctx.model.listeners.replication.port}`);
  // On a secured cluster it logs in like the nodes do; Kubernetes expands $(VAR) in args from the container's env.
  const secured = ctx.model.listeners.replication.securityProtocol === 'SASL_PLAINTEXT';
  const sasl = secured ? ['--sasl.enabled', '--sasl.mechanism=plain', `--sasl.username=${INTERNAL_USER}`, '--sasl.password=$(KAFKAPLANE_INTERNAL_PASSWORD)'] : [];
  const nobody = 65534;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ctx, names.kafkaExporter, labels),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(nobody),
          ...(settings.imagePullSecrets.length > 0 ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) } : {}),
          containers: [
            {
              name: 'kafka-exporter',
              image: settings.monitoring.kafkaExporter.image,
              imagePullPolicy: settings.imagePullPolicy,
              // Kafka 4 removed request versions older than 2.1 (KIP-896); sarama must not fall back to them.
              args: [...servers, ...sasl, '--kafka.version=3.6.0', `--web.listen-address=:${KAFKA_EXPORTER_PORT}`],
              ...(secured ? { env: [{ name: 'KAFKAPLANE_INTERNAL_PASSWORD', valueFrom: { secretKeyRef: { name: names.internalPassword.name, key: names.internalPassword.key } } }] } : {}),
              ports: [{ name: METRICS_PORT_NAME, containerPort: KAFKA_EXPORTER_PORT, protocol: 'TCP' }],
              readinessProbe: { tcpSocket: { port: METRICS_PORT_NAME }, periodSeconds: 10 },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: CONTAINER_SECURITY_CONTEXT,
            },
          ],
        },
      },
    },
  };
}

/**
 * A PodMonitor endpoint whose series carry `kafka_cluster` and `kafka_pool` (from the given pod labels, in
 * Prometheus' sanitized form): the labels every alert of prometheusAlerts groups by, for kafkaplane's pods and for
 * Strimzi's alike.
 */
export function podMetricsEndpoint(port: string, clusterLabel: string, poolLabel: string): Record<string, unknown> {
  return {
    port,
    path: '/metrics',
    interval: '30s',
    relabelings: [
      { sourceLabels: [`__meta_kubernetes_pod_label_${clusterLabel}`], targetLabel: 'kafka_cluster' },
      { sourceLabels: [`__meta_kubernetes_pod_label_${poolLabel}`], targetLabel: 'kafka_pool' },
    ],
  };
}

export function renderPodMonitor(ctx: RenderContext): KubeObject {
  const { names, settings } = ctx;
  const scraped = ['kafka', ...(settings.monitoring.kafkaExporter.enabled ? ['kafka-exporter'] : [])];
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: meta(ctx, names.podMonitor, monitoringLabels(ctx, 'kafka', 'metrics')),
    spec: {
      selector: {
        matchLabels: { 'app.kubernetes.io/instance': names.cluster, 'kafkaplane.io/cluster': names.cluster },
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: scraped }],
      },
      podMetricsEndpoints: [podMetricsEndpoint(METRICS_PORT_NAME, 'kafkaplane_io_cluster', 'kafkaplane_io_pool')],
    },
  };
}

export interface AlertOptions {
  namespace: string;
  cluster: string;
  kafkaExporter: boolean;
  consumerLagThreshold: number;
  /**
   * How a Kafka pod that no longer exists is noticed — KafkaNodeDown cannot fire for a pod that is gone (no scrape
   * target, no `up` series). StatefulSets: kube-state-metrics' ready replicas against desired replicas. Strimzi runs
   * pods from StrimziPodSets, which kube-state-metrics does not know: the number of scraped Kafka pods against the
   * number of nodes in the spec.
   */
  missingPods: { statefulSets: string[] } | { expectedNodes: number };
}

/** The alerts every Kafka on-call wants first. Metric names come from JMX_EXPORTER_CONFIG and kafka_exporter (reference §6). */
export function prometheusAlerts(options: AlertOptions): Record<string, unknown>[] {
  const sel = `namespace="${options.namespace}",kafka_cluster="${options.cluster}"`;
  const cluster = `Kafka cluster ${options.namespace}/${options.cluster}`;
  const rules: Record<string, unknown>[] = [
    {
      alert: 'KafkaOfflinePartitions',
      expr: `max(kafka_controller_kafkacontroller_offlinepartitionscount{${sel}}) > 0`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `${cluster} has offline partitions`,
        description: '{{ $value }} partitions have no leader: producers and consumers of them are stuck. Check which brokers are down (kubectl get pods) and their logs.',
      },
    },
    {
      alert: 'KafkaUnderReplicatedPartitions',
      expr: `sum(kafka_server_replicamanager_underreplicatedpartitions{${sel}}) > 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${cluster} has under-replicated partitions`,
        description: '{{ $value }} partitions have fewer in-sync replicas than replicas for 5 minutes: a broker is down, slow or cannot keep up (disk, network).',
      },
    },
    {
      alert: 'KafkaUnderMinIsrPartitions',
      expr: `sum(kafka_server_replicamanager_underminisrpartitioncount{${sel}}) > 0`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `${cluster} has partitions under min.insync.replicas`,
        description: '{{ $value }} partitions have fewer in-sync replicas than min.insync.replicas: acks=all producers to them fail with NotEnoughReplicas.',
      },
    },
    {
      alert: 'KafkaNoActiveController',
      expr: `(sum(kafka_controller_kafkacontroller_activecontrollercount{${sel}}) != 1) or absent(kafka_controller_kafkacontroller_activecontrollercount{${sel}})`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `${cluster} has no active KRaft controller`,
        description:
          'The number of active controllers is not 1 (or no controller reports metrics): metadata changes, leader elections and new topics are blocked. Check that a majority of controllers is running.',
      },
    },
    {
      alert: 'KafkaNodeDown',
      expr: `up{${sel},container="kafka"} == 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `Kafka node {{ $labels.pod }} of ${cluster} is not scraped`,
        description: 'Prometheus cannot scrape this Kafka pod for 5 minutes: it is down, restarting or its metrics agent failed.',
      },
    },
  ];
  const missing = options.missingPods;
  if ('statefulSets' in missing) {
    const sts = `namespace="${options.namespace}",statefulset=~"${missing.statefulSets.join('|')}"`;
    const byStatefulSet = (metric: string) => `max by (namespace, statefulset) (${metric})`;
    rules.push({
      alert: 'KafkaStatefulSetReplicasNotReady',
      // A rolling update takes one pod down at a time and keeps changing the updated-replica count; only a
      // shortfall that persists while nothing progresses is an alert (the pattern of kube-prometheus'
      // KubeStatefulSetReplicasMismatch). max by: kube-state-metrics may run with more than one replica.
      expr: `(${byStatefulSet(`kube_statefulset_status_replicas_ready{${sts}}`)} < ${byStatefulSet(`kube_statefulset_replicas{${sts}}`)}) and on (namespace, statefulset) (${byStatefulSet(`changes(kube_statefulset_status_replicas_updated{${sts}}[10m])`)} == 0)`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `StatefulSet {{ $labels.statefulset }} of ${cluster} has pods missing or not ready`,
        description:
          "Fewer Kafka pods are ready than the StatefulSet wants, for 10 minutes with no rollout progressing: a pod is Pending (no node fits, a volume cannot bind), crash-looping or was deleted and not recreated. kubectl describe statefulset and the pods' events say why. Needs kube-state-metrics.",
      },
    });
  } else {
    rules.push({
      alert: 'KafkaNodesMissing',
      expr: `(count(up{${sel},container="kafka"}) or vector(0)) < ${missing.expectedNodes}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${cluster} has fewer Kafka pods than the ${missing.expectedNodes} nodes of its spec`,
        description:
          "Only {{ $value }} Kafka pods are scraped for 10 minutes: pods are Pending, were deleted, or the operator did not create them. Check the Kafka and KafkaNodePool status and the pods' events.",
      },
    });
  }
  if (options.kafkaExporter) {
    rules.push({
      alert: 'KafkaConsumerGroupLag',
      expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag_sum{${sel}}) > ${options.consumerLagThreshold}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Consumer group {{ $labels.consumergroup }} lags on {{ $labels.topic }}',
        description: `The group is {{ $value }} messages behind on {{ $labels.topic }} (threshold ${options.consumerLagThreshold}) for 10 minutes: consumers are down or too slow.`,
      },
    });
  }
  return rules;
}

export function renderPrometheusRule(ctx: RenderContext): KubeObject {
  const { names, settings } = ctx;
  const rules = prometheusAlerts({
    namespace: names.namespace,
    cluster: names.cluster,
    kafkaExporter: settings.monitoring.kafkaExporter.enabled,
    consumerLagThreshold: settings.monitoring.consumerLagThreshold,
    missingPods: { statefulSets: ctx.cluster.spec.nodePools.map((p) => names.statefulSet(p.name)) },
  });
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: meta(ctx, names.prometheusRule, monitoringLabels(ctx, 'kafka', 'alerts')),
    spec: { groups: [{ name: `kafka-${names.cluster}`, rules }] },
  };
}
