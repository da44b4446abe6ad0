import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setCondition, setConditions } from '../../src/operator/conditions.ts';

test('lastTransitionTime moves only when the status changes; conditions carry the generation', () => {
  const ready = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating', message: 'pods starting' }, 't1', 1);
  assert.deepEqual(ready, [{ type: 'Ready', status: 'False', reason: 'Creating', message: 'pods starting', lastTransitionTime: 't1', observedGeneration: 1 }]);
  const still = setCondition(ready, { type: 'Ready', status: 'False', reason: 'Rolling', message: 'node 2' }, 't2', 2);
  assert.equal(still[0]!.lastTransitionTime, 't1');
  assert.equal(still[0]!.observedGeneration, 2);
  const done = setCondition(still, { type: 'Ready', status: 'True', reason: 'Ready', message: '' }, 't3', 2);
  assert.equal(done[0]!.lastTransitionTime, 't3');
});

test('replaceAll drops conditions not named; order is stable', () => {
  const both = setConditions(
    undefined,
    [
      { type: 'Ready', status: 'False', reason: 'x', message: '' },
      { type: 'Degraded', status: 'True', reason: 'y', message: '' },
    ],
    't',
    1,
  );
  assert.deepEqual(
    both.map((c) => c.type),
    ['Degraded', 'Ready'],
  );
  assert.deepEqual(
    setConditions(both, [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }], 't', 1, { replaceAll: true }).map((c) => c.type),
    ['Ready'],
  );
});
