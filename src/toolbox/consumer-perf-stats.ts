import { javaFixed } from './java-format.ts';

/**
 * kafka-consumer-perf-test's output (org.apache.kafka.tools.ConsumerPerformance, Kafka 4.1), line for line: the
 * header, the per-interval lines of --show-detailed-stats, and the final summary line. MB = 1024², rates with four
 * decimals as Java's %.4f prints them (HALF_UP), times through the --date-format pattern.
 */
export const CONSUMER_PERF_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
export const CONSUMER_PERF_DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

const MB = 1024 * 1024;

export interface ConsumerPerfTotals {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  /** Time spent joining the group (from the start until partitions were assigned, summed over rebalances). */
  joinTimeMs: number;
}

/** The summary line printed at the end when --show-detailed-stats is not given. */
export function consumerPerfSummaryLine(t: ConsumerPerfTotals, formatDate: (ms: number) => string): string {
  const elapsedSec = (t.endMs - t.startMs) / 1000.0;
  const fetchTimeMs = t.endMs - t.startMs - t.joinTimeMs;
  const totalMb = t.bytes / MB;
  return [
    formatDate(t.startMs),
    formatDate(t.endMs),
    javaFixed(totalMb, 4),
    javaFixed(totalMb / elapsedSec, 4),
    String(t.messages),
    javaFixed(t.messages / elapsedSec, 4),
    String(t.joinTimeMs),
    String(fetchTimeMs),
    javaFixed(totalMb / (fetchTimeMs / 1000.0), 4),
    javaFixed(t.messages / (fetchTimeMs / 1000.0), 4),
  ].join(', ');
}

export interface ConsumerPerfInterval {
  /** Totals so far. */
  bytes: number;
  messages: number;
  /** Totals at the previous report. */
  lastBytes: number;
  lastMessages: number;
  /** The interval: previous report time and now. */
  startMs: number;
  endMs: number;
  /** Group join time that fell inside this interval. */
  joinTimeMs: number;
}

/** One --show-detailed-stats line (threadId is always 0 in Kafka's single-threaded tool). */
export function consumerPerfIntervalLine(i: ConsumerPerfInterval, formatDate: (ms: number) => string): string {
  const elapsedMs = i.endMs - i.startMs;
  const totalMb = i.bytes / MB;
  const intervalMb = (i.bytes - i.lastBytes) / MB;
  const intervalMbPerSec = (1000.0 * intervalMb) / elapsedMs;
  const intervalMsgPerSec = ((i.messages - i.lastMessages) / elapsedMs) * 1000.0;
  const fetchTimeMs = elapsedMs - i.joinTimeMs;
  const fetchMbPerSec = fetchTimeMs <= 0 ? 0.0 : (1000.0 * intervalMb) / fetchTimeMs;
  const fetchMsgPerSec = fetchTimeMs <= 0 ? 0.0 : (1000.0 * (i.messages - i.lastMessages)) / fetchTimeMs;
  return [
    formatDate(i.endMs),
    '0',
    javaFixed(totalMb, 4),
    javaFixed(intervalMbPerSec, 4),
    String(i.messages),
    javaFixed(intervalMsgPerSec, 4),
    String(i.joinTimeMs),
    String(fetchTimeMs),
    javaFixed(fetchMbPerSec, 4),
    javaFixed(fetchMsgPerSec, 4),
  ].join(', ');
}

export function consumerPerfTimeoutWarning(timeoutMs: number): string {
  return `WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`;
}
