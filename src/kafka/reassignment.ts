import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError, action, hint } from '../errors.ts';
import type { BrokerInfo, PartitionAssignment, PartitionMove } from '../ops/rebalance-plan.ts';
import { brokerConnection } from './broker-link.ts';
import { loadKafka } from './client.ts';
import { electPreferredLeaders } from './elect-leaders.ts';
import type { TopicMetadata } from './metadata.ts';
import { clusterMetadata, listReassignments } from './topics.ts';

// Partition reassignment (KIP-455) as kafka-reassign-partitions.sh --execute/--verify does it, with its replication
// throttle (KIP-73): AlterPartitionReassignments, then ListPartitionReassignments and Metadata until every moved
// partition has its new replicas, all in sync, then a preferred leader election (ElectLeaders, KIP-460). The throttle
// is set before and removed after, on failure and on interruption too (the interrupted partitions are cancelled, so
// nothing is left half moved without a throttle).

export interface ObservedAssignment {
  brokers: BrokerInfo[];
  partitions: PartitionAssignment[];
  /** Partitions Kafka is already reassigning (`topic-partition`): a new plan waits until they finish. */
  reassigning: string[];
  /** Partitions whose replicas are not all in sync: moving them now risks their data. */
  underReplicated: string[];
}

/** The assignment of the chosen topics: brokers with racks, replicas, sizes (DescribeLogDirs), reassignments running. */
export async function observeAssignment(admin: Admin, select: (topic: TopicMetadata) => boolean): Promise<ObservedAssignment> {
  const lib = await loadKafka();
  const metadata = await clusterMetadata(admin);
  const chosen = metadata.topics.filter((t) => t.error === null && select(t));
  const sizes = new Map<string, number>();
  let reassigning = new Map<string, unknown>();
  if (chosen.length > 0) {
    const described = await admin.describeLogDirs({ topics: chosen.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) })) });
    for (const b of described) {
      for (const r of b.results) {
        for (const t of r.topics) {
          for (const p of t.partitions) {
            if (p.isFutureKey) continue;
            const k = `${t.name}\u0000${p.partitionIndex}`;
            sizes.set(k, Math.max(sizes.get(k) ?? 0, Number(p.partitionSize)));
          }
        }
      }
    }
    reassigning = await listReassignments(await brokerConnection(admin), lib, chosen);
  }
  const partitions = chosen.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas, sizeBytes: sizes.get(`${t.name}\u0000${p.partition}`) ?? 0 })));
  const underReplicated = chosen.flatMap((t) => t.partitions.filter((p) => p.replicas.some((r) => !p.isr.includes(r))).map((p) => `${t.name}-${p.partition}`));
  return {
    brokers: metadata.brokers.map((b) => ({ id: b.id, rack: b.rack })),
    partitions,
    reassigning: [...reassigning.keys()].map((k) => k.replace('\u0000', '-')),
    underReplicated,
  };
}

export interface ReassignmentProgress {
  done: number;
  total: number;
  elapsedMs: number;
  /** Partitions still copying: `topic-partition`. */
  pending: string[];
}

export interface ReassignmentOptions {
  /** Bytes per second per broker for replication of the moved partitions; undefined: no throttle. */
  throttleBytesPerSec?: number;
  /** Interruption (Ctrl-C): the partitions not finished are cancelled, the throttle removed. */
  signal?: AbortSignal;
  onProgress?: (progress: ReassignmentProgress) => void;
  pollMs?: number;
  /** Gives up (cancelling what is not finished) after this long. */
  maxWaitMs: number;
}

export interface ReassignmentResult {
  moved: number;
  elapsedMs: number;
  throttle: { bytesPerSec: number; brokers: number[]; topics: string[]; removed: boolean } | null;
  /** The preferred leader election after the moves (ElectLeaders): how many partitions changed leader, or why it failed. */
  leaderElection: { elected: number; error: string | null };
}

const BROKER_THROTTLES = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'];
const TOPIC_THROTTLES = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

/** The partitions of `topics` Kafka is reassigning now (`topic-partition`); absent topics have none. */
export async function reassigningPartitions(admin: Admin, topics: readonly string[]): Promise<string[]> {
  if (topics.length === 0) return [];
  const lib = await loadKafka();
  const present = (await clusterMetadata(admin, [...topics])).topics.filter((t) => t.error === null);
  if (present.length === 0) return [];
  const running = await listReassignments(await brokerConnection(admin), lib, present);
  return [...running.keys()].map((k) => k.replace('\u0000', '-'));
}

/** Where the replication throttle of `moves` goes: the rate on the brokers involved, the replica lists on the topics. */
export interface ThrottleTarget {
  brokers: number[];
  topics: string[];
}

/** The throttle target of `moves`: the rate goes on the live brokers involved (a replica may sit on a broker that is gone). */
export async function throttleTarget(admin: Admin, moves: readonly PartitionMove[]): Promise<ThrottleTarget> {
  const live = new Set((await clusterMetadata(admin, [])).brokers.map((b) => b.id));
  return {
    brokers: [...new Set(moves.flatMap((m) => [...m.from, ...m.to]))].filter((id) => live.has(id)).sort((a, b) => a - b),
    topics: [...new Set(moves.map((m) => m.topic))].sort(),
  };
}

/**
 * Removes the replication throttle from `target` (kafka-reassign-partitions.sh --verify does it once the moves are
 * done): what a run that was killed before its own cleanup left. Configs already absent are not an error.
 */
export async function removeReplicationThrottle(admin: Admin, target: ThrottleTarget): Promise<void> {
  await removeThrottle(admin, await loadKafka(), target.brokers, target.topics);
}

/** Runs the moves; resolves when every moved partition has exactly its new replicas, all in sync. */
export async function executeReassignment(admin: Admin, moves: readonly PartitionMove[], options: ReassignmentOptions): Promise<ReassignmentResult> {
  const started = Date.now();
  if (moves.length === 0) return { moved: 0, elapsedMs: 0, throttle: null, leaderElection: { elected: 0, error: null } };
  const lib = await loadKafka();
  const { brokers, topics } = await throttleTarget(admin, moves);
  const throttle = options.throttleBytesPerSec !== undefined ? { bytesPerSec: Math.floor(options.throttleBytesPerSec), brokers, topics, removed: false } : null;
  const pending = new Map(moves.map((m) => [`${m.topic}\u0000${m.partition}`, m]));
  let submitted = false;
  try {
    if (throttle) await setThrottle(admin, lib, moves, throttle.bytesPerSec, brokers);
    await alterReassignments(
      admin,
      lib,
      moves.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.to })),
    );
    submitted = true;
    const pollMs = options.pollMs ?? 1000;
    for (;;) {
      const metadata = await clusterMetadata(admin, topics);
      const running = await listReassignments(
        await brokerConnection(admin),
        lib,
        metadata.topics.filter((t) => t.error === null),
      );
      for (const t of metadata.topics) {
        for (const p of t.partitions) {
          const k = `${t.name}\u0000${p.partition}`;
          const m = pending.get(k);
          if (!m || running.has(k)) continue;
          const placed = p.replicas.length === m.to.length && m.to.every((r) => p.replicas.includes(r));
          if (placed && p.replicas.every((r) => p.isr.includes(r))) pending.delete(k);
        }
      }
      const progress = { done: moves.length - pending.size, total: moves.length, elapsedMs: Date.now() - started, pending: [...pending.keys()].map((k) => k.replace('\u0000', '-')) };
      options.onProgress?.(progress);
      if (pending.size === 0) break;
      if (options.signal?.aborted) {
        throw new KafkaplaneError('INTERRUPTED', `interrupted with ${pending.size} of ${moves.length} partition moves unfinished`);
      }
      if (Date.now() - started > options.maxWaitMs) {
        throw new KafkaplaneError(
          'REASSIGNMENT_TIMEOUT',
          `${pending.size} of ${moves.length} partition moves did not finish within ${Math.round(options.maxWaitMs / 1000)} s (${progress.pending.slice(0, 5).join(', ')}${pending.size > 5 ? ', …' : ''})`,
          {
            hint: hint`check that every broker is up (${action('doctor')}), raise the throttle or the wait, then rebalance again`,
          },
        );
      }
      await sleep(pollMs, options.signal);
    }
  } catch (error) {
    if (submitted && pending.size > 0) {
      // Cancelling (replicas null) puts the unfinished partitions back on their old replicas (KIP-455).
      const cancelled = await alterReassignments(
        admin,
        lib,
        [...pending.values()].map((m) => ({ topic: m.topic, partition: m.partition, replicas: null })),
      ).then(
        () => true,
        () => false,
      );
      if (error instanceof KafkaplaneError) {
        error.message += cancelled
          ? `; the ${pending.size} unfinished move${pending.size === 1 ? ' was' : 's were'} cancelled (back on their old brokers), the finished ones stay`
          : '; cancelling the unfinished moves failed: kafka-reassign-partitions.sh --cancel can do it';
      }
    }
    throw error;
  } finally {
    if (throttle) {
      await removeThrottle(admin, lib, brokers, topics);
      throttle.removed = true;
    }
  }
  // The moves are done; a failed election only leaves leadership to Kafka's own auto.leader.rebalance.enable.
  const leaderElection = await electPreferredLeaders(admin, moves).then(
    (elected) => ({ elected, error: null }),
    (error: unknown) => ({ elected: 0, error: (error as Error).message }),
  );
  return { moved: moves.length, elapsedMs: Date.now() - started, throttle, leaderElection };
}

type Lib = Awaited<ReturnType<typeof loadKafka>>;

async function alterReassignments(admin: Admin, lib: Lib, targets: { topic: string; partition: number; replicas: number[] | null }[]): Promise<void> {
  const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
  for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), { partitionIndex: t.partition, replicas: t.replicas }]);
  const connection = await brokerConnection(admin);
  try {
    await lib.alterPartitionReassignmentsV0.api.async(
      connection,
      30_000,
      false,
      [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    );
  } catch (error) {
    const response = (
      error as { response?: { errorMessage?: string | null; responses?: { name: string; partitions: { partitionIndex: number; errorCode: number; errorMessage: string | null }[] }[] } }
    ).response;
    const failed = response?.responses?.flatMap((t) => t.partitions.filter((p) => p.errorCode !== 0).map((p) => `${t.name}-${p.partitionIndex}: ${p.errorMessage ?? `error ${p.errorCode}`}`)) ?? [];
    throw new KafkaplaneError('REASSIGNMENT_REFUSED', `Kafka refused the reassignment: ${failed.slice(0, 5).join('; ') || response?.errorMessage || (error as Error).message}`, {
      cause: error,
      hint: 'check that every target broker is up and that no other reassignment runs on these partitions (kafka-reassign-partitions.sh lists them)',
    });
  }
}

/** The throttle kafka-reassign-partitions.sh --throttle sets: a rate on every broker involved, the moved replicas per topic. */
async function setThrottle(admin: Admin, lib: Lib, moves: readonly PartitionMove[], bytesPerSec: number, brokers: number[]): Promise<void> {
  const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = lib;
  const set = (name: string, value: string) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET });
  const byTopic = new Map<string, { leaders: string[]; followers: string[] }>();
  for (const m of moves) {
    const t = byTopic.get(m.topic) ?? { leaders: [], followers: [] };
    // Leaders: the replicas that exist now (they send); followers: the new replicas (they fetch).
    t.leaders.push(...m.from.map((b) => `${m.partition}:${b}`));
    t.followers.push(...m.to.filter((b) => !m.from.includes(b)).map((b) => `${m.partition}:${b}`));
    byTopic.set(m.topic, t);
  }
  try {
    await admin.incrementalAlterConfigs({
      resources: [
        ...brokers.map((id) => ({ resourceType: ConfigResourceTypes.BROKER, resourceName: String(id), configs: BROKER_THROTTLES.map((n) => set(n, String(bytesPerSec))) })),
        ...[...byTopic].map(([topic, t]) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: [set(TOPIC_THROTTLES[0]!, t.leaders.join(',')), ...(t.followers.length > 0 ? [set(TOPIC_THROTTLES[1]!, t.followers.join(','))] : [])],
        })),
      ],
    });
  } catch (error) {
    await removeThrottle(admin, lib, brokers, [...byTopic.keys()]).catch(() => undefined);
    throw new KafkaplaneError('BROKER_CONFIG_REJECTED', `Kafka refused the replication throttle: ${(error as Error).message}`, {
      cause: error,
      hint: 'kafkaplane needs AlterConfigs on the cluster and the topics; or run without a throttle',
    });
  }
}

async function removeThrottle(admin: Admin, lib: Lib, brokers: number[], topics: string[]): Promise<void> {
  const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = lib;
  const remove = (names: string[]) => names.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE }));
  await admin.incrementalAlterConfigs({
    resources: [
      ...brokers.map((id) => ({ resourceType: ConfigResourceTypes.BROKER, resourceName: String(id), configs: remove(BROKER_THROTTLES) })),
      ...topics.map((topic) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs: remove(TOPIC_THROTTLES) })),
    ],
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
