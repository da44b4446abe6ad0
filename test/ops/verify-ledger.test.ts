import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerifyLedger, parseVerifyPayload, verifyPayload } from '../../src/ops/verify-ledger.ts';

test('a clean run: everything acknowledged is read once, in order', () => {
  const ledger = new VerifyLedger();
  for (let seq = 0; seq < 6; seq++) {
    ledger.sent(seq * 10);
    ledger.acked(seq, seq * 10 + 5);
  }
  for (let seq = 0; seq < 6; seq++) ledger.read(seq, seq % 2);
  assert.deepEqual(ledger.report(100), {
    sent: 6,
    acked: 6,
    read: 6,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    outOfOrderByPartition: {},
    produceErrors: {},
    longestStallMs: 10,
    lostSample: [],
    foundOnReread: 0,
  });
});

test('lost, duplicated and out-of-order records are counted; failed sends are not lost', () => {
  const ledger = new VerifyLedger();
  for (let seq = 0; seq < 5; seq++) ledger.sent(0);
  ledger.acked(0, 1);
  ledger.acked(1, 2);
  ledger.acked(2, 3_002);
  ledger.acked(3, 3_003);
  ledger.failed('NOT_ENOUGH_REPLICAS');
  ledger.read(1, 0);
  ledger.read(0, 0);
  ledger.read(1, 0);
  ledger.read(3, 1);
  const r = ledger.report(4_000);
  assert.equal(r.acked, 4);
  assert.equal(r.read, 3);
  assert.equal(r.lost, 1);
  assert.deepEqual(r.lostSample, [2]);
  assert.equal(r.duplicated, 1);
  assert.equal(r.outOfOrder, 1);
  assert.deepEqual(r.outOfOrderByPartition, { '0': 1 });
  assert.deepEqual(r.produceErrors, { NOT_ENOUGH_REPLICAS: 1 });
  assert.equal(r.longestStallMs, 3_000);
  assert.equal(ledger.missing(), 1);
});

test('the final re-read finds what the live reader missed: read once, not duplicated, counted as found late', () => {
  const ledger = new VerifyLedger();
  for (let seq = 0; seq < 4; seq++) {
    ledger.sent(0);
    ledger.acked(seq, 1);
  }
  ledger.read(0, 0);
  ledger.read(1, 0);
  assert.equal(ledger.missing(), 2);
  for (const seq of [0, 1, 2, 3]) ledger.reread(seq);
  const r = ledger.report(10);
  assert.equal(r.lost, 0);
  assert.equal(r.read, 4);
  assert.equal(r.duplicated, 0);
  assert.equal(r.foundOnReread, 2);
});

test("payloads carry the run id: other runs' records are ignored", () => {
  assert.equal(parseVerifyPayload('run1', verifyPayload('run1', 42)), 42);
  assert.equal(parseVerifyPayload('run1', verifyPayload('run2', 42)), undefined);
  assert.equal(parseVerifyPayload('run1', 'run1:x'), undefined);
});
