import { type KubeObject, type RenderContext, meta, standardLabels } from './objects.ts';

/**
 * Grafana dashboards for a kafkaplane cluster: an overview, brokers (the JMX exporter agent's metrics), topics and
 * consumer lag (kafkaplane's exporter, kafka_exporter's names). Plain dashboard JSON (Grafana schema 39), with a
 * Prometheus data source variable and the namespace and cluster as variables, so one set serves every cluster.
 * Rendered as ConfigMaps for Grafana's dashboard sidecar and as files for compose and laptop users.
 */
export interface Panel {
  title: string;
  /** PromQL with $namespace and $cluster; `legend` is Grafana's legendFormat. */
  queries: { expr: string; legend: string }[];
  unit?: string;
  kind: 'timeseries' | 'stat';
  description?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: Panel[];
}

const S = 'namespace="$namespace",kafka_cluster="$cluster"';
const ts = (title: string, queries: Panel['queries'], unit?: string, description?: string): Panel => ({
  title,
  queries,
  kind: 'timeseries',
  ...(unit ? { unit } : {}),
  ...(description ? { description } : {}),
});
const stat = (title: string, expr: string, unit?: string, description?: string): Panel => ({
  title,
  queries: [{ expr, legend: title }],
  kind: 'stat',
  ...(unit ? { unit } : {}),
  ...(description ? { description } : {}),
});

export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    uid: 'kafkaplane-overview',
    title: 'Kafka / Cluster overview (kafkaplane)',
    description: 'Health at a glance: brokers, the KRaft quorum, partition health and throughput.',
    panels: [
      stat('Brokers', `max(kafka_brokers{${S}})`, 'none', 'Brokers in the cluster metadata (kafkaplane exporter)'),
      stat('Active controllers', `sum(kafka_controller_kafkacontroller_activecontrollercount{${S}})`, 'none', 'Exactly 1 when the KRaft quorum has a leader'),
      stat('Offline partitions', `max(kafka_controller_kafkacontroller_offlinepartitionscount{${S}})`, 'none'),
      stat('Under-replicated partitions', `sum(kafka_server_replicamanager_underreplicatedpartitions{${S}})`, 'none'),
      stat('Under min ISR', `sum(kafka_server_replicamanager_underminisrpartitioncount{${S}})`, 'none', 'acks=all producers fail on these'),
      stat('Quorum leader', `max(kafkaplane_controller_quorum_leader{${S}})`, 'none', 'Node id of the active controller'),
      ts('Messages in', [{ expr: `sum(rate(kafka_server_brokertopicmetrics_messagesin_total{${S},topic=""}[1m]))`, legend: 'messages/s' }], 'short'),
      ts(
        'Bytes in and out',
        [
          { expr: `sum(rate(kafka_server_brokertopicmetrics_bytesin_total{${S},topic=""}[1m]))`, legend: 'in' },
          { expr: `sum(rate(kafka_server_brokertopicmetrics_bytesout_total{${S},topic=""}[1m]))`, legend: 'out' },
        ],
        'Bps',
      ),
      ts('Quorum lag behind the leader', [{ expr: `max by (node, role) (kafkaplane_controller_quorum_lag{${S}})`, legend: '{{role}} {{node}}' }], 'short'),
      ts(
        'Exporter freshness',
        [{ expr: `max(kafkaplane_exporter_collection_age_seconds{${S}})`, legend: 'age of the data' }],
        's',
        'Seconds since the kafkaplane exporter last collected; it grows when Kafka does not answer',
      ),
    ],
  },
  {
    uid: 'kafkaplane-brokers',
    title: 'Kafka / Brokers (kafkaplane)',
    description: 'Per broker, from the JMX exporter agent: traffic, requests, latency, partitions, JVM.',
    panels: [
      ts('Bytes in per broker', [{ expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_bytesin_total{${S},topic=""}[1m]))`, legend: '{{pod}}' }], 'Bps'),
      ts('Bytes out per broker', [{ expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_bytesout_total{${S},topic=""}[1m]))`, legend: '{{pod}}' }], 'Bps'),
      ts('Requests per second', [{ expr: `sum by (request) (rate(kafka_network_requestmetrics_requests_total{${S}}[1m])) > 0`, legend: '{{request}}' }], 'reqps'),
      ts(
        'Produce and fetch p99 total time',
        [
          { expr: `max by (pod) (kafka_network_requestmetrics_totaltimems{${S},request="Produce",quantile="0.99"})`, legend: 'produce {{pod}}' },
          { expr: `max by (pod) (kafka_network_requestmetrics_totaltimems{${S},request="Fetch",quantile="0.99"})`, legend: 'fetch {{pod}}' },
        ],
        'ms',
      ),
      ts(
        'Network threads idle',
        [{ expr: `min by (pod) (kafka_network_socketserver_networkprocessoravgidlepercent{${S}})`, legend: '{{pod}}' }],
        'percentunit',
        'Below 0.3 the network threads are the bottleneck',
      ),
      ts('Partitions and leaders', [
        { expr: `sum by (pod) (kafka_server_replicamanager_partitioncount{${S}})`, legend: 'partitions {{pod}}' },
        { expr: `sum by (pod) (kafka_server_replicamanager_leadercount{${S}})`, legend: 'leaders {{pod}}' },
      ]),
      ts('Log size per broker', [{ expr: `sum by (pod) (kafka_log_log_size{${S}})`, legend: '{{pod}}' }], 'bytes'),
      ts('JVM heap used', [{ expr: `sum by (pod) (jvm_memory_used_bytes{${S},area="heap"})`, legend: '{{pod}}' }], 'bytes'),
      ts('GC time', [{ expr: `sum by (pod) (rate(jvm_gc_collection_seconds_sum{${S}}[1m]))`, legend: '{{pod}}' }], 'percentunit', 'Share of wall time spent in garbage collection'),
    ],
  },
  {
    uid: 'kafkaplane-topics',
    title: 'Kafka / Topics (kafkaplane)',
    description: 'Per topic: partitions, traffic, growth and size.',
    panels: [
      ts('Partitions per topic', [{ expr: `max by (topic) (kafka_topic_partitions{${S}})`, legend: '{{topic}}' }]),
      ts('Messages in per topic', [{ expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesin_total{${S},topic!=""}[1m]))`, legend: '{{topic}}' }], 'short'),
      ts(
        'Log end offset growth per topic',
        [{ expr: `sum by (topic) (rate(kafka_topic_partition_current_offset{${S}}[1m]))`, legend: '{{topic}}' }],
        'short',
        'Records appended per second (kafkaplane exporter)',
      ),
      ts('Size per topic', [{ expr: `sum by (topic) (kafka_log_log_size{${S}})`, legend: '{{topic}}' }], 'bytes'),
      ts('Under-replicated partitions per topic', [{ expr: `sum by (topic) (kafka_topic_partition_under_replicated_partition{${S}})`, legend: '{{topic}}' }]),
    ],
  },
  {
    uid: 'kafkaplane-consumer-lag',
    title: 'Kafka / Consumer lag (kafkaplane)',
    description: 'Consumer groups: lag in records and in seconds, Burrow-style status, members, consumption.',
    panels: [
      ts('Lag per group and topic', [{ expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag_sum{${S}})`, legend: '{{consumergroup}} / {{topic}}' }], 'short'),
      ts(
        'Lag in seconds',
        [{ expr: `max by (consumergroup, topic) (kafkaplane_consumergroup_lag_seconds{${S}})`, legend: '{{consumergroup}} / {{topic}}' }],
        's',
        'Age of the next record each group has to read',
      ),
      ts('Group status (1 OK, 2 WARN, 3 ERR)', [{ expr: `max by (consumergroup) (kafkaplane_consumergroup_status{${S}})`, legend: '{{consumergroup}}' }]),
      ts('Members', [{ expr: `max by (consumergroup) (kafka_consumergroup_members{${S}})`, legend: '{{consumergroup}}' }]),
      ts('Consumed per second', [{ expr: `sum by (consumergroup) (rate(kafka_consumergroup_current_offset_sum{${S}}[5m]))`, legend: '{{consumergroup}}' }], 'short'),
    ],
  },
];

/** Grafana dashboard JSON for one spec. */
export function grafanaDashboard(spec: DashboardSpec): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  let x = 0;
  let y = 0;
  const panels = spec.panels.map((p, id) => {
    const w = p.kind === 'stat' ? 4 : 12;
    const h = p.kind === 'stat' ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += h;
    }
    const gridPos = { x, y, w, h };
    x += w;
    return {
      id: id + 1,
      type: p.kind,
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource,
      gridPos,
      fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
      targets: p.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), datasource, expr: q.expr, legendFormat: q.legend })),
    };
  });
  const variable = (name: string, label: string, query: string) => ({ name, label, type: 'query', datasource, query: { query, refId: name }, definition: query, refresh: 2, sort: 1 });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['kafka', 'kafkaplane'],
    schemaVersion: 39,
    editable: true,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        variable('namespace', 'Namespace', 'label_values(kafka_brokers, namespace)'),
        variable('cluster', 'Cluster', 'label_values(kafka_brokers{namespace="$namespace"}, kafka_cluster)'),
      ],
    },
    panels,
  };
}

/** Every PromQL expression of the dashboards with the variables filled in (what the tests run against Prometheus). */
export function dashboardQueries(namespace: string, cluster: string): { dashboard: string; panel: string; expr: string }[] {
  return DASHBOARDS.flatMap((d) =>
    d.panels.flatMap((p) => p.queries.map((q) => ({ dashboard: d.uid, panel: p.title, expr: q.expr.replaceAll('$namespace', namespace).replaceAll('$cluster', cluster) }))),
  );
}

/**
 * The dashboards as one ConfigMap for Grafana's dashboard sidecar (kube-prometheus-stack's default: label
 * grafana_dashboard=1), one JSON file each.
 */
export function renderDashboardsConfigMap(ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...meta(ctx, `${ctx.names.cluster}-dashboards`, { ...standardLabels(ctx, 'kafka', 'dashboards'), grafana_dashboard: '1' }) },
    data: Object.fromEntries(DASHBOARDS.map((d) => [`${d.uid}.json`, `${JSON.stringify(grafanaDashboard(d), null, 2)}\n`])),
  };
}
