import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaplaneError } from '../../src/errors.ts';
import { formatResetCsv, parseIsoDuration, parseResetCsv, parseResetDatetime, parseTopicScope, planOffsetReset, resetRefusal } from '../../src/ops/offset-reset.ts';
import { partitionKey } from '../../src/model/topic-partition.ts';

const partitions = [
  { topic: 'b', partition: 0, start: 10, end: 50, committed: 20 },
  { topic: 'a', partition: 1, start: 0, end: 30 },
  { topic: 'a', partition: 0, start: 5, end: 40, committed: 38 },
];

const offsets = (plan: ReturnType<typeof planOffsetReset>) => plan.rows.map((r) => `${r.topic}-${r.partition}:${r.newOffset}`);

test('earliest and latest take the log start and end; rows come sorted by topic and partition', () => {
  assert.deepEqual(offsets(planOffsetReset('g', { kind: 'earliest' }, partitions)), ['a-0:5', 'a-1:0', 'b-0:10']);
  assert.deepEqual(offsets(planOffsetReset('g', { kind: 'latest' }, partitions)), ['a-0:40', 'a-1:30', 'b-0:50']);
});

test('--to-current keeps committed offsets and uses the log end where nothing is committed', () => {
  const plan = planOffsetReset('g', { kind: 'current' }, partitions);
  assert.deepEqual(offsets(plan), ['a-0:38', 'a-1:30', 'b-0:20']);
  assert.deepEqual(plan.rows.map((r) => r.current), [38, null, 20]);
});

test('--to-offset and --shift-by are moved into [log start, log end] with a warning, like the tool', () => {
  const to = planOffsetReset('g', { kind: 'offset', offset: 7 }, partitions);
  assert.deepEqual(offsets(to), ['a-0:7', 'a-1:7', 'b-0:10']);
  assert.deepEqual(to.warnings, ['New offset (7) is lower than earliest offset for topic partition b-0. Value will be set to 10.']);
  const shifted = planOffsetReset('g', { kind: 'shift-by', shift: 5 }, partitions.filter((p) => p.committed !== undefined));
  assert.deepEqual(offsets(shifted), ['a-0:40', 'b-0:25']);
  assert.match(shifted.warnings[0]!, /New offset \(43\) is higher than latest offset for topic partition a-0\. Value will be set to 40\./);
});

test('--shift-by on a partition without a committed offset is refused (exit 2), as Kafka refuses it', () => {
  assert.throws(() => planOffsetReset('g', { kind: 'shift-by', shift: -1 }, partitions), (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2 && /a-1/.test(e.message));
});

test('a timestamp past the last record falls back to the log end with a warning', () => {
  const plan = planOffsetReset('g', { kind: 'timestamp', ms: 1, label: 'then' }, [
    { topic: 't', partition: 0, start: 0, end: 9, atTimestamp: 4 },
    { topic: 't', partition: 1, start: 0, end: 7, atTimestamp: null },
  ]);
  assert.deepEqual(offsets(plan), ['t-0:4', 't-1:7']);
  assert.match(plan.warnings[0]!, /Partition 1 from topic t .*Falling back to latest known offset \(7\)/);
});

test('--from-file offsets are clamped too', () => {
  const file = new Map([[partitionKey({ topic: 'a', partition: 0 }), 1000]]);
  assert.deepEqual(offsets(planOffsetReset('g', { kind: 'file', offsets: file }, [partitions[2]!])), ['a-0:40']);
});

test('active groups are refused with Kafka\'s own message', () => {
  assert.equal(resetRefusal('g', 'Stable'), "Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.");
  assert.equal(resetRefusal('g', 'Empty'), undefined);
  assert.equal(resetRefusal('g', 'Dead'), undefined);
  assert.match(resetRefusal('g', 'Reconciling')!, /current state is Reconciling\.$/);
});

test('--to-datetime reads Kafka\'s format; no zone means UTC; impossible dates are errors, not rolled over', () => {
  assert.equal(parseResetDatetime('2024-05-01T12:00:00.000'), Date.UTC(2024, 4, 1, 12));
  assert.equal(parseResetDatetime('2024-05-01T12:00:00.250Z'), Date.UTC(2024, 4, 1, 12, 0, 0, 250));
  assert.equal(parseResetDatetime('2024-05-01T12:00:00.000+02:00'), Date.UTC(2024, 4, 1, 10));
  assert.equal(parseResetDatetime('2024-05-01T12:00:00.000-0130'), Date.UTC(2024, 4, 1, 13, 30));
  assert.equal(parseResetDatetime('2024-05-01T12:00:00'), Date.UTC(2024, 4, 1, 12));
  for (const bad of ['2024-02-30T00:00:00.000', '2024-13-01T00:00:00.000', '2024-05-01 12:00:00', 'yesterday', '2024-05-01T25:00:00.000', '2024-05-01']) {
    assert.throws(() => parseResetDatetime(bad), (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2, bad);
  }
});

test('--by-duration reads java.time.Duration strings', () => {
  assert.equal(parseIsoDuration('PT30M'), 30 * 60_000);
  assert.equal(parseIsoDuration('P1DT2H'), 26 * 3_600_000);
  assert.equal(parseIsoDuration('PT0.5S'), 500);
  assert.equal(parseIsoDuration('pt1h'), 3_600_000);
  for (const bad of ['P', 'PT', '30m', 'P1H', 'PT1X']) assert.throws(() => parseIsoDuration(bad), KafkaplaneError, bad);
});

test('--topic scopes: a whole topic or listed partitions; malformed ones are usage errors', () => {
  assert.deepEqual(parseTopicScope(['orders', 'payments:0,2']), [{ topic: 'orders' }, { topic: 'payments', partitions: [0, 2] }]);
  for (const bad of ['t:', 't:a', ':1', 't:1:2']) assert.throws(() => parseTopicScope([bad]), (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2, bad);
});

test('reset plan CSV: the tool\'s two layouts in, line numbers in errors, and the same layouts out', () => {
  const one = parseResetCsv('orders,0,5\norders,1,7\n\n', 'plan.csv');
  assert.deepEqual([...one.get('')!.entries()], [[partitionKey({ topic: 'orders', partition: 0 }), 5], [partitionKey({ topic: 'orders', partition: 1 }), 7]]);
  const many = parseResetCsv('g1,orders,0,5\ng2,orders,0,6\n', 'plan.csv');
  assert.deepEqual([...many.keys()], ['g1', 'g2']);
  assert.throws(() => parseResetCsv('orders,0,5\norders,x,7\n', 'plan.csv'), /plan\.csv:2: partition "x"/);
  assert.throws(() => parseResetCsv('orders,0\n', 'plan.csv'), /plan\.csv:1: expected topic,partition,offset/);
  assert.throws(() => parseResetCsv('orders,0,1.5\n', 'plan.csv'), /offset "1\.5"/);
  const plan = { group: 'g', rows: [{ topic: 'orders', partition: 0, current: 1, newOffset: 5 }], warnings: [] };
  assert.equal(formatResetCsv([plan]), 'orders,0,5\n');
  assert.equal(formatResetCsv([plan, { ...plan, group: 'h' }]), 'g,orders,0,5\nh,orders,0,5\n');
});
