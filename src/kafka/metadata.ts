import type { Connection, metadataV12 } from '@platformatic/kafka';
import { KafkaplaneError, action, hint, setting } from '../errors.ts';
import type { BrokerLink } from './broker-link.ts';

/** One partition as the Metadata (or DescribeTopicPartitions) response describes it. */
export interface PartitionMetadata {
  partition: number;
  /** -1 when the partition has no leader (offline). */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  /** KIP-966 eligible leader replicas; null when the broker does not report them. */
  elr: number[] | null;
  lastKnownElr: number[] | null;
  /** Kafka error name for this partition (e.g. LEADER_NOT_AVAILABLE), null when fine. */
  error: string | null;
}

export interface TopicMetadata {
  name: string;
  /** Kafka's own spelling of the topic id (URL-safe base64, as kafka-topics prints it). */
  id: string;
  internal: boolean;
  partitions: PartitionMetadata[];
  error: string | null;
}

export interface BrokerMetadata {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterMetadata {
  clusterId: string | null;
  /** What clients are told is the controller; in KRaft a broker picked by the cluster, not the active controller. */
  controllerId: number;
  brokers: BrokerMetadata[];
  topics: TopicMetadata[];
  /** The broker that answered, as kcat reports it. */
  answeredBy: string;
}

/** Converts the client's hyphenated UUID (topic ids, directory ids) to Kafka's URL-safe base64 form (Uuid.toString()). */
export function kafkaUuid(uuid: string): string {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return uuid;
  return Buffer.from(hex, 'hex').toString('base64url');
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

type MetadataApi = typeof metadataV12;
type MetadataResponse = Awaited<ReturnType<MetadataApi['api']['async']>>;

/** Kafka error names by code, for the few partition/topic errors Metadata reports. */
const ERROR_NAMES: Record<number, string> = {
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  9: 'REPLICA_NOT_AVAILABLE',
  17: 'INVALID_TOPIC_EXCEPTION',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  100: 'UNKNOWN_TOPIC_ID',
};

function errorName(code: number): string | null {
  return code === 0 ? null : (ERROR_NAMES[code] ?? `ERROR_${code}`);
}

/**
 * One Metadata request (v12: Kafka ≥ 3.1, every release kafkaplane runs): `topics` null asks for every topic. Topic
 * and partition errors do not fail the call; they are reported per topic/partition (a topic being deleted, a
 * partition without a leader), which is what describe and doctor need to see.
 */
export async function fetchMetadata(connection: BrokerLink | Connection, api: MetadataApi, topics: string[] | null, answeredBy: string): Promise<ClusterMetadata> {
  let response: MetadataResponse;
  try {
    response = await api.api.async(connection as Connection, topics, false, false);
  } catch (error) {
    const partial = (error as { response?: MetadataResponse }).response;
    if (!partial || !Array.isArray(partial.topics)) throw error;
    response = partial;
  }
  return {
    clusterId: response.clusterId ?? null,
    controllerId: response.controllerId,
    brokers: response.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.id - b.id),
    topics: response.topics
      .filter((t) => t.name !== null)
      .map((t) => ({
        name: t.name!,
        id: kafkaUuid(t.topicId),
        internal: t.isInternal,
        error: errorName(t.errorCode),
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offline: p.offlineReplicas,
            elr: null,
            lastKnownElr: null,
            error: errorName(p.errorCode),
          }))
          .sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    answeredBy,
  };
}

export function isZeroTopicId(id: string): boolean {
  return id === ZERO_UUID;
}

/** Fails with the list of topics that do not exist, before anything changes. */
export function requireTopics(metadata: ClusterMetadata, names: readonly string[]): void {
  const known = new Set(metadata.topics.filter((t) => t.error !== 'UNKNOWN_TOPIC_OR_PARTITION').map((t) => t.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length > 0) {
    throw new KafkaplaneError('UNKNOWN_TOPIC', `topic${missing.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, {
      hint: hint`list the topics with \`${action('topicsList')}\` (add ${setting('includeInternal')} for internal ones)`,
    });
  }
}
