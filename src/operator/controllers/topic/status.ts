import { KafkaplaneError } from '../../../errors.ts';
import type { ConditionUpdate } from '../../conditions.ts';
import type { TopicOutcome } from './batcher.ts';

/**
 * The conditions a KafkaTopic gets from what its reconcile did: Ready when Kafka matches the spec; NotSupported
 * (and Ready False) when the spec asks what Kafka cannot do in place — nothing is changed then; Ready False with
 * the error when Kafka refused an action (the reconcile is retried).
 */
export function topicConditions(outcome: Pick<TopicOutcome, 'actions' | 'errors' | 'observed'>): { updates: ConditionUpdate[]; failed: KafkaplaneError | undefined; pending?: boolean } {
  const refused = outcome.actions.filter((a) => a.kind === 'not-supported');
  if (refused.length > 0) {
    const message = refused.map((a) => `${a.message}: ${a.fix}`).join('; ');
    const reason = refused[0]!.reason === 'TOPIC_PARTITIONS_DECREASE' ? 'PartitionsDecrease' : 'ReplicasChange';
    return {
      updates: [
        { type: 'Ready', status: 'False', reason: 'NotSupported', message },
        { type: 'NotSupported', status: 'True', reason, message },
      ],
      failed: undefined,
    };
  }
  if (outcome.errors.length > 0) {
    const message = outcome.errors.map((e) => e.message).join('; ');
    return {
      updates: [{ type: 'Ready', status: 'False', reason: 'KafkaError', message }],
      failed: new KafkaplaneError(outcome.errors[0]!.code, message),
    };
  }
  if (!outcome.observed) {
    // Created, but the brokers' metadata does not show it yet: Ready must mean that clients see the topic.
    return { updates: [{ type: 'Ready', status: 'False', reason: 'Creating', message: "the topic was created; the brokers' metadata does not show it yet" }], failed: undefined, pending: true };
  }
  return { updates: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'the topic in Kafka matches the spec' }], failed: undefined };
}
