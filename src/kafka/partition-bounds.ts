import type { Consumer } from '@platformatic/kafka';
import type { PartitionBounds } from '../toolbox/offset-spec.ts';

/** ListOffsets timestamps with a special meaning (KIP-79). */
const EARLIEST = -2n;
const LATEST = -1n;

/** Log start and log end offsets of the given partitions, per topic and partition. */
export async function partitionBounds(consumer: Consumer, wanted: readonly { topic: string; partitions: readonly number[] }[]): Promise<Map<string, Map<number, PartitionBounds>>> {
  const topics = [...new Set(wanted.map((w) => w.topic))];
  const partitions = Object.fromEntries(wanted.map((w) => [w.topic, [...w.partitions]]));
  const [earliest, latest] = await Promise.all([
    consumer.listOffsets({ topics: [...topics], partitions, timestamp: EARLIEST, isolationLevel: 0 }),
    consumer.listOffsets({ topics: [...topics], partitions, timestamp: LATEST, isolationLevel: 0 }),
  ]);
  const out = new Map<string, Map<number, PartitionBounds>>();
  for (const w of wanted) {
    const map = new Map<number, PartitionBounds>();
    for (const p of w.partitions) {
      const e = earliest.get(w.topic)?.[p];
      const l = latest.get(w.topic)?.[p];
      if (e !== undefined && l !== undefined) map.set(p, { earliest: e, latest: l });
    }
    out.set(w.topic, map);
  }
  return out;
}

/** The first offset whose timestamp is at or after `timestamp`, per partition (-1 when no record is that recent). */
export async function offsetsForTime(consumer: Consumer, topic: string, partitions: readonly number[], timestamp: bigint): Promise<Map<number, bigint>> {
  const answer = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [...partitions] }, timestamp, isolationLevel: 0 });
  const list = answer.get(topic) ?? [];
  return new Map(partitions.map((p) => [p, list[p] ?? -1n]));
}
