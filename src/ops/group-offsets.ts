import { type TopicPartition, compareTopicPartitions as compare, partitionKey } from '../model/topic-partition.ts';

// kafka-consumer-groups --describe, computed from what was fetched (ConsumerGroupCommand.collectGroupsOffsets): one
// row per assigned partition (members with the most partitions first), then one row per partition the group has
// committed offsets for but nobody is assigned, with '-' for the consumer columns.

export interface GroupMember {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  host: string;
  assignment: TopicPartition[];
  /** KIP-848 groups: the assignment the coordinator is moving the member to. */
  targetAssignment?: TopicPartition[] | undefined;
  memberEpoch?: number | undefined;
}

export interface OffsetRow extends TopicPartition {
  group: string;
  currentOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

/**
 * `committed` and `logEnd` are keyed by partitionKey(); a missing log end (no leader) shows as '-', as does the lag
 * of a partition with nothing committed.
 */
export function groupOffsetRows(group: string, members: readonly GroupMember[], committed: ReadonlyMap<string, bigint>, logEnd: ReadonlyMap<string, bigint>): OffsetRow[] {
  const row = (tp: TopicPartition, member: GroupMember | undefined): OffsetRow => {
    const key = partitionKey(tp);
    const current = committed.get(key) ?? null;
    const end = logEnd.get(key) ?? null;
    return {
      group,
      topic: tp.topic,
      partition: tp.partition,
      currentOffset: current,
      logEndOffset: end,
      lag: current !== null && current >= 0n && end !== null ? end - current : null,
      consumerId: member?.memberId ?? null,
      host: member?.host ?? null,
      clientId: member?.clientId ?? null,
    };
  };
  const assigned = new Set<string>();
  const rows: OffsetRow[] = [];
  const withPartitions = members.filter((m) => m.assignment.length > 0);
  // A stable sort keeps the coordinator's member order among members with as many partitions.
  const ordered = withPartitions.map((m, i) => ({ m, i })).sort((a, b) => b.m.assignment.length - a.m.assignment.length || a.i - b.i);
  for (const { m } of ordered) {
    for (const tp of [...m.assignment].sort(compare)) {
      assigned.add(partitionKey(tp));
      rows.push(row(tp, m));
    }
  }
  const unassigned = [...committed.keys()]
    .filter((k) => !assigned.has(k))
    .map((k) => {
      const [topic, partition] = k.split('\u0000') as [string, string];
      return { topic, partition: Number(partition) };
    })
    .sort(compare);
  for (const tp of unassigned) rows.push(row(tp, undefined));
  return rows;
}

/** States in which kafka-consumer-groups warns that the group is rebalancing. */
export function isRebalancing(state: string): boolean {
  return ['PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling'].includes(state);
}
