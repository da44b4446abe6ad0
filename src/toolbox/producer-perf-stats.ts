import { javaFixed } from './java-format.ts';

/**
 * The statistics kafka-producer-perf-test keeps and prints (org.apache.kafka.tools.ProducerPerformance.Stats, Kafka
 * 4.1), ported so the lines parse with the same regexes: a window line every 5 s and a total line with percentiles.
 * Latencies are whole milliseconds from handing a record to the client to its acknowledgement; percentiles come from
 * a sample of at most 500,000 latencies, chosen and indexed exactly as Kafka does.
 */
export class ProducerPerfStats {
  readonly start: number;
  readonly reportingIntervalMs: number;
  readonly #latencies: Int32Array;
  readonly #sampling: number;
  #iteration = 0;
  #index = 0;
  count = 0;
  bytes = 0;
  #maxLatency = 0;
  #totalLatency = 0;
  #windowCount = 0;
  #windowMaxLatency = 0;
  #windowTotalLatency = 0;
  #windowBytes = 0;
  #windowStart: number;

  constructor(numRecords: number, now: number, reportingIntervalMs = 5000) {
    this.start = now;
    this.#windowStart = now;
    this.reportingIntervalMs = reportingIntervalMs;
    this.#sampling = Math.floor(numRecords / Math.min(numRecords, 500_000));
    this.#latencies = new Int32Array(Math.floor(numRecords / this.#sampling) + 1);
  }

  /**
   * Records one acknowledged record. Returns the window line when `now` closes a reporting window (Kafka checks
   * this on every record, so a window closes at the first acknowledgement after 5 s).
   */
  record(latencyMs: number, bytes: number, now: number): string | undefined {
    this.count++;
    this.bytes += bytes;
    this.#totalLatency += latencyMs;
    if (latencyMs > this.#maxLatency) this.#maxLatency = latencyMs;
    this.#windowCount++;
    this.#windowBytes += bytes;
    this.#windowTotalLatency += latencyMs;
    if (latencyMs > this.#windowMaxLatency) this.#windowMaxLatency = latencyMs;
    if (this.#iteration % this.#sampling === 0 && this.#index < this.#latencies.length) {
      this.#latencies[this.#index] = latencyMs;
      this.#index++;
    }
    this.#iteration++;
    if (now - this.#windowStart >= this.reportingIntervalMs) {
      const line = this.windowLine(now);
      this.#newWindow(now);
      return line;
    }
    return undefined;
  }

  /** `N records sent, X records/sec (Y MB/sec), Z ms avg latency, W ms max latency.` */
  windowLine(now: number): string {
    const elapsed = now - this.#windowStart;
    const recsPerSec = (1000.0 * this.#windowCount) / elapsed;
    const mbPerSec = (1000.0 * this.#windowBytes) / elapsed / (1024.0 * 1024.0);
    return `${this.#windowCount} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ${javaFixed(this.#windowTotalLatency / this.#windowCount, 1)} ms avg latency, ${javaFixed(this.#windowMaxLatency, 1)} ms max latency.`;
  }

  /** The final line, with the 50th, 95th, 99th and 99.9th percentiles. */
  totalLine(now: number): string {
    const elapsed = now - this.start;
    const recsPerSec = (1000.0 * this.count) / elapsed;
    const mbPerSec = (1000.0 * this.bytes) / elapsed / (1024.0 * 1024.0);
    const [p50, p95, p99, p999] = this.percentiles([0.5, 0.95, 0.99, 0.999]);
    return `${this.count} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ${javaFixed(this.#totalLatency / this.count, 2)} ms avg latency, ${javaFixed(this.#maxLatency, 2)} ms max latency, ${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`;
  }

  /** Kafka's percentile: sort the sample, take element floor(p × size). */
  percentiles(ps: readonly number[]): number[] {
    const size = Math.min(this.#index, this.#latencies.length);
    const sorted = this.#latencies.slice(0, size).sort();
    return ps.map((p) => (size === 0 ? 0 : sorted[Math.min(Math.floor(p * size), size - 1)]!));
  }

  summary(now: number) {
    const elapsedMs = now - this.start;
    const [p50, p95, p99, p999] = this.percentiles([0.5, 0.95, 0.99, 0.999]);
    return {
      records: this.count,
      bytes: this.bytes,
      elapsedMs,
      recordsPerSec: (1000 * this.count) / elapsedMs,
      mbPerSec: (1000 * this.bytes) / elapsedMs / (1024 * 1024),
      avgLatencyMs: this.count === 0 ? 0 : this.#totalLatency / this.count,
      maxLatencyMs: this.#maxLatency,
      p50Ms: p50!,
      p95Ms: p95!,
      p99Ms: p99!,
      p999Ms: p999!,
    };
  }

  #newWindow(now: number): void {
    this.#windowStart = now;
    this.#windowCount = 0;
    this.#windowMaxLatency = 0;
    this.#windowTotalLatency = 0;
    this.#windowBytes = 0;
  }
}

/**
 * kafka-producer-perf-test's --throughput: how long to wait before the next record so the average rate since the
 * start stays at or below `target` records/s (≤ 0 means unthrottled).
 */
export function throttleDelayMs(sentSoFar: number, elapsedMs: number, target: number): number {
  if (!(target > 0)) return 0;
  const due = (sentSoFar / target) * 1000;
  return due > elapsedMs ? due - elapsedMs : 0;
}
