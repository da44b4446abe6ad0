import type { Admin, Connection } from '@platformatic/kafka';
import { KafkaplaneError, action, hint, setting } from '../errors.ts';
import type { GroupMember } from '../ops/group-offsets.ts';
import { type PartitionOffsets, type ResetFile, type ResetPlan, type ResetScenario, type TopicScope, planOffsetReset, resetRefusal } from '../ops/offset-reset.ts';
import { type TopicPartition, partitionKey } from '../model/topic-partition.ts';
import { pause } from './admin-session.ts';
import { brokerApiVersions } from './api-versions.ts';
import { listConsumerGroups } from './group-listing.ts';
import { loadKafka } from './client.ts';
import { describeKafkaError, kafkaProtocolErrors } from './errors.ts';
import type { ClusterMetadata } from './metadata.ts';
import { clusterMetadata } from './topics.ts';

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
          } else if (g.errorCode === 69)
            classic.push(g.groupId); // GROUP_ID_NOT_FOUND: classic, or no such group
          else if (g.errorCode === 16 || g.errorCode === 14 || g.errorCode === 15)
            retry = true; // coordinator moved / loading
          else throw groupDescribeFailure(g.groupId, g.errorCode, lib, g.errorMessage);
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
          if (g.errorCode !== 0 && g.errorCode !== 69) throw groupDescribeFailure(g.groupId, g.errorCode, lib);
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
  if (missing.length > 0)
    throw new KafkaplaneError('GROUP_COORDINATOR_UNAVAILABLE', `the coordinator of ${missing.map((m) => `'${m}'`).join(', ')} did not answer (it may be moving or loading)`, {
      hint: 'try again in a few seconds',
    });
  return ids.map((id) => results.get(id)!);
}

function decodeAssignment(lib: typeof import('@platformatic/kafka'), assignment: Buffer): TopicPartition[] {
  try {
    return lib.decodeConsumerProtocolAssignment(assignment).assignedPartitions.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
  } catch {
    return [];
  }
}

/** A group the coordinator refused to describe, with the error's protocol name (GROUP_AUTHORIZATION_FAILED, …). */
export function groupDescribeFailure(group: string, errorCode: number, lib: { protocolErrorsCodesById: Record<number, string> }, serverMessage?: string | null): KafkaplaneError {
  const name = lib.protocolErrorsCodesById[errorCode] ?? `error ${errorCode}`;
  return new KafkaplaneError('GROUP_DESCRIBE_FAILED', `cannot describe group '${group}': ${serverMessage ? `${serverMessage} (${name})` : name}`);
}

async function supportsConsumerGroupDescribe(connection: Connection, lib: typeof import('@platformatic/kafka')): Promise<boolean> {
  return brokerApiVersions(connection, lib).then(
    (versions) => versions.has(CONSUMER_GROUP_DESCRIBE_KEY),
    () => false,
  );
}

/** Committed offsets per group, keyed by partitionKey(); partitions with nothing committed are left out. */
export async function committedOffsets(admin: Admin, ids: readonly string[]): Promise<Map<string, Map<string, bigint>>> {
  const result = new Map<string, Map<string, bigint>>(ids.map((id) => [id, new Map()]));
  if (ids.length === 0) return result;
  const listed = await admin.listConsumerGroupOffsets({ groups: [...ids] });
  for (const g of listed) {
    const map = result.get(g.groupId) ?? new Map<string, bigint>();
    for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) map.set(partitionKey({ topic: t.name, partition: p.partitionIndex }), p.committedOffset);
    result.set(g.groupId, map);
  }
  return result;
}

export type OffsetQuery = 'earliest' | 'latest' | { timestamp: number };

/**
 * ListOffsets for the partitions that have a leader (the others cannot answer; they are left out of the result).
 * For a timestamp, partitions with no record at or after it map to null.
 */
export async function partitionOffsets(admin: Admin, metadata: ClusterMetadata, partitions: readonly TopicPartition[], query: OffsetQuery): Promise<Map<string, bigint | null>> {
  const result = new Map<string, bigint | null>();
  const leaders = new Map(metadata.topics.flatMap((t) => t.partitions.map((p) => [partitionKey({ topic: t.name, partition: p.partition }), p.leader])));
  const live = new Set(metadata.brokers.map((b) => b.id));
  const answerable = partitions.filter((tp) => {
    const leader = leaders.get(partitionKey(tp));
    return leader !== undefined && leader >= 0 && live.has(leader);
  });
  const byTopic = new Map([...Map.groupBy(answerable, (tp) => tp.topic)].map(([topic, tps]) => [topic, tps.map((tp) => tp.partition)]));
  if (byTopic.size === 0) return result;
  // @platformatic/kafka keeps no metadata for some topics it is told about (internal ones such as __consumer_offsets
  // come back without an entry), and its listOffsets then throws a TypeError from a callback, which ends the process.
  // Ask only for topics its metadata knows.
  const known = await admin.metadata({ topics: [...byTopic.keys()] });
  for (const name of [...byTopic.keys()]) if (known.topics.get(name) === undefined) byTopic.delete(name);
  if (byTopic.size === 0) return result;
  const timestamp = query === 'earliest' ? -2n : query === 'latest' ? -1n : BigInt(query.timestamp);
  const listed = await admin.listOffsets({ topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })) });
  for (const t of listed) for (const p of t.partitions) result.set(partitionKey({ topic: t.name, partition: p.partitionIndex }), p.offset < 0n ? null : p.offset);
  return result;
}

/** Commits the given offsets for an inactive group (the broker refuses while the group has members). */
export async function commitGroupOffsets(admin: Admin, group: string, offsets: readonly (TopicPartition & { offset: bigint })[]): Promise<void> {
  const byTopic = Map.groupBy(offsets, (o) => o.topic);
  try {
    await admin.alterConsumerGroupOffsets({
      groupId: group,
      topics: [...byTopic].map(([name, os]) => ({ name, partitionOffsets: os.map((o) => ({ partition: o.partition, offset: o.offset })) })),
    });
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
export async function commitResetPlans(admin: Admin, plans: readonly { group: string; rows: readonly (TopicPartition & { newOffset: bigint })[] }[], committed: string[] = []): Promise<void> {
  const planned = plans.filter((p) => p.rows.length > 0);
  for (const plan of planned) {
    try {
      await commitGroupOffsets(
        admin,
        plan.group,
        plan.rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.newOffset })),
      );
    } catch (error) {
      throw resetStoppedError(
        error,
        planned.map((p) => p.group),
        committed,
      );
    }
    committed.push(plan.group);
  }
}

/** A multi-group reset that failed part-way: which groups were committed and which were not (one group: as it was). */
export function resetStoppedError(error: unknown, planned: readonly string[], committed: readonly string[]): unknown {
  if (planned.length <= 1 || (error instanceof KafkaplaneError && error.code === 'RESET_PARTIAL')) return error;
  const rest = planned.filter((g) => !committed.includes(g));
  const cause = error instanceof KafkaplaneError || kafkaProtocolErrors(error).length === 0 ? (error as Error).message : describeKafkaError(error);
  return new KafkaplaneError(
    'RESET_PARTIAL',
    `the reset stopped after ${committed.length} of ${planned.length} groups: ${cause}\n  committed:     ${committed.length > 0 ? committed.join(', ') : '(none)'}\n  not committed: ${rest.join(', ')}`,
    {
      cause: error,
      hint:
        committed.length > 0
          ? ['the committed groups already have their new offsets; run the same reset for the others: ', ...rest.flatMap((g, i) => (i === 0 ? [setting('group', g)] : [' ', setting('group', g)]))]
          : "no group's offsets were changed",
    },
  );
}

export async function deleteConsumerGroups(admin: Admin, ids: readonly string[]): Promise<void> {
  try {
    await admin.deleteGroups({ groups: [...ids] });
  } catch (error) {
    if (kafkaProtocolErrors(error).length === 0) throw error;
    throw new KafkaplaneError('GROUP_DELETE_FAILED', `cannot delete ${ids.map((i) => `'${i}'`).join(', ')}: ${describeKafkaError(error)}`, { cause: error });
  }
}

// ------------------------------------------------------------------------------------------------------------------
// Offset reset (kafka-consumer-groups --reset-offsets): gather → plan → recheck → commit. The plan is the pure
// planOffsetReset (src/ops/offset-reset.ts); this part fetches its inputs and commits its result.

/** Which consumer groups a command means: these ids (duplicates dropped), or every consumer group. */
export async function selectConsumerGroups(admin: Admin, ids: readonly string[] | 'all'): Promise<string[]> {
  return ids === 'all' ? (await listConsumerGroups(admin)).map((g) => g.id) : [...new Set(ids)];
}

export interface OffsetResetRequest {
  groups: readonly string[] | 'all';
  /** Where to: one scenario for every partition in scope, or a plan file's offsets (`source` names it in messages). */
  target: { scenario: ResetScenario } | { file: ResetFile; source: string };
  /** Which partitions (ignored with a file, which lists its own): topics, or every partition a group committed. */
  scope: readonly TopicScope[] | 'committed';
  /** A group that does not exist yet gets its starting offsets (with execute). */
  allowNewGroup: boolean;
  execute: boolean;
}

/** Filled as a reset commits, so a caller whose deadline fires between two groups can say which were done. */
export interface ResetProgress {
  planned: string[];
  committed: string[];
}

/** Plans a reset for every group and, with `execute`, commits it after checking again that no group has members. */
export async function resetConsumerGroupOffsets(admin: Admin, request: OffsetResetRequest, progress: ResetProgress = { planned: [], committed: [] }): Promise<ResetPlan[]> {
  const ids = await selectConsumerGroups(admin, request.groups);
  const inputs = await gatherResetInputs(admin, ids, request);
  const plans = inputs.map((g) => planOffsetReset(g.group, g.scenario, g.partitions));
  if (request.execute) {
    // Re-check right before committing: a consumer may have joined since the plan was made.
    const late = (await describeConsumerGroups(admin, ids)).map((g) => resetRefusal(g.id, g.state)).filter((r): r is string => r !== undefined);
    if (late.length > 0) throw new KafkaplaneError('GROUP_ACTIVE', late.join('\n'), { hint: "nothing was changed; stop the group's consumers and run the reset again" });
    progress.planned.push(...plans.filter((p) => p.rows.length > 0).map((p) => p.group));
    await commitResetPlans(admin, plans, progress.committed);
  }
  return plans;
}

const NO_METADATA: ClusterMetadata = { clusterId: null, controllerId: -1, brokers: [], topics: [], answeredBy: '' };
const keyPartition = (key: string): TopicPartition => ({ topic: key.split('\u0000')[0]!, partition: Number(key.split('\u0000')[1]) });

/** Everything the plan needs, refusing before anything changes: active groups, unknown groups, partitions. */
async function gatherResetInputs(admin: Admin, ids: readonly string[], request: OffsetResetRequest): Promise<{ group: string; scenario: ResetScenario; partitions: PartitionOffsets[] }[]> {
  const described = await describeConsumerGroups(admin, ids);
  const refusals = described.map((g) => resetRefusal(g.id, g.state)).filter((r): r is string => r !== undefined);
  if (refusals.length > 0) {
    throw new KafkaplaneError('GROUP_ACTIVE', refusals.join('\n'), { hint: "stop the group's consumers (their offsets would be overwritten by their next commit), then run the reset again" });
  }
  const unknown = described.filter((g) => !g.exists).map((g) => g.id);
  if (unknown.length > 0 && !request.allowNewGroup) {
    throw new KafkaplaneError('UNKNOWN_GROUP', `consumer group${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `'${u}'`).join(', ')} ${unknown.length === 1 ? 'does' : 'do'} not exist`, {
      hint: hint`check the name (\`${action('groupsList')}\`); to give a new group its starting offsets, add ${setting('allowNewGroup')}`,
    });
  }
  const committed = await committedOffsets(admin, ids);
  const target = request.target;
  if ('file' in target && target.file.has('') && ids.length > 1)
    throw new KafkaplaneError('BAD_RESET_FILE', `${target.source} has no group column but ${ids.length} groups were named; use group,topic,partition,offset lines`);
  const perGroup = ids.map((id) => {
    if ('file' in target) {
      const offsets = target.file.get(id) ?? (ids.length === 1 ? target.file.get('') : undefined);
      if (!offsets) throw new KafkaplaneError('BAD_RESET_FILE', `${target.source} has no offsets for group '${id}'`);
      return { id, scenario: { kind: 'file', offsets } as ResetScenario, partitions: [...offsets.keys()].map(keyPartition) };
    }
    return { id, scenario: target.scenario, partitions: request.scope === 'committed' ? [...(committed.get(id)?.keys() ?? [])].map(keyPartition) : [] };
  });
  const scope = 'file' in target || request.scope === 'committed' ? undefined : request.scope;
  const topics = [...new Set([...(scope ?? []).map((s) => s.topic), ...perGroup.flatMap((g) => g.partitions.map((p) => p.topic))])];
  const metadata = topics.length > 0 ? await clusterMetadata(admin, topics) : NO_METADATA;
  if (scope) {
    const explicit = resolveScope(metadata, scope);
    for (const g of perGroup) g.partitions = explicit;
  }
  const all = perGroup.flatMap((g) => g.partitions);
  checkPartitions(metadata, all);
  const timestamp = 'scenario' in target && target.scenario.kind === 'timestamp' ? target.scenario.ms : undefined;
  const [start, end, atTimestamp] = await Promise.all([
    partitionOffsets(admin, metadata, all, 'earliest'),
    partitionOffsets(admin, metadata, all, 'latest'),
    timestamp !== undefined ? partitionOffsets(admin, metadata, all, { timestamp }) : undefined,
  ]);
  return perGroup.map((g) => ({
    group: g.id,
    scenario: g.scenario,
    partitions: g.partitions.map((tp) => {
      const key = partitionKey(tp);
      const s = start.get(key);
      const e = end.get(key);
      if (s === undefined || s === null || e === undefined || e === null) throw new KafkaplaneError('OFFSETS_UNAVAILABLE', `cannot read the log start/end offsets of ${tp.topic}-${tp.partition}`);
      return { ...tp, start: s, end: e, committed: committed.get(g.id)?.get(key), atTimestamp: atTimestamp?.get(key) };
    }),
  }));
}

function resolveScope(metadata: ClusterMetadata, scope: readonly TopicScope[]): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const s of scope) {
    const topic = metadata.topics.find((t) => t.name === s.topic && t.error !== 'UNKNOWN_TOPIC_OR_PARTITION');
    if (!topic) throw new KafkaplaneError('UNKNOWN_TOPIC', `topic '${s.topic}' does not exist`, { hint: hint`list the topics with \`${action('topicsList')}\`` });
    for (const partition of s.partitions ?? topic.partitions.map((p) => p.partition)) out.push({ topic: s.topic, partition });
  }
  const seen = new Set<string>();
  return out.filter((tp) => !seen.has(partitionKey(tp)) && Boolean(seen.add(partitionKey(tp))));
}

/** Like the tool: every partition must exist and have a leader, or nothing is reset. */
function checkPartitions(metadata: ClusterMetadata, partitions: readonly TopicPartition[]): void {
  const missing: string[] = [];
  const leaderless: string[] = [];
  for (const tp of partitions) {
    const p = metadata.topics.find((t) => t.name === tp.topic && t.error !== 'UNKNOWN_TOPIC_OR_PARTITION')?.partitions.find((x) => x.partition === tp.partition);
    if (!p) missing.push(`${tp.topic}-${tp.partition}`);
    else if (p.leader < 0) leaderless.push(`${tp.topic}-${tp.partition}`);
  }
  if (missing.length > 0)
    throw new KafkaplaneError('UNKNOWN_PARTITION', `partition${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, { exitCode: 2 });
  if (leaderless.length > 0)
    throw new KafkaplaneError('NO_LEADER', `partition${leaderless.length === 1 ? '' : 's'} ${leaderless.join(', ')} ${leaderless.length === 1 ? 'has' : 'have'} no leader; offsets cannot be read`, {
      hint: hint`\`${action('doctor')}\` shows why`,
    });
}
