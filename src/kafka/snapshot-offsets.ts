import type { Admin, Connection } from '@platformatic/kafka';
import { errorMessage } from '../errors.ts';
import type { SnapshotPartition } from '../model/cluster-snapshot.ts';
import { brokerApiVersions } from './api-versions.ts';
import { loadKafka } from './client.ts';
import type { ClusterMetadata } from './metadata.ts';

/**
 * The two offset reads of a snapshot collection, written so that a collection holds little at its peak: each
 * answer is folded into the result as it arrives and dropped, instead of every answer being materialised first and
 * indexed by string keys afterwards (at 10,000 partitions and 500 groups that was most of the console's peak RSS).
 */

type Lib = Awaited<ReturnType<typeof loadKafka>>;

const LIST_OFFSETS_KEY = 2;
const EARLIEST = -2n;
const LATEST = -1n;

/** ListOffsets versions 2–9 share one request and response shape; the highest both sides know is used. */
async function listOffsetsApi(connection: Connection, lib: Lib): Promise<Lib['listOffsetsV9']['api']> {
  const max = Math.min(9, (await brokerApiVersions(connection, lib)).get(LIST_OFFSETS_KEY) ?? -1);
  if (max < 2) throw new Error(`the broker at ${connection.host}:${connection.port} does not support ListOffsets v2 or later`);
  return lib[`listOffsetsV${max}` as 'listOffsetsV9'].api;
}

/**
 * Fills `oldest` and `newest` of the given partitions (by topic name, indexed by partition number): ListOffsets
 * straight to each live leader, one broker after the other, with the leaders of `metadata` (no further Metadata
 * request). Partitions without a live leader, or whose leader answers with an error, keep null. Returns what went
 * wrong, one line per broker (empty: all answered).
 */
export async function readLogOffsets(admin: Admin, metadata: ClusterMetadata, partitions: ReadonlyMap<string, readonly SnapshotPartition[]>): Promise<string[]> {
  const lib = await loadKafka();
  const problems: string[] = [];
  for (const broker of metadata.brokers) {
    const ask = (timestamp: bigint) =>
      metadata.topics.flatMap((t) => {
        const led = t.partitions.filter((p) => p.leader === broker.id && partitions.has(t.name));
        return led.length === 0 ? [] : [{ name: t.name, partitions: led.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp })) }];
      });
    let failed = 0;
    try {
      const connection = await admin.connections.get({ host: broker.host, port: broker.port });
      const api = await listOffsetsApi(connection, lib);
      for (const [timestamp, field] of [
        [EARLIEST, 'oldest'],
        [LATEST, 'newest'],
      ] as const) {
        const request = ask(timestamp);
        if (request.length === 0) break;
        const response = await api.async(connection, -1, 0, request).catch((error: unknown) => {
          // Partition errors (a leader that moved): the rest of the answer still counts.
          const partial = (error as { response?: Awaited<ReturnType<typeof api.async>> }).response;
          if (partial) return partial;
          throw error;
        });
        for (const t of response.topics) {
          const list = partitions.get(t.name);
          if (!list) continue;
          for (const p of t.partitions) {
            const target = list[p.partitionIndex]?.partition === p.partitionIndex ? list[p.partitionIndex] : list.find((x) => x.partition === p.partitionIndex);
            if (!target) continue;
            if (p.errorCode !== 0) failed++;
            else target[field] = p.offset < 0n ? null : p.offset;
          }
        }
      }
    } catch (error) {
      problems.push(`broker ${broker.id}: ${errorMessage(error)}`);
      continue;
    }
    if (failed > 0) problems.push(`broker ${broker.id}: ${failed} partition offset${failed === 1 ? '' : 's'} refused (the leader may have moved; the next collection asks again)`);
  }
  return problems;
}

/** One group's answer to OffsetFetch, as the client returns it. */
export interface GroupCommittedOffsets {
  groupId: string;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint }[] }[];
}

/**
 * Committed offsets of the groups, `batch` groups per request round (the client finds their coordinators and sends
 * one OffsetFetch per coordinator), each group handed to `fold` as soon as its batch arrived: only one batch of
 * answers is alive at a time, whatever the number of groups.
 */
export async function readCommittedOffsets(admin: Admin, ids: readonly string[], fold: (group: GroupCommittedOffsets) => void, batch = 50): Promise<void> {
  for (let i = 0; i < ids.length; i += batch) {
    const listed = await admin.listConsumerGroupOffsets({ groups: ids.slice(i, i + batch) });
    for (const g of listed) fold(g);
  }
}
