// How a group's OffsetFetch answer becomes the snapshot's typed arrays (src/kafka/snapshot.ts groupTopics).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupTopics } from '../../src/kafka/snapshot.ts';
import { groupOffsetRows, type SnapshotGroupTopic, type SnapshotTopic } from '../../src/model/cluster-snapshot.ts';

const topic = (name: string, newest: (bigint | null)[]): SnapshotTopic => ({
  name,
  internal: false,
  minIsr: null,
  partitions: newest.map((n, partition) => ({ partition, leader: 0, replicas: [0], isr: [0], oldest: 0n, newest: n })),
});
const rows = (t: SnapshotGroupTopic[]) => [...groupOffsetRows({ id: 'g', type: 'classic', state: 'Empty', members: 0, topics: t })];
const topics = new Map([
  ['b', topic('b', [10n, 20n, 30n])],
  ['a', topic('a', [5n, null])],
]);

test('every partition of a topic the group committed on, -1 where it committed nothing; lag seconds 0 only where caught up', () => {
  const out = groupTopics(
    {
      groupId: 'g',
      topics: [
        {
          name: 'b',
          partitions: [
            { partitionIndex: 1, committedOffset: 20n },
            { partitionIndex: 2, committedOffset: 7n },
          ],
        },
        {
          name: 'a',
          partitions: [
            { partitionIndex: 0, committedOffset: 5n },
            { partitionIndex: 1, committedOffset: 3n },
          ],
        },
        // Nothing committed, a partition the snapshot does not have, a topic it does not know: left out.
        { name: 'c', partitions: [{ partitionIndex: 0, committedOffset: 1n }] },
        { name: 'b', partitions: [{ partitionIndex: 9, committedOffset: 1n }] },
      ],
    },
    topics,
  );
  assert.deepEqual(rows(out), [
    { topic: 'a', partition: 0, committed: 5n, lagSeconds: 0 },
    { topic: 'a', partition: 1, committed: 3n, lagSeconds: null },
    { topic: 'b', partition: 0, committed: -1n, lagSeconds: null },
    { topic: 'b', partition: 1, committed: 20n, lagSeconds: 0 },
    { topic: 'b', partition: 2, committed: 7n, lagSeconds: null },
  ]);
  assert.equal(out[0]!.topic, topics.get('a')!.name);
});

test('a topic whose offsets are all uncommitted (-1) is not one the group consumes', () => {
  assert.deepEqual(groupTopics({ groupId: 'g', topics: [{ name: 'b', partitions: [{ partitionIndex: 0, committedOffset: -1n }] }] }, topics), []);
});
