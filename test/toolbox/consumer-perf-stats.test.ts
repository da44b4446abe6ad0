import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONSUMER_PERF_HEADER, consumerPerfIntervalLine, consumerPerfSummaryLine, consumerPerfTimeoutWarning } from '../../src/toolbox/consumer-perf-stats.ts';

const date = (ms: number) => `T${ms}`;

test('summary line: MB = 1024², four decimals, fetch rates exclude the join time', () => {
  const line = consumerPerfSummaryLine({ startMs: 0, endMs: 2000, bytes: 10 * 1024 * 1024, messages: 100_000, joinTimeMs: 500 }, date);
  assert.equal(line, 'T0, T2000, 10.0000, 5.0000, 100000, 50000.0000, 500, 1500, 6.6667, 66666.6667');
  assert.equal(line.split(', ').length, CONSUMER_PERF_HEADER.split(', ').length);
});

test('detailed stats line: interval rates, thread id 0, zero fetch time gives 0 rates', () => {
  assert.equal(
    consumerPerfIntervalLine({ bytes: 2 * 1024 * 1024, messages: 2000, lastBytes: 1024 * 1024, lastMessages: 1000, startMs: 1000, endMs: 3000, joinTimeMs: 0 }, date),
    'T3000, 0, 2.0000, 0.5000, 2000, 500.0000, 0, 2000, 0.5000, 500.0000',
  );
  assert.match(consumerPerfIntervalLine({ bytes: 1, messages: 1, lastBytes: 0, lastMessages: 0, startMs: 0, endMs: 100, joinTimeMs: 100 }, date), /, 100, 0, 0\.0000, 0\.0000$/);
});

test("timeout warning is Kafka's sentence", () => {
  assert.equal(
    consumerPerfTimeoutWarning(10000),
    'WARNING: Exiting before consuming the expected number of messages: timeout (10000 ms) exceeded. You can use the --timeout option to increase the timeout.',
  );
});
