// Printers of `kafkaplane metadata` (kcat -L, and kcat -L -J with -o json) and `kafkaplane cluster describe`
// (kafka-metadata-quorum describe --status/--replication).
import { KafkaplaneError } from '../../errors.ts';
import type { ClusterMetadata } from '../../kafka/metadata.ts';
import type { ClusterReport } from '../commands/cluster-describe.ts';
import type { MetadataReport } from '../commands/metadata.ts';
import type { Printer } from '../declare.ts';
import { formatTable } from '../output.ts';

const ERROR_TEXT: Record<string, string> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'Broker: Unknown topic or partition',
  LEADER_NOT_AVAILABLE: 'Broker: Leader not available',
  REPLICA_NOT_AVAILABLE: 'Broker: Replica not available',
  TOPIC_AUTHORIZATION_FAILED: 'Broker: Topic authorization failed',
  INVALID_TOPIC_EXCEPTION: 'Broker: Invalid topic',
};

/** Which broker answered, as kcat names it: `id: host:port/id`. */
function origin(m: ClusterMetadata): { id: number; name: string } {
  const broker = m.brokers.find((b) => `${b.host}:${b.port}` === m.answeredBy);
  return broker ? { id: broker.id, name: `${m.answeredBy}/${broker.id}` } : { id: -1, name: `${m.answeredBy}/bootstrap` };
}

export function formatKcatMetadata(m: ClusterMetadata, topic?: string): string {
  const from = origin(m);
  const lines = [`Metadata for ${topic ?? 'all topics'} (from broker ${from.id}: ${from.name}):`, ` ${m.brokers.length} brokers:`];
  for (const b of m.brokers) lines.push(`  broker ${b.id} at ${b.host}:${b.port}${b.id === m.controllerId ? ' (controller)' : ''}`);
  lines.push(` ${m.topics.length} topics:`);
  for (const t of m.topics) {
    const error = t.error ? `: ${ERROR_TEXT[t.error] ?? t.error}` : '';
    lines.push(`  topic "${t.name}" with ${t.partitions.length} partitions${error ? error : ':'}`);
    for (const p of t.partitions) {
      const perror = p.error ? `: ${ERROR_TEXT[p.error] ?? p.error}` : '';
      lines.push(`    partition ${p.partition}, leader ${p.leader}, replicas: ${p.replicas.join(',')}, isrs: ${p.isr.join(',')}${perror}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The shape of `kcat -L -J`, plus the cluster id. */
export function kcatMetadataJson(m: ClusterMetadata, topic?: string) {
  return {
    originating_broker: origin(m),
    query: { topic: topic ?? '*' },
    controllerid: m.controllerId,
    clusterid: m.clusterId,
    brokers: m.brokers.map((b) => ({ id: b.id, name: `${b.host}:${b.port}`, ...(b.rack ? { rack: b.rack } : {}) })),
    topics: m.topics.map((t) => ({
      topic: t.name,
      ...(t.error ? { error: ERROR_TEXT[t.error] ?? t.error } : {}),
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas.map((id) => ({ id })),
        isrs: p.isr.map((id) => ({ id })),
        ...(p.error ? { error: ERROR_TEXT[p.error] ?? p.error } : {}),
      })),
    })),
  };
}

export const metadataPrinter: Printer<MetadataReport> = {
  json: (r) => kcatMetadataJson(r.metadata, r.topic),
  text: (r, io) => io.stdout.write(formatKcatMetadata(r.metadata, r.topic)),
  // kcat prints what the broker said about a missing topic; then the command fails.
  failure: (r) =>
    r.topic !== undefined && r.metadata.topics.some((t) => t.error === 'UNKNOWN_TOPIC_OR_PARTITION')
      ? new KafkaplaneError('UNKNOWN_TOPIC', `topic '${r.topic}' does not exist`, { hint: 'list the topics with `kafkaplane topics list`' })
      : undefined,
};

function ago(ts: number | null, now: number): string {
  return ts === null ? '-' : `${Math.max(0, now - ts)} ms ago`;
}

export const clusterDescribePrinter: Printer<ClusterReport> = {
  exitCode: (report) => (report.quorum ? 0 : 1),
  text(report, io) {
    const now = Date.now();
    const lines = [`Cluster id:  ${report.clusterId ?? '-'}`, `Brokers:     ${report.brokers.length} (metadata names broker ${report.controllerId} as controller)`, ''];
    lines.push(
      formatTable(
        ['BROKER', 'HOST', 'PORT', 'RACK'],
        report.brokers.map((b) => [b.id, b.host, b.port, b.rack]),
      ).trimEnd(),
      '',
    );
    if (report.quorum) {
      const q = report.quorum;
      lines.push(
        `KRaft quorum: leader ${q.leaderId} (the active controller), epoch ${q.leaderEpoch}, high watermark ${q.highWatermark}, max follower lag ${q.maxFollowerLag} (${q.maxFollowerLagTimeMs} ms)`,
        '',
      );
      lines.push(
        formatTable(
          ['NODE', 'DIRECTORY-ID', 'LOG-END-OFFSET', 'LAG', 'LAST-FETCH', 'LAST-CAUGHT-UP', 'STATUS'],
          [...q.voters, ...q.observers].map((r) => [r.id, r.directoryId, r.logEndOffset, r.lag, ago(r.lastFetchTimestamp, now), ago(r.lastCaughtUpTimestamp, now), r.status]),
        ).trimEnd(),
      );
    } else lines.push(`KRaft quorum: cannot describe it: ${report.quorumError}`);
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};
