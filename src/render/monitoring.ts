import { INTERNAL_USER, usesSasl } from '../model/listeners.ts';
import { CLIENT_TLS_DIR } from '../model/placement-kubernetes.ts';
import { brokers } from '../model/nodes.ts';
import { JMX_EXPORTER_SHA256, JMX_EXPORTER_VERSION, KAFKA_EXPORTER_IMAGE, KAFKAPLANE_IMAGE, type KubernetesSpec } from '../api/kubernetes.ts';
import { prometheusAlerts } from './alerts.ts';
import { CONTAINER_SECURITY_CONTEXT, type KubeObject, type RenderContext, meta, overrideFields, podSecurityContext, standardLabels, auxiliaryPodBasics } from './objects.ts';

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
/** kafka_exporter's arguments file with the SASL password (a memory-backed emptyDir). */
export const EXPORTER_SECRETS_DIR = '/run/kafka-exporter';

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
/**
 * The consumer-lag exporter, reading the cluster through the REPLICATION listener like Strimzi's: kafkaplane's own
 * (`kafkaplane exporter`, the default) or the upstream kafka_exporter. A secured cluster's password comes from the
 * internal Secret as an environment variable — never a command-line argument, which `ps`, the pod spec and events show.
 */
export function renderKafkaExporter(ctx: RenderContext): KubeObject {
  const { names, settings } = ctx;
  const exporter = settings.monitoring.kafkaExporter;
  const labels = standardLabels(ctx, 'kafka-exporter', 'metrics', { version: false });
  const selector = { 'app.kubernetes.io/name': 'kafka-exporter', 'app.kubernetes.io/instance': names.cluster };
  const servers = brokers(ctx.model.nodes).map((n) => `${names.podAddress(n)}:${ctx.model.listeners.replication.port}`);
  const secured = usesSasl(ctx.model.listeners.replication.securityProtocol);
  const internalTls = ctx.cluster.spec.internalTls;
  const password = { secretKeyRef: { name: names.internalPassword.name, key: names.internalPassword.key } };
  const nobody = 65534;
  const container =
    exporter.implementation === 'kafkaplane'
      ? {
          name: 'kafka-exporter',
          image: exporter.image ?? KAFKAPLANE_IMAGE,
          args: ['exporter', `--bootstrap=${servers.join(',')}`, ...(secured ? ['--sasl-mechanism=PLAIN', `--sasl-username=${INTERNAL_USER}`] : []), `--web.listen-address=:${KAFKA_EXPORTER_PORT}`],
          ...(secured ? { env: [{ name: 'KAFKAPLANE_SASL_PASSWORD', valueFrom: password }] } : {}),
          readinessProbe: { httpGet: { path: '/ready', port: METRICS_PORT_NAME }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: '/healthz', port: METRICS_PORT_NAME }, periodSeconds: 30, failureThreshold: 5 },
        }
      : {
          name: 'kafka-exporter',
          image: exporter.image ?? KAFKA_EXPORTER_IMAGE,
          // kafka_exporter reads the password only from a flag, and a flag is in the process's command line (ps on the
          // node). Its flag parser (kingpin) reads arguments from a file named "@<file>", one per line: the shell's
          // printf builtin writes the flag from the Secret's environment variable into a memory-backed emptyDir that only
          // this user can read, so the password is in no process's arguments, the pod spec or events.
          // Kafka 4 removed request versions older than 2.1 (KIP-896).
          ...(secured
            ? {
                command: [
                  '/bin/sh',
                  '-c',
                  `umask 077\nprintf '%s\\n' "--sasl.password=$KAFKAPLANE_INTERNAL_PASSWORD" > ${EXPORTER_SECRETS_DIR}/args\nexec /bin/kafka_exporter "@${EXPORTER_SECRETS_DIR}/args" "$@"`,
                  'kafka_exporter',
                ],
                env: [{ name: 'KAFKAPLANE_INTERNAL_PASSWORD', valueFrom: password }],
              }
            : {}),
          args: [
            ...servers.map((s) => `--kafka.server=${s}`),
            ...(secured ? ['--sasl.enabled', '--sasl.mechanism=plain', `--sasl.username=${INTERNAL_USER}`] : []),
            // spec.internalTls: kafkaplane's client certificate, which cert-manager writes (render/cert-manager.ts).
            ...(internalTls ? ['--tls.enabled', `--tls.ca-file=${CLIENT_TLS_DIR}/ca.crt`, `--tls.cert-file=${CLIENT_TLS_DIR}/tls.crt`, `--tls.key-file=${CLIENT_TLS_DIR}/tls.key`] : []),
            '--kafka.version=3.6.0',
            `--web.listen-address=:${KAFKA_EXPORTER_PORT}`,
          ],
          readinessProbe: { tcpSocket: { port: METRICS_PORT_NAME }, periodSeconds: 10 },
        };
  const upstream = exporter.implementation === 'kafka_exporter';
  const volumes = [
    ...(secured && upstream ? [{ name: 'secrets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] : []),
    ...(internalTls && upstream ? [{ name: 'client-tls', secret: { secretName: names.certManager.clientSecret } }] : []),
  ];
  const mounts = [
    ...(secured && upstream ? [{ name: 'secrets', mountPath: EXPORTER_SECRETS_DIR }] : []),
    ...(internalTls && upstream ? [{ name: 'client-tls', mountPath: CLIENT_TLS_DIR, readOnly: true }] : []),
  ];
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
          ...auxiliaryPodBasics(ctx, nobody),
          ...(volumes.length > 0 ? { volumes } : {}),
          containers: [
            {
              ...container,
              ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
              imagePullPolicy: settings.imagePullPolicy,
              ports: [{ name: METRICS_PORT_NAME, containerPort: KAFKA_EXPORTER_PORT, protocol: 'TCP' }],
              resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '256Mi' } },
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

export function renderPrometheusRule(ctx: RenderContext): KubeObject {
  const { names, settings } = ctx;
  const statefulSets = ctx.cluster.spec.nodePools.map((p) => names.statefulSet(p.name));
  const rules = prometheusAlerts({
    namespace: names.namespace,
    cluster: names.cluster,
    exporter: settings.monitoring.kafkaExporter.enabled ? settings.monitoring.kafkaExporter.implementation : 'none',
    consumerLagThreshold: settings.monitoring.consumerLagThreshold,
    missingPods: { statefulSets },
    // volumeClaimTemplates "data": PVCs data-<statefulset>-<ordinal> (ephemeral pools have none).
    ...(ctx.cluster.spec.nodePools.some((p) => p.storage.type === 'persistent-claim') ? { dataClaims: `data-(${statefulSets.join('|')})-[0-9]+` } : {}),
  });
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: meta(ctx, names.prometheusRule, monitoringLabels(ctx, 'kafka', 'alerts')),
    spec: { groups: [{ name: `kafka-${names.cluster}`, rules }] },
  };
}
