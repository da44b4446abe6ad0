import type { ClusterMetadata } from '@platformatic/kafka';
import { KafkaplaneError, errorMessage } from '../errors.ts';
import { type ConnectionConfig, DEFAULT_TIMEOUT_MS, connectionError, isConnectionFailure } from './connect.ts';

/**
 * Bounds a client's first request (metadata) by the connection timeout. The client retries failed attempts, which
 * is right once a cluster is known to answer but would let an address that accepts connections and never answers
 * as Kafka (a proxy, a TLS listener spoken to in plaintext) hold the command for several timeouts. The caller closes
 * the client afterwards either way.
 */
export async function firstContact<T>(config: ConnectionConfig, request: Promise<T>, onError: (error: unknown) => never): Promise<T> {
  const ms = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}: no answer to a metadata request within ${ms / 1000} s`, {
          hint: 'the address takes connections but does not answer as Kafka: a wrong port, a TLS listener spoken to in plaintext (--tls), or a proxy in between; raise --timeout if the cluster is just slow',
        }),
      );
    }, ms);
  });
  try {
    return await Promise.race([request, deadline]);
  } catch (error) {
    if (error instanceof KafkaplaneError) throw error;
    if (isConnectionFailure(error)) throw connectionError(config, error);
    return onError(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Metadata for the topics a command works on, as its first contact: an unknown topic is a clear error (exit 1). */
export async function topicMetadata(client: { metadata(options: { topics: string[]; retries?: number }): Promise<ClusterMetadata> }, config: ConnectionConfig, topics: readonly string[]): Promise<ClusterMetadata> {
  // Few retries: an unknown topic is reported as retriable, and should not take the whole timeout to report.
  return firstContact(config, client.metadata({ topics: [...topics], retries: 2 }), (error) => {
    const unknown = /Unknown topic (.*)\./.exec(errorMessage(error));
    if (unknown) {
      const name = unknown[1] && unknown[1] !== 'unknown' ? unknown[1] : topics.length === 1 ? topics[0] : undefined;
      throw new KafkaplaneError('UNKNOWN_TOPIC', `topic ${name ? `"${name}" ` : ''}does not exist`, { exitCode: 1, hint: 'list topics with `kafkaplane topics list`; create one with `kafkaplane topics create NAME`' });
    }
    throw error;
  });
}
