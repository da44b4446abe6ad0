// `kafkaplane topics list|describe|create|alter|delete`: kafka-topics.sh parity. Only light modules are imported
// here; the Kafka client loads inside the commands that need it, so `topics list` starts in a blink.
import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { withBrokerLink } from '../../kafka/broker-link.ts';
import { type ClusterMetadata, type TopicMetadata, fetchMetadata, requireTopics } from '../../kafka/metadata.ts';
import type { DescribedPartition, DescribedTopic, TopicsDescription } from '../../kafka/topics.ts';
import { isAtMinIsr, isUnavailable, isUnderMinIsr, isUnderReplicated, topicIncludeList } from '../../model/partition-health.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, printJson } from '../output.ts';

export interface TopicSelectionFlags extends ConnectionFlags {
  /** kafka-topics style include list: a regular expression, commas for alternatives. */
  topic?: string;
  includeInternal?: boolean;
}

/** Which topics a list/describe command means: exact names (arguments) and/or the --topic pattern. */
function topicSelector(names: readonly string[], flags: TopicSelectionFlags): (t: TopicMetadata) => boolean {
  const pattern = flags.topic !== undefined ? topicIncludeList(flags.topic, '--topic') : undefined;
  const exact = new Set(names);
  return (t) => {
    const named = exact.has(t.name);
    if (named) return true;
    if (exact.size > 0 && pattern === undefined) return false;
    if (t.internal && !flags.includeInternal) return false;
    return pattern === undefined || pattern(t.name);
  };
}

export async function runTopicsList(flags: TopicSelectionFlags, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const metadata = await withBrokerLink(config, (link, protocol) => fetchMetadata(link, protocol.metadataV12, null, link.address));
  const select = topicSelector([], flags);
  const topics = metadata.topics.filter((t) => t.error !== 'UNKNOWN_TOPIC_OR_PARTITION' && select(t));
  if (io.format === 'json') {
    printJson(
      io,
      topics.map((t) => ({ name: t.name, id: t.id, internal: t.internal, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0 })),
    );
  } else if (topics.length > 0) io.stdout.write(`${topics.map((t) => t.name).join('\n')}\n`);
  return 0;
}

export interface DescribeFlags extends TopicSelectionFlags {
  underReplicatedPartitions?: boolean;
  underMinIsrPartitions?: boolean;
  atMinIsrPartitions?: boolean;
  unavailablePartitions?: boolean;
  topicsWithOverrides?: boolean;
  ifExists?: boolean;
}

interface PartitionReport extends DescribedPartition {
  underReplicated: boolean;
  underMinIsr: boolean;
  atMinIsr: boolean;
  unavailable: boolean;
}

export async function runTopicsDescribe(names: string[], flags: DescribeFlags, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const { describeTopics } = await import('../../kafka/topics.ts');
  const description = await withAdmin(config, (admin) => describeTopics(admin, topicSelector(names, flags)), { probe: true });
  if (!flags.ifExists) {
    requireTopics(description.metadata, names);
    if (flags.topic !== undefined && description.topics.length === 0) {
      throw new KafkaplaneError('UNKNOWN_TOPIC', `no topic matches --topic '${flags.topic}'`, { hint: 'list the topics with `kafkaplane topics list` (add --include-internal for internal ones), or pass --if-exists' });
    }
  }
  const report = describeReport(description, flags);
  if (io.format === 'json') printJson(io, { topics: report });
  else io.stdout.write(formatDescribe(report, flags));
  return 0;
}

function describeReport(description: TopicsDescription, flags: DescribeFlags) {
  const live = new Set(description.liveBrokers);
  const filtering = Boolean(flags.underReplicatedPartitions || flags.underMinIsrPartitions || flags.atMinIsrPartitions || flags.unavailablePartitions);
  return description.topics
    .map((t) => {
      const partitions: PartitionReport[] = t.partitions.map((p) => {
        const state = { leader: p.leader, replicas: p.replicas, isr: p.isr, adding: p.adding, removing: p.removing };
        return { ...p, underReplicated: isUnderReplicated(state), underMinIsr: isUnderMinIsr(state, t.minIsr), atMinIsr: isAtMinIsr(state, t.minIsr), unavailable: isUnavailable(state, live) };
      });
      const shown = filtering
        ? partitions.filter(
            (p) =>
              (flags.underReplicatedPartitions && p.underReplicated) ||
              (flags.underMinIsrPartitions && p.underMinIsr) ||
              (flags.atMinIsrPartitions && p.atMinIsr) ||
              (flags.unavailablePartitions && p.unavailable),
          )
        : partitions;
      const overrides = t.configs.filter((c) => !c.isDefault);
      return {
        name: t.name,
        id: t.id,
        internal: t.internal,
        partitionCount: t.partitions.length,
        replicationFactor: t.replicationFactor,
        minIsr: t.minIsr,
        configs: Object.fromEntries(overrides.map((c) => [c.name, c.sensitive ? null : c.value])),
        configSources: Object.fromEntries(overrides.map((c) => [c.name, c.source])),
        partitions: flags.topicsWithOverrides ? [] : shown,
        topic: t,
      };
    })
    .filter((t) => (flags.topicsWithOverrides ? Object.keys(t.configs).length > 0 : !filtering || t.partitions.length > 0))
    .map(({ topic: _topic, ...rest }) => rest);
}

/** kafka-topics --describe, line for line (TopicCommand.TopicDescription / PartitionDescription). */
function formatDescribe(report: ReturnType<typeof describeReport>, flags: DescribeFlags): string {
  const filtering = Boolean(flags.underReplicatedPartitions || flags.underMinIsrPartitions || flags.atMinIsrPartitions || flags.unavailablePartitions);
  const ids = (list: readonly number[] | null) => (list === null ? 'N/A' : list.join(','));
  const lines: string[] = [];
  for (const t of report) {
    if (!filtering) {
      const configs = Object.entries(t.configs)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v ?? 'null'}`)
        .join(',');
      lines.push(`Topic: ${t.name}${t.id === 'AAAAAAAAAAAAAAAAAAAAAA' ? '' : `\tTopicId: ${t.id}`}\tPartitionCount: ${t.partitionCount}\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${configs}`);
    }
    for (const p of t.partitions) {
      let line = `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`;
      if (p.reassigning) line += `\tAdding Replicas: ${p.adding.join(',')}\tRemoving Replicas: ${p.removing.join(',')}`;
      line += `\tElr: ${ids(p.elr)}\tLastKnownElr: ${ids(p.lastKnownElr)}`;
      lines.push(line);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** `k=v` pairs from --config; the value may contain '=' (split at the first one). */
export function parseConfigPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    const key = i < 0 ? '' : pair.slice(0, i).trim();
    if (i < 0 || key === '') throw new KafkaplaneError('BAD_CONFIG', `--config "${pair}" is not key=value`, { exitCode: 2, hint: 'e.g. --config retention.ms=604800000 --config cleanup.policy=compact' });
    out[key] = pair.slice(i + 1).trim();
  }
  return out;
}

/** --replica-assignment "0:1:2,1:2:0": one broker list per partition, same length, no duplicates (TopicCommand rules). */
export function parseReplicaAssignment(text: string): number[][] {
  const partitions = text.split(',').map((part, p) => {
    const brokers = part.split(':').map((b) => {
      const id = Number(b.trim());
      if (b.trim() === '' || !Number.isInteger(id) || id < 0) throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment: "${b}" in partition ${p} is not a broker id`, { exitCode: 2, hint: 'one broker list per partition, e.g. 0:1:2,1:2:0 (partition 0 on brokers 0,1,2; partition 1 on 1,2,0)' });
      return id;
    });
    const dup = brokers.filter((b, i) => brokers.indexOf(b) !== i);
    if (dup.length > 0) throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment: partition ${p} lists broker ${dup[0]} twice`, { exitCode: 2 });
    return brokers;
  });
  const rf = partitions[0]!.length;
  const odd = partitions.findIndex((b) => b.length !== rf);
  if (odd >= 0) throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment: partition ${odd} has ${partitions[odd]!.length} replicas, partition 0 has ${rf}; every partition needs the same replication factor`, { exitCode: 2 });
  return partitions;
}

export interface CreateFlags extends ConnectionFlags {
  partitions?: number;
  replicationFactor?: number;
  replicaAssignment?: string;
  config?: string[];
  ifNotExists?: boolean;
}

export async function runTopicsCreate(name: string, flags: CreateFlags, io: Io): Promise<number> {
  const assignment = flags.replicaAssignment !== undefined ? parseReplicaAssignment(flags.replicaAssignment) : undefined;
  if (assignment && (flags.partitions !== undefined || flags.replicationFactor !== undefined)) {
    throw new KafkaplaneError('BAD_FLAGS', '--replica-assignment gives the partitions and replicas itself; leave out --partitions and --replication-factor', { exitCode: 2 });
  }
  const configs = parseConfigPairs(flags.config ?? []);
  const config = await resolveConnection(flags);
  const { createTopic } = await import('../../kafka/topics.ts');
  const result = await withAdmin(config, (admin) => createTopic(admin, { name, partitions: flags.partitions, replicationFactor: flags.replicationFactor, assignment, configs }, flags.ifNotExists ?? false), { probe: true });
  if (io.format === 'json') printJson(io, { topic: name, created: result.created, ...(result.created ? { id: result.id, partitions: result.partitions, replicationFactor: result.replicationFactor } : {}) });
  else io.stdout.write(result.created ? `Created topic ${name}.\n` : `Topic ${name} already exists; nothing changed.\n`);
  return 0;
}

export interface AlterFlags extends ConnectionFlags {
  partitions?: number;
  replicaAssignment?: string;
  config?: string[];
  deleteConfig?: string[];
  ifExists?: boolean;
}

export async function runTopicsAlter(name: string, flags: AlterFlags, io: Io): Promise<number> {
  const set = parseConfigPairs(flags.config ?? []);
  const remove = flags.deleteConfig ?? [];
  const both = remove.filter((k) => k in set);
  if (both.length > 0) throw new KafkaplaneError('BAD_FLAGS', `${both.join(', ')} is both set (--config) and deleted (--delete-config)`, { exitCode: 2 });
  const fullAssignment = flags.replicaAssignment !== undefined ? parseReplicaAssignment(flags.replicaAssignment) : undefined;
  const partitions = flags.partitions ?? fullAssignment?.length;
  if (partitions === undefined && Object.keys(set).length === 0 && remove.length === 0) {
    throw new KafkaplaneError('NOTHING_TO_ALTER', `say what to change on '${name}'`, { exitCode: 2, hint: '--partitions N, --config key=value or --delete-config key' });
  }
  const config = await resolveConnection(flags);
  const { alterStoppedError, alterTopic, describeTopics } = await import('../../kafka/topics.ts');
  // Filled as alterTopic applies each part: when the command fails after the first part (the stall deadline, a
  // lost connection), the error still says what was applied.
  const progress = { applied: [] as string[], pending: [] as string[] };
  const outcome = await withAdmin(
    config,
    async (admin) => {
      const { topics } = await describeTopics(admin, (t) => t.name === name);
      const current = topics[0];
      if (!current) {
        if (flags.ifExists) return undefined;
        throw new KafkaplaneError('UNKNOWN_TOPIC', `topic '${name}' does not exist`, { hint: 'pass --if-exists to accept a missing topic' });
      }
      if (fullAssignment && partitions !== undefined && fullAssignment.length !== partitions) {
        throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment lists ${fullAssignment.length} partitions but --partitions is ${partitions}`, { exitCode: 2 });
      }
      // Like kafka-topics: the assignment lists every partition; the existing ones are skipped.
      const assignment = fullAssignment?.slice(current.partitions.length);
      return { current, changes: await alterTopic(admin, current, { partitions, assignment, set, delete: remove }, progress) };
    },
    { probe: true },
  ).catch((error: unknown) => {
    throw progress.applied.length > 0 ? alterStoppedError(name, progress, error) : error;
  });
  if (io.format === 'json') printJson(io, { topic: name, altered: outcome !== undefined && outcome.changes.length > 0, changes: outcome?.changes ?? [] });
  else if (!outcome) io.stdout.write(`Topic ${name} does not exist; nothing changed.\n`);
  else io.stdout.write(outcome.changes.length > 0 ? `Altered topic ${name}: ${outcome.changes.join(', ')}.\n` : `Topic ${name} already has ${outcome.current.partitions.length} partitions; nothing changed.\n`);
  return 0;
}

export async function runTopicsDelete(names: string[], flags: ConnectionFlags & { ifExists?: boolean }, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const { clusterMetadata, deleteTopics } = await import('../../kafka/topics.ts');
  const deleted = await withAdmin(
    config,
    async (admin) => {
      const metadata: ClusterMetadata = await clusterMetadata(admin);
      const existing = names.filter((n) => metadata.topics.some((t) => t.name === n && t.error !== 'UNKNOWN_TOPIC_OR_PARTITION'));
      if (!flags.ifExists) requireTopics(metadata, names);
      const internal = metadata.topics.filter((t) => t.internal && existing.includes(t.name));
      if (internal.length > 0) throw new KafkaplaneError('INTERNAL_TOPIC', `${internal.map((t) => t.name).join(', ')} ${internal.length === 1 ? 'is an internal topic' : 'are internal topics'}; kafkaplane does not delete them`, { exitCode: 2 });
      await deleteTopics(admin, existing);
      return existing;
    },
    { probe: true },
  );
  if (io.format === 'json') printJson(io, { deleted, missing: names.filter((n) => !deleted.includes(n)) });
  else for (const name of names) io.stdout.write(deleted.includes(name) ? `Deleted topic ${name}.\n` : `Topic ${name} does not exist; nothing to delete.\n`);
  return 0;
}

export type { DescribedTopic };
