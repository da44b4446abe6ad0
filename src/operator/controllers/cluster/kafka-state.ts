import { withAdmin } from '../../../kafka/admin-session.ts';
import { describeClusterDefaults, finalizedFeatureLevel, metadataVersionLevel } from '../../../kafka/broker-configs.ts';
import type { ConnectionConfig } from '../../../kafka/client.ts';
import { type QuorumDescription, describeCluster, describeQuorum } from '../../../kafka/cluster.ts';
import { describeTopics } from '../../../kafka/topics.ts';
import type { RollPartition } from '../../../ops/roll.ts';

/** What the controller reads from Kafka in one admin session per reconcile. */
export interface KafkaState {
  clusterId: string;
  /** Registered (live) broker ids. */
  brokers: number[];
  quorum: QuorumDescription;
  partitions: RollPartition[];
  /** Partition replicas per broker id (internal topics included): the scale-down guard. */
  replicasOn: Map<number, number>;
  /** Cluster-wide dynamic broker configs in force (DYNAMIC_DEFAULT_BROKER_CONFIG). */
  clusterDefaults: Record<string, string>;
  metadataVersionLevel: number | undefined;
  /** Finalized kraft.version: 1 once a static quorum was upgraded (KIP-853), which allows switching to dynamic. */
  kraftVersionLevel: number | undefined;
}

export async function observeKafka(config: ConnectionConfig): Promise<KafkaState> {
  return withAdmin(config, async (admin) => {
    const cluster = await describeCluster(admin);
    const quorum = await describeQuorum(admin);
    const described = await describeTopics(admin, () => true);
    const partitions = described.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas, isr: p.isr, minIsr: t.minIsr })));
    const replicasOn = new Map<number, number>();
    for (const p of partitions) for (const id of p.replicas) replicasOn.set(id, (replicasOn.get(id) ?? 0) + 1);
    return {
      clusterId: cluster.clusterId,
      brokers: cluster.brokers.map((b) => b.id),
      quorum,
      partitions,
      replicasOn,
      clusterDefaults: await describeClusterDefaults(admin),
      metadataVersionLevel: await metadataVersionLevel(admin),
      kraftVersionLevel: await finalizedFeatureLevel(admin, 'kraft.version'),
    };
  });
}
