// Printers of `kafkaplane topics …`: kafka-topics.sh's text, line for line, and JSON for scripts.
import type { TopicMetadata } from '../../kafka/metadata.ts';
import type { AlterReport } from '../commands/topics-alter.ts';
import type { CreateReport } from '../commands/topics-create.ts';
import type { DeleteReport } from '../commands/topics-delete.ts';
import type { TopicsDescribeReport } from '../commands/topics-describe.ts';
import type { Printer } from '../declare.ts';

export const topicsListPrinter: Printer<TopicMetadata[]> = {
  json: (topics) => topics.map((t) => ({ name: t.name, id: t.id, internal: t.internal, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0 })),
  text(topics, io) {
    if (topics.length > 0) io.stdout.write(`${topics.map((t) => t.name).join('\n')}\n`);
  },
};

export const topicsDescribePrinter: Printer<TopicsDescribeReport> = {
  json: (r) => ({ topics: r.topics }),
  text: (r, io) => io.stdout.write(formatDescribe(r)),
};

/** kafka-topics --describe, line for line (TopicCommand.TopicDescription / PartitionDescription). */
function formatDescribe(report: TopicsDescribeReport): string {
  const ids = (list: readonly number[] | null) => (list === null ? 'N/A' : list.join(','));
  const lines: string[] = [];
  for (const t of report.topics) {
    if (!report.filtered) {
      const configs = Object.entries(t.configs)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v ?? 'null'}`)
        .join(',');
      lines.push(
        `Topic: ${t.name}${t.id === 'AAAAAAAAAAAAAAAAAAAAAA' ? '' : `\tTopicId: ${t.id}`}\tPartitionCount: ${t.partitionCount}\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${configs}`,
      );
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

export const topicsCreatePrinter: Printer<CreateReport> = {
  text: (r, io) => io.stdout.write(r.created ? `Created topic ${r.topic}.\n` : `Topic ${r.topic} already exists; nothing changed.\n`),
};

export const topicsAlterPrinter: Printer<AlterReport> = {
  json: (r) => ({ topic: r.topic, altered: r.changes.length > 0, changes: r.changes }),
  text(r, io) {
    if (!r.exists) io.stdout.write(`Topic ${r.topic} does not exist; nothing changed.\n`);
    else io.stdout.write(r.changes.length > 0 ? `Altered topic ${r.topic}: ${r.changes.join(', ')}.\n` : `Topic ${r.topic} already has ${r.partitions} partitions; nothing changed.\n`);
  },
};

export const topicsDeletePrinter: Printer<DeleteReport> = {
  json: (r) => ({ deleted: r.deleted, missing: r.named.filter((n) => !r.deleted.includes(n)) }),
  text(r, io) {
    for (const name of r.named) io.stdout.write(r.deleted.includes(name) ? `Deleted topic ${name}.\n` : `Topic ${name} does not exist; nothing to delete.\n`);
  },
};
