import { KafkaplaneError, errorMessage } from '../../../errors.ts';
import { withAdmin } from '../../../kafka/admin-session.ts';
import { executeReassignment, observeAssignment, reassigningPartitions, removeReplicationThrottle, throttleTarget } from '../../../kafka/reassignment.ts';
import { planRebalance } from '../../../ops/rebalance-plan.ts';
import type { KafkaClusterStatus } from '../../../api/status.ts';
import type { ConnectionConfig } from '../../../kafka/client.ts';
import type { ControllerContext } from '../../controller.ts';
import type { KubeObject } from '../../kube/client.ts';

/**
 * Draining brokers before a scale-down (spec.kubernetes.scaleDown.drain): the replicas of the brokers that go away
 * move to the ones that stay — `kafkaplane rebalance --drain`'s planner and executor (src/ops/rebalance-plan.ts,
 * src/kafka/reassignment.ts): fewest moves, rack-aware, with the replication throttle, then a preferred leader
 * election. Copying data takes minutes to hours, longer than a reconcile should, so a drain runs beside the
 * reconciles (one per cluster) and each reconcile reads its progress; the finished drain queues the cluster again,
 * whose next reconcile finds the brokers empty and removes them.
 *
 * A throttled drain is recorded in the KafkaCluster's status (`status.drain`) before its throttle is set: the run
 * plans, then waits until a reconcile has written the record (DrainRecord). An operator killed mid-drain (SIGKILL, OOM,
 * a lost node) cannot remove its throttle; the next one finds the record without a drain of its own and removes it
 * once Kafka has finished the moves it was given (leftoverThrottleStep).
 */

export type DrainRecord = NonNullable<KafkaClusterStatus['drain']>;

export type DrainState = { kind: 'draining'; message: string } | { kind: 'failed'; message: string };

interface Drain {
  brokers: number[];
  /** Partitions to move (0 while planning) and moved so far. */
  total: number;
  done: number;
  finished: boolean;
  error: string | undefined;
  abort: AbortController;
  promise: Promise<void>;
  /** The throttle it is about to set, once planned (written to the status before it is set). */
  record: DrainRecord | undefined;
  /** Resolved once a status write carried `record`. */
  recorded: PromiseWithResolvers<void>;
  /** Its throttle is gone (removed after the moves, or never set): the record can go. */
  throttleRemoved: boolean;
}

/** The longest a drain may copy before it gives up (cancelling what is unfinished; the next reconcile starts again). */
const MAX_DRAIN_MS = 6 * 3600_000;
const drains = new Map<string, Drain>();

/** Starts the drain of `brokers` for the cluster `key`, or reports the one running (or how the last one failed). */
export function drainStep(ctx: ControllerContext, key: string, object: KubeObject, brokers: readonly number[], throttleBytesPerSec: number | undefined): DrainState {
  const current = drains.get(key);
  const same = current !== undefined && current.brokers.join(',') === brokers.join(',');
  if (current && !current.finished && same) return { kind: 'draining', message: progress(current) };
  if (current && !current.finished) current.abort.abort(); // other brokers now: the old drain cancels its unfinished moves
  if (current?.finished) {
    drains.delete(key);
    if (current.error !== undefined && same) return { kind: 'failed', message: current.error };
  }
  const drain: Drain = {
    brokers: [...brokers],
    total: 0,
    done: 0,
    finished: false,
    error: undefined,
    abort: new AbortController(),
    promise: Promise.resolve(),
    record: undefined,
    recorded: Promise.withResolvers(),
    throttleRemoved: false,
  };
  drain.promise = (current && !current.finished ? current.promise : Promise.resolve()).then(() => run(ctx, key, object, drain, throttleBytesPerSec));
  drains.set(key, drain);
  return { kind: 'draining', message: progress(drain) };
}

/** This process's drain of the cluster, when it has a throttle record: the record, and whether its throttle is gone. */
function ownDrainRecord(key: string): { record: DrainRecord; throttleRemoved: boolean } | undefined {
  const d = drains.get(key);
  return d?.record ? { record: d.record, throttleRemoved: d.throttleRemoved } : undefined;
}

/** Records whose throttle this process removed, per cluster: a reconcile that reads an older status (the informer's cache lags its own writes) does not take them up again. */
const removedRecords = new Map<string, string>();

/**
 * What the status's drain record should be now: this process's own record until its throttle is gone; a record that
 * is not its own (a killed operator's) until leftoverThrottleStep has removed that throttle.
 */
function drainRecordNow(key: string, recorded: DrainRecord | undefined): { keep: DrainRecord | undefined; leftover: DrainRecord | undefined } {
  const own = ownDrainRecord(key);
  const ownNow = own && !own.throttleRemoved ? own.record : undefined;
  if (recorded === undefined || (own && JSON.stringify(own.record) === JSON.stringify(recorded)) || removedRecords.get(key) === JSON.stringify(recorded)) {
    return { keep: ownNow, leftover: undefined };
  }
  return { keep: ownNow, leftover: recorded };
}

/**
 * The drain record for the status: this process's own drain's until its throttle is gone; a record that is not its own
 * (its operator was killed mid-drain) until that throttle is removed, which waits for Kafka to finish the moves (and
 * for Kafka to answer); this process's own drain waits meanwhile to record its own.
 */
export async function drainRecordStep(
  ctx: ControllerContext,
  key: string,
  object: KubeObject,
  recorded: DrainRecord | undefined,
  connection: ConnectionConfig | undefined,
): Promise<DrainRecord | undefined> {
  const { keep, leftover } = drainRecordNow(key, recorded);
  if (leftover === undefined) return keep;
  if (connection === undefined) return leftover;
  try {
    return (await leftoverThrottleStep(ctx, key, object, connection, leftover)) ?? keep;
  } catch (error) {
    ctx.log('warn', 'could not remove the replication throttle of an interrupted drain; trying again', { cluster: key, error: errorMessage(error) });
    return leftover;
  }
}

/** A status write carried `record`: the drain may set its throttle now. */
export function drainRecorded(key: string, record: DrainRecord | undefined): void {
  const d = drains.get(key);
  if (d?.record !== undefined && d.record === record) d.recorded.resolve();
}

/**
 * What the status records beyond this process's own drain: a throttle that a killed operator left. With Kafka no
 * longer moving any of its topics' partitions, it is removed (an event says so) and the record goes; while Kafka still
 * moves them the throttle is what keeps that copy from flooding the brokers, so it stays (and the record with it).
 */
async function leftoverThrottleStep(ctx: ControllerContext, key: string, object: KubeObject, connection: ConnectionConfig, record: DrainRecord): Promise<DrainRecord | undefined> {
  const reassigning = await ctx.admins.with(connection, async (admin) => {
    const running = await reassigningPartitions(admin, record.throttle.topics);
    if (running.length === 0) await removeReplicationThrottle(admin, record.throttle);
    return running;
  });
  if (reassigning.length > 0) {
    ctx.log('info', 'an interrupted drain left a replication throttle; it stays while Kafka still moves its partitions', {
      cluster: key,
      reassigning: reassigning.slice(0, 10),
      count: reassigning.length,
    });
    return record;
  }
  removedRecords.set(key, JSON.stringify(record));
  ctx.log('info', 'removed the replication throttle of an interrupted drain', { cluster: `${object.metadata.namespace}/${object.metadata.name}`, ...record });
  await ctx.event(
    object,
    'Normal',
    'DrainThrottleRemoved',
    `removed the replication throttle a drain of brokers ${record.brokers.join(', ')} left when its operator stopped (brokers ${record.throttle.brokers.join(', ')}; ${record.throttle.topics.length} topics)`,
  );
  return undefined;
}

/** The spec no longer removes brokers (the scale-down was undone): a running drain stops; moves already done stay. */
export function cancelDrain(key: string): void {
  drains.get(key)?.abort.abort();
}

/** The operator stops: running drains cancel their unfinished moves and remove their throttle before it exits. */
export async function stopDrains(): Promise<void> {
  for (const d of drains.values()) d.abort.abort();
  await Promise.all([...drains.values()].map((d) => d.promise));
  drains.clear();
}

function progress(d: Drain): string {
  const what = `brokers ${d.brokers.join(', ')}`;
  return d.total === 0 ? `planning the moves off ${what}` : `moving partition replicas off ${what}: ${d.done} of ${d.total} partitions moved`;
}

async function run(ctx: ControllerContext, key: string, object: KubeObject, drain: Drain, throttleBytesPerSec: number | undefined): Promise<void> {
  if (drain.abort.signal.aborted) {
    drain.finished = true;
    return;
  }
  try {
    const result = await withAdmin(await ctx.kafka(object), async (admin) => {
      const observed = await observeAssignment(admin, () => true);
      if (observed.reassigning.length > 0) {
        throw new KafkaplaneError(
          'REASSIGNMENT_RUNNING',
          `Kafka is already reassigning ${observed.reassigning.length} partition${observed.reassigning.length === 1 ? '' : 's'} (${observed.reassigning.slice(0, 5).join(', ')}): the drain starts when that is done`,
        );
      }
      const plan = planRebalance(observed.brokers, observed.partitions, { kind: 'drain', brokers: drain.brokers });
      const moved = new Set(plan.moves.map((m) => `${m.topic}-${m.partition}`));
      const lagging = observed.underReplicated.filter((p) => moved.has(p));
      if (lagging.length > 0) {
        throw new KafkaplaneError(
          'REASSIGNMENT_RUNNING',
          `${lagging.length} partition${lagging.length === 1 ? ' is' : 's are'} not fully in sync (${lagging.slice(0, 5).join(', ')}): moving them now could lose data; the drain starts when they are`,
        );
      }
      drain.total = plan.moves.length;
      if (throttleBytesPerSec !== undefined && plan.moves.length > 0) {
        // Recorded in the status before it is set: a throttle this process cannot remove is then one the next removes.
        drain.record = { brokers: [...drain.brokers], throttle: await throttleTarget(admin, plan.moves) };
        ctx.enqueue(key);
        await Promise.race([drain.recorded.promise, new Promise((resolve) => drain.abort.signal.addEventListener('abort', resolve, { once: true }))]);
        if (drain.abort.signal.aborted) throw new KafkaplaneError('INTERRUPTED', 'the drain was cancelled before it moved anything');
      }
      ctx.log('info', 'draining brokers', { cluster: key, brokers: drain.brokers, moves: plan.moves.length, throttleBytesPerSec });
      await ctx.event(
        object,
        'Normal',
        'DrainingBrokers',
        `moving ${plan.moves.length} partition replicas off brokers ${drain.brokers.join(', ')}${throttleBytesPerSec ? ` (throttle ${throttleBytesPerSec} bytes/s per broker)` : ''}`,
      );
      const executed = await executeReassignment(admin, plan.moves, {
        throttleBytesPerSec,
        signal: drain.abort.signal,
        maxWaitMs: MAX_DRAIN_MS,
        onProgress: (p) => {
          drain.done = p.done;
        },
      });
      drain.throttleRemoved = executed.throttle === null || executed.throttle.removed;
      return executed;
    });
    await ctx.event(
      object,
      'Normal',
      'BrokersDrained',
      `brokers ${drain.brokers.join(', ')} host no partition replicas (${result.moved} moved in ${Math.round(result.elapsedMs / 1000)} s): removing them`,
    );
  } catch (error) {
    drain.error = `draining brokers ${drain.brokers.join(', ')} failed: ${errorMessage(error)}`;
    ctx.log('warn', 'drain failed', { cluster: key, error: drain.error });
  } finally {
    // Failed or interrupted after its throttle was recorded: remove it here (the executor tries too; this is idempotent).
    if (drain.record && !drain.throttleRemoved) {
      drain.throttleRemoved = await withAdmin(await ctx.kafka(object), (admin) => removeReplicationThrottle(admin, drain.record!.throttle)).then(
        () => true,
        (error: unknown) => {
          ctx.log('warn', 'could not remove the drain throttle; the next reconcile tries again', { cluster: key, error: errorMessage(error) });
          return false;
        },
      );
    }
    drain.finished = true;
    if (!drain.abort.signal.aborted) ctx.enqueue(key);
  }
}
