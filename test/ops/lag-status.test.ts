import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CommitSample, groupLagStatus, partitionLagStatus, pushSample } from '../../src/ops/lag-status.ts';

/** Ten samples, one a minute, from (offset, lag) pairs. */
const window = (pairs: [number, number][]): CommitSample[] => pairs.map(([offset, lag], i) => ({ offset: BigInt(offset), lag: BigInt(lag), timestampMs: i * 60_000 }));
const lastAt = 9 * 60_000;

test('a window that is not full, or a consumer caught up now, is OK', () => {
  assert.equal(partitionLagStatus(window([[1, 5]]), 5n, lastAt), 'OK');
  assert.equal(partitionLagStatus(window(Array.from({ length: 10 }, (_, i) => [i, 5])), 0n, lastAt), 'OK');
});

test('moving offsets with lag going up and down are OK; lag that never decreases is WARN', () => {
  assert.equal(partitionLagStatus(window(Array.from({ length: 10 }, (_, i) => [i * 10, i % 2 === 0 ? 5 : 8])), 5n, lastAt), 'OK');
  assert.equal(partitionLagStatus(window(Array.from({ length: 10 }, (_, i) => [i * 10, 5 + i])), 15n, lastAt), 'WARN');
});

test('the same offset with lag in every sample is STALL', () => {
  assert.equal(partitionLagStatus(window(Array.from({ length: 10 }, () => [100, 50])), 50n, lastAt), 'STALL');
});

test('no sample for longer than the window spans, never caught up, is STOP; caught up somewhere in it is not', () => {
  const lagging = window(Array.from({ length: 10 }, (_, i) => [i * 10, 5 + i]));
  assert.equal(partitionLagStatus(lagging, 20n, lastAt + 9 * 60_000 + 1), 'STOP');
  assert.equal(partitionLagStatus(lagging, 20n, lastAt + 60_000), 'WARN');
  const caughtUp = window(Array.from({ length: 10 }, (_, i) => [i * 10, i === 3 ? 0 : 5]));
  assert.equal(partitionLagStatus(caughtUp, 20n, lastAt + 10 * 60_000), 'OK');
});

test('an offset that went backwards and stayed behind is REWIND; one that recovered is not', () => {
  assert.equal(
    partitionLagStatus(
      window([
        [10, 5],
        [20, 5],
        [30, 5],
        [40, 5],
        [5, 40],
        [6, 40],
        [7, 40],
        [8, 40],
        [9, 40],
        [10, 40],
      ]),
      40n,
      lastAt,
    ),
    'REWIND',
  );
  assert.equal(
    partitionLagStatus(
      window([
        [10, 5],
        [20, 5],
        [30, 5],
        [5, 30],
        [50, 5],
        [60, 6],
        [70, 5],
        [80, 6],
        [90, 5],
        [100, 6],
      ]),
      6n,
      lastAt,
    ),
    'OK',
  );
});

test('a group is as bad as its worst partition; STOP, STALL and REWIND count as ERR', () => {
  assert.equal(groupLagStatus(['OK', 'OK']), 'OK');
  assert.equal(groupLagStatus(['OK', 'WARN']), 'WARN');
  for (const s of ['STOP', 'STALL', 'REWIND'] as const) assert.equal(groupLagStatus(['WARN', s]), 'ERR');
});

test('the window keeps the newest samples', () => {
  let w: CommitSample[] = [];
  for (let i = 0; i < 15; i++) w = pushSample(w, { offset: BigInt(i), lag: 0n, timestampMs: i });
  assert.deepEqual(
    w.map((s) => Number(s.offset)),
    [5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
  );
});
