import type { Context } from 'hono';
import { errorMessage, KafkaplaneError } from '../../errors.ts';
import { describeKafkaError, isConnectionFailure, kafkaProtocolErrors, connectionError } from '../../kafka/errors.ts';
import type { ConsoleEnv } from '../layout.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { consoleHint } from './overview.ts';

/** A failure in words a user can act on (message, then hint); Kafka's own error names stay in. */
export function failureText(cluster: ConsoleCluster, error: unknown): string {
  if (error instanceof KafkaplaneError) return error.hint ? `${error.message} — ${consoleHint(error.hint)}` : error.message;
  if (isConnectionFailure(error)) return connectionError(cluster.connection, error).message;
  if (kafkaProtocolErrors(error).length > 0) return describeKafkaError(error);
  return errorMessage(error);
}

/** Records the failure for the audit line and returns the text for the page. */
export function failed(c: Context<ConsoleEnv>, cluster: ConsoleCluster, error: unknown): string {
  const text = failureText(cluster, error);
  c.set('auditError', text);
  if (!(error instanceof KafkaplaneError) && (isConnectionFailure(error) || kafkaProtocolErrors(error).length === 0)) void cluster.reset();
  return text;
}

/** 400 for input Kafka or the console refused, 502 when Kafka could not be reached. */
export function failureStatus(error: unknown): 400 | 409 | 502 {
  if (error instanceof KafkaplaneError) return error.exitCode === 2 || error.code === 'TOPIC_EXISTS' || error.code === 'GROUP_ACTIVE' ? 400 : 409;
  return isConnectionFailure(error) ? 502 : 400;
}
