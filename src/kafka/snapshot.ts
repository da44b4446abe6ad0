import type { Admin, Consumer } from '@platformatic/kafka';
import { errorMessage } from '../errors.ts';
import type { ClusterSnapshot, SnapshotGroup, SnapshotGroupTopic, SnapshotTopic } from '../model/cluster-snapshot.ts';
import { describeCluster, describeQuorum } from './cluster.ts';
import { loadKafka } from './client.ts';
import { listConsumerGroups } from './group-listing.ts';
import { describeConsumerGroups } from './groups.ts';
import { type GroupCommittedOffsets, readCommittedOffsets, readLogOffsets } from './snapshot-offsets.ts';
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
 * one ListGroups, one describe per coordinator, one OffsetFetch per coordinator for every 50 groups, one
 * DescribeQuorum. Answers are folded into the snapshot as they arrive (src/kafka/snapshot-offsets.ts).
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
    // The snapshot's partitions are made first and the offsets folded into them as each broker answers.
    const topics: SnapshotTopic[] = metadata.topics
      .map((t) => ({
        name: t.name,
        internal: t.internal,
        minIsr: null as number | null,
        partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, oldest: null, newest: null })).sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const byName = new Map(topics.map((t) => [t.name, t]));
    const problems = await part('offsets', () => readLogOffsets(admin, metadata, new Map(topics.map((t) => [t.name, t.partitions]))), []);
    if (problems.length > 0) errors.push({ part: 'offsets', message: problems.join('; ') });
    const minIsr = await part(
      'topic configs',
      () =>
        minIsrByTopic(
          admin,
          topics.map((t) => t.name),
        ),
      new Map<string, number>(),
    );
    for (const t of topics) t.minIsr = minIsr.get(t.name) ?? null;

    const groups = await part('consumer groups', () => this.#groups(admin, byName), [] as SnapshotGroup[]);
    if (options.lagSeconds && consumer) await part('lag seconds', () => this.#lagSeconds(consumer, groups, byName, now(), options.maxTimestampFetches ?? 2_000), undefined);
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

  async #groups(admin: Admin, topics: ReadonlyMap<string, SnapshotTopic>): Promise<SnapshotGroup[]> {
    const listing = await listConsumerGroups(admin);
    if (listing.length === 0) return [];
    const ids = listing.map((g) => g.id);
    const committed = new Map<string, SnapshotGroupTopic[]>();
    const [descriptions] = await Promise.all([describeConsumerGroups(admin, ids), readCommittedOffsets(admin, ids, (g) => committed.set(g.groupId, groupTopics(g, topics)))]);
    const byId = new Map(descriptions.map((d) => [d.id, d]));
    return listing.map((g) => {
      const d = byId.get(g.id);
      return { id: g.id, type: g.type === 'consumer' ? 'consumer' : 'classic', state: d?.state ?? g.state, members: d?.members.length ?? 0, topics: committed.get(g.id) ?? [] } satisfies SnapshotGroup;
    });
  }

  /** Fills lagSeconds of lagging partitions from the timestamp of the record at the committed offset (cached). */
  async #lagSeconds(consumer: Consumer, groups: SnapshotGroup[], topics: ReadonlyMap<string, SnapshotTopic>, nowMs: number, maxFetches: number): Promise<void> {
    const lagging = function* () {
      for (const g of groups) {
        for (const t of g.topics) {
          const partitions = topics.get(t.topic)?.partitions ?? [];
          for (let partition = 0; partition < t.committed.length; partition++) {
            const committed = t.committed[partition]!;
            const end = partitions[partition]?.newest;
            if (committed >= 0n && end !== undefined && end !== null && committed < end) yield { t, position: { topic: t.topic, partition, offset: committed } };
          }
        }
      }
    };
    const needed = new Map<string, RecordPosition>();
    for (const { position } of lagging()) {
      const k = recordTimeKey(position);
      if (!this.#times.has(k)) needed.set(k, position);
    }
    const fetched = await recordTimestamps(consumer, [...needed.values()].slice(0, maxFetches), Date.now() + 3_000);
    for (const [k, t] of fetched) this.#times.set(k, t);
    const used = new Set<string>();
    for (const { t, position } of lagging()) {
      const k = recordTimeKey(position);
      const at = this.#times.get(k);
      if (at !== undefined) {
        t.lagSeconds[position.partition] = Math.max(0, (nowMs - at) / 1000);
        used.add(k);
      }
    }
    // Keep only what the groups still point at: the cache never grows beyond the current positions.
    for (const k of [...this.#times.keys()]) if (!used.has(k)) this.#times.delete(k);
  }
}

/**
 * One group's OffsetFetch answer as the snapshot keeps it: per topic it committed some offset on (and the snapshot
 * knows), every partition's committed offset (-1 where none, kafka_exporter's offset.show-all), lag in seconds 0
 * where it is caught up and unknown (NaN) elsewhere until #lagSeconds fills it.
 */
export function groupTopics(group: GroupCommittedOffsets, topics: ReadonlyMap<string, SnapshotTopic>): SnapshotGroupTopic[] {
  const out: SnapshotGroupTopic[] = [];
  for (const answered of group.topics) {
    const topic = topics.get(answered.name);
    if (!topic || topic.partitions.length === 0) continue;
    const count = topic.partitions.at(-1)!.partition + 1;
    let committed: BigInt64Array | undefined;
    for (const p of answered.partitions) {
      if (p.committedOffset < 0n || p.partitionIndex < 0 || p.partitionIndex >= count) continue;
      committed ??= new BigInt64Array(count).fill(-1n);
      committed[p.partitionIndex] = p.committedOffset;
    }
    if (!committed) continue;
    const lagSeconds = new Float64Array(count).fill(Number.NaN);
    for (const p of topic.partitions) {
      const c = committed[p.partition]!;
      if (c >= 0n && p.newest !== null && c >= p.newest) lagSeconds[p.partition] = 0;
    }
    // The topic's own name string: one per topic, not one per group.
    out.push({ topic: topic.name, committed, lagSeconds });
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** min.insync.replicas per topic (one DescribeConfigs for all of them). */
export async function minIsrByTopic(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
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
