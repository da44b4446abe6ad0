import type { Consumer } from '@platformatic/kafka';
import type { ConsumedRecord } from '../toolbox/consumed-record.ts';
import { RecordFetcher, forEachRecord } from './record-fetcher.ts';

export interface BrowseRequest {
  topic: string;
  partition: number;
  /** First offset to read. */
  from: bigint;
  /** Read up to (not including) this offset: the partition's end when the request began. */
  until: bigint;
  /** Most records returned. */
  limit: number;
  /** Most records looked at (a search never scans without bound). */
  scanLimit: number;
  /** Ms since the epoch; reading stops here whatever is left. */
  deadlineMs: number;
  /** Keep only records this accepts (a search); all records without it. */
  match?: (record: ConsumedRecord) => boolean;
  /** Called after each response with the records looked at so far (a search's progress line). */
  progress?: (scanned: number, position: bigint) => void;
  /** Checked after each response: true stops the read (a stop button). */
  stopped?: () => boolean;
  /** Bytes per Fetch response (default 8 MiB): smaller responses give a live progress line more steps. */
  fetchBytes?: number;
}

export interface BrowseResult {
  records: ConsumedRecord[];
  scanned: number;
  /** Where a next page (or a continued search) starts. */
  next: bigint;
  /** Why reading stopped: the limit of matches, the end, the scan limit, the deadline, or a stop. */
  reason: 'limit' | 'end' | 'scan-limit' | 'deadline' | 'stopped';
}

/**
 * Reads one partition from an offset with Fetch requests (no group, nothing committed): a page of records, or a
 * bounded search. Stops at whichever comes first of the limit, the end as it was, the scan limit and the deadline.
 */
export async function browsePartition(consumer: Consumer, request: BrowseRequest): Promise<BrowseResult> {
  const records: ConsumedRecord[] = [];
  let scanned = 0;
  let position = request.from;
  if (request.from >= request.until) return { records, scanned, next: request.from, reason: 'end' };
  const bytes = request.fetchBytes ?? 8 * 1024 * 1024;
  const fetcher = new RecordFetcher(consumer, { maxWaitMs: 200, maxBytes: bytes, partitionMaxBytes: Math.min(bytes, 1024 * 1024), queueSize: 2, onOutOfRange: (_t, _p, start) => start });
  let reason: BrowseResult['reason'] = 'deadline';
  try {
    fetcher.seek(request.topic, request.partition, request.from);
    outer: for (;;) {
      const batch = await fetcher.next(request.deadlineMs);
      if (!batch) break;
      for (const data of batch) {
        if (data.topic !== request.topic || data.partition !== request.partition) continue;
        let full = false;
        forEachRecord(data, (record) => {
          if (record.offset < position || record.offset >= request.until) return undefined;
          scanned++;
          position = record.offset + 1n;
          // forEachRecord reuses one object: keep a copy.
          if (!request.match || request.match(record)) records.push({ ...record });
          if (records.length >= request.limit) full = true;
          else if (scanned >= request.scanLimit) full = true;
          return full ? false : undefined;
        });
        if (!full && data.nextOffset > position) position = data.nextOffset;
        if (records.length >= request.limit) {
          reason = 'limit';
          break outer;
        }
        if (scanned >= request.scanLimit) {
          reason = 'scan-limit';
          break outer;
        }
        if (position >= request.until) {
          reason = 'end';
          break outer;
        }
      }
      request.progress?.(scanned, position);
      if (request.stopped?.()) {
        reason = 'stopped';
        break;
      }
    }
  } finally {
    fetcher.close();
  }
  return { records, scanned, next: position, reason };
}
