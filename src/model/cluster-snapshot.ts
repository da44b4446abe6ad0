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
  offsets: SnapshotGroupOffset[];
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
