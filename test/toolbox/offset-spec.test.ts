import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOffsetSpecs, parseTimestamp, planStartOffset } from '../../src/toolbox/offset-spec.ts';

test('kcat -o forms and console-consumer aliases parse', () => {
  assert.deepEqual(parseOffsetSpecs(['beginning']), { start: { kind: 'beginning' } });
  assert.deepEqual(parseOffsetSpecs(['earliest']), { start: { kind: 'beginning' } });
  assert.deepEqual(parseOffsetSpecs(['latest']), { start: { kind: 'end' } });
  assert.deepEqual(parseOffsetSpecs(['stored']), { start: { kind: 'stored' } });
  assert.deepEqual(parseOffsetSpecs(['42']), { start: { kind: 'absolute', offset: 42n } });
  assert.deepEqual(parseOffsetSpecs(['-10']), { start: { kind: 'fromEnd', count: 10n } });
  assert.deepEqual(parseOffsetSpecs(['s@1700000000000', 'e@1700000001000']), { start: { kind: 'timestamp', ms: 1_700_000_000_000n }, stopAt: 1_700_000_001_000n });
  assert.deepEqual(parseOffsetSpecs(['e@1700000001000']), { stopAt: 1_700_000_001_000n });
  assert.deepEqual(parseOffsetSpecs([]), {});
});

test('timestamps: epoch milliseconds or ISO-8601 with a zone', () => {
  assert.equal(parseTimestamp('2024-05-01T12:00:00Z', 'x'), 1_714_564_800_000n);
  assert.equal(parseTimestamp('2024-05-01T14:00:00+02:00', 'x'), 1_714_564_800_000n);
  assert.throws(() => parseTimestamp('yesterday', 's@yesterday'), /invalid offset "s@yesterday"/);
});

test('invalid offsets fail with exit code 2 and the accepted forms', () => {
  for (const bad of ['nope', '-0', '1.5', 's@', 'e@abc', '+3']) {
    assert.throws(
      () => parseOffsetSpecs([bad]),
      (e: Error & { exitCode?: number; hint?: string }) => e.exitCode === 2 && /beginning/.test(e.hint ?? ''),
      bad,
    );
  }
  assert.throws(() => parseOffsetSpecs(['1', '2']), /only one start offset/);
  assert.throws(() => parseOffsetSpecs(['e@1', 'e@2']), /only one e@/);
});

test('start offsets are planned against the partition bounds', () => {
  const b = { earliest: 10n, latest: 20n };
  assert.deepEqual(planStartOffset({ kind: 'beginning' }, b), { offset: 10n });
  assert.deepEqual(planStartOffset({ kind: 'end' }, b), { offset: 20n });
  assert.deepEqual(planStartOffset({ kind: 'fromEnd', count: 3n }, b), { offset: 17n });
  assert.deepEqual(planStartOffset({ kind: 'fromEnd', count: 30n }, b), { offset: 10n });
  assert.deepEqual(planStartOffset({ kind: 'absolute', offset: 15n }, b), { offset: 15n });
  assert.deepEqual(planStartOffset({ kind: 'absolute', offset: 20n }, b), { offset: 20n });
  assert.match((planStartOffset({ kind: 'absolute', offset: 21n }, b) as { error: string }).error, /out of range \(the partition holds offsets 10 to 19/);
  assert.match((planStartOffset({ kind: 'absolute', offset: 9n }, b) as { error: string }).error, /out of range/);
  assert.deepEqual(planStartOffset({ kind: 'timestamp', ms: 5n }, b, 12n), { offset: 12n });
  assert.deepEqual(planStartOffset({ kind: 'timestamp', ms: 5n }, b, -1n), { offset: 20n });
});
