import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordsBatch } from '@platformatic/kafka';
import { type PartitionData, forEachRecord } from '../../src/kafka/record-fetcher.ts';
import { payloadFactory } from '../../src/kafka/perf-producer.ts';

function batch(
  firstOffset: bigint,
  attributes: number,
  records: { delta: number; ts: bigint; key?: string | null; value?: string | null }[],
  firstTimestamp = 1000n,
  maxTimestamp = 5000n,
): RecordsBatch {
  return {
    firstOffset,
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: records.at(-1)?.delta ?? 0,
    firstTimestamp,
    maxTimestamp,
    producerId: -1n,
    producerEpoch: -1,
    firstSequence: -1,
    records: records.map((r) => ({
      length: 0,
      attributes: 0,
      timestampDelta: r.ts,
      offsetDelta: r.delta,
      key: r.key === null || r.key === undefined ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value ?? `v${r.delta}`),
      headers: [],
    })),
  };
}

function collect(data: PartitionData) {
  const out: { offset: bigint; ts: bigint; type: string; value: string | null }[] = [];
  forEachRecord(data, (r) => {
    out.push({ offset: r.offset, ts: r.timestamp, type: r.timestampType, value: r.value?.toString() ?? null });
  });
  return out;
}

test('records before the fetch offset (inside a compressed batch) and transaction markers are skipped', () => {
  const data: PartitionData = {
    topic: 't',
    partition: 0,
    broker: 1,
    fetchOffset: 12n,
    nextOffset: 16n,
    highWatermark: 16n,
    logStartOffset: 0n,
    batches: [
      batch(10n, 0, [
        { delta: 0, ts: 0n },
        { delta: 1, ts: 1n },
        { delta: 2, ts: 2n },
        { delta: 3, ts: 3n },
      ]),
      batch(14n, 0x20, [{ delta: 0, ts: 0n }]),
      batch(15n, 0, [{ delta: 0, ts: 7n, value: null }]),
    ],
  };
  assert.deepEqual(collect(data), [
    { offset: 12n, ts: 1002n, type: 'create', value: 'v2' },
    { offset: 13n, ts: 1003n, type: 'create', value: 'v3' },
    { offset: 15n, ts: 1007n, type: 'create', value: null },
  ]);
});

test("LogAppendTime batches report the broker's timestamp (the batch max timestamp) and tstype logappend", () => {
  const data: PartitionData = {
    topic: 't',
    partition: 0,
    broker: 1,
    fetchOffset: 0n,
    nextOffset: 2n,
    highWatermark: 2n,
    logStartOffset: 0n,
    batches: [
      batch(
        0n,
        0x08,
        [
          { delta: 0, ts: 0n },
          { delta: 1, ts: 9n },
        ],
        1000n,
        7777n,
      ),
    ],
  };
  assert.deepEqual(
    collect(data).map((r) => [r.ts, r.type]),
    [
      [7777n, 'logappend'],
      [7777n, 'logappend'],
    ],
  );
});

test('returning false stops the walk', () => {
  const data: PartitionData = {
    topic: 't',
    partition: 0,
    broker: 1,
    fetchOffset: 0n,
    nextOffset: 3n,
    highWatermark: 3n,
    logStartOffset: 0n,
    batches: [
      batch(0n, 0, [
        { delta: 0, ts: 0n },
        { delta: 1, ts: 0n },
        { delta: 2, ts: 0n },
      ]),
    ],
  };
  let n = 0;
  forEachRecord(data, () => ++n < 2);
  assert.equal(n, 2);
});

test('perf payloads: --record-size gives distinct windows of random uppercase letters; monotonic gives the index', () => {
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const sized = payloadFactory({ kind: 'size', size: 100 }, random);
  const a = Buffer.from(sized.next(0));
  const b = Buffer.from(sized.next(1));
  assert.equal(a.length, 100);
  assert.ok(/^[A-Z]{100}$/.test(a.toString('latin1')));
  assert.notDeepEqual(a, b);
  assert.equal(payloadFactory({ kind: 'monotonic' }).next(42).toString(), '42');
  const listed = payloadFactory({ kind: 'list', payloads: [Buffer.from('x'), Buffer.from('yy')] }, () => 0.9);
  assert.equal(listed.next(0).toString(), 'yy');
});
