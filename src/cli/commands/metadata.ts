// `kafkaplane metadata`: the brokers, the controller and every topic's partitions as `kcat -L` prints them (and
// `kcat -L -J` with -o json), from one Metadata request over a single connection.
import { KafkaplaneError } from '../../errors.ts';
import { withBrokerLink } from '../../kafka/broker-link.ts';
import { type ClusterMetadata, fetchMetadata } from '../../kafka/metadata.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, printJson } from '../output.ts';

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

export async function runMetadata(flags: ConnectionFlags & { topic?: string }, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const metadata = await withBrokerLink(config, (link, protocol) => fetchMetadata(link, protocol.metadataV12, flags.topic !== undefined ? [flags.topic] : null, link.address));
  if (io.format === 'json') printJson(io, kcatMetadataJson(metadata, flags.topic));
  else io.stdout.write(formatKcatMetadata(metadata, flags.topic));
  if (flags.topic !== undefined && metadata.topics.some((t) => t.error === 'UNKNOWN_TOPIC_OR_PARTITION')) {
    throw new KafkaplaneError('UNKNOWN_TOPIC', `topic '${flags.topic}' does not exist`, { hint: 'list the topics with `kafkaplane topics list`' });
  }
  return 0;
}
