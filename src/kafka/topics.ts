import type { Admin, Connection } from '@platformatic/kafka';
import { KafkaplaneError, errorMessage, hint, setting } from '../errors.ts';
import { replicationFactor } from '../model/partition-health.ts';
import { brokerConnection } from './broker-link.ts';
import { loadKafka } from './client.ts';
import { describeKafkaError, kafkaProtocolErrors } from './errors.ts';
import { type ClusterMetadata, type PartitionMetadata, type TopicMetadata, fetchMetadata, kafkaUuid } from './metadata.ts';

// ---------------------------------------------------------------------------------------------------------------
// The toolbox's topic administration (kafka-topics.sh parity): describe, create, alter, delete.
// ---------------------------------------------------------------------------------------------------------------

/** One topic config as describeConfigs reports it. */
export interface TopicConfigEntry {
  name: string;
  value: string | null;
  /** Where the value comes from: DYNAMIC_TOPIC_CONFIG (a per-topic override), STATIC_BROKER_CONFIG, DEFAULT_CONFIG, … */
  source: string;
  /** kafka-topics prints every entry that is not DEFAULT_CONFIG in its "Configs:" column. */
  isDefault: boolean;
  sensitive: boolean;
}

export interface DescribedPartition extends PartitionMetadata {
  /** Replicas a reassignment in progress is adding / removing (empty when none). */
  adding: number[];
  removing: number[];
  reassigning: boolean;
}

export interface DescribedTopic {
  name: string;
  id: string;
  internal: boolean;
  partitions: DescribedPartition[];
  replicationFactor: number;
  configs: TopicConfigEntry[];
  /** min.insync.replicas in effect for the topic. */
  minIsr: number;
}

export interface TopicsDescription {
  metadata: ClusterMetadata;
  topics: DescribedTopic[];
  /** Live broker ids (the Metadata response lists only registered, unfenced brokers). */
  liveBrokers: number[];
}

/** Config source numbers to their names (DYNAMIC_TOPIC_CONFIG, …), from the library's table. */
const sourceNames = (sources: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(sources)
      .filter(([k]) => k !== 'TOPIC_CONFIG')
      .map(([k, v]) => [v, k]),
  ) as Record<number, string>;

/** All topics' metadata through one broker connection of `admin` (a single Metadata request). */
export async function clusterMetadata(admin: Admin, topics: string[] | null = null): Promise<ClusterMetadata> {
  const { metadataV12 } = await loadKafka();
  const connection = await brokerConnection(admin);
  return fetchMetadata(connection, metadataV12, topics, `${connection.host}:${connection.port}`);
}

/**
 * Describes topics the way kafka-topics --describe does: partitions with leader, replicas, ISR and ELR (from
 * DescribeTopicPartitions when the brokers have it, else Metadata), reassignments in progress, and configs.
 * `select` picks topics from the full list (internal topics included).
 */
export async function describeTopics(admin: Admin, select: (topic: TopicMetadata) => boolean): Promise<TopicsDescription> {
  const lib = await loadKafka();
  const connection = await brokerConnection(admin);
  const metadata = await fetchMetadata(connection, lib.metadataV12, null, `${connection.host}:${connection.port}`);
  const chosen = metadata.topics.filter(select);
  const liveBrokers = metadata.brokers.map((b) => b.id);
  if (chosen.length === 0) return { metadata, topics: [], liveBrokers };

  const elr = await eligibleLeaderReplicas(
    connection,
    lib,
    chosen.map((t) => t.name),
  );
  const reassignments = await listReassignments(connection, lib, chosen);
  const { ConfigResourceTypes, ConfigSources } = lib;
  const SOURCE_NAMES = sourceNames(ConfigSources);
  const described = await admin.describeConfigs({ resources: chosen.map((t) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: t.name })) });
  const configsByTopic = new Map(described.map((d) => [d.resourceName, d.configs]));

  const topics = chosen.map((t): DescribedTopic => {
    const configs = (configsByTopic.get(t.name) ?? []).map((c) => ({
      name: c.name,
      value: c.value ?? null,
      source: SOURCE_NAMES[c.configSource] ?? String(c.configSource),
      isDefault: c.configSource === ConfigSources.DEFAULT_CONFIG,
      sensitive: c.isSensitive,
    }));
    const partitions = t.partitions.map((p): DescribedPartition => {
      const r = reassignments.get(`${t.name}\u0000${p.partition}`);
      const fromElr = elr.get(`${t.name}\u0000${p.partition}`);
      return {
        ...p,
        ...(fromElr ? { elr: fromElr.elr, lastKnownElr: fromElr.lastKnownElr } : {}),
        adding: r?.adding ?? [],
        removing: r?.removing ?? [],
        reassigning: r !== undefined,
      };
    });
    const first = partitions[0];
    const rf = first ? replicationFactor({ leader: first.leader, replicas: first.replicas, isr: first.isr, adding: first.adding, removing: first.removing }) : 0;
    const minIsr = Number(configs.find((c) => c.name === 'min.insync.replicas')?.value ?? '1');
    return { name: t.name, id: t.id, internal: t.internal, partitions, replicationFactor: rf, configs, minIsr };
  });
  return { metadata, topics, liveBrokers };
}

type ElrInfo = { elr: number[] | null; lastKnownElr: number[] | null };

/** KIP-966 ELR per partition from DescribeTopicPartitions (Kafka ≥ 3.8), paginated; empty when unsupported. */
async function eligibleLeaderReplicas(connection: Connection, lib: typeof import('@platformatic/kafka'), topics: string[]): Promise<Map<string, ElrInfo>> {
  const result = new Map<string, ElrInfo>();
  try {
    let cursor: { topicName: string; partitionIndex: number } | undefined;
    for (let page = 0; page < 10_000; page++) {
      const response = await lib.describeTopicPartitionsV0.api
        .async(
          connection,
          topics.map((name) => ({ name })),
          2000,
          cursor,
        )
        .catch((error: unknown) => {
          const partial = (error as { response?: Awaited<ReturnType<typeof lib.describeTopicPartitionsV0.api.async>> }).response;
          if (partial) return partial;
          throw error;
        });
      for (const t of response.topics) {
        for (const p of t.partitions) result.set(`${t.name}\u0000${p.partitionIndex}`, { elr: p.eligibleLeaderReplicas, lastKnownElr: p.lastKnownElr });
      }
      if (!response.nextCursor) break;
      cursor = response.nextCursor;
    }
  } catch {
    // Older brokers: Metadata has no ELR; describe prints N/A like kafka-topics does.
    return new Map();
  }
  return result;
}

/** Reassignments in progress for the given topics' partitions, by `topic\u0000partition`; empty without permission. */
export async function listReassignments(
  connection: Connection,
  lib: typeof import('@platformatic/kafka'),
  topics: readonly TopicMetadata[],
): Promise<Map<string, { adding: number[]; removing: number[] }>> {
  const result = new Map<string, { adding: number[]; removing: number[] }>();
  try {
    const response = await lib.listPartitionReassignmentsV0.api.async(
      connection,
      10_000,
      topics.map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partition) })),
    );
    for (const t of response.topics) for (const p of t.partitions) result.set(`${t.name}\u0000${p.partitionIndex}`, { adding: p.addingReplicas, removing: p.removingReplicas });
  } catch {
    // Like kafka-topics: without permission (or support) to list reassignments, describe shows none.
  }
  return result;
}

export interface NewTopic {
  name: string;
  partitions?: number | undefined;
  replicationFactor?: number | undefined;
  /** Replica list per partition (--replica-assignment); excludes partitions/replicationFactor. */
  assignment?: number[][] | undefined;
  configs: Record<string, string>;
}

/** Creates one topic. Returns false (and changes nothing) when it exists and `ifNotExists` is set. */
export async function createTopic(admin: Admin, topic: NewTopic, ifNotExists: boolean): Promise<{ created: boolean; partitions: number; replicationFactor: number; id: string }> {
  try {
    const [created] = await admin.createTopics({
      topics: [
        {
          topic: topic.name,
          ...(topic.partitions !== undefined ? { partitions: topic.partitions } : {}),
          ...(topic.replicationFactor !== undefined ? { replicas: topic.replicationFactor } : {}),
          ...(topic.assignment ? { assignments: topic.assignment.map((brokers, partition) => ({ partition, brokers })) } : {}),
        },
      ],
      configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
    });
    return { created: true, partitions: created?.partitions ?? -1, replicationFactor: created?.replicas ?? -1, id: created ? kafkaUuid(created.id) : '' };
  } catch (error) {
    const protocol = kafkaProtocolErrors(error)[0];
    if (protocol?.name === 'TOPIC_ALREADY_EXISTS') {
      if (ifNotExists) return { created: false, partitions: -1, replicationFactor: -1, id: '' };
      throw new KafkaplaneError('TOPIC_EXISTS', `topic '${topic.name}' already exists`, { hint: hint`pass ${setting('ifNotExists')} to accept an existing topic`, cause: error });
    }
    if (protocol)
      throw new KafkaplaneError('TOPIC_CREATE_FAILED', `cannot create topic '${topic.name}': ${describeKafkaError(error)}`, { cause: error, exitCode: isBadRequest(protocol.name) ? 2 : 1 });
    throw error;
  }
}

export interface TopicAlteration {
  /** New total partition count (only increases). */
  partitions?: number | undefined;
  /** Replica lists for the new partitions only. */
  assignment?: number[][] | undefined;
  set: Record<string, string>;
  delete: string[];
}

/**
 * Alters one topic: more partitions and/or per-topic config overrides (set and delete). Both parts are validated by
 * the brokers (validateOnly) before either is applied, so a bad config or partition count changes nothing.
 *
 * Applying is two requests, and the second can still fail (a broker lost in between, a policy on the controller).
 * Partitions go first: they cannot be taken back, while configs can, and a rerun of the same command skips the
 * partitions already there and applies the rest. `progress` tracks what is applied as it happens (for a caller whose
 * deadline fires mid-way), and an error after the first step says exactly what was and was not applied.
 */
export async function alterTopic(admin: Admin, current: DescribedTopic, change: TopicAlteration, progress: AlterProgress = { applied: [], pending: [] }): Promise<string[]> {
  const { applied, pending } = progress;
  const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = await loadKafka();
  const partitionCount = current.partitions.length;
  const growPartitions = change.partitions !== undefined && change.partitions !== partitionCount;
  if (change.partitions !== undefined && change.partitions < partitionCount) {
    throw new KafkaplaneError('TOPIC_PARTITIONS_DECREASE', `topic '${current.name}' has ${partitionCount} partitions; Kafka cannot reduce them to ${change.partitions}`, {
      exitCode: 2,
      hint: 'create a new topic with fewer partitions and move the data, or keep the count',
    });
  }
  const configOps = [
    ...Object.entries(change.set).map(([name, value]) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
    ...change.delete.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
  ];
  const configChanges = [...Object.entries(change.set).map(([name, value]) => `${name}=${value}`), ...change.delete.map((name) => `-${name}`)];
  const partitionChange = `partitions ${partitionCount} → ${change.partitions}`;
  const partitionRequest = growPartitions
    ? [{ name: current.name, count: change.partitions!, ...(change.assignment ? { assignments: change.assignment.map((brokerIds) => ({ brokerIds })) } : {}) }]
    : [];
  const configRequest = [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: current.name, configs: configOps as never }];
  const fail = (what: string, error: unknown): never => {
    const protocol = kafkaProtocolErrors(error)[0];
    if (applied.length > 0) throw alterStoppedError(current.name, progress, error);
    if (!protocol) throw error;
    throw new KafkaplaneError('TOPIC_ALTER_FAILED', `cannot alter topic '${current.name}': ${what}: ${describeKafkaError(error)}`, {
      cause: error,
      exitCode: isBadRequest(protocol.name) ? 2 : 1,
      hint: 'nothing was changed',
    });
  };
  // Validate everything first: the brokers check config names and values, partition counts and assignments.
  if (partitionRequest.length > 0) await admin.createPartitions({ topics: partitionRequest, validateOnly: true }).catch((e: unknown) => fail('partitions', e));
  if (configOps.length > 0) await admin.incrementalAlterConfigs({ resources: configRequest, validateOnly: true }).catch((e: unknown) => fail('configs', e));
  pending.push(...(partitionRequest.length > 0 ? [partitionChange] : []), ...(configOps.length > 0 ? configChanges : []));
  const done = (items: readonly string[]) => {
    applied.push(...items);
    pending.splice(0, pending.length, ...pending.filter((p) => !items.includes(p)));
  };
  if (partitionRequest.length > 0) {
    await admin.createPartitions({ topics: partitionRequest }).catch((e: unknown) => fail('partitions', e));
    done([partitionChange]);
  }
  if (configOps.length > 0) {
    await admin.incrementalAlterConfigs({ resources: configRequest }).catch((e: unknown) => fail('configs', e));
    done(configChanges);
  }
  return [...applied];
}

/** What an alteration has applied so far, and what it still has to apply. */
export interface AlterProgress {
  applied: string[];
  pending: string[];
}

/** An alteration that failed after part of it was applied: what was, what was not, and how to finish it. */
export function alterStoppedError(topic: string, progress: AlterProgress, error: unknown): KafkaplaneError {
  if (error instanceof KafkaplaneError && error.code === 'TOPIC_ALTER_PARTIAL') return error;
  const cause = kafkaProtocolErrors(error).length > 0 ? describeKafkaError(error) : errorMessage(error);
  return new KafkaplaneError(
    'TOPIC_ALTER_PARTIAL',
    `topic '${topic}' was altered only in part: ${cause}\n  applied:     ${progress.applied.join(', ')}\n  not applied: ${progress.pending.join(', ')}`,
    {
      cause: error,
      hint: 'run the same command again once the cause is fixed: the partitions already added are skipped and the rest is applied',
    },
  );
}

export async function deleteTopics(admin: Admin, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  try {
    await admin.deleteTopics({ topics: [...names] });
  } catch (error) {
    if (kafkaProtocolErrors(error).length === 0) throw error;
    throw new KafkaplaneError('TOPIC_DELETE_FAILED', `cannot delete ${names.map((n) => `'${n}'`).join(', ')}: ${describeKafkaError(error)}`, { cause: error });
  }
}

/** Kafka errors that mean the request itself was wrong (bad input, exit 2) rather than the cluster failing. */
function isBadRequest(name: string): boolean {
  return ['INVALID_CONFIG', 'INVALID_PARTITIONS', 'INVALID_REPLICATION_FACTOR', 'INVALID_REPLICA_ASSIGNMENT', 'INVALID_TOPIC_EXCEPTION', 'INVALID_REQUEST', 'POLICY_VIOLATION'].includes(name);
}
