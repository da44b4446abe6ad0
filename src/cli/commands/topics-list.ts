import { withBrokerLink } from '../../kafka/broker-link.ts';
import { type TopicMetadata, fetchMetadata } from '../../kafka/metadata.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type TopicSelectionFlags, topicSelector } from '../topic-args.ts';

/** `kafkaplane topics list`: the topics (one Metadata request; internal ones only when asked). */
export async function topicsList(flags: ConnectionFlags & TopicSelectionFlags): Promise<TopicMetadata[]> {
  const select = topicSelector([], flags);
  const config = await resolveConnection(flags);
  const metadata = await withBrokerLink(config, (link, protocol) => fetchMetadata(link, protocol.metadataV12, null, link.address));
  return metadata.topics.filter((t) => t.error !== 'UNKNOWN_TOPIC_OR_PARTITION' && select(t));
}
