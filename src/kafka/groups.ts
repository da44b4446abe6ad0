import type { Admin, Connection } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import type { GroupMember } from '../ops/group-offsets.ts';
import { type TopicPartition, partitionKey } from '../model/topic-partition.ts';
import { pause } from './admin-session.ts';
import { loadKafka } from './client.ts';
import { describeKafkaError, kafkaProtocolErrors } from './errors.ts';
import type { ClusterMetadata } from './metadata.ts';

export interface ConsumerGroupListing {
  id: string;
  /** classic (JoinGroup/SyncGroup) or consumer (KIP-848). */
  type: string;
  state: string;
  protocolType: string;
}

/**
 * Consumer groups as kafka-consumer-groups --list sees them (ListGroupsOptions.forConsumerGroups): classic groups
 * of the consumer protocol (or none yet) and KIP-848 consumer groups; Connect and share groups are left out.
 */
export async function listConsumerGroups(admin: Admin): Promise<ConsumerGroupListing[]> {
  const groups = await admin.listGroups({ types: ['classic', 'consumer'] });
  return [...groups.values()]
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => ({ id: g.id, type: (g.groupType ?? 'classic').toLowerCase(), state: g.state, protocolType: g.protocolType }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface ConsumerGroupDescription {
  id: string;
  /** False when the coordinator knows no such group (DescribeGroups answers "Dead" with no protocol). */
  exists: boolean;
  type: 'classic' | 'consumer';
  state: string;
  protocolType: string;
  /** The assignment strategy (classic: the protocol the members agreed on; KIP-848: the server assignor). */
  assignor: string;
  coordinator: { id: number; host: string; port: number };
  members: GroupMember[];
  groupEpoch: number | null;
  assignmentEpoch: number | null;
}

const CONSUMER_GROUP_DESCRIBE_KEY = 69;

/**
 * Describes consumer groups of either protocol. KIP-848 groups are invisible to the classic DescribeGroups (it
 * reports them as Dead), so each coordinator is asked with ConsumerGroupDescribe first, and groups it does not
 * know as consumer groups are described with DescribeGroups — what Kafka's own admin client does.
 */
export async function describeConsumerGroups(admin: Admin, ids: readonly string[]): Promise<ConsumerGroupDescription[]> {
  if (ids.length === 0) return [];
  const lib = await loadKafka();
  const results = new Map<string, ConsumerGroupDescription>();
  for (let attempt = 0; attempt < 5 && results.size < ids.length; attempt++) {
    const pending = ids.filter((id) => !results.has(id));
    const coordinators = await admin.findCoordinator({ keyType: lib.FindCoordinatorKeyTypes.GROUP, keys: pending });
    const byNode = new Map<number, { host: string; port: number; groups: string[] }>();
    for (const c of coordinators) {
      const entry = byNode.get(c.nodeId) ?? { host: c.host, port: c.port, groups: [] };
      entry.groups.push(c.key);
      byNode.set(c.nodeId, entry);
    }
    let retry = false;
    for (const [nodeId, { host, port, groups }] of byNode) {
      const coordinator = { id: nodeId, host, port };
      const connection = await admin.connections.get({ host, port });
      const classic: string[] = [];
      if (await supportsConsumerGroupDescribe(connection, lib)) {
        const response = await lib.consumerGroupDescribeV0.api.async(connection, groups, false).catch((error: unknown) => {
          const partial = (error as { response?: Awaited<ReturnType<typeof lib.consumerGroupDescribeV0.api.async>> }).response;
          if (partial) return partial;
          throw error;
        });
        for (const g of response.groups) {
          if (g.errorCode === 0) {
            results.set(g.groupId, {
              id: g.groupId,
              exists: true,
              type: 'consumer',
              state: g.groupState,
              protocolType: 'consumer',
              assignor: g.assignorName,
              coordinator,
              members: g.members.map((m) => ({
                memberId: m.memberId,
                instanceId: m.instanceId ?? null,
                clientId: m.clientId,
                host: m.clientHost,
                assignment: m.assignment.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topicName, partition }))),
                targetAssignment: m.targetAssignment.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topicName, partition }))),
                memberEpoch: m.memberEpoch,
              })),
              groupEpoch: g.groupEpoch,
              assignmentEpoch: g.assignmentEpoch,
            });
          } else if (g.errorCode === 69) classic.push(g.groupId); // GROUP_ID_NOT_FOUND: classic, or no such group
          else if (g.errorCode === 16 || g.errorCode === 14 || g.errorCode === 15) retry = true; // coordinator moved / loading
          else throw new KafkaplaneError('GROUP_DESCRIBE_FAILED', `cannot describe group '${g.groupId}': ${g.errorMessage ?? `error ${g.errorCode}`}`);
        }
      } else classic.push(...groups);
      if (classic.length > 0) {
        const described = await lib.describeGroupsV5.api.async(connection, classic, false).catch((error: unknown) => {
          const partial = (error as { response?: Awaited<ReturnType<typeof lib.describeGroupsV5.api.async>> }).response;
          if (partial) return partial;
          throw error;
        });
        for (const g of described.groups) {
          if (g.errorCode === 16 || g.errorCode === 14 || g.errorCode === 15) {
            retry = true;
            continue;
          }
          if (g.errorCode !== 0 && g.errorCode !== 69) throw new KafkaplaneError('GROUP_DESCRIBE_FAILED', `cannot describe group '${g.groupId}': error ${g.errorCode}`);
          const exists = g.errorCode === 0 && !(g.groupState === 'Dead' && g.protocolType === '');
          results.set(g.groupId, {
            id: g.groupId,
            exists,
            type: 'classic',
            state: exists ? g.groupState : 'Dead',
            protocolType: g.protocolType,
            assignor: g.protocolData,
            coordinator,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              instanceId: m.groupInstanceId ?? null,
              clientId: m.clientId,
              host: m.clientHost,
              assignment: g.protocolType === 'consumer' && m.memberAssignment.length > 0 ? decodeAssignment(lib, m.memberAssignment) : [],
            })),
            groupEpoch: null,
            assignmentEpoch: null,
          });
        }
      }
    }
    // A back-off, not silence from the cluster: pause() keeps it out of withAdmin's stall deadline.
    if (retry) await pause(200 * (attempt + 1));
  }
  const missing = ids.filter((id) => !results.has(id));
  if (missing.length > 0) throw new KafkaplaneError('GROUP_COORDINATOR_UNAVAILABLE', `the coordinator of ${missing.map((m) => `'${m}'`).join(', ')} did not answer (it may be moving or loading)`, { hint: 'try again in a few seconds' });
  return ids.map((id) => results.get(id)!);
}

function decodeAssignment(lib: typeof import('@platformatic/kafka'), assignment: Buffer): TopicPartition[] {
  try {
    return lib.decodeConsumerProtocolAssignment(assignment).assignedPartitions.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
  } catch {
    return [];
  }
}

const apiSupport = new WeakMap<object, Promise<boolean>>();

async function supportsConsumerGroupDescribe(connection: Connection, lib: typeof import('@platformatic/kafka')): Promise<boolean> {
  let known = apiSupport.get(connection);
  if (!known) {
    known = lib.apiVersionsV3.api
      .async(connection, 'kafkaplane', '0.1.0')
      .then((r) => r.apiKeys.some((k) => k.apiKey === CONSUMER_GROUP_DESCRIBE_KEY))
      .catch(() => false);
    apiSupport.set(connection, known);
  }
  return known;
}

/** Committed offsets per group, keyed by partitionKey(); partitions with nothing committed are left out. */
export async function committedOffsets(admin: Admin, ids: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const result = new Map<string, Map<string, number>>(ids.map((id) => [id, new Map()]));
  if (ids.length === 0) return result;
  const listed = await admin.listConsumerGroupOffsets({ groups: [...ids] });
  for (const g of listed) {
    const map = result.get(g.groupId) ?? new Map<string, number>();
    for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) map.set(partitionKey({ topic: t.name, partition: p.partitionIndex }), Number(p.committedOffset));
    result.set(g.groupId, map);
  }
  return result;
}

export type OffsetQuery = 'earliest' | 'latest' | { timestamp: number };

/**
 * ListOffsets for the partitions that have a leader (the others cannot answer; they are left out of the result).
 * For a timestamp, partitions with no record at or after it map to null.
 */
export async function partitionOffsets(admin: Admin, metadata: ClusterMetadata, partitions: readonly TopicPartition[], query: OffsetQuery): Promise<Map<string, number | null>> {
  const result = new Map<string, number | null>();
  const leaders = new Map(metadata.topics.flatMap((t) => t.partitions.map((p) => [partitionKey({ topic: t.name, partition: p.partition }), p.leader])));
  const live = new Set(metadata.brokers.map((b) => b.id));
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) {
    const leader = leaders.get(partitionKey(tp));
    if (leader === undefined || leader < 0 || !live.has(leader)) continue;
    byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  }
  if (byTopic.size === 0) return result;
  const timestamp = query === 'earliest' ? -2n : query === 'latest' ? -1n : BigInt(query.timestamp);
  const listed = await admin.listOffsets({ topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })) });
  for (const t of listed) for (const p of t.partitions) result.set(partitionKey({ topic: t.name, partition: p.partitionIndex }), p.offset < 0n ? null : Number(p.offset));
  return result;
}

/** Commits the given offsets for an inactive group (the broker refuses while the group has members). */
export async function commitGroupOffsets(admin: Admin, group: string, offsets: readonly (TopicPartition & { offset: number })[]): Promise<void> {
  const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: BigInt(o.offset) }]);
  try {
    await admin.alterConsumerGroupOffsets({ groupId: group, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
  } catch (error) {
    if (kafkaProtocolErrors(error).length === 0) throw error;
    throw new KafkaplaneError('OFFSET_COMMIT_FAILED', `cannot commit the new offsets of group '${group}': ${describeKafkaError(error)}`, { cause: error });
  }
}

/**
 * Commits several groups' reset plans, one group after the other (OffsetCommit is per group: there is no request
 * that resets them all or none). `committed` names the groups done so far, for a caller whose deadline fires
 * mid-way; a failure after the first group says which groups have their new offsets and which do not.
 */
export async function commitResetPlans(admin: Admin, plans: readonly { group: string; rows: readonly (TopicPartition & { newOffset: number })[] }[], committed: string[] = []): Promise<void> {
  const planned = plans.filter((p) => p.rows.length > 0);
  for (const plan of planned) {
    try {
      await commitGroupOffsets(admin, plan.group, plan.rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.newOffset })));
    } catch (error) {
      throw resetStoppedError(error, planned.map((p) => p.group), committed);
    }
    committed.push(plan.group);
  }
}

/** A multi-group reset that failed part-way: which groups were committed and which were not (one group: as it was). */
export function resetStoppedError(error: unknown, planned: readonly string[], committed: readonly string[]): unknown {
  if (planned.length <= 1 || (error instanceof KafkaplaneError && error.code === 'RESET_PARTIAL')) return error;
  const rest = planned.filter((g) => !committed.includes(g));
  const cause = error instanceof KafkaplaneError || kafkaProtocolErrors(error).length === 0 ? (error as Error).message : describeKafkaError(error);
  return new KafkaplaneError('RESET_PARTIAL', `the reset stopped after ${committed.length} of ${planned.length} groups: ${cause}\n  committed:     ${committed.length > 0 ? committed.join(', ') : '(none)'}\n  not committed: ${rest.join(', ')}`, {
    cause: error,
    hint: committed.length > 0 ? `the committed groups already have their new offsets; run the same reset for the others: ${rest.map((g) => `--group ${g}`).join(' ')}` : 'no group\'s offsets were changed',
  });
}

export async function deleteConsumerGroups(admin: Admin, ids: readonly string[]): Promise<void> {
  try {
    await admin.deleteGroups({ groups: [...ids] });
  } catch (error) {
    if (kafkaProtocolErrors(error).length === 0) throw error;
    throw new KafkaplaneError('GROUP_DELETE_FAILED', `cannot delete ${ids.map((i) => `'${i}'`).join(', ')}: ${describeKafkaError(error)}`, { cause: error });
  }
}
