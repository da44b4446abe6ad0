import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type QuorumSwitchObservation, decideQuorumSwitch, isZeroDirectoryId } from '../../src/ops/quorum-switch.ts';

const ZERO = '00000000-0000-0000-0000-000000000000';
const ids = ['3f1c2a9e-0d4b-4c1e-9a7f-2b6d8e0c1a55', '6a2b9c1d-3e4f-4a5b-8c7d-9e0f1a2b3c4d', '0b1c2d3e-4f5a-4b6c-9d8e-7f6a5b4c3d2e'];
/** A static 4.1.2 cluster whose roll is done, asked to go dynamic. */
const base: QuorumSwitchObservation = { wanted: 'dynamic', running: 'static', kafkaVersion: '4.1.2', kraftVersion: 0, metadataVersion: 27, voterDirectoryIds: [ZERO, ZERO, ZERO], rollSettled: true };

test('nothing to switch: no mode asked, the running one asked, or a cluster not created yet', () => {
  assert.deepEqual(decideQuorumSwitch({ ...base, wanted: undefined }), { kind: 'none' });
  assert.deepEqual(decideQuorumSwitch({ ...base, running: 'dynamic', kraftVersion: 1 }), { kind: 'none' });
  assert.deepEqual(decideQuorumSwitch({ ...base, running: undefined }), { kind: 'none' });
});

test('dynamic → static is refused: kraft.version cannot be downgraded', () => {
  const d = decideQuorumSwitch({ ...base, wanted: 'static', running: 'dynamic', kraftVersion: 1 });
  assert.equal(d.kind, 'refused');
  assert.match((d as { reason: string }).reason, /cannot downgrade/);
});

test('refused before Kafka 4.1, naming the version and what to do', () => {
  for (const kafkaVersion of ['3.9.2', '4.0.1']) {
    const d = decideQuorumSwitch({ ...base, kafkaVersion });
    assert.equal(d.kind, 'refused');
    assert.match((d as { reason: string }).reason, new RegExp(`spec.version ${kafkaVersion.replaceAll('.', '\\.')} cannot upgrade a static quorum.*4\\.1`));
  }
});

test('the steps in order: wait for the roll, upgrade kraft.version, wait for the directory ids, switch', () => {
  assert.deepEqual(decideQuorumSwitch({ ...base, rollSettled: false }).kind, 'wait');
  assert.match((decideQuorumSwitch({ ...base, rollSettled: false }) as { reason: string }).reason, /roll to Kafka 4\.1\.2 in static mode must finish/);
  assert.deepEqual(decideQuorumSwitch(base), { kind: 'upgrade-kraft-version' });
  const propagating = decideQuorumSwitch({ ...base, kraftVersion: 1, voterDirectoryIds: [ids[0]!, ZERO, ZERO] });
  assert.equal(propagating.kind, 'wait');
  assert.match((propagating as { reason: string }).reason, /directory ids of 2 of 3 voters/);
  assert.deepEqual(decideQuorumSwitch({ ...base, kraftVersion: 1, voterDirectoryIds: ids }), { kind: 'switch' });
  // once kraft.version is 1 a roll in progress does not hold the switch back: the switch is itself a roll
  assert.deepEqual(decideQuorumSwitch({ ...base, kraftVersion: 1, voterDirectoryIds: ids, rollSettled: false }), { kind: 'switch' });
});

test('without an answer from Kafka nothing is upgraded', () => {
  assert.equal(decideQuorumSwitch({ ...base, kraftVersion: undefined, metadataVersion: undefined, voterDirectoryIds: undefined }).kind, 'wait');
  assert.equal(decideQuorumSwitch({ ...base, kraftVersion: 1, voterDirectoryIds: [] }).kind, 'wait');
});

test('a metadata.version older than 3.9-IV0 is refused with the command that fixes it', () => {
  const d = decideQuorumSwitch({ ...base, metadataVersion: 20 });
  assert.equal(d.kind, 'refused');
  assert.match((d as { reason: string }).reason, /feature level 20.*3\.9-IV0.*--metadata/);
  assert.deepEqual(decideQuorumSwitch({ ...base, metadataVersion: 21 }), { kind: 'upgrade-kraft-version' });
});

test('zero directory ids in both spellings', () => {
  assert.equal(isZeroDirectoryId(ZERO), true);
  assert.equal(isZeroDirectoryId('AAAAAAAAAAAAAAAAAAAAAA'), true);
  assert.equal(isZeroDirectoryId(''), true);
  assert.equal(isZeroDirectoryId(ids[0]!), false);
});
