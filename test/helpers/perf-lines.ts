// The regexes a dashboard or script would use on Kafka's perf tools' output. Written against the real tools' lines
// (Kafka 4.1: kafka-producer-perf-test prints records/sec with one decimal in both lines), independent of
// kafkaplane's code, so a test can parse both tools' output with exactly the same expressions.

/** `N records sent, X records/sec (Y MB/sec), Z ms avg latency, W ms max latency.` */
export const PRODUCER_WINDOW = /^(\d+) records sent, (\d+\.\d) records\/sec \((\d+\.\d\d) MB\/sec\), (\d+\.\d) ms avg latency, (\d+\.\d) ms max latency\.$/;

/** `N records sent, X records/sec (Y MB/sec), A ms avg latency, B ms max latency, p50 ms 50th, p95 ms 95th, p99 ms 99th, p999 ms 99.9th.` */
export const PRODUCER_TOTAL =
  /^(\d+) records sent, (\d+\.\d) records\/sec \((\d+\.\d\d) MB\/sec\), (\d+\.\d\d) ms avg latency, (\d+\.\d\d) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;

export const CONSUMER_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
export const CONSUMER_DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

const TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}';
const RATE = '(\\d+\\.\\d{4}|NaN|Infinity)';

/** start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec */
export const CONSUMER_SUMMARY = new RegExp(`^(${TIME}), (${TIME}), (\\d+\\.\\d{4}), ${RATE}, (\\d+), ${RATE}, (\\d+), (-?\\d+), ${RATE}, ${RATE}$`);

/** time, threadId, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec */
export const CONSUMER_DETAILED = new RegExp(`^(${TIME}), (\\d+), (\\d+\\.\\d{4}), ${RATE}, (\\d+), ${RATE}, (\\d+), (-?\\d+), ${RATE}, ${RATE}$`);

export interface ProducerPerfTotal {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

export function parseProducerTotal(line: string): ProducerPerfTotal | undefined {
  const m = PRODUCER_TOTAL.exec(line);
  if (!m) return undefined;
  const n = m.slice(1).map(Number);
  return { records: n[0]!, recordsPerSec: n[1]!, mbPerSec: n[2]!, avgLatencyMs: n[3]!, maxLatencyMs: n[4]!, p50: n[5]!, p95: n[6]!, p99: n[7]!, p999: n[8]! };
}

export interface ConsumerPerfSummary {
  mb: number;
  mbPerSec: number;
  messages: number;
  messagesPerSec: number;
  rebalanceMs: number;
  fetchMs: number;
  fetchMbPerSec: number;
  fetchMessagesPerSec: number;
}

export function parseConsumerSummary(line: string): ConsumerPerfSummary | undefined {
  const m = CONSUMER_SUMMARY.exec(line);
  if (!m) return undefined;
  return {
    mb: Number(m[3]),
    mbPerSec: Number(m[4]),
    messages: Number(m[5]),
    messagesPerSec: Number(m[6]),
    rebalanceMs: Number(m[7]),
    fetchMs: Number(m[8]),
    fetchMbPerSec: Number(m[9]),
    fetchMessagesPerSec: Number(m[10]),
  };
}
