import type { ClusterMetadata } from '@platformatic/kafka';
import { KafkaplaneError, action, errorMessage, hint } from '../errors.ts';
import { firstContact } from './admin-session.ts';
import type { ConnectionConfig } from './client.ts';

/** Metadata for the topics a command works on, as its first contact: an unknown topic is a clear error (exit 1). */
export async function topicMetadata(
  client: { metadata(options: { topics: string[]; retries?: number }): Promise<ClusterMetadata> },
  config: ConnectionConfig,
  topics: readonly string[],
): Promise<ClusterMetadata> {
  // Few retries: an unknown topic is reported as retriable, and should not take the whole timeout to report.
  return firstContact(config, client.metadata({ topics: [...topics], retries: 2 }), (error) => {
    const unknown = /Unknown topic (.*)\./.exec(errorMessage(error));
    if (unknown) {
      const name = unknown[1] && unknown[1] !== 'unknown' ? unknown[1] : topics.length === 1 ? topics[0] : undefined;
      throw new KafkaplaneError('UNKNOWN_TOPIC', `topic ${name ? `"${name}" ` : ''}does not exist`, {
        hint: hint`list topics with \`${action('topicsList')}\`; create one with \`${action('topicsCreate', 'NAME')}\``,
      });
    }
    throw error;
  });
}
