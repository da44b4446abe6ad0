import { type Admin, ConfigResourceTypes, ConfigSources, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { KafkaplaneError, errorMessage } from '../errors.ts';

export interface DesiredTopic {
  name: string;
  /** undefined: the broker's num.partitions. */
  partitions?: number | undefined;
  /** undefined: the broker's default.replication.factor. */
  replicas?: number | undefined;
  config: Record<string, string>;
}

export interface TopicChange {
  topic: string;
  action: 'created' | 'updated' | 'unchanged';
  changes: string[];
}

/**
 * Makes each topic match its spec: creates missing topics, adds partitions, sets and removes per-topic config
 * overrides. What Kafka cannot do in place (fewer partitions, another replication factor) fails with the reason
 * before anything about that topic changes.
 */
export async function applyTopics(admin: Admin, desired: readonly DesiredTopic[]): Promise<TopicChange[]> {
  if (desired.length === 0) return [];
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const results: TopicChange[] = [];
  const present = desired.filter((t) => existing.has(t.name));
  const metadata = present.length > 0 ? await admin.metadata({ topics: present.map((t) => t.name), forceUpdate: true }) : undefined;

  // Check every existing topic before changing any, so a bad spec changes nothing.
  for (const topic of present) {
    const current = metadata?.topics.get(topic.name);
    if (!current) continue;
    if (topic.partitions !== undefined && topic.partitions < current.partitionsCount) {
      throw new KafkaplaneError('TOPIC_PARTITIONS_DECREASE', `topic "${topic.name}" has ${current.partitionsCount} partitions; Kafka cannot reduce them to ${topic.partitions}`, {
        hint: `keep partitions: ${current.partitionsCount} (or more) in the spec, or delete and recreate the topic`,
      });
    }
    const rf = current.partitions[0]?.replicas.length;
    if (topic.replicas !== undefined && rf !== undefined && topic.replicas !== rf) {
      throw new KafkaplaneError('TOPIC_REPLICAS_CHANGE', `topic "${topic.name}" has replication factor ${rf}; changing it to ${topic.replicas} needs a partition reassignment, which kafkaplane does not run as part of applying a spec`, {
        hint: `set replicas: ${rf} in the spec, or reassign the partitions with kafka-reassign-partitions`,
      });
    }
  }

  for (const topic of desired) {
    const configs = Object.entries(topic.config).map(([name, value]) => ({ name, value }));
    if (!existing.has(topic.name)) {
      try {
        await admin.createTopics({
          topics: [{ topic: topic.name, ...(topic.partitions ? { partitions: topic.partitions } : {}), ...(topic.replicas ? { replicas: topic.replicas } : {}) }],
          configs,
        });
      } catch (error) {
        throw new KafkaplaneError('TOPIC_CREATE_FAILED', `cannot create topic "${topic.name}": ${errorMessage(error)}`, { cause: error });
      }
      results.push({ topic: topic.name, action: 'created', changes: [] });
      continue;
    }
    const changes: string[] = [];
    const current = metadata?.topics.get(topic.name);
    if (current && topic.partitions !== undefined && topic.partitions > current.partitionsCount) {
      await admin.createPartitions({ topics: [{ name: topic.name, count: topic.partitions }] });
      changes.push(`partitions ${current.partitionsCount} → ${topic.partitions}`);
    }
    const [described] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic.name }] });
    const overrides = new Map(
      (described?.configs ?? []).filter((c) => c.configSource === ConfigSources.DYNAMIC_TOPIC_CONFIG).map((c) => [c.name, c.value]),
    );
    const operations: { name: string; value?: string; configOperation: number }[] = [];
    for (const [name, value] of Object.entries(topic.config)) {
      if (overrides.get(name) !== value) {
        operations.push({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET });
        changes.push(`${name}=${value}`);
      }
    }
    for (const name of overrides.keys()) {
      if (!(name in topic.config)) {
        operations.push({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE });
        changes.push(`-${name}`);
      }
    }
    if (operations.length > 0) {
      await admin.incrementalAlterConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic.name, configs: operations as never }],
      });
    }
    results.push({ topic: topic.name, action: changes.length > 0 ? 'updated' : 'unchanged', changes });
  }
  return results;
}
