/**
 * The alerts every Kafka on-call wants first, as Prometheus alerting rules — for a PrometheusRule (render, the
 * operator), a plain rules file (compose, a laptop Prometheus scraping `up --monitoring`) and promtool's tests alike.
 * Metric names come from the JMX exporter rules (monitoring.ts), kafkaplane's exporter and kafka_exporter
 * (reference §6). Every alert says what to run first: the `kafkaplane doctor` check that names the cause.
 */
export interface AlertOptions {
  namespace: string;
  cluster: string;
  /** Which exporter reports consumer lag: kafkaplane's (lag seconds, group status, quorum, staleness too), kafka_exporter, or none. */
  exporter: 'kafkaplane' | 'kafka_exporter' | 'none';
  consumerLagThreshold: number;
  /** Lag in seconds above which a group is alerted on (kafkaplane's exporter). */
  lagSecondsThreshold?: number;
  /**
   * How a Kafka pod that no longer exists is noticed — KafkaNodeDown cannot fire for a pod that is gone (no scrape
   * target, no `up` series). StatefulSets: kube-state-metrics' ready replicas against desired replicas. Strimzi runs
   * pods from StrimziPodSets, which kube-state-metrics does not know: the number of scraped Kafka pods against the
   * number of nodes in the spec. Locally: the nodes of the spec.
   */
  missingPods: { statefulSets: string[] } | { expectedNodes: number };
  /** The data PVCs' names (a regex), for the disk alert from kubelet's volume stats; none off Kubernetes. */
  dataClaims?: string;
  /** Every `for` replaced by this (tests with a real Prometheus cannot wait minutes); production leaves it unset. */
  forOverride?: string;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'critical' | 'warning' };
  annotations: { summary: string; description: string; runbook: string };
}

const doctor = (check: string, what: string) => `Run \`kafkaplane doctor -b <bootstrap>\` (or \`kafkaplane doctor\` for a local cluster) and read its "${check}" findings: ${what}`;

/** Days before expiry at which a broker's TLS certificate alerts (cert-manager renews at 30, so 14 means renewal failed). */
export const CERTIFICATE_ALERT_DAYS = 14;

export function prometheusAlerts(options: AlertOptions): AlertRule[] {
  const sel = `namespace="${options.namespace}",kafka_cluster="${options.cluster}"`;
  const cluster = `Kafka cluster ${options.namespace}/${options.cluster}`;
  const rule = (alert: string, severity: AlertRule['labels']['severity'], expr: string, forDuration: string, summary: string, description: string, runbook: string): AlertRule => ({
    alert,
    expr,
    for: options.forOverride ?? forDuration,
    labels: { severity },
    annotations: { summary, description, runbook },
  });
  const rules: AlertRule[] = [
    rule(
      'KafkaOfflinePartitions',
      'critical',
      `max(kafka_controller_kafkacontroller_offlinepartitionscount{${sel}}) > 0`,
      '1m',
      `${cluster} has offline partitions`,
      '{{ $value }} partitions have no leader: producers and consumers of them are stuck. Check which brokers are down (kubectl get pods) and their logs.',
      doctor('partitions', 'which partitions have no leader, and the stopped broker behind them'),
    ),
    rule(
      'KafkaUnderReplicatedPartitions',
      'warning',
      `sum(kafka_server_replicamanager_underreplicatedpartitions{${sel}}) > 0`,
      '5m',
      `${cluster} has under-replicated partitions`,
      '{{ $value }} partitions have fewer in-sync replicas than replicas for 5 minutes: a broker is down, slow or cannot keep up (disk, network).',
      doctor('partitions', 'the under-replicated partitions and the broker missing from their ISR'),
    ),
    rule(
      'KafkaUnderMinIsrPartitions',
      'critical',
      `sum(kafka_server_replicamanager_underminisrpartitioncount{${sel}}) > 0`,
      '1m',
      `${cluster} has partitions under min.insync.replicas`,
      '{{ $value }} partitions have fewer in-sync replicas than min.insync.replicas: acks=all producers to them fail with NotEnoughReplicas.',
      doctor('partitions', 'the partitions under min ISR, and whether min.insync.replicas exceeds the replication factor'),
    ),
    rule(
      'KafkaNoActiveController',
      'critical',
      `(sum(kafka_controller_kafkacontroller_activecontrollercount{${sel}}) != 1) or absent(kafka_controller_kafkacontroller_activecontrollercount{${sel}})`,
      '1m',
      `${cluster} has no active KRaft controller`,
      'The number of active controllers is not 1 (or no controller reports metrics): metadata changes, leader elections and new topics are blocked. Check that a majority of controllers is running.',
      doctor('quorum', 'the quorum leader, its voters and how far each lags'),
    ),
    rule(
      'KafkaNodeDown',
      'warning',
      `up{${sel},container="kafka"} == 0`,
      '5m',
      `Kafka node {{ $labels.pod }} of ${cluster} is not scraped`,
      'Prometheus cannot scrape this Kafka pod for 5 minutes: it is down, restarting or its metrics agent failed.',
      doctor('brokers', 'which brokers are registered and which node is down'),
    ),
  ];
  const missing = options.missingPods;
  if ('statefulSets' in missing) {
    const sts = `namespace="${options.namespace}",statefulset=~"${missing.statefulSets.join('|')}"`;
    const byStatefulSet = (metric: string) => `max by (namespace, statefulset) (${metric})`;
    rules.push(
      rule(
        'KafkaStatefulSetReplicasNotReady',
        'warning',
        // A rolling update takes one pod down at a time and keeps changing the updated-replica count; only a
        // shortfall that persists while nothing progresses is an alert (the pattern of kube-prometheus'
        // KubeStatefulSetReplicasMismatch). max by: kube-state-metrics may run with more than one replica.
        `(${byStatefulSet(`kube_statefulset_status_replicas_ready{${sts}}`)} < ${byStatefulSet(`kube_statefulset_replicas{${sts}}`)}) and on (namespace, statefulset) (${byStatefulSet(`changes(kube_statefulset_status_replicas_updated{${sts}}[10m])`)} == 0)`,
        '10m',
        `StatefulSet {{ $labels.statefulset }} of ${cluster} has pods missing or not ready`,
        "Fewer Kafka pods are ready than the StatefulSet wants, for 10 minutes with no rollout progressing: a pod is Pending (no node fits, a volume cannot bind), crash-looping or was deleted and not recreated. kubectl describe statefulset and the pods' events say why. Needs kube-state-metrics.",
        doctor('brokers', 'which brokers are missing; then kubectl describe the pod that is not ready'),
      ),
    );
  } else {
    rules.push(
      rule(
        'KafkaNodesMissing',
        'warning',
        `(count(up{${sel},container="kafka"}) or vector(0)) < ${missing.expectedNodes}`,
        '10m',
        `${cluster} has fewer Kafka pods than the ${missing.expectedNodes} nodes of its spec`,
        "Only {{ $value }} Kafka pods are scraped for 10 minutes: pods are Pending, were deleted, or the operator did not create them. Check the Kafka and KafkaNodePool status and the pods' events.",
        doctor('brokers', 'which brokers are missing'),
      ),
    );
  }
  if (options.dataClaims) {
    const claims = `namespace="${options.namespace}",persistentvolumeclaim=~"${options.dataClaims}"`;
    rules.push(
      rule(
        'KafkaDiskFilling',
        'warning',
        `(kubelet_volume_stats_available_bytes{${claims}} / kubelet_volume_stats_capacity_bytes{${claims}} < 0.15) or (predict_linear(kubelet_volume_stats_available_bytes{${claims}}[6h], 24 * 3600) < 0 and kubelet_volume_stats_available_bytes{${claims}} / kubelet_volume_stats_capacity_bytes{${claims}} < 0.4)`,
        '15m',
        `Kafka volume {{ $labels.persistentvolumeclaim }} of ${cluster} is filling up`,
        'The data volume has less than 15 % free, or at this rate fills within 24 hours: a full log directory takes its broker offline. Shorten retention, add brokers and reassign partitions, or grow the volume.',
        doctor('brokers', 'the brokers and their log directories (a full disk shows as a failed log directory)'),
      ),
    );
  }
  if (options.exporter === 'kafka_exporter' || options.exporter === 'kafkaplane') {
    rules.push(
      rule(
        'KafkaConsumerGroupLag',
        'warning',
        `sum by (consumergroup, topic) (kafka_consumergroup_lag_sum{${sel}}) > ${options.consumerLagThreshold}`,
        '10m',
        'Consumer group {{ $labels.consumergroup }} lags on {{ $labels.topic }}',
        `The group is {{ $value }} messages behind on {{ $labels.topic }} (threshold ${options.consumerLagThreshold}) for 10 minutes: consumers are down or too slow.`,
        doctor('consumer-lag', 'which groups lag, whether the lag grows, and whether the group has members'),
      ),
    );
  }
  if (options.exporter === 'kafkaplane') {
    const lagSeconds = options.lagSecondsThreshold ?? 300;
    rules.push(
      rule(
        'KafkaConsumerGroupLagSeconds',
        'warning',
        `max by (consumergroup, topic) (kafkaplane_consumergroup_lag_seconds{${sel}}) > ${lagSeconds}`,
        '10m',
        'Consumer group {{ $labels.consumergroup }} is {{ $value }} s behind on {{ $labels.topic }}',
        `The next record the group has to read on {{ $labels.topic }} is older than ${lagSeconds} s, for 10 minutes: consumers are down or too slow for the traffic.`,
        doctor('consumer-lag', 'which groups lag and whether the lag grows'),
      ),
      rule(
        'KafkaConsumerGroupStalled',
        'critical',
        `max by (consumergroup) (kafkaplane_consumergroup_status{${sel}}) >= 3`,
        '10m',
        'Consumer group {{ $labels.consumergroup }} is stalled, stopped or rewound (ERR)',
        "The group's committed offsets stopped moving while records wait (STALL), it stopped committing (STOP), or an offset went back (REWIND) — Burrow's rules over the last commits (kafkaplane_consumergroup_partition_status says which partition).",
        doctor('consumer-lag', 'whether the group has members and whether its lag grows'),
      ),
      rule(
        'KafkaQuorumLagging',
        'warning',
        `max by (node) (kafkaplane_controller_quorum_lag{${sel},role="voter"}) > 1000`,
        '5m',
        `Controller {{ $labels.node }} of ${cluster} is {{ $value }} records behind the quorum leader`,
        'A voter of the KRaft quorum does not keep up with the metadata log: one more lost controller could cost the quorum its majority.',
        doctor('quorum', "each voter's lag behind the leader"),
      ),
      rule(
        'KafkaExporterStale',
        'warning',
        `(max(kafkaplane_exporter_collection_age_seconds{${sel}}) > 120) or (min(kafkaplane_exporter_up{${sel}}) == 0)`,
        '5m',
        `The kafkaplane exporter of ${cluster} serves stale data`,
        'The exporter could not collect from Kafka for several minutes (kafkaplane_exporter_up 0, or the collection age grows): lag and health metrics are old. Its log says why (an unreachable bootstrap, a refused login).',
        doctor('bootstrap', 'whether the bootstrap addresses answer from where the exporter runs'),
      ),
      rule(
        'KafkaTlsCertificateExpiringSoon',
        'warning',
        `min by (broker, subject) (kafkaplane_tls_certificate_expiry_seconds{${sel}}) < ${CERTIFICATE_ALERT_DAYS} * 86400`,
        '10m',
        'The TLS certificate of broker {{ $labels.broker }} ({{ $labels.subject }}) expires in {{ $value }} s',
        `A broker presents a certificate that expires within ${CERTIFICATE_ALERT_DAYS} days (negative: already expired): when it does, every TLS client and node connection to it fails. cert-manager renews 30 days before expiry by default, so this alert means renewal is not happening, or the broker has not loaded the renewed certificate (brokers read keystores at start: restart it).`,
        doctor('certificates', 'which listeners present which certificate, and until when'),
      ),
    );
  }
  return rules;
}

/** A Prometheus rules file (rule_files:) with the alerts as one group. */
export function alertRulesFile(options: AlertOptions): { groups: { name: string; rules: AlertRule[] }[] } {
  return { groups: [{ name: `kafka-${options.cluster}`, rules: prometheusAlerts(options) }] };
}
