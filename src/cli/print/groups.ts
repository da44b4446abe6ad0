// Printers of `kafkaplane groups …`: kafka-consumer-groups.sh's tables and notes, and JSON for scripts (offsets
// are exact int64 JSON numbers).
import type { ConsumerGroupListing } from '../../kafka/group-listing.ts';
import type { TopicPartition } from '../../model/topic-partition.ts';
import type { OffsetRow } from '../../ops/group-offsets.ts';
import { formatResetCsv, type ResetRow } from '../../ops/offset-reset.ts';
import { isRebalancing } from '../../ops/group-offsets.ts';
import type { GroupsDescribeReport, GroupReport } from '../commands/groups-describe.ts';
import type { ResetReport } from '../commands/groups-reset-offsets.ts';
import type { Printer } from '../declare.ts';
import { type Io, formatTable, jsonInt64, writeNote, writeStderrLine } from '../output.ts';

const int64 = (v: bigint | null) => (v === null ? null : jsonInt64(v));

export const groupsListPrinter: Printer<ConsumerGroupListing[]> = {
  text(groups, io) {
    if (groups.length > 0)
      io.stdout.write(
        formatTable(
          ['GROUP', 'TYPE', 'STATE'],
          groups.map((g) => [g.id, g.type === 'consumer' ? 'Consumer' : 'Classic', g.state]),
        ),
      );
  },
};

const offsetRowJson = (o: OffsetRow) => ({ ...o, currentOffset: int64(o.currentOffset), logEndOffset: int64(o.logEndOffset), lag: int64(o.lag) });

export const groupsDescribePrinter: Printer<GroupsDescribeReport> = {
  json: (r) => ({ groups: r.groups.map((g) => ({ ...g, offsets: g.offsets.map(offsetRowJson) })) }),
  text(r, io) {
    const blocks: string[] = [];
    for (const g of r.groups) {
      // The same notes kafka-consumer-groups prints (on stderr, so the table stays clean for tools).
      if (g.state === 'Empty') writeStderrLine(io, `Consumer group '${g.group}' has no active members.`);
      else if (isRebalancing(g.state)) writeStderrLine(io, `Warning: Consumer group '${g.group}' is rebalancing.`);
      const block = r.view === 'state' ? stateTable(g, r.verbose) : r.view === 'members' ? membersTable(g, r.verbose) : offsetsTable(g);
      if (block !== undefined) blocks.push(block);
    }
    io.stdout.write(blocks.join('\n'));
  },
};

function stateTable(g: GroupReport, verbose: boolean): string {
  return formatTable(
    ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', ...(verbose ? ['GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH'] : []), '#MEMBERS'],
    [[g.group, `${g.coordinator.host}:${g.coordinator.port}  (${g.coordinator.id})`, g.assignor, g.state, ...(verbose ? [g.groupEpoch, g.assignmentEpoch] : []), g.members.length]],
  );
}

function membersTable(g: GroupReport, verbose: boolean): string | undefined {
  if (g.members.length === 0) return undefined;
  const withInstance = g.members.some((m) => m.instanceId);
  const assignment = (tps: readonly TopicPartition[] | undefined) => {
    if (!tps || tps.length === 0) return '-';
    return [...Map.groupBy(tps, (tp) => tp.topic)]
      .map(
        ([t, ps]) =>
          `${t}:${ps
            .map((tp) => tp.partition)
            .sort((a, b) => a - b)
            .join(',')}`,
      )
      .sort()
      .join(';');
  };
  return formatTable(
    [
      'GROUP',
      'CONSUMER-ID',
      ...(withInstance ? ['GROUP-INSTANCE-ID'] : []),
      'HOST',
      'CLIENT-ID',
      '#PARTITIONS',
      ...(verbose ? ['CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT'] : []),
    ],
    g.members.map((m) => [
      g.group,
      m.memberId,
      ...(withInstance ? [m.instanceId] : []),
      m.host,
      m.clientId,
      m.assignment.length,
      ...(verbose ? [m.memberEpoch, assignment(m.assignment), g.assignmentEpoch, assignment(m.targetAssignment)] : []),
    ]),
  );
}

function offsetsTable(g: GroupReport): string | undefined {
  if (g.offsets.length === 0) return undefined;
  return formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    g.offsets.map((o) => [o.group, o.topic, o.partition, o.currentOffset, o.logEndOffset, o.lag, o.consumerId, o.host, o.clientId]),
  );
}

const resetRowJson = (row: ResetRow) => ({ ...row, current: int64(row.current), newOffset: jsonInt64(row.newOffset) });

/** The warnings of the plan (clamped offsets, empty partitions), before the plan. */
function resetWarnings(r: ResetReport, io: Io): void {
  for (const plan of r.plans) for (const warning of plan.warnings) writeStderrLine(io, `warning: ${warning}`);
}

export const groupsResetOffsetsPrinter: Printer<ResetReport> = {
  json(r, io) {
    resetWarnings(r, io);
    return { executed: r.executed, groups: r.plans.map((p) => ({ group: p.group, offsets: p.rows.map(resetRowJson) })) };
  },
  text(r, io) {
    resetWarnings(r, io);
    if (r.csv) io.stdout.write(formatResetCsv(r.plans));
    else {
      const rows = r.plans.flatMap((p) => p.rows.map((row) => [p.group, row.topic, row.partition, row.newOffset]));
      io.stdout.write(rows.length > 0 ? formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows) : 'nothing to reset: no partitions in scope\n');
    }
  },
  after(r, io) {
    const count = r.plans.reduce((n, p) => n + p.rows.length, 0);
    writeNote(io, r.executed ? `committed ${count} offset${count === 1 ? '' : 's'}` : 'dry run: nothing was changed (add --execute to commit these offsets)');
  },
};

export const groupsDeletePrinter: Printer<string[]> = {
  json: (deleted) => ({ deleted }),
  text: (deleted, io) => io.stdout.write(`Deletion of requested consumer groups (${deleted.map((g) => `'${g}'`).join(', ')}) was successful.\n`),
};
