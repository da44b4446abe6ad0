// `kafkaplane groups list|describe|reset-offsets|delete`: kafka-consumer-groups.sh parity, KIP-848 groups included.
import { readFile } from 'node:fs/promises';
import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import type { ConsumerGroupDescription } from '../../kafka/groups.ts';
import type { ClusterMetadata } from '../../kafka/metadata.ts';
import { type OffsetRow, groupOffsetRows, isRebalancing } from '../../ops/group-offsets.ts';
import {
  type PartitionOffsets,
  type ResetPlan,
  type ResetScenario,
  formatResetCsv,
  parseIsoDuration,
  parseResetCsv,
  parseResetDatetime,
  parseTopicScope,
  planOffsetReset,
  resetRefusal,
} from '../../ops/offset-reset.ts';
import { type TopicPartition, partitionKey } from '../../model/topic-partition.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, formatTable, printJson } from '../output.ts';

async function groupsApi() {
  const [groups, topics] = await Promise.all([import('../../kafka/groups.ts'), import('../../kafka/topics.ts')]);
  return { ...groups, clusterMetadata: topics.clusterMetadata };
}

export async function runGroupsList(flags: ConnectionFlags & { state?: string; type?: string }, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const { listConsumerGroups } = await groupsApi();
  const states = flags.state?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const types = flags.type?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const groups = (await withAdmin(config, listConsumerGroups, { probe: true })).filter((g) => (!states || states.includes(g.state.toLowerCase())) && (!types || types.includes(g.type)));
  if (io.format === 'json') printJson(io, groups);
  else if (groups.length > 0) io.stdout.write(formatTable(['GROUP', 'TYPE', 'STATE'], groups.map((g) => [g.id, g.type === 'consumer' ? 'Consumer' : 'Classic', g.state])));
  return 0;
}

export interface DescribeGroupFlags extends ConnectionFlags {
  allGroups?: boolean;
  members?: boolean;
  state?: boolean;
  offsets?: boolean;
  verbose?: boolean;
}

/** The groups a command names: arguments, --group, or every consumer group with --all-groups. */
async function resolveGroupIds(admin: Admin, names: readonly string[], all: boolean | undefined): Promise<string[]> {
  if (all) {
    if (names.length > 0) throw new KafkaplaneError('BAD_FLAGS', 'name groups or pass --all-groups, not both', { exitCode: 2 });
    const { listConsumerGroups } = await groupsApi();
    return (await listConsumerGroups(admin)).map((g) => g.id);
  }
  if (names.length === 0) throw new KafkaplaneError('BAD_FLAGS', 'which group? name one or more groups, or pass --all-groups', { exitCode: 2 });
  return [...new Set(names)];
}

function requireExisting(groups: readonly ConsumerGroupDescription[]): void {
  const missing = groups.filter((g) => !g.exists).map((g) => g.id);
  if (missing.length > 0) {
    throw new KafkaplaneError('UNKNOWN_GROUP', `consumer group${missing.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, {
      hint: 'list the groups with `kafkaplane groups list`',
    });
  }
}

export interface GroupReport {
  group: string;
  type: string;
  state: string;
  assignor: string;
  coordinator: { id: number; host: string; port: number };
  groupEpoch: number | null;
  assignmentEpoch: number | null;
  members: ConsumerGroupDescription['members'];
  offsets: OffsetRow[];
}

/** What describe shows for each group: members, and per partition the committed offset, log end and lag. */
export async function describeGroupReports(admin: Admin, ids: readonly string[]): Promise<GroupReport[]> {
  const api = await groupsApi();
  const described = await api.describeConsumerGroups(admin, ids);
  requireExisting(described);
  const committed = await api.committedOffsets(admin, ids);
  const partitions = new Map<string, TopicPartition>();
  for (const g of described) for (const m of g.members) for (const tp of m.assignment) partitions.set(partitionKey(tp), tp);
  for (const offsets of committed.values()) for (const key of offsets.keys()) partitions.set(key, { topic: key.split('\u0000')[0]!, partition: Number(key.split('\u0000')[1]) });
  const topics = [...new Set([...partitions.values()].map((p) => p.topic))];
  let logEnd = new Map<string, number | null>();
  if (topics.length > 0) {
    const metadata = await api.clusterMetadata(admin, topics);
    logEnd = await api.partitionOffsets(admin, metadata, [...partitions.values()], 'latest');
  }
  const ends = new Map([...logEnd].filter((e): e is [string, number] => e[1] !== null));
  return described.map((g) => ({
    group: g.id,
    type: g.type,
    state: g.state,
    assignor: g.assignor,
    coordinator: g.coordinator,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    members: g.members,
    offsets: groupOffsetRows(g.id, g.members, committed.get(g.id) ?? new Map(), ends),
  }));
}

export async function runGroupsDescribe(names: string[], flags: DescribeGroupFlags, io: Io): Promise<number> {
  const views = [flags.members, flags.state, flags.offsets].filter(Boolean).length;
  if (views > 1) throw new KafkaplaneError('BAD_FLAGS', 'choose one view: --offsets (default), --members or --state', { exitCode: 2 });
  const config = await resolveConnection(flags);
  const reports = await withAdmin(config, async (admin) => describeGroupReports(admin, await resolveGroupIds(admin, names, flags.allGroups)), { probe: true });
  if (io.format === 'json') {
    printJson(io, { groups: reports });
    return 0;
  }
  const blocks: string[] = [];
  for (const r of reports) {
    // The same notes kafka-consumer-groups prints (on stderr, so the table stays clean for tools).
    if (r.state === 'Empty') io.stderr.write(`Consumer group '${r.group}' has no active members.\n`);
    else if (isRebalancing(r.state)) io.stderr.write(`Warning: Consumer group '${r.group}' is rebalancing.\n`);
    if (flags.state) {
      blocks.push(
        formatTable(
          ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', ...(flags.verbose ? ['GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH'] : []), '#MEMBERS'],
          [[r.group, `${r.coordinator.host}:${r.coordinator.port}  (${r.coordinator.id})`, r.assignor, r.state, ...(flags.verbose ? [r.groupEpoch, r.assignmentEpoch] : []), r.members.length]],
        ),
      );
    } else if (flags.members) {
      if (r.members.length === 0) continue;
      const withInstance = r.members.some((m) => m.instanceId);
      const assignment = (tps: readonly TopicPartition[] | undefined) => {
        if (!tps || tps.length === 0) return '-';
        const byTopic = new Map<string, number[]>();
        for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
        return [...byTopic].map(([t, ps]) => `${t}:${ps.sort((a, b) => a - b).join(',')}`).sort().join(';');
      };
      blocks.push(
        formatTable(
          ['GROUP', 'CONSUMER-ID', ...(withInstance ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(flags.verbose ? ['CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT'] : [])],
          r.members.map((m) => [
            r.group,
            m.memberId,
            ...(withInstance ? [m.instanceId] : []),
            m.host,
            m.clientId,
            m.assignment.length,
            ...(flags.verbose ? [m.memberEpoch, assignment(m.assignment), r.assignmentEpoch, assignment(m.targetAssignment)] : []),
          ]),
        ),
      );
    } else {
      if (r.offsets.length === 0) continue;
      blocks.push(
        formatTable(
          ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
          r.offsets.map((o) => [o.group, o.topic, o.partition, o.currentOffset, o.logEndOffset, o.lag, o.consumerId, o.host, o.clientId]),
        ),
      );
    }
  }
  io.stdout.write(blocks.join('\n'));
  return 0;
}

export interface ResetFlags extends ConnectionFlags {
  group?: string[];
  allGroups?: boolean;
  topic?: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
  execute?: boolean;
  dryRun?: boolean;
  export?: boolean;
  allowNewGroup?: boolean;
}

function wholeNumber(flag: string, text: string): number {
  if (!/^[-+]?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) throw new KafkaplaneError('BAD_OFFSET', `${flag} "${text}" is not a whole number`, { exitCode: 2 });
  return Number(text);
}

/** The reset scenario from the flags (exactly one), validated before anything touches the cluster. */
async function resetScenario(flags: ResetFlags, now: number): Promise<{ scenario: ResetScenario | 'file'; file?: Map<string, Map<string, number>> }> {
  const chosen = (
    [
      ['--to-earliest', flags.toEarliest],
      ['--to-latest', flags.toLatest],
      ['--to-current', flags.toCurrent],
      ['--to-offset', flags.toOffset],
      ['--shift-by', flags.shiftBy],
      ['--to-datetime', flags.toDatetime],
      ['--by-duration', flags.byDuration],
      ['--from-file', flags.fromFile],
    ] as const
  ).filter(([, v]) => v !== undefined && v !== false);
  if (chosen.length !== 1) {
    throw new KafkaplaneError('BAD_FLAGS', chosen.length === 0 ? 'say where to reset to' : `choose one of ${chosen.map(([f]) => f).join(', ')}`, {
      exitCode: 2,
      hint: 'one of --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by N, --to-datetime YYYY-MM-DDTHH:mm:SS.sss, --by-duration PnDTnHnM, --from-file plan.csv',
    });
  }
  if (flags.toEarliest) return { scenario: { kind: 'earliest' } };
  if (flags.toLatest) return { scenario: { kind: 'latest' } };
  if (flags.toCurrent) return { scenario: { kind: 'current' } };
  if (flags.toOffset !== undefined) {
    const offset = wholeNumber('--to-offset', flags.toOffset);
    if (offset < 0) throw new KafkaplaneError('BAD_OFFSET', `--to-offset ${offset}: offsets are not negative (use --shift-by to move back)`, { exitCode: 2 });
    return { scenario: { kind: 'offset', offset } };
  }
  if (flags.shiftBy !== undefined) return { scenario: { kind: 'shift-by', shift: wholeNumber('--shift-by', flags.shiftBy) } };
  if (flags.toDatetime !== undefined) return { scenario: { kind: 'timestamp', ms: parseResetDatetime(flags.toDatetime), label: flags.toDatetime } };
  if (flags.byDuration !== undefined) {
    const ms = parseIsoDuration(flags.byDuration);
    return { scenario: { kind: 'timestamp', ms: now - ms, label: `${flags.byDuration} ago (${new Date(now - ms).toISOString()})` } };
  }
  let text: string;
  try {
    text = await readFile(flags.fromFile!, 'utf8');
  } catch {
    throw new KafkaplaneError('BAD_RESET_FILE', `cannot read --from-file ${flags.fromFile}`, { exitCode: 2 });
  }
  return { scenario: 'file', file: parseResetCsv(text, flags.fromFile!) };
}

export async function runGroupsResetOffsets(names: string[], flags: ResetFlags, io: Io): Promise<number> {
  if (flags.execute && flags.dryRun) throw new KafkaplaneError('BAD_FLAGS', '--execute and --dry-run contradict each other', { exitCode: 2 });
  const now = Date.now();
  const { scenario, file } = await resetScenario(flags, now);
  const scope = flags.topic && flags.topic.length > 0 ? parseTopicScope(flags.topic) : undefined;
  if (scenario === 'file') {
    if (scope || flags.allTopics) throw new KafkaplaneError('BAD_FLAGS', '--from-file says which partitions to reset; leave out --topic and --all-topics', { exitCode: 2 });
  } else if (!scope === !flags.allTopics) {
    throw new KafkaplaneError('BAD_FLAGS', scope ? 'pass --topic or --all-topics, not both' : 'say which partitions: --topic name[:partitions] (repeatable) or --all-topics', { exitCode: 2 });
  }
  const config = await resolveConnection(flags);
  const api = await groupsApi();
  const plannedGroups: string[] = [];
  const committedGroups: string[] = [];
  const plans = await withAdmin(
    config,
    async (admin) => {
      const ids = await resolveGroupIds(admin, [...names, ...(flags.group ?? [])], flags.allGroups);
      const described = await api.describeConsumerGroups(admin, ids);
      // Refuse before anything changes: every group must be inactive, and exist unless --allow-new-group.
      const refusals = described.map((g) => resetRefusal(g.id, g.state)).filter((r): r is string => r !== undefined);
      if (refusals.length > 0) {
        throw new KafkaplaneError('GROUP_ACTIVE', refusals.join('\n'), { hint: 'stop the group\'s consumers (their offsets would be overwritten by their next commit), then run the reset again' });
      }
      const unknown = described.filter((g) => !g.exists).map((g) => g.id);
      if (unknown.length > 0 && !flags.allowNewGroup) {
        throw new KafkaplaneError('UNKNOWN_GROUP', `consumer group${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `'${u}'`).join(', ')} ${unknown.length === 1 ? 'does' : 'do'} not exist`, {
          hint: 'check the name (`kafkaplane groups list`); to give a new group its starting offsets, add --allow-new-group',
        });
      }
      const committed = await api.committedOffsets(admin, ids);
      if (file && file.has('') && ids.length > 1) throw new KafkaplaneError('BAD_RESET_FILE', `${flags.fromFile} has no group column but ${ids.length} groups were named; use group,topic,partition,offset lines`, { exitCode: 2 });
      const perGroup = ids.map((id) => {
        let partitions: TopicPartition[];
        if (file) {
          const plan = file.get(id) ?? (ids.length === 1 ? file.get('') : undefined);
          if (!plan) throw new KafkaplaneError('BAD_RESET_FILE', `${flags.fromFile} has no offsets for group '${id}'`, { exitCode: 2 });
          partitions = [...plan.keys()].map((k) => ({ topic: k.split('\u0000')[0]!, partition: Number(k.split('\u0000')[1]) }));
        } else if (flags.allTopics) {
          partitions = [...(committed.get(id)?.keys() ?? [])].map((k) => ({ topic: k.split('\u0000')[0]!, partition: Number(k.split('\u0000')[1]) }));
        } else partitions = [];
        return { id, partitions };
      });
      const scopeTopics = [...new Set([...(scope ?? []).map((s) => s.topic), ...perGroup.flatMap((g) => g.partitions.map((p) => p.topic))])];
      const metadata: ClusterMetadata = scopeTopics.length > 0 ? await api.clusterMetadata(admin, scopeTopics) : { clusterId: null, controllerId: -1, brokers: [], topics: [], answeredBy: '' };
      if (scope) {
        const explicit = resolveScope(metadata, scope);
        for (const g of perGroup) g.partitions = explicit;
      }
      const all = perGroup.flatMap((g) => g.partitions);
      checkPartitions(metadata, all);
      const [start, end] = await Promise.all([api.partitionOffsets(admin, metadata, all, 'earliest'), api.partitionOffsets(admin, metadata, all, 'latest')]);
      const atTimestamp = scenario !== 'file' && scenario.kind === 'timestamp' ? await api.partitionOffsets(admin, metadata, all, { timestamp: scenario.ms }) : undefined;
      const result: ResetPlan[] = perGroup.map((g) => {
        const inputs: PartitionOffsets[] = g.partitions.map((tp) => {
          const key = partitionKey(tp);
          const s = start.get(key);
          const e = end.get(key);
          if (s === undefined || s === null || e === undefined || e === null) throw new KafkaplaneError('OFFSETS_UNAVAILABLE', `cannot read the log start/end offsets of ${tp.topic}-${tp.partition}`);
          return { ...tp, start: s, end: e, committed: committed.get(g.id)?.get(key), atTimestamp: atTimestamp?.get(key) };
        });
        const fileScenario: ResetScenario | undefined = file ? { kind: 'file', offsets: file.get(g.id) ?? file.get('')! } : undefined;
        return planOffsetReset(g.id, fileScenario ?? (scenario as ResetScenario), inputs);
      });
      if (flags.execute) {
        // Re-check right before committing: a consumer may have joined since the plan was made.
        const again = await api.describeConsumerGroups(admin, ids);
        const late = again.map((g) => resetRefusal(g.id, g.state)).filter((r): r is string => r !== undefined);
        if (late.length > 0) throw new KafkaplaneError('GROUP_ACTIVE', late.join('\n'), { hint: 'nothing was changed; stop the group\'s consumers and run the reset again' });
        plannedGroups.push(...result.filter((p) => p.rows.length > 0).map((p) => p.group));
        await api.commitResetPlans(admin, result, committedGroups);
      }
      return result;
    },
    { probe: true },
  ).catch((error: unknown) => {
    // The stall deadline (or a lost connection) can end the command between two groups' commits: say which were done.
    throw committedGroups.length > 0 ? api.resetStoppedError(error, plannedGroups, committedGroups) : error;
  });
  for (const plan of plans) for (const warning of plan.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (io.format === 'json') printJson(io, { executed: Boolean(flags.execute), groups: plans.map((p) => ({ group: p.group, offsets: p.rows })) });
  else if (flags.export) io.stdout.write(formatResetCsv(plans));
  else {
    const rows = plans.flatMap((p) => p.rows.map((r) => [p.group, r.topic, r.partition, r.newOffset]));
    io.stdout.write(rows.length > 0 ? formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows) : 'nothing to reset: no partitions in scope\n');
  }
  if (!io.quiet) {
    const count = plans.reduce((n, p) => n + p.rows.length, 0);
    io.stderr.write(flags.execute ? `committed ${count} offset${count === 1 ? '' : 's'}\n` : 'dry run: nothing was changed (add --execute to commit these offsets)\n');
  }
  return 0;
}

function resolveScope(metadata: ClusterMetadata, scope: ReturnType<typeof parseTopicScope>): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const s of scope) {
    const topic = metadata.topics.find((t) => t.name === s.topic && t.error !== 'UNKNOWN_TOPIC_OR_PARTITION');
    if (!topic) throw new KafkaplaneError('UNKNOWN_TOPIC', `topic '${s.topic}' does not exist`, { hint: 'list the topics with `kafkaplane topics list`' });
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
  if (missing.length > 0) throw new KafkaplaneError('UNKNOWN_PARTITION', `partition${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, { exitCode: 2 });
  if (leaderless.length > 0) throw new KafkaplaneError('NO_LEADER', `partition${leaderless.length === 1 ? '' : 's'} ${leaderless.join(', ')} ${leaderless.length === 1 ? 'has' : 'have'} no leader; offsets cannot be read`, { hint: '`kafkaplane doctor` shows why' });
}

export async function runGroupsDelete(names: string[], flags: ConnectionFlags & { allGroups?: boolean }, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const api = await groupsApi();
  const deleted = await withAdmin(
    config,
    async (admin) => {
      const ids = await resolveGroupIds(admin, names, flags.allGroups);
      const described = await api.describeConsumerGroups(admin, ids);
      requireExisting(described);
      const active = described.filter((g) => g.members.length > 0 || !['Empty', 'Dead'].includes(g.state));
      if (active.length > 0) {
        throw new KafkaplaneError('GROUP_ACTIVE', active.map((g) => `group '${g.id}' has ${g.members.length} active member${g.members.length === 1 ? '' : 's'} (state ${g.state})`).join('\n'), {
          hint: 'stop its consumers first; nothing was deleted',
        });
      }
      if (ids.length > 0) await api.deleteConsumerGroups(admin, ids);
      return ids;
    },
    { probe: true },
  );
  if (io.format === 'json') printJson(io, { deleted });
  else io.stdout.write(`Deletion of requested consumer groups (${deleted.map((g) => `'${g}'`).join(', ')}) was successful.\n`);
  return 0;
}
