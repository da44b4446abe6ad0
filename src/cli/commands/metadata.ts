// `kafkaplane metadata`: the brokers, the controller and every topic's partitions, from one Metadata request over a
// single connection (printed as `kcat -L` prints them).
import { withBrokerLink } from '../../kafka/broker-link.ts';
import { type ClusterMetadata, fetchMetadata } from '../../kafka/metadata.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';

export interface MetadataReport {
  metadata: ClusterMetadata;
  /** -t: the one topic asked for. */
  topic?: string;
}

export async function metadata(flags: ConnectionFlags & { topic?: string }): Promise<MetadataReport> {
  const config = await resolveConnection(flags);
  const found = await withBrokerLink(config, (link, protocol) => fetchMetadata(link, protocol.metadataV12, flags.topic !== undefined ? [flags.topic] : null, link.address));
  return { metadata: found, ...(flags.topic !== undefined ? { topic: flags.topic } : {}) };
}
