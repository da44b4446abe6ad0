import { type ClusterSnapshot, partitionEnd } from '../model/cluster-snapshot.ts';
import { isUnderMinIsr } from '../model/partition-health.ts';
import { LAG_STATUS_CODE, type LagStatus } from '../ops/lag-status.ts';

/**
 * The exporter's metrics. The first group has kafka_exporter's names, help texts and labels exactly
 * (danielqsj/kafka_exporter, reference.md §6), so Grafana dashboard 7589 and existing alert rules keep working; the
 * `kafkaplane_` ones are what kafka_exporter lacks. Pure: a snapshot (and the lag statuses) in, samples out.
 */
export interface MetricDefinition {
  name: string;
  help: string;
  labels: readonly string[];
}

const def = (name: string, help: string, labels: readonly string[] = []): MetricDefinition => ({ name, help, labels });
const TP = ['topic', 'partition'] as const;
const GTP = ['consumergroup', 'topic', 'partition'] as const;

export const KAFKA_EXPORTER_METRICS = {
  brokers: def('kafka_brokers', 'Number of Brokers in the Kafka Cluster.'),
  brokerInfo: def('kafka_broker_info', 'Information about the Kafka Broker.', ['id', 'address']),
  topicPartitions: def('kafka_topic_partitions', 'Number of partitions for this Topic', ['topic']),
  currentOffset: def('kafka_topic_partition_current_offset', 'Current Offset of a Broker at Topic/Partition', TP),
  oldestOffset: def('kafka_topic_partition_oldest_offset', 'Oldest Offset of a Broker at Topic/Partition', TP),
  leader: def('kafka_topic_partition_leader', 'Leader Broker ID of this Topic/Partition', TP),
  replicas: def('kafka_topic_partition_replicas', 'Number of Replicas for this Topic/Partition', TP),
  inSync: def('kafka_topic_partition_in_sync_replica', 'Number of In-Sync Replicas for this Topic/Partition', TP),
  preferred: def('kafka_topic_partition_leader_is_preferred', '1 if Topic/Partition is using the Preferred Broker', TP),
  underReplicated: def('kafka_topic_partition_under_replicated_partition', '1 if Topic/Partition is under Replicated', TP),
  groupOffset: def('kafka_consumergroup_current_offset', 'Current Offset of a ConsumerGroup at Topic/Partition', GTP),
  groupOffsetSum: def('kafka_consumergroup_current_offset_sum', 'Current Offset of a ConsumerGroup at Topic for all partitions', ['consumergroup', 'topic']),
  groupLag: def('kafka_consumergroup_lag', 'Current Approximate Lag of a ConsumerGroup at Topic/Partition', GTP),
  groupLagSum: def('kafka_consumergroup_lag_sum', 'Current Approximate Lag of a ConsumerGroup at Topic for all partitions', ['consumergroup', 'topic']),
  groupMembers: def('kafka_consumergroup_members', 'Amount of members in a consumer group', ['consumergroup']),
} as const;

export const KAFKAPLANE_METRICS = {
  lagSeconds: def('kafkaplane_consumergroup_lag_seconds', 'How far behind a ConsumerGroup is in time at Topic/Partition: the age of the record at its committed offset (0 when caught up)', GTP),
  groupStatus: def('kafkaplane_consumergroup_status', 'Burrow-style status of a ConsumerGroup: 1 OK, 2 WARN, 3 ERR (4 STOP, 5 STALL and 6 REWIND count as ERR)', ['consumergroup']),
  partitionStatus: def('kafkaplane_consumergroup_partition_status', 'Burrow-style status of a ConsumerGroup at Topic/Partition: 1 OK, 2 WARN, 4 STOP, 5 STALL, 6 REWIND', GTP),
  groupInfo: def('kafkaplane_consumergroup_info', 'A ConsumerGroup with its protocol (classic or consumer, KIP-848) and state', ['consumergroup', 'type', 'state']),
  offline: def('kafkaplane_cluster_offline_partitions', 'Partitions without a live leader'),
  underMinIsr: def('kafkaplane_cluster_under_min_isr_partitions', 'Partitions whose ISR is below min.insync.replicas (acks=all writes fail)'),
  underReplicatedTotal: def('kafkaplane_cluster_under_replicated_partitions', 'Partitions whose ISR is smaller than their replica set'),
  quorumLeader: def('kafkaplane_controller_quorum_leader', 'Node id of the active controller (KRaft quorum leader); -1 when there is none'),
  quorumEpoch: def('kafkaplane_controller_quorum_epoch', 'Epoch of the KRaft quorum leader'),
  quorumHighWatermark: def('kafkaplane_controller_quorum_high_watermark', 'High watermark of the KRaft metadata log'),
  quorumVoterLag: def('kafkaplane_controller_quorum_lag', 'Records of the metadata log a quorum member is behind the leader', ['node', 'role']),
  up: def('kafkaplane_exporter_up', '1 if the last collection from Kafka succeeded, 0 if it failed'),
  collectionAge: def('kafkaplane_exporter_collection_age_seconds', 'Seconds since the data served was collected (stale data grows this)'),
  collectionDuration: def('kafkaplane_exporter_collection_duration_seconds', 'How long the last collection from Kafka took'),
  collectionErrors: def('kafkaplane_exporter_collection_errors', 'Parts of the last collection that failed', ['part']),
  certificateExpiry: def('kafkaplane_tls_certificate_expiry_seconds', 'Seconds until the TLS certificate a broker presents on the listener the exporter connects through expires (negative: expired)', [
    'broker',
    'address',
    'subject',
  ]),
} as const;

/** The certificate one broker presents (read by the collector every few minutes on TLS connections). */
export interface BrokerCertificate {
  brokerId: number;
  address: string;
  subject: string;
  notAfterMs: number;
}

export interface Sample {
  metric: MetricDefinition;
  labels: Record<string, string>;
  value: number;
}

export interface ExporterState {
  snapshot: ClusterSnapshot | undefined;
  /** Whether the last attempt succeeded (a failed attempt keeps serving the previous snapshot, marked stale). */
  up: boolean;
  nowMs: number;
  partitionStatus: ReadonlyMap<string, LagStatus>;
  groupStatus: ReadonlyMap<string, 'OK' | 'WARN' | 'ERR'>;
  /** Which topics and groups to show (kafka_exporter's --topic.filter/--group.filter and their excludes). */
  topicFilter: (topic: string) => boolean;
  groupFilter: (group: string) => boolean;
  /** Brokers' TLS certificates (TLS connections only). */
  certificates?: readonly BrokerCertificate[];
}

export const partitionStatusKey = (group: string, topic: string, partition: number): string => `${group}\u0000${topic}\u0000${partition}`;

/** Every sample the exporter serves for this state. */
export function exporterSamples(state: ExporterState): Sample[] {
  const out: Sample[] = [];
  const add = (metric: MetricDefinition, value: number, labels: Record<string, string> = {}) => out.push({ metric, labels, value });
  const { snapshot } = state;
  add(KAFKAPLANE_METRICS.up, state.up ? 1 : 0);
  for (const c of state.certificates ?? []) {
    add(KAFKAPLANE_METRICS.certificateExpiry, (c.notAfterMs - state.nowMs) / 1000, { broker: String(c.brokerId), address: c.address, subject: c.subject });
  }
  if (!snapshot) return out;
  const k = KAFKA_EXPORTER_METRICS;
  const p = KAFKAPLANE_METRICS;
  add(p.collectionAge, Math.max(0, (state.nowMs - snapshot.takenAtMs) / 1000));
  add(p.collectionDuration, snapshot.durationMs / 1000);
  for (const e of snapshot.errors) add(p.collectionErrors, 1, { part: e.part });

  add(k.brokers, snapshot.brokers.length);
  for (const b of snapshot.brokers) add(k.brokerInfo, 1, { id: String(b.id), address: `${b.host}:${b.port}` });
  const live = new Set(snapshot.brokers.map((b) => b.id));
  let offline = 0;
  let underMinIsr = 0;
  let underReplicated = 0;
  for (const topic of snapshot.topics) {
    for (const part of topic.partitions) {
      if (part.leader < 0 || !live.has(part.leader)) offline++;
      if (topic.minIsr !== null && isUnderMinIsr(part, topic.minIsr)) underMinIsr++;
      if (part.isr.length < part.replicas.length) underReplicated++;
    }
    if (!state.topicFilter(topic.name)) continue;
    add(k.topicPartitions, topic.partitions.length, { topic: topic.name });
    for (const part of topic.partitions) {
      const labels = { topic: topic.name, partition: String(part.partition) };
      if (part.leader >= 0) add(k.leader, part.leader, labels);
      if (part.newest !== null) add(k.currentOffset, Number(part.newest), labels);
      if (part.oldest !== null) add(k.oldestOffset, Number(part.oldest), labels);
      add(k.replicas, part.replicas.length, labels);
      add(k.inSync, part.isr.length, labels);
      add(k.preferred, part.leader >= 0 && part.replicas[0] === part.leader ? 1 : 0, labels);
      add(k.underReplicated, part.isr.length < part.replicas.length ? 1 : 0, labels);
    }
  }
  add(p.offline, offline);
  add(p.underMinIsr, underMinIsr);
  add(p.underReplicatedTotal, underReplicated);

  for (const group of snapshot.groups) {
    if (!state.groupFilter(group.id)) continue;
    add(k.groupMembers, group.members, { consumergroup: group.id });
    add(p.groupInfo, 1, { consumergroup: group.id, type: group.type, state: group.state });
    const status = state.groupStatus.get(group.id);
    if (status) add(p.groupStatus, LAG_STATUS_CODE[status], { consumergroup: group.id });
    // As kafka_exporter: per topic the group consumes (some partition committed), every partition's offset (-1 when
    // none), its lag (-1 when none), and sums (the offset sum adds the -1s, the lag sum skips them).
    for (const { topic, committed, lagSeconds } of group.topics) {
      if (!state.topicFilter(topic) || committed.every((c) => c < 0n)) continue;
      let offsetSum = 0n;
      let lagSum = 0n;
      for (let partition = 0; partition < committed.length; partition++) {
        const c = committed[partition]!;
        const labels = { consumergroup: group.id, topic, partition: String(partition) };
        offsetSum += c;
        add(k.groupOffset, Number(c), labels);
        const end = partitionEnd(snapshot, topic, partition);
        if (end !== undefined && end !== null) {
          const lag = c < 0n ? -1n : end - c;
          if (c >= 0n) lagSum += lag;
          add(k.groupLag, Number(lag), labels);
        }
        if (!Number.isNaN(lagSeconds[partition]!)) add(p.lagSeconds, lagSeconds[partition]!, labels);
        const partStatus = state.partitionStatus.get(partitionStatusKey(group.id, topic, partition));
        if (partStatus) add(p.partitionStatus, LAG_STATUS_CODE[partStatus], labels);
      }
      add(k.groupOffsetSum, Number(offsetSum), { consumergroup: group.id, topic });
      add(k.groupLagSum, Number(lagSum), { consumergroup: group.id, topic });
    }
  }

  if (snapshot.quorum) {
    const q = snapshot.quorum;
    add(p.quorumLeader, q.leaderId);
    add(p.quorumEpoch, q.leaderEpoch);
    add(p.quorumHighWatermark, Number(q.highWatermark));
    const leaderEnd = q.voters.find((v) => v.id === q.leaderId)?.logEndOffset ?? q.highWatermark;
    for (const v of q.voters) add(p.quorumVoterLag, Number(leaderEnd - v.logEndOffset), { node: String(v.id), role: v.id === q.leaderId ? 'leader' : 'voter' });
    for (const o of q.observers) add(p.quorumVoterLag, Number(leaderEnd - o.logEndOffset), { node: String(o.id), role: 'observer' });
  }
  return out;
}
