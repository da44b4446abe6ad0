import type { Admin } from '@platformatic/kafka';
import { withAdmin } from '../../../kafka/admin-session.ts';
import { brokerConnection } from '../../../kafka/broker-link.ts';
import { describeClusterDefaults, finalizedFeatureLevel, metadataVersionLevel } from '../../../kafka/broker-configs.ts';
import { type ConnectionConfig, loadKafka } from '../../../kafka/client.ts';
import { type QuorumDescription, describeQuorum } from '../../../kafka/cluster.ts';
import { fetchMetadata } from '../../../kafka/metadata.ts';
import { minIsrByTopic } from '../../../kafka/snapshot.ts';
import type { RollPartition } from '../../../ops/roll.ts';

/** What the controller reads from Kafka per reconcile: a handful of small requests on a pooled connection. */
export interface KafkaState {
  clusterId: string;
  /** Registered (live) broker ids. */
  brokers: number[];
  quorum: QuorumDescription;
  /**
   * Every partition with its replicas, ISR and min ISR; only when asked for (`minIsr`), since the min ISR takes a
   * DescribeConfigs of every topic: a roll's decision needs it, a resync does not.
   */
  partitions: RollPartition[] | undefined;
  /** Partition replicas per broker id (internal topics included): the scale-down guard. */
  replicasOn: Map<number, number>;
  /** Cluster-wide dynamic broker configs in force (DYNAMIC_DEFAULT_BROKER_CONFIG). */
  clusterDefaults: Record<string, string>;
  metadataVersionLevel: number | undefined;
  /** Finalized kraft.version: 1 once a static quorum was upgraded (KIP-853), which allows switching to dynamic. */
  kraftVersionLevel: number | undefined;
}

export interface ObserveOptions {
  /** Read every topic's min.insync.replicas too (KafkaState.partitions). */
  minIsr?: boolean;
}

/** One Metadata request for brokers and partitions, DescribeQuorum, the cluster-wide configs, the feature levels. */
export async function observeKafka(admin: Admin, options: ObserveOptions = {}): Promise<KafkaState> {
  const lib = await loadKafka();
  const connection = await brokerConnection(admin);
  const metadata = await fetchMetadata(connection, lib.metadataV12, null, `${connection.host}:${connection.port}`);
  const topics = metadata.topics.filter((t) => t.error === null);
  const replicasOn = new Map<number, number>();
  for (const t of topics) for (const p of t.partitions) for (const id of p.replicas) replicasOn.set(id, (replicasOn.get(id) ?? 0) + 1);
  let partitions: RollPartition[] | undefined;
  if (options.minIsr) {
    const minIsr = await minIsrByTopic(
      admin,
      topics.map((t) => t.name),
    );
    partitions = topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas, isr: p.isr, minIsr: minIsr.get(t.name) ?? 1 })));
  }
  return {
    clusterId: metadata.clusterId ?? '',
    brokers: metadata.brokers.map((b) => b.id),
    quorum: await describeQuorum(admin),
    partitions,
    replicasOn,
    clusterDefaults: await describeClusterDefaults(admin),
    metadataVersionLevel: await metadataVersionLevel(admin),
    kraftVersionLevel: await finalizedFeatureLevel(admin, 'kraft.version'),
  };
}

/** The same in a session of its own (`kafkaplane restart --kubernetes`, which runs once). */
export function observeKafkaOnce(config: ConnectionConfig, options: ObserveOptions = {}): Promise<KafkaState> {
  return withAdmin(config, (admin) => observeKafka(admin, options));
}
