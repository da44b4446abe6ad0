import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError, errorMessage } from '../errors.ts';
import { replicationFactor } from '../model/partition-health.ts';
import type { ObservedTopic, TopicAction } from '../ops/topic-plan.ts';
import { loadKafka } from './client.ts';

/**
 * Topic reconcile, the side-effect half: observe what Kafka has for the desired topics, and execute a plan from
 * src/ops/topic-plan.ts. Used by `kafkaplane up` and by the operator.
 */

/** What Kafka has for these topic names (absent names are not in the map). Three requests, whatever the count. */
export async function observeTopics(admin: Admin, names: readonly string[]): Promise<Map<string, ObservedTopic>> {
  const observed = new Map<string, ObservedTopic>();
  if (names.length === 0) return observed;
  const { ConfigResourceTypes, ConfigSources } = await loadKafka();
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const present = [...new Set(names)].filter((n) => existing.has(n));
  if (present.length === 0) return observed;
  const metadata = await admin.metadata({ topics: present, forceUpdate: true });
  const configs = await admin.describeConfigs({ resources: present.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name })) });
  const overrides = new Map(
    configs.map((d) => [d.resourceName, Object.fromEntries(d.configs.filter((c) => c.configSource === ConfigSources.DYNAMIC_TOPIC_CONFIG).map((c) => [c.name, c.value ?? '']))]),
  );
  for (const name of present) {
    const topic = metadata.topics.get(name);
    if (!topic) continue;
    const first = topic.partitions[0];
    observed.set(name, {
      name,
      partitions: topic.partitionsCount,
      replicationFactor: first ? replicationFactor({ leader: first.leader, replicas: first.replicas, isr: first.isr }) : 0,
      overrides: overrides.get(name) ?? {},
      ...(topic.id ? { id: topic.id } : {}),
    });
  }
  return observed;
}

export type TopicActionResult = { action: TopicAction; error?: KafkaplaneError };

/**
 * Runs the actions: creates grouped by their configs (one request per group), new partitions of every topic in one
 * request, config changes of every topic in one request. `not-supported` actions are reported, never executed. A
 * failed action is returned with its error; the others still run.
 */
export async function applyTopicActions(admin: Admin, actions: readonly TopicAction[]): Promise<TopicActionResult[]> {
  const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = await loadKafka();
  const results: TopicActionResult[] = [];
  // Creates with the same configs go in one CreateTopics request (100 new topics: one round trip, not 100); when
  // such a request fails, its topics are created one by one so that each gets its own error.
  const creates = actions.filter((a) => a.kind === 'create');
  const groups = Map.groupBy(creates, (action) => JSON.stringify(Object.entries(action.topic.config).sort(([a], [b]) => (a < b ? -1 : 1))));
  const spec = (topic: (typeof creates)[number]['topic']) => ({
    topic: topic.name,
    ...(topic.partitions ? { partitions: topic.partitions } : {}),
    ...(topic.replicas ? { replicas: topic.replicas } : {}),
  });
  for (const group of groups.values()) {
    const configs = Object.entries(group[0]!.topic.config).map(([name, value]) => ({ name, value }));
    if (group.length > 1) {
      const ok = await admin
        .createTopics({ topics: group.map((a) => spec(a.topic)), configs })
        .then(() => true)
        .catch(() => false);
      if (ok) {
        results.push(...group.map((action) => ({ action })));
        continue;
      }
    }
    for (const action of group) {
      try {
        await admin.createTopics({ topics: [spec(action.topic)], configs });
        results.push({ action });
      } catch (error) {
        results.push({ action, error: new KafkaplaneError('TOPIC_CREATE_FAILED', `cannot create topic "${action.topic.name}": ${errorMessage(error)}`, { cause: error }) });
      }
    }
  }
  const grow = actions.filter((a) => a.kind === 'add-partitions');
  if (grow.length > 0) {
    const error = await admin
      .createPartitions({ topics: grow.map((a) => ({ name: a.topic, count: a.to })) })
      .then(() => undefined)
      .catch((e: unknown) => new KafkaplaneError('TOPIC_ALTER_FAILED', `cannot add partitions to ${grow.map((a) => `"${a.topic}"`).join(', ')}: ${errorMessage(e)}`, { cause: e }));
    results.push(...grow.map((action) => (error ? { action, error } : { action })));
  }
  const alter = actions.filter((a) => a.kind === 'alter-configs');
  if (alter.length > 0) {
    const resources = alter.map((a) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: a.topic,
      configs: [
        ...Object.entries(a.set).map(([name, value]) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
        ...a.delete.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
      ] as never,
    }));
    const error = await admin
      .incrementalAlterConfigs({ resources })
      .then(() => undefined)
      .catch((e: unknown) => new KafkaplaneError('TOPIC_ALTER_FAILED', `cannot change the configs of ${alter.map((a) => `"${a.topic}"`).join(', ')}: ${errorMessage(e)}`, { cause: e }));
    results.push(...alter.map((action) => (error ? { action, error } : { action })));
  }
  return results;
}

/** The plan's refusals as one error (for callers that apply all or nothing, such as `up`). */
export function refusedTopicActions(actions: readonly TopicAction[]): KafkaplaneError | undefined {
  const refused = actions.filter((a) => a.kind === 'not-supported');
  const first = refused[0];
  if (!first) return undefined;
  const message = refused.map((a) => a.message).join('\n');
  return new KafkaplaneError(first.reason, message, { hint: refused.map((a) => a.fix).join('; ') });
}
