import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { brokerConnection } from './broker-link.ts';
import { type ConnectionConfig, loadKafka } from './client.ts';

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string;
  /** In KRaft clients see a broker id here, not the active controller (see quorum.leaderId for that). */
  controllerId: number;
  brokers: BrokerInfo[];
}

export async function describeCluster(admin: Admin): Promise<ClusterDescription> {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  const brokers = [...metadata.brokers.entries()].map(([id, b]) => ({ id, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.id - b.id);
  return { clusterId: metadata.id, controllerId: metadata.controllerId, brokers };
}

export interface QuorumReplica {
  id: number;
  directoryId: string;
  logEndOffset: bigint;
  /** Milliseconds since the epoch; -1 when unknown. */
  lastFetchTimestamp: bigint;
  lastCaughtUpTimestamp: bigint;
}

export interface QuorumDescription {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: bigint;
  voters: QuorumReplica[];
  observers: QuorumReplica[];
}

const METADATA_TOPIC = '__cluster_metadata';

/**
 * The KRaft quorum as the active controller sees it (DescribeQuorum, KIP-595/KIP-853). Brokers forward the request
 * to the controller, so a client bootstrap is enough.
 */
export async function describeQuorum(admin: Admin): Promise<QuorumDescription> {
  const { describeQuorumV2 } = await loadKafka();
  const connection = await brokerConnection(admin);
  const response = await describeQuorumV2.api.async(connection, [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }]);
  const partition = response.topics[0]?.partitions[0];
  if (response.errorCode !== 0 || partition === undefined || partition.errorCode !== 0) {
    throw new KafkaplaneError('QUORUM_UNAVAILABLE', `DescribeQuorum failed: ${response.errorMessage ?? partition?.errorMessage ?? `error code ${response.errorCode || partition?.errorCode}`}`);
  }
  const replica = (v: (typeof partition.currentVoters)[number]): QuorumReplica => ({
    id: v.replicaId,
    directoryId: v.replicaDirectoryId,
    logEndOffset: v.logEndOffset,
    lastFetchTimestamp: v.lastFetchTimestamp,
    lastCaughtUpTimestamp: v.lastCaughtUpTimestamp,
  });
  return {
    leaderId: partition.leaderId,
    leaderEpoch: partition.leaderEpoch,
    highWatermark: partition.highWatermark,
    voters: partition.currentVoters.map(replica),
    observers: partition.observers.map(replica),
  };
}

/**
 * The quorum leader as one controller sees it, asked on its controller listener (KIP-919: controllers serve
 * DescribeQuorum to clients). -1 while no leader is elected.
 */
export async function controllerQuorumLeader(endpoint: { host: string; port: number }, timeoutMs = 2_000, login: Pick<ConnectionConfig, 'sasl' | 'tls'> = {}): Promise<number> {
  const { Connection, describeQuorumV2 } = await loadKafka();
  const connection = new Connection('kafkaplane-quorum-probe', { connectTimeout: timeoutMs, requestTimeout: timeoutMs, ...login });
  try {
    await connection.connect(endpoint.host, endpoint.port);
    const response = await describeQuorumV2.api.async(connection, [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }]);
    return response.topics[0]?.partitions[0]?.leaderId ?? -1;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
