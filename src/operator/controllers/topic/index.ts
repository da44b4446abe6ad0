import { CLUSTER_LABEL } from '../../../api/common.ts';
import { kafkaTopicName } from '../../../api/kafka-topic.ts';
import type { Condition } from '../../../api/status.ts';
import { errorMessage } from '../../../errors.ts';
import { desiredTopic } from '../../../ops/topic-plan.ts';
import { type ConditionUpdate, setConditions } from '../../conditions.ts';
import type { Controller, ControllerContext } from '../../controller.ts';
import { DELETION_POLICY_ANNOTATION, TOPIC_FINALIZER, hasFinalizer, keysOfCluster, olderFirst, owningCluster, parseTopic, setFinalizer, unmanaged, writeStatus } from '../../custom-resources.ts';
import { KubeApiError, type KubeObject } from '../../kube/client.ts';
import { trace, tracing } from '../../trace.ts';
import { TopicBatcher } from './batcher.ts';
import { topicConditions } from './status.ts';

export interface TopicControllerOptions {
  /** What deleting a KafkaTopic does to the Kafka topic (a resource's `kafkaplane.io/deletion-policy` overrides it). */
  deletion?: 'delete' | 'keep';
  /** How long a batch of KafkaTopic reconciles waits for one more before its Kafka requests go (up to 0.5 s in all). */
  batchWindowMs?: number;
  /** Reconcile every topic this often even without a change, to repair drift in Kafka. */
  resyncMs?: number;
  workers?: number;
}

/** The Kafka topic name a KafkaTopic object claims (spec.topicName, else metadata.name). */
const claimedName = (o: KubeObject): string => ((o.spec as { topicName?: string } | undefined)?.topicName ?? o.metadata.name) as string;

/** The other KafkaTopics of the same cluster and namespace that claim the same Kafka topic name. */
function claimants(object: KubeObject, all: readonly KubeObject[]): KubeObject[] {
  const cluster = object.metadata.labels?.[CLUSTER_LABEL];
  const name = claimedName(object);
  return all.filter((o) => o.metadata.namespace === object.metadata.namespace && o.metadata.labels?.[CLUSTER_LABEL] === cluster && claimedName(o) === name && !unmanaged(o));
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/**
 * The KafkaTopic controller, with the Strimzi topic operator's semantics (reference.md §5; docs/operator.md): one
 * way from the resource to Kafka through the shared plan (src/ops/topic-plan.ts) and executor
 * (src/kafka/topic-reconcile.ts), Kafka work batched per cluster (TopicBatcher).
 */
export function topicController(options: TopicControllerOptions = {}): Controller {
  // Made by the first reconcile: its Kafka clients are the manager's, shared with the other controllers.
  let batches: TopicBatcher | undefined;
  const batcher = (ctx: ControllerContext) => (batches ??= new TopicBatcher(ctx.admins, options.batchWindowMs ?? 100));
  const resyncMs = options.resyncMs ?? 300_000;

  async function reconcile(key: string, ctx: ControllerContext) {
    const object = ctx.cache('KafkaTopic').get(key);
    if (!object) return;
    if (tracing) trace('reconcile', { key });
    const now = ctx.now().toISOString();
    const generation = object.metadata.generation;
    const status = (object.status ?? {}) as { conditions?: Condition[] };
    const write = (updates: ConditionUpdate[], extra: Record<string, unknown> = {}) =>
      writeStatus(ctx, object, { ...extra, observedGeneration: generation, conditions: setConditions(status.conditions, updates, now, generation, { replaceAll: true }) });
    const deleting = object.metadata.deletionTimestamp !== undefined;

    if (unmanaged(object)) {
      await setFinalizer(ctx, object, TOPIC_FINALIZER, false);
      if (!deleting) await write([{ type: 'Ready', status: 'Unknown', reason: 'Unmanaged', message: 'annotation kafkaplane.io/managed is "false": the operator leaves this topic alone' }]);
      return;
    }

    const others = claimants(object, ctx.cache('KafkaTopic').list()).filter((o) => o.metadata.uid !== object.metadata.uid);
    const cluster = owningCluster(object, ctx);

    if (deleting) {
      if (!hasFinalizer(object, TOPIC_FINALIZER)) return;
      const keep = (object.metadata.annotations?.[DELETION_POLICY_ANNOTATION] ?? options.deletion ?? 'delete') === 'keep';
      const stillClaimed = others.some((o) => o.metadata.deletionTimestamp === undefined);
      const parsed = parseTopic(object);
      if (cluster.cluster && !keep && !stillClaimed && parsed.value) {
        const name = (object.status as { topicName?: string } | undefined)?.topicName ?? kafkaTopicName(parsed.value);
        await batcher(ctx).delete(await ctx.kafka(cluster.cluster), [name]);
        ctx.log('info', 'deleted the Kafka topic', { key, topic: name });
        void ctx.event(object, 'Normal', 'TopicDeleted', `deleted topic "${name}" in Kafka`);
      }
      await setFinalizer(ctx, object, TOPIC_FINALIZER, false);
      for (const other of others) ctx.enqueue(keyOf(other));
      return;
    }

    const parsed = parseTopic(object);
    if (parsed.problem !== undefined) {
      await write([{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: parsed.problem }]);
      return;
    }
    if (!cluster.cluster) {
      await write([{ type: 'Ready', status: 'False', reason: cluster.reason, message: cluster.problem }]);
      return;
    }
    const winner = [object, ...others].sort(olderFirst)[0]!;
    if (winner.metadata.uid !== object.metadata.uid) {
      const message = `KafkaTopic ${keyOf(winner)} (older) already manages Kafka topic "${claimedName(object)}"; this resource is ignored until that one is deleted or renamed`;
      await write([
        { type: 'Ready', status: 'False', reason: 'ResourceConflict', message },
        { type: 'ResourceConflict', status: 'True', reason: 'ResourceConflict', message },
      ]);
      return;
    }

    const desired = desiredTopic(parsed.value);
    const previousName = (object.status as { topicName?: string } | undefined)?.topicName;
    if (previousName !== undefined && previousName !== desired.name) {
      // Strimzi: a topic cannot be renamed (Kafka has no rename); the resource keeps managing the old one.
      const message = `spec.topicName changed from "${previousName}" to "${desired.name}": Kafka cannot rename a topic; set topicName: ${previousName} again, or create a new KafkaTopic for "${desired.name}"`;
      await write(
        [
          { type: 'Ready', status: 'False', reason: 'NotSupported', message },
          { type: 'NotSupported', status: 'True', reason: 'TopicNameChange', message },
        ],
        { topicName: previousName },
      );
      return;
    }
    // The finalizer patch and the Kafka request go out together (on a loaded apiserver the patch alone took ~1 s of
    // a topic's latency). Should the resource be gone before its finalizer lands (deleted within that moment), the
    // topic this reconcile created is deleted again, so a deleted resource never leaves a topic behind.
    const kafka = ctx.kafka(cluster.cluster);
    const [finalized, submitted] = await Promise.allSettled([
      setFinalizer(ctx, object, TOPIC_FINALIZER, true).then((o) => {
        if (tracing) trace('finalized', { key });
        return o;
      }),
      kafka.then((config) => {
        if (tracing) trace('submit', { key });
        return batcher(ctx).submit(config, desired, key);
      }),
    ]);
    if (finalized.status === 'rejected') {
      const created = submitted.status === 'fulfilled' && submitted.value.actions.some((a) => a.kind === 'create');
      // 404: deleted; 409: changed since read — perhaps marked for deletion (other finalizers keep it), read it again.
      const gone = (o: KubeObject | undefined) => !o || o.metadata.uid !== object.metadata.uid || o.metadata.deletionTimestamp !== undefined;
      const conflict = finalized.reason instanceof KubeApiError && (finalized.reason.status === 404 || finalized.reason.status === 409);
      const keep = (object.metadata.annotations?.[DELETION_POLICY_ANNOTATION] ?? options.deletion ?? 'delete') === 'keep';
      if (created && !keep && conflict && gone(await ctx.client.get('KafkaTopic', object.metadata.namespace, object.metadata.name))) {
        await batcher(ctx).delete(await kafka, [desired.name]);
        ctx.log('info', 'the KafkaTopic was deleted while its topic was created: deleted the topic again', { key, topic: desired.name });
        return;
      }
      throw finalized.reason;
    }
    const current = finalized.value;
    let outcome: Awaited<ReturnType<TopicBatcher['submit']>>;
    try {
      if (submitted.status === 'rejected') throw submitted.reason;
      outcome = submitted.value;
    } catch (error) {
      await writeStatus(ctx, current, {
        ...((current.status as object | undefined) ?? {}),
        observedGeneration: generation,
        conditions: setConditions(status.conditions, [{ type: 'Ready', status: 'False', reason: 'KafkaUnreachable', message: errorMessage(error) }], now, generation, { replaceAll: true }),
      });
      throw error;
    }
    const { updates, failed, pending } = topicConditions(outcome);
    const observed = outcome.observed;
    await writeStatus(ctx, current, {
      observedGeneration: generation,
      conditions: setConditions(status.conditions, updates, now, generation, { replaceAll: true }),
      topicName: desired.name,
      ...(observed?.id ? { topicId: observed.id } : {}),
      ...(observed ? { partitions: observed.partitions, replicationFactor: observed.replicationFactor } : {}),
    });
    if (tracing) trace('status', { key, pending });
    for (const a of outcome.actions) {
      if (a.kind === 'create') void ctx.event(current, 'Normal', 'TopicCreated', `created topic "${a.topic.name}" in Kafka`);
      if (a.kind === 'not-supported') void ctx.event(current, 'Warning', a.reason, `${a.message}: ${a.fix}`);
    }
    if (failed) throw failed;
    return { requeueAfterMs: pending ? 1_000 : resyncMs };
  }

  return {
    kind: 'KafkaTopic',
    queue: { workers: options.workers ?? 256 },
    watches: [
      { kind: 'KafkaCluster', keysFor: (cluster, ctx) => keysOfCluster(cluster, ctx.cache('KafkaTopic').list()) },
      // A topic that goes (or renames) frees its Kafka name for the resource that lost the conflict.
      { kind: 'KafkaTopic', keysFor: (topic, ctx) => claimants(topic, ctx.cache('KafkaTopic').list()).map(keyOf) },
    ],
    reconcile,
    async stop() {
      batches?.stop();
    },
  };
}
