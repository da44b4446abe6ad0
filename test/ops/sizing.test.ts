import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliHint } from '../../src/cli/hints.ts';
import { KafkaplaneError } from '../../src/errors.ts';
import { type SizingInput, compareWithSpec, parseRate, parseSeconds, parseSize, planSizing } from '../../src/ops/sizing.ts';

const MB = 1e6;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

function input(overrides: Partial<SizingInput> = {}): SizingInput {
  return {
    writeBytesPerSec: 50 * MB,
    readBytesPerSec: 100 * MB,
    replicationFactor: 3,
    retentionSeconds: 86_400,
    partitions: undefined,
    headroom: 0.3,
    brokerNetworkBytesPerSec: 1.25e9,
    maxDiskPerBroker: 2 * TiB,
    maxPartitionsPerBroker: 4000,
    pageCacheSeconds: 30,
    heapBytes: 6 * GiB,
    tls: false,
    minBrokers: 3,
    ...overrides,
  };
}

test('rates and sizes read the way people write them (seed 000: 1 TB/day ≈ 11.5 MB/s)', () => {
  assert.ok(Math.abs(parseRate('1TB/day', 'x') - 11.57 * MB) < 0.01 * MB);
  assert.equal(parseRate('50MB/s', 'x'), 50 * MB);
  assert.equal(parseRate('10Gbit/s', 'x'), 1.25e9);
  assert.equal(parseRate('60 MiB/min', 'x'), 1024 * 1024);
  assert.equal(parseSize('2TiB', 'x'), 2 * TiB);
  assert.equal(parseSize('1.5Ti', 'x'), 1.5 * TiB);
  assert.equal(parseSize('500GB', 'x'), 500e9);
  assert.equal(parseSeconds('7d', 'x'), 604_800);
  assert.equal(parseSeconds('72h', 'x'), 259_200);
  for (const bad of ['fast', '10MB', '5 parsecs/s'])
    assert.throws(
      () => parseRate(bad, '--write'),
      (e: unknown) => e instanceof KafkaplaneError && e.exitCode === 2,
      bad,
    );
  assert.throws(() => parseSize('lots', '--max-disk'), KafkaplaneError);
});

test('network: inbound × replicas + outbound, with headroom, decides when the NICs are small', () => {
  // 50 MB/s × 3 + 100 MB/s = 250 MB/s; × 1.3 = 325 MB/s; at 100 MB/s per broker → 4 brokers.
  const plan = planSizing(input({ brokerNetworkBytesPerSec: 100 * MB, maxDiskPerBroker: 100 * TiB }));
  assert.equal(plan.cluster.networkBytesPerSec, 325 * MB);
  assert.equal(plan.brokers, 4);
  assert.equal(plan.decidedBy, 'network');
  assert.ok(
    plan.notes.map(cliHint).some((n) => n!.startsWith('network decides the broker count') && n!.includes('(--broker-network)')),
    'the note names the CLI flag',
  );
  assert.match(plan.reasoning[0]!, /inbound 50 MB\/s × 3 replicas \+ outbound 100 MB\/s = 250 MB\/s/);
});

test('storage: rate × retention × RF with headroom; page cache: 30 s of the writes each broker receives', () => {
  const plan = planSizing(input());
  assert.equal(plan.cluster.storageBytes, 50 * MB * 86_400 * 3);
  assert.equal(plan.cluster.storageWithHeadroomBytes, 50 * MB * 86_400 * 3 * 1.3);
  // 16.85 TB with headroom over 2 TiB disks → 8 brokers.
  assert.equal(plan.brokers, 8);
  assert.equal(plan.decidedBy, 'storage');
  assert.ok(
    plan.notes.map(cliHint).some((n) => n!.startsWith('storage decides the broker count') && n!.includes('(--max-disk)')),
    'the note names the CLI flag',
  );
  assert.equal(plan.perBroker.pageCacheBytes, 30 * ((50 * MB * 3) / 8));
  assert.equal(plan.perBroker.memoryBytes, Math.ceil((6 * GiB + plan.perBroker.pageCacheBytes) / GiB) * GiB);
  assert.ok(
    plan.notes.map(cliHint).some((n) => /at least 32 GB/.test(n!)),
    "small memory gets seed 000's production advice",
  );
});

test('partitions per broker and the minimum of 3 brokers', () => {
  const plan = planSizing(input({ writeBytesPerSec: 1 * MB, readBytesPerSec: 1 * MB, partitions: 10_000 }));
  assert.equal(plan.brokers, 8, '10,000 × 3 replicas / 4,000 per broker');
  assert.equal(plan.decidedBy, 'partitions');
  const small = planSizing(input({ writeBytesPerSec: 0.1 * MB, readBytesPerSec: 0.1 * MB }));
  assert.equal(small.brokers, 3);
  assert.equal(small.decidedBy, 'minimum');
});

test('warnings: heap above 6 GB, RF below 3, TLS', () => {
  const plan = planSizing(input({ heapBytes: 12 * GiB, replicationFactor: 2, tls: true, minBrokers: 1 }));
  assert.ok(plan.notes.map(cliHint).some((n) => /above the ~6 GB/.test(n!)));
  assert.ok(plan.notes.map(cliHint).some((n) => /replication factor 2/.test(n!)));
  assert.ok(plan.notes.map(cliHint).some((n) => /zero-copy/.test(n!)));
  assert.throws(() => planSizing(input({ writeBytesPerSec: 0 })), KafkaplaneError);
});

test('a spec is judged for its own broker count', () => {
  const i = input();
  const plan = planSizing(i);
  const rows = compareWithSpec(i, plan, { brokers: 3, diskBytes: 1000 * GiB, memoryBytes: 64 * GiB, heapBytes: 6 * GiB });
  assert.deepEqual(
    rows.map((r) => [r.resource, r.verdict]),
    [
      ['brokers', 'add 5'],
      ['disk per broker', 'too small'],
      ['memory per broker', 'ok'],
      ['heap', 'ok'],
    ],
  );
});
