import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupOffsetRows } from '../../src/ops/group-offsets.ts';
import { partitionKey } from '../../src/model/topic-partition.ts';

const k = (topic: string, partition: number) => partitionKey({ topic, partition });

test('kafka-consumer-groups --describe rows: members with most partitions first, then committed partitions nobody owns', () => {
  const members = [
    { memberId: 'm-small', instanceId: null, clientId: 'c1', host: '/10.0.0.1', assignment: [{ topic: 't', partition: 2 }] },
    {
      memberId: 'm-big',
      instanceId: null,
      clientId: 'c2',
      host: '/10.0.0.2',
      assignment: [
        { topic: 't', partition: 1 },
        { topic: 't', partition: 0 },
      ],
    },
    { memberId: 'm-idle', instanceId: null, clientId: 'c3', host: '/10.0.0.3', assignment: [] },
  ];
  const committed = new Map([
    [k('t', 0), 5n],
    [k('t', 2), 9n],
    [k('old', 0), 3n],
  ]);
  const logEnd = new Map([
    [k('t', 0), 10n],
    [k('t', 1), 4n],
    [k('t', 2), 9n],
    [k('old', 0), 8n],
  ]);
  const rows = groupOffsetRows('g', members, committed, logEnd);
  assert.deepEqual(
    rows.map((r) => [r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId]),
    [
      ['t', 0, 5n, 10n, 5n, 'm-big'],
      ['t', 1, null, 4n, null, 'm-big'],
      ['t', 2, 9n, 9n, 0n, 'm-small'],
      ['old', 0, 3n, 8n, 5n, null],
    ],
  );
});

test('a partition without a leader has no log end offset and no lag', () => {
  const rows = groupOffsetRows('g', [], new Map([[k('t', 0), 5n]]), new Map());
  assert.deepEqual([rows[0]!.logEndOffset, rows[0]!.lag], [null, null]);
});
