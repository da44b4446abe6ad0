import type { Consumer } from '@platformatic/kafka';
import { RecordFetcher, forEachRecord } from './record-fetcher.ts';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * The timestamps of the records at these offsets (the first record at or after each), read with one small Fetch
 * per leader: what lag in seconds is computed from (the age of the next record a group has to consume). Positions
 * whose record does not arrive before `deadlineMs` are left out.
 */
export async function recordTimestamps(consumer: Consumer, positions: readonly RecordPosition[], deadlineMs: number): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (positions.length === 0) return result;
  const fetcher = new RecordFetcher(consumer, { maxWaitMs: 100, maxBytes: 4 * 1024 * 1024, partitionMaxBytes: 8 * 1024, onOutOfRange: (_t, _p, start) => start });
  const wanted = new Map(positions.map((p) => [`${p.topic}\u0000${p.partition}`, p]));
  try {
    for (const p of wanted.values()) fetcher.seek(p.topic, p.partition, p.offset);
    while (wanted.size > 0) {
      const batch = await fetcher.next(deadlineMs);
      if (!batch) break;
      for (const data of batch) {
        const key = `${data.topic}\u0000${data.partition}`;
        const position = wanted.get(key);
        if (!position) continue;
        let found: number | undefined;
        forEachRecord(data, (record) => {
          found = Number(record.timestamp);
          return false;
        });
        if (found === undefined && data.nextOffset <= data.fetchOffset) continue;
        if (found !== undefined) result.set(`${key}\u0000${position.offset}`, found);
        wanted.delete(key);
        fetcher.remove(data.topic, data.partition);
      }
    }
  } finally {
    fetcher.close();
  }
  return result;
}

export const recordTimeKey = (p: RecordPosition): string => `${p.topic}\u0000${p.partition}\u0000${p.offset}`;
