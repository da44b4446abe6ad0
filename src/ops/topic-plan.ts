import type { KafkaTopic } from '../api/kafka-topic.ts';
import { kafkaTopicName } from '../api/kafka-topic.ts';

/**
 * Topic reconcile, the pure half: desired topics (from KafkaTopic resources) against what Kafka has → the actions
 * that make Kafka match, with the Strimzi topic operator's semantics (reference.md §5): one-way from the resource to
 * Kafka; what Kafka cannot do in place (fewer partitions, another replication factor) is a `not-supported` action and
 * nothing else changes for that topic. `kafkaplane up` and the operator run the same plan through one executor
 * (src/kafka/topic-reconcile.ts).
 */
export interface DesiredTopic {
  name: string;
  /** undefined: the broker's num.partitions. */
  partitions?: number | undefined;
  /** undefined: the broker's default.replication.factor. */
  replicas?: number | undefined;
  /** Per-topic config overrides; every other override is removed. */
  config: Record<string, string>;
}

export interface ObservedTopic {
  name: string;
  partitions: number;
  /** Replication factor, not counting replicas a reassignment is adding. */
  replicationFactor: number;
  /** Per-topic overrides (DYNAMIC_TOPIC_CONFIG). */
  overrides: Record<string, string>;
  /** Kafka's topic id (base64), when the metadata gave one. */
  id?: string;
}

export type NotSupportedReason = 'TOPIC_PARTITIONS_DECREASE' | 'TOPIC_REPLICAS_CHANGE';

export type TopicAction =
  | { kind: 'create'; topic: DesiredTopic }
  | { kind: 'add-partitions'; topic: string; from: number; to: number }
  | { kind: 'alter-configs'; topic: string; set: Record<string, string>; delete: string[] }
  | { kind: 'not-supported'; topic: string; reason: NotSupportedReason; message: string; fix: string };

export function desiredTopic(topic: KafkaTopic): DesiredTopic {
  return {
    name: kafkaTopicName(topic),
    partitions: topic.spec.partitions,
    replicas: topic.spec.replicas,
    config: Object.fromEntries(Object.entries(topic.spec.config).map(([k, v]) => [k, String(v)])),
  };
}

/** The actions, topic by topic in the order given; an empty list when Kafka already matches. */
export function planTopics(desired: readonly DesiredTopic[], observed: ReadonlyMap<string, ObservedTopic>): TopicAction[] {
  return desired.flatMap((topic) => planTopic(topic, observed.get(topic.name)));
}

function planTopic(topic: DesiredTopic, current: ObservedTopic | undefined): TopicAction[] {
  if (!current) return [{ kind: 'create', topic }];
  const refusals: TopicAction[] = [];
  if (topic.partitions !== undefined && topic.partitions < current.partitions) {
    refusals.push({
      kind: 'not-supported',
      topic: topic.name,
      reason: 'TOPIC_PARTITIONS_DECREASE',
      message: `topic "${topic.name}" has ${current.partitions} partitions; Kafka cannot reduce them to ${topic.partitions}`,
      fix: `keep partitions: ${current.partitions} (or more) in the spec, or delete and recreate the topic`,
    });
  }
  if (topic.replicas !== undefined && current.replicationFactor > 0 && topic.replicas !== current.replicationFactor) {
    refusals.push({
      kind: 'not-supported',
      topic: topic.name,
      reason: 'TOPIC_REPLICAS_CHANGE',
      message: `topic "${topic.name}" has replication factor ${current.replicationFactor}; changing it to ${topic.replicas} needs a partition reassignment, which is not part of applying a spec`,
      fix: `set replicas: ${current.replicationFactor} in the spec, or reassign the partitions with kafka-reassign-partitions`,
    });
  }
  if (refusals.length > 0) return refusals;

  const actions: TopicAction[] = [];
  if (topic.partitions !== undefined && topic.partitions > current.partitions) {
    actions.push({ kind: 'add-partitions', topic: topic.name, from: current.partitions, to: topic.partitions });
  }
  const set = Object.fromEntries(Object.entries(topic.config).filter(([k, v]) => current.overrides[k] !== v));
  const remove = Object.keys(current.overrides)
    .filter((k) => !(k in topic.config))
    .sort();
  if (Object.keys(set).length > 0 || remove.length > 0) actions.push({ kind: 'alter-configs', topic: topic.name, set, delete: remove });
  return actions;
}

/** What applying the plan did to each desired topic, as `up` reports it. */
export interface TopicChange {
  topic: string;
  action: 'created' | 'updated' | 'unchanged';
  changes: string[];
}

export function describeTopicChanges(desired: readonly DesiredTopic[], actions: readonly TopicAction[]): TopicChange[] {
  return desired.map((topic) => {
    const mine = actions.filter((a) => (a.kind === 'create' ? a.topic.name : a.topic) === topic.name);
    if (mine.some((a) => a.kind === 'create')) return { topic: topic.name, action: 'created', changes: [] };
    const changes = mine.flatMap((a) => {
      if (a.kind === 'add-partitions') return [`partitions ${a.from} → ${a.to}`];
      if (a.kind === 'alter-configs') return [...Object.entries(a.set).map(([k, v]) => `${k}=${v}`), ...a.delete.map((k) => `-${k}`)];
      return [];
    });
    return { topic: topic.name, action: changes.length > 0 ? 'updated' : 'unchanged', changes };
  });
}
