import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaplaneError } from '../../src/errors.ts';
import { isAtMinIsr, isUnavailable, isUnderMinIsr, isUnderReplicated, replicationFactor, topicIncludeList } from '../../src/model/partition-health.ts';

test("partition states use kafka-topics' definitions", () => {
  const healthy = { leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] };
  const degraded = { leader: 1, replicas: [1, 2, 3], isr: [1, 2] };
  const offline = { leader: -1, replicas: [1, 2, 3], isr: [] };
  assert.equal(isUnderReplicated(healthy), false);
  assert.equal(isUnderReplicated(degraded), true);
  assert.equal(isAtMinIsr(degraded, 2), true);
  assert.equal(isUnderMinIsr(degraded, 2), false);
  assert.equal(isUnderMinIsr(degraded, 3), true);
  assert.equal(isUnderMinIsr(offline, 1), true, 'no leader counts as under min ISR');
  assert.equal(isUnavailable(healthy, new Set([2, 3])), true, 'a leader that is not a live broker');
  assert.equal(isUnavailable(healthy, new Set([1])), false);
  // A reassignment adding replica 4: the replication factor stays 3.
  assert.equal(replicationFactor({ leader: 1, replicas: [1, 2, 3, 4], isr: [1, 2, 3], adding: [4], removing: [3] }), 3);
});

test('--topic is a whole-name regular expression; commas separate alternatives (TopicFilter.IncludeList)', () => {
  const match = topicIncludeList('orders.*, payments', '--topic');
  assert.equal(match('orders-eu'), true);
  assert.equal(match('payments'), true);
  assert.equal(match('payments-dlq'), false, 'the whole name must match');
  assert.equal(match('xorders'), false);
  assert.equal(topicIncludeList('"audit"', '--topic')('audit'), true);
  assert.throws(
    () => topicIncludeList('orders[', '--topic'),
    (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2 && e.message === '--topic "orders[" is not a valid regular expression: Unterminated character class',
  );
});
