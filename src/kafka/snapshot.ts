import type { Admin, Consumer } from '@platformatic/kafka';
import { errorMessage } from '../errors.ts';
import type { ClusterSnapshot, SnapshotGroup, SnapshotTopic } from '../model/cluster-snapshot.ts';
import { partitionKey } from '../model/topic-partition.ts';
import { describeCluster, describeQuorum } from './cluster.ts';
import { loadKafka } from './client.ts';
import { listConsumerGroups } from './group-listing.ts';
import { committedOffsets, describeConsumerGroups, partitionOffsets } from './groups.ts';
import { type RecordPosition, recordTimeKey, recordTimestamps } from './record-times.ts';
import { clusterMetadata } from './topics.ts';

export interface SnapshotOptions {
  /** Read the timestamps behind lag in seconds (one small fetch per lagging partition, cached). */
  lagSeconds?: boolean;
  /** Most record timestamps fetched per collection (the rest keep their cached value or stay unknown). */
  maxTimestampFetches?: number;
  nowMs?: () => number;
}

/**
 * One collection of everything the exporter and the console show: brokers, topics with partitions, offsets and
 * min.insync.replicas, consumer groups (classic and KIP-848) with committed offsets, and the KRaft quorum. Each part
 * that fails is recorded in `errors` and the rest still arrives: one broker down must not blank the whole picture.
 * The request count does not grow with partitions: one Metadata, two ListOffsets per leader, one DescribeConfigs,
 * one ListGroups, one describe per coordinator, one OffsetFetch for all groups, one DescribeQuorum.
 */
export class SnapshotCollector {
  readonly #times = new Map<string, number>();

  async collect(admin: Admin, consumer: Consumer | undefined, options: SnapshotOptions = {}): Promise<ClusterSnapshot> {
    const now = options.nowMs ?? Date.now;
    const started = now();
    const errors: ClusterSnapshot['errors'] = [];
    const part = async <T>(name: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        errors.push({ part: name, message: errorMessage(error) });
        return fallback;
      }
    };
    const described = await part('brokers', () => describeCluster(admin), { clusterId: '', controllerId: -1, brokers: [] });
    const metadata = await clusterMetadata(admin);
    const all = metadata.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    // One after the other: @platformatic/kafka's listOffsets races its own metadata cache when two run at once (a
    // TypeError thrown from a callback, which takes the process down).
    const earliest = await part('offsets', () => partitionOffsets(admin, metadata, all, 'earliest'), new Map<string, bigint | null>());
    const latest = await part('offsets', () => partitionOffsets(admin, metadata, all, 'latest'), new Map<string, bigint | null>());
    const minIsr = await part(
      'topic configs',
      () =>
        minIsrByTopic(
          admin,
          metadata.topics.map((t) => t.name),
        ),
      new Map<string, number>(),
    );
    const topics: SnapshotTopic[] = metadata.topics
      .map((t) => ({
        name: t.name,
        internal: t.internal,
        minIsr: minIsr.get(t.name) ?? null,
        partitions: t.partitions
          .map((p) => {
            const k = partitionKey({ topic: t.name, partition: p.partition });
            return { partition: p.partition, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr], oldest: earliest.get(k) ?? null, newest: latest.get(k) ?? null };
          })
          .sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const groups = await part('consumer groups', () => this.#groups(admin, topics, latest), [] as SnapshotGroup[]);
    if (options.lagSeconds && consumer) await part('lag seconds', () => this.#lagSeconds(consumer, groups, latest, now(), options.maxTimestampFetches ?? 2_000), undefined);
    const quorum = await part(
      'quorum',
      async () => {
        const q = await describeQuorum(admin);
        const member = (r: (typeof q.voters)[number]) => ({ id: r.id, logEndOffset: r.logEndOffset, lastCaughtUpTimestamp: Number(r.lastCaughtUpTimestamp) });
        return { leaderId: q.leaderId, leaderEpoch: q.leaderEpoch, highWatermark: q.highWatermark, voters: q.voters.map(member), observers: q.observers.map(member) };
      },
      null,
    );
    return {
      takenAtMs: started,
      durationMs: now() - started,
      clusterId: described.clusterId || metadata.clusterId || null,
      controllerId: described.controllerId,
      brokers: described.brokers.length > 0 ? described.brokers : metadata.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack ?? null })),
      topics,
      groups,
      quorum,
      errors,
    };
  }

  async #groups(admin: Admin, topics: readonly SnapshotTopic[], latest: ReadonlyMap<string, bigint | null>): Promise<SnapshotGroup[]> {
    const listing = await listConsumerGroups(admin);
    if (listing.length === 0) return [];
    const ids = listing.map((g) => g.id);
    const [descriptions, committed] = await Promise.all([describeConsumerGroups(admin, ids), committedOffsets(admin, ids)]);
    const byId = new Map(descriptions.map((d) => [d.id, d]));
    const partitionsOf = new Map(topics.map((t) => [t.name, t.partitions.map((p) => p.partition)]));
    return listing.map((g) => {
      const offsets = committed.get(g.id) ?? new Map<string, bigint>();
      const consumedTopics = new Set([...offsets.keys()].map((k) => k.split('\u0000')[0]!));
      // Every partition of a topic the group consumes: -1 where it committed nothing (kafka_exporter's offset.show-all).
      const rows = [...consumedTopics].sort().flatMap((topic) =>
        (partitionsOf.get(topic) ?? []).map((partition) => {
          const committedOffset = offsets.get(partitionKey({ topic, partition })) ?? -1n;
          const end = latest.get(partitionKey({ topic, partition }));
          return { topic, partition, committed: committedOffset, lagSeconds: committedOffset >= 0n && end !== undefined && end !== null && committedOffset >= end ? 0 : null };
        }),
      );
      const d = byId.get(g.id);
      return { id: g.id, type: g.type === 'consumer' ? 'consumer' : 'classic', state: d?.state ?? g.state, members: d?.members.length ?? 0, offsets: rows } satisfies SnapshotGroup;
    });
  }

  /** Fills lagSeconds of lagging partitions from the timestamp of the record at the committed offset (cached). */
  async #lagSeconds(consumer: Consumer, groups: SnapshotGroup[], latest: ReadonlyMap<string, bigint | null>, nowMs: number, maxFetches: number): Promise<void> {
    const needed = new Map<string, RecordPosition>();
    for (const g of groups) {
      for (const o of g.offsets) {
        const end = latest.get(partitionKey(o));
        if (o.committed < 0n || end === undefined || end === null || o.committed >= end) continue;
        const position = { topic: o.topic, partition: o.partition, offset: o.committed };
        if (!this.#times.has(recordTimeKey(position))) needed.set(recordTimeKey(position), position);
      }
    }
    const fetched = await recordTimestamps(consumer, [...needed.values()].slice(0, maxFetches), Date.now() + 3_000);
    for (const [k, t] of fetched) this.#times.set(k, t);
    const used = new Set<string>();
    for (const g of groups) {
      for (const o of g.offsets) {
        if (o.lagSeconds !== null || o.committed < 0n) continue;
        const k = recordTimeKey({ topic: o.topic, partition: o.partition, offset: o.committed });
        const t = this.#times.get(k);
        if (t !== undefined) {
          o.lagSeconds = Math.max(0, (nowMs - t) / 1000);
          used.add(k);
        }
      }
    }
    // Keep only what the groups still point at: the cache never grows beyond the current positions.
    for (const k of [...this.#times.keys()]) if (!used.has(k)) this.#times.delete(k);
  }
}

/** min.insync.replicas per topic (one DescribeConfigs for all of them). */
async function minIsrByTopic(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const { ConfigResourceTypes } = await loadKafka();
  const described = await admin.describeConfigs({ resources: names.map((resourceName) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName, configurationKeys: ['min.insync.replicas'] })) });
  return new Map(
    described.flatMap((d) => {
      const value = d.configs.find((c) => c.name === 'min.insync.replicas')?.value;
      return value === undefined || value === null ? [] : [[d.resourceName, Number(value)] as const];
    }),
  );
}
