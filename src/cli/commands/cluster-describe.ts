// `kafkaplane cluster describe`: cluster id, brokers, and the KRaft quorum (DescribeQuorum: leader, epoch, high
// watermark, voters and observers with their lag) — what kafka-metadata-quorum describe --status/--replication shows.
import { errorMessage } from '../../errors.ts';
import type { QuorumDescription, QuorumReplica } from '../../kafka/cluster.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { type BrokerMetadata, kafkaUuid } from '../../kafka/metadata.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';

export interface QuorumReplicaReport {
  id: number;
  directoryId: string;
  status: 'Leader' | 'Follower' | 'Observer';
  logEndOffset: number;
  /** Records behind the leader's log end offset. */
  lag: number;
  /** Milliseconds since the epoch; null when unknown (-1). */
  lastFetchTimestamp: number | null;
  lastCaughtUpTimestamp: number | null;
}

export interface ClusterReport {
  clusterId: string | null;
  /** The broker Metadata names as controller (in KRaft: any broker; the active controller is quorum.leaderId). */
  controllerId: number;
  brokers: BrokerMetadata[];
  quorum: {
    leaderId: number;
    leaderEpoch: number;
    highWatermark: number;
    maxFollowerLag: number;
    maxFollowerLagTimeMs: number;
    voters: QuorumReplicaReport[];
    observers: QuorumReplicaReport[];
  } | null;
  quorumError: string | null;
}

/** Quorum figures as kafka-metadata-quorum computes them (lag against the leader's log end offset). */
export function quorumReport(q: QuorumDescription): NonNullable<ClusterReport['quorum']> {
  const leader = q.voters.find((v) => v.id === q.leaderId);
  const leaderEnd = Number(leader?.logEndOffset ?? q.highWatermark);
  const time = (t: bigint) => (t < 0n ? null : Number(t));
  const replica = (r: QuorumReplica, status: QuorumReplicaReport['status']): QuorumReplicaReport => ({
    id: r.id,
    directoryId: kafkaUuid(r.directoryId),
    status,
    logEndOffset: Number(r.logEndOffset),
    lag: Math.max(0, leaderEnd - Number(r.logEndOffset)),
    lastFetchTimestamp: time(r.lastFetchTimestamp),
    lastCaughtUpTimestamp: time(r.lastCaughtUpTimestamp),
  });
  const voters = q.voters.map((v) => replica(v, v.id === q.leaderId ? 'Leader' : 'Follower'));
  const followers = voters.filter((v) => v.status !== 'Leader');
  const leaderCaughtUp = Number(leader?.lastCaughtUpTimestamp ?? -1n);
  return {
    leaderId: q.leaderId,
    leaderEpoch: q.leaderEpoch,
    highWatermark: Number(q.highWatermark),
    maxFollowerLag: Math.max(0, ...followers.map((f) => f.lag)),
    maxFollowerLagTimeMs: Math.max(0, ...followers.map((f) => (f.lastCaughtUpTimestamp === null || leaderCaughtUp < 0 ? 0 : leaderCaughtUp - f.lastCaughtUpTimestamp))),
    voters,
    observers: q.observers.map((o) => replica(o, 'Observer')),
  };
}

/** `kafkaplane cluster describe`: cluster id, brokers and the KRaft quorum. */
export async function clusterDescribe(flags: ConnectionFlags): Promise<ClusterReport> {
  const config = await resolveConnection(flags);
  const [{ describeQuorum }, { clusterMetadata }] = await Promise.all([import('../../kafka/cluster.ts'), import('../../kafka/topics.ts')]);
  return withAdmin(
    config,
    async (admin) => {
      const metadata = await clusterMetadata(admin, []);
      let quorum: ClusterReport['quorum'] = null;
      let quorumError: string | null = null;
      try {
        quorum = quorumReport(await describeQuorum(admin));
      } catch (error) {
        quorumError = errorMessage(error);
      }
      return { clusterId: metadata.clusterId, controllerId: metadata.controllerId, brokers: metadata.brokers, quorum, quorumError };
    },
    { probe: true },
  );
}
