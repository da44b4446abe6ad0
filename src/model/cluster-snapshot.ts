/**
 * What one collection saw of a cluster: the shared picture behind the exporter's metrics and the console's pages
 * (collected by src/kafka/snapshot.ts, read by both). Plain data, so every consumer is a pure function of it.
 */
export interface SnapshotPartition {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  /** Log start offset (earliest); null when it could not be read. */
  oldest: bigint | null;
  /** Log end offset (latest, the high watermark for read_committed-agnostic clients); null when unknown. */
  newest: bigint | null;
}

export interface SnapshotTopic {
  name: string;
  internal: boolean;
  /** min.insync.replicas in effect; null when not described. */
  minIsr: number | null;
  partitions: SnapshotPartition[];
}

/**
 * A group's committed offsets on one topic it consumes, one slot per partition (index = partition number, as Kafka
 * numbers partitions 0..n-1): typed arrays rather than one object and one bigint per partition, so that 500 groups on
 * 100 partitions each hold 100 small arrays instead of 50,000 objects and 50,000 bigints (the console and the
 * exporter keep a snapshot, and a collection builds the next one while the last is still served).
 */
export interface SnapshotGroupTopic {
  topic: string;
  /** The committed offset per partition; -1n where the group committed nothing (kafka_exporter's offset.show-all). */
  committed: BigInt64Array;
  /** How old the record at the committed offset is, in seconds (the group is this far behind in time); NaN when unknown. */
  lagSeconds: Float64Array;
}

/** One row of a group's offsets (what readers iterate; made on demand from SnapshotGroupTopic). */
export interface SnapshotGroupOffset {
  topic: string;
  partition: number;
  /** The committed offset; -1n when the group committed nothing for this partition of a topic it consumes. */
  committed: bigint;
  /** How old the record at the committed offset is (the group is this far behind in time); null when unknown. */
  lagSeconds: number | null;
}

export interface SnapshotGroup {
  id: string;
  type: 'classic' | 'consumer';
  state: string;
  members: number;
  /** The topics the group committed some offset on, by name. */
  topics: SnapshotGroupTopic[];
}

/** A group's offsets as rows, topic by topic, partition by partition. */
export function* groupOffsetRows(group: SnapshotGroup): Generator<SnapshotGroupOffset> {
  for (const t of group.topics) {
    for (let partition = 0; partition < t.committed.length; partition++) {
      const seconds = t.lagSeconds[partition]!;
      yield { topic: t.topic, partition, committed: t.committed[partition]!, lagSeconds: Number.isNaN(seconds) ? null : seconds };
    }
  }
}

/** A SnapshotGroupTopic from rows in partition order (tests, fixtures): committed offsets and lag in seconds (null: unknown). */
export function groupTopic(topic: string, rows: readonly { committed: bigint; lagSeconds?: number | null }[]): SnapshotGroupTopic {
  return {
    topic,
    committed: BigInt64Array.from(rows.map((r) => r.committed)),
    lagSeconds: Float64Array.from(rows.map((r) => r.lagSeconds ?? Number.NaN)),
  };
}

export interface SnapshotQuorumMember {
  id: number;
  logEndOffset: bigint;
  lastCaughtUpTimestamp: number;
}

export interface ClusterSnapshot {
  takenAtMs: number;
  durationMs: number;
  clusterId: string | null;
  controllerId: number;
  brokers: { id: number; host: string; port: number; rack: string | null }[];
  topics: SnapshotTopic[];
  groups: SnapshotGroup[];
  quorum: { leaderId: number; leaderEpoch: number; highWatermark: bigint; voters: SnapshotQuorumMember[]; observers: SnapshotQuorumMember[] } | null;
  /** Parts that could not be collected this time (the rest of the snapshot is still good). */
  errors: { part: string; message: string }[];
}

const TOPICS_BY_NAME = new WeakMap<ClusterSnapshot, Map<string, SnapshotTopic>>();

/** A topic of the snapshot by name (indexed once per snapshot). */
export function snapshotTopic(snapshot: ClusterSnapshot, name: string): SnapshotTopic | undefined {
  let byName = TOPICS_BY_NAME.get(snapshot);
  if (!byName) {
    byName = new Map(snapshot.topics.map((t) => [t.name, t]));
    TOPICS_BY_NAME.set(snapshot, byName);
  }
  return byName.get(name);
}

/** A partition's log end offset: undefined when the snapshot has no such partition, null when it could not be read. */
export function partitionEnd(snapshot: ClusterSnapshot, topic: string, partition: number): bigint | null | undefined {
  const partitions = snapshotTopic(snapshot, topic)?.partitions;
  if (!partitions) return undefined;
  // Partitions are sorted and numbered 0..n-1, so the index is the number; the search covers a gap.
  const p = partitions[partition]?.partition === partition ? partitions[partition] : partitions.find((x) => x.partition === partition);
  return p ? p.newest : undefined;
}
