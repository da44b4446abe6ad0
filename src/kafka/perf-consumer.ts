import { type ConsumerPerfTotals, consumerPerfIntervalLine } from '../toolbox/consumer-perf-stats.ts';
import type { ConnectionConfig } from './client.ts';
import { createConsumer } from './clients.ts';
import { probeBootstrap } from './reachability.ts';
import { topicMetadata } from './topic-metadata.ts';
import { GroupReader } from './group-reader.ts';
import { RecordFetcher } from './record-fetcher.ts';

export interface ConsumerPerfOptions {
  topic: string;
  messages: number;
  group: string;
  /** Start where nothing is committed: earliest (default, as Kafka's tool) or latest (--from-latest). */
  fromLatest: boolean;
  /** Give up when no record arrives for this long (kafka-consumer-perf-test --timeout). */
  timeoutMs: number;
  /** Bytes per partition per fetch (--fetch-size). */
  fetchSize: number;
  reportingIntervalMs: number;
  /** Called with each --show-detailed-stats line; undefined to skip them. */
  onInterval?: (line: string) => void;
  formatDate: (ms: number) => string;
}

export interface ConsumerPerfResult extends ConsumerPerfTotals {
  timedOut: boolean;
}

/**
 * Reads `messages` records as a member of a consumer group and measures it the way kafka-consumer-perf-test does:
 * the clock runs from before the group join to the last record; the join (rebalance) time is reported apart; bytes
 * are key + value. Offsets are committed at the end, as the Java consumer's auto-commit does on close.
 */
export async function runConsumerPerf(config: ConnectionConfig, options: ConsumerPerfOptions): Promise<ConsumerPerfResult> {
  await probeBootstrap(config);
  const consumer = await createConsumer(config, options.group, { clientId: 'perf-consumer-client' });
  const fetcher = new RecordFetcher(consumer, { maxWaitMs: 500, maxBytes: 50 * 1024 * 1024, partitionMaxBytes: options.fetchSize, queueSize: 8 });
  try {
    await topicMetadata(consumer, config, [options.topic]);
    const group = new GroupReader(consumer, fetcher, [options.topic], options.fromLatest ? 'end' : 'beginning');
    const startMs = Date.now();
    await group.join(startMs);
    let messages = 0;
    let bytes = 0;
    let lastMessages = 0;
    let lastBytes = 0;
    let lastReport = startMs;
    let lastConsumed = Date.now();
    let timedOut = false;
    // Kafka's loop: poll, then count every record; a progress line when the interval has passed.
    outer: while (messages < options.messages) {
      group.check();
      const chunk = await fetcher.next(lastConsumed + options.timeoutMs + 1);
      const now = Date.now();
      if (chunk === undefined) {
        if (now - lastConsumed > options.timeoutMs) {
          timedOut = true;
          break;
        }
        continue;
      }
      for (const data of chunk) {
        if (!group.isAssigned(data.topic, data.partition)) continue;
        let next = data.fetchOffset;
        for (const batch of data.batches) {
          if (batch.attributes & 0x20) continue;
          for (const r of batch.records) {
            const offset = batch.firstOffset + BigInt(r.offsetDelta);
            if (offset < data.fetchOffset) continue;
            messages++;
            if (r.key !== null) bytes += r.key.length;
            if (r.value !== null) bytes += r.value.length;
            next = offset + 1n;
            if (messages >= options.messages) {
              group.consumed(data.topic, data.partition, next);
              break outer;
            }
          }
        }
        if (data.batches.length > 0) lastConsumed = now;
        group.consumed(data.topic, data.partition, data.nextOffset > next ? data.nextOffset : next);
      }
      if (options.onInterval && now - lastReport >= options.reportingIntervalMs) {
        options.onInterval(consumerPerfIntervalLine({ bytes, messages, lastBytes, lastMessages, startMs: lastReport, endMs: now, joinTimeMs: group.takeJoinTime() }, options.formatDate));
        lastReport = now;
        lastMessages = messages;
        lastBytes = bytes;
      }
    }
    const endMs = Date.now();
    fetcher.close();
    group.close();
    await group.commit().catch(() => undefined);
    return { startMs, endMs, bytes, messages, joinTimeMs: group.joinTimeMs, timedOut };
  } finally {
    fetcher.close();
    await consumer.close(true).catch(() => undefined);
  }
}
