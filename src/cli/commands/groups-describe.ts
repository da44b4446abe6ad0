import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import type { ConsumerGroupDescription } from '../../kafka/groups.ts';
import { type TopicPartition, partitionKey } from '../../model/topic-partition.ts';
import { type OffsetRow, groupOffsetRows } from '../../ops/group-offsets.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { groupSelection, requireExisting } from '../group-selection.ts';

export interface DescribeGroupFlags extends ConnectionFlags {
  groups: string[];
  allGroups?: boolean;
  members?: boolean;
  state?: boolean;
  offsets?: boolean;
  verbose?: boolean;
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

export interface GroupsDescribeReport {
  view: 'offsets' | 'members' | 'state';
  verbose: boolean;
  groups: GroupReport[];
}

/** `kafkaplane groups describe`: per partition the committed offset, log end and lag (or the members, or the state). */
export async function groupsDescribe(flags: DescribeGroupFlags): Promise<GroupsDescribeReport> {
  const views = [flags.members, flags.state, flags.offsets].filter(Boolean).length;
  if (views > 1) throw new KafkaplaneError('BAD_FLAGS', 'choose one view: --offsets (default), --members or --state');
  const config = await resolveConnection(flags);
  const { selectConsumerGroups } = await import('../../kafka/groups.ts');
  const groups = await withAdmin(config, async (admin) => describeGroupReports(admin, await selectConsumerGroups(admin, groupSelection(flags.groups, flags.allGroups))), { probe: true });
  return { view: flags.state ? 'state' : flags.members ? 'members' : 'offsets', verbose: flags.verbose === true, groups };
}

/** What describe shows for each group: members, and per partition the committed offset, log end and lag. */
async function describeGroupReports(admin: Admin, ids: readonly string[]): Promise<GroupReport[]> {
  const [api, { clusterMetadata }] = await Promise.all([import('../../kafka/groups.ts'), import('../../kafka/topics.ts')]);
  const described = await api.describeConsumerGroups(admin, ids);
  requireExisting(described);
  const committed = await api.committedOffsets(admin, ids);
  const partitions = new Map<string, TopicPartition>();
  for (const g of described) for (const m of g.members) for (const tp of m.assignment) partitions.set(partitionKey(tp), tp);
  for (const offsets of committed.values()) for (const key of offsets.keys()) partitions.set(key, { topic: key.split('\u0000')[0]!, partition: Number(key.split('\u0000')[1]) });
  const topics = [...new Set([...partitions.values()].map((p) => p.topic))];
  let logEnd = new Map<string, bigint | null>();
  if (topics.length > 0) {
    const metadata = await clusterMetadata(admin, topics);
    logEnd = await api.partitionOffsets(admin, metadata, [...partitions.values()], 'latest');
  }
  const ends = new Map([...logEnd].filter((e): e is [string, bigint] => e[1] !== null));
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
