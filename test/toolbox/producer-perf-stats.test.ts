import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProducerPerfStats, throttleDelayMs } from '../../src/toolbox/producer-perf-stats.ts';

test('window lines close at the first acknowledgement 5 s after the window opened, in Kafka 4.1 format', () => {
  const stats = new ProducerPerfStats(1000, 0);
  assert.equal(stats.record(10, 100, 1000), undefined);
  assert.equal(stats.record(30, 100, 4999), undefined);
  assert.equal(stats.record(20, 100, 5000), '3 records sent, 0.6 records/sec (0.00 MB/sec), 20.0 ms avg latency, 30.0 ms max latency.');
  // the next window starts at 5000
  assert.equal(stats.record(5, 1048576, 10_000), '1 records sent, 0.2 records/sec (0.20 MB/sec), 5.0 ms avg latency, 5.0 ms max latency.');
});

test('the total line has rates with one decimal, latencies with two and integer percentiles', () => {
  const stats = new ProducerPerfStats(100, 0);
  for (let i = 1; i <= 100; i++) stats.record(i, 1024, 100);
  assert.equal(stats.totalLine(2000), '100 records sent, 50.0 records/sec (0.05 MB/sec), 50.50 ms avg latency, 100.00 ms max latency, 51 ms 50th, 96 ms 95th, 100 ms 99th, 100 ms 99.9th.');
});

test('percentiles sample at most 500,000 latencies, every (n / 500,000)th as Kafka does', () => {
  const stats = new ProducerPerfStats(1_000_000, 0);
  for (let i = 0; i < 1_000_000; i++) stats.record(i % 2 === 0 ? 1 : 1000, 1, 1);
  // sampling = 2: only even iterations (latency 1) are sampled
  assert.deepEqual(stats.percentiles([0.5, 0.999]), [1, 1]);
});

test('--throughput: wait until the average rate is back at the target', () => {
  assert.equal(throttleDelayMs(10, 1000, -1), 0);
  assert.equal(throttleDelayMs(10, 1000, 100), 0);
  assert.equal(throttleDelayMs(200, 1000, 100), 1000);
});
