import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaplaneError } from '../../src/errors.ts';
import { cliHint } from '../../src/cli/hints.ts';
import { formatResetCsv, parseIsoDuration, parseResetCsv, parseResetDatetime, parseTopicScope, parseWholeOffset, planOffsetReset, resetRefusal } from '../../src/ops/offset-reset.ts';
import { partitionKey } from '../../src/model/topic-partition.ts';

const partitions = [
  { topic: 'b', partition: 0, start: 10n, end: 50n, committed: 20n },
  { topic: 'a', partition: 1, start: 0n, end: 30n },
  { topic: 'a', partition: 0, start: 5n, end: 40n, committed: 38n },
];

const offsets = (plan: ReturnType<typeof planOffsetReset>) => plan.rows.map((r) => `${r.topic}-${r.partition}:${r.newOffset}`);

test('earliest and latest take the log start and end; rows come sorted by topic and partition', () => {
  assert.deepEqual(offsets(planOffsetReset('g', { kind: 'earliest' }, partitions)), ['a-0:5', 'a-1:0', 'b-0:10']);
  assert.deepEqual(offsets(planOffsetReset('g', { kind: 'latest' }, partitions)), ['a-0:40', 'a-1:30', 'b-0:50']);
});

test('--to-current keeps committed offsets and uses the log end where nothing is committed', () => {
  const plan = planOffsetReset('g', { kind: 'current' }, partitions);
  assert.deepEqual(offsets(plan), ['a-0:38', 'a-1:30', 'b-0:20']);
  assert.deepEqual(
    plan.rows.map((r) => r.current),
    [38n, null, 20n],
  );
});

test('--to-offset and --shift-by are moved into [log start, log end] with a warning, like the tool', () => {
  const to = planOffsetReset('g', { kind: 'offset', offset: 7n }, partitions);
  assert.deepEqual(offsets(to), ['a-0:7', 'a-1:7', 'b-0:10']);
  assert.deepEqual(to.warnings, ['New offset (7) is lower than earliest offset for topic partition b-0. Value will be set to 10.']);
  const shifted = planOffsetReset(
    'g',
    { kind: 'shift-by', shift: 5n },
    partitions.filter((p) => p.committed !== undefined),
  );
  assert.deepEqual(offsets(shifted), ['a-0:40', 'b-0:25']);
  assert.match(shifted.warnings[0]!, /New offset \(43\) is higher than latest offset for topic partition a-0\. Value will be set to 40\./);
});

test('--shift-by on a partition without a committed offset is refused (exit 2), as Kafka refuses it', () => {
  assert.throws(
    () => planOffsetReset('g', { kind: 'shift-by', shift: -1n }, partitions),
    (e: unknown) =>
      e instanceof KafkaplaneError && e.exitCode === 2 && /a-1/.test(e.message) && cliHint(e.hint) === 'use --to-earliest, --to-latest or --to-offset for partitions the group never committed',
  );
});

test("offsets are Kafka's int64: exact beyond 2^53, in plans and in reset files", () => {
  const big = 9_007_199_254_740_993n; // 2^53 + 1: a number would round it to 2^53
  const plan = planOffsetReset('g', { kind: 'shift-by', shift: 1n }, [{ topic: 't', partition: 0, start: 0n, end: big + 10n, committed: big }]);
  assert.equal(plan.rows[0]!.newOffset, big + 1n);
  assert.equal(formatResetCsv([plan]), 't,0,9007199254740994\n');
  assert.equal(
    parseResetCsv('t,0,9007199254740993\n', 'plan.csv')
      .get('')!
      .get(partitionKey({ topic: 't', partition: 0 })),
    big,
  );
  assert.equal(parseWholeOffset('9223372036854775807', '--to-offset'), 2n ** 63n - 1n);
  assert.throws(() => parseWholeOffset('9223372036854775808', '--to-offset'), /--to-offset "9223372036854775808" is not a whole number/);
  assert.throws(() => parseResetCsv('t,0,9223372036854775808\n', 'plan.csv'), /plan\.csv:1: offset "9223372036854775808" is not a whole number/);
});

test('a timestamp past the last record falls back to the log end with a warning', () => {
  const plan = planOffsetReset('g', { kind: 'timestamp', ms: 1, label: 'then' }, [
    { topic: 't', partition: 0, start: 0n, end: 9n, atTimestamp: 4n },
    { topic: 't', partition: 1, start: 0n, end: 7n, atTimestamp: null },
  ]);
  assert.deepEqual(offsets(plan), ['t-0:4', 't-1:7']);
  assert.match(plan.warnings[0]!, /Partition 1 from topic t .*Falling back to latest known offset \(7\)/);
});

test('--from-file offsets are clamped too', () => {
  const file = new Map([[partitionKey({ topic: 'a', partition: 0 }), 1000n]]);
  assert.deepEqual(offsets(planOffsetReset('g', { kind: 'file', offsets: file }, [partitions[2]!])), ['a-0:40']);
});

test("active groups are refused with Kafka's own message", () => {
  assert.equal(resetRefusal('g', 'Stable'), "Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.");
  assert.equal(resetRefusal('g', 'Empty'), undefined);
  assert.equal(resetRefusal('g', 'Dead'), undefined);
  assert.match(resetRefusal('g', 'Reconciling')!, /current state is Reconciling\.$/);
});

test("--to-datetime reads Kafka's format; no zone means UTC; impossible dates are errors, not rolled over", () => {
  const parse = (text: string) => parseResetDatetime(text, '--to-datetime');
  assert.equal(parse('2024-05-01T12:00:00.000'), Date.UTC(2024, 4, 1, 12));
  assert.equal(parse('2024-05-01T12:00:00.250Z'), Date.UTC(2024, 4, 1, 12, 0, 0, 250));
  assert.equal(parse('2024-05-01T12:00:00.000+02:00'), Date.UTC(2024, 4, 1, 10));
  assert.equal(parse('2024-05-01T12:00:00.000-0130'), Date.UTC(2024, 4, 1, 13, 30));
  assert.equal(parse('2024-05-01T12:00:00'), Date.UTC(2024, 4, 1, 12));
  for (const bad of ['2024-02-30T00:00:00.000', '2024-13-01T00:00:00.000', '2024-05-01 12:00:00', 'yesterday', '2024-05-01T25:00:00.000', '2024-05-01']) {
    assert.throws(
      () => parse(bad),
      (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2,
      bad,
    );
  }
  // The caller names the setting: the CLI's words are not hard-coded below it.
  assert.throws(() => parse('2024-02-30T00:00:00.000'), /^KafkaplaneError: --to-datetime "2024-02-30T00:00:00\.000": day 30 does not exist in 2024-02$/);
  assert.throws(() => parseResetDatetime('x', 'resetTo'), /^KafkaplaneError: resetTo "x": not an ISO-8601 date-time$/);
});

test('--by-duration reads java.time.Duration strings', () => {
  const parse = (text: string) => parseIsoDuration(text, '--by-duration');
  assert.equal(parse('PT30M'), 30 * 60_000);
  assert.equal(parse('P1DT2H'), 26 * 3_600_000);
  assert.equal(parse('PT0.5S'), 500);
  assert.equal(parse('pt1h'), 3_600_000);
  for (const bad of ['P', 'PT', '30m', 'P1H', 'PT1X']) assert.throws(() => parse(bad), KafkaplaneError, bad);
  assert.throws(() => parse('3 hours'), /^KafkaplaneError: --by-duration "3 hours" is not an ISO-8601 duration$/);
});

test('--topic scopes: a whole topic or listed partitions; malformed ones are usage errors', () => {
  assert.deepEqual(parseTopicScope(['orders', 'payments:0,2'], '--topic'), [{ topic: 'orders' }, { topic: 'payments', partitions: [0, 2] }]);
  for (const bad of ['t:', 't:a', ':1', 't:1:2'])
    assert.throws(
      () => parseTopicScope([bad], '--topic'),
      (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2,
      bad,
    );
  assert.throws(
    () => parseTopicScope(['t:a'], '--topic'),
    (e: unknown) => e instanceof KafkaplaneError && e.message === 'invalid partition "a" in --topic "t:a"' && cliHint(e.hint) === 'partitions are numbers: --topic orders:0,1,2',
  );
});

test("reset plan CSV: the tool's two layouts in, line numbers in errors, and the same layouts out", () => {
  const one = parseResetCsv('orders,0,5\norders,1,7\n\n', 'plan.csv');
  assert.deepEqual(
    [...one.get('')!.entries()],
    [
      [partitionKey({ topic: 'orders', partition: 0 }), 5n],
      [partitionKey({ topic: 'orders', partition: 1 }), 7n],
    ],
  );
  const many = parseResetCsv('g1,orders,0,5\ng2,orders,0,6\n', 'plan.csv');
  assert.deepEqual([...many.keys()], ['g1', 'g2']);
  assert.throws(() => parseResetCsv('orders,0,5\norders,x,7\n', 'plan.csv'), /plan\.csv:2: partition "x"/);
  assert.throws(() => parseResetCsv('orders,0\n', 'plan.csv'), /plan\.csv:1: expected topic,partition,offset/);
  assert.throws(() => parseResetCsv('orders,0,1.5\n', 'plan.csv'), /offset "1\.5"/);
  const plan = { group: 'g', rows: [{ topic: 'orders', partition: 0, current: 1n, newOffset: 5n }], warnings: [] };
  assert.equal(formatResetCsv([plan]), 'orders,0,5\n');
  assert.equal(formatResetCsv([plan, { ...plan, group: 'h' }]), 'g,orders,0,5\nh,orders,0,5\n');
});
