// The console's pure page logic: lag from a snapshot, partition health, the reset form, the plan digest, record views.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupLag, planDigest, resetScenario } from '../../src/console/pages/groups.ts';
import { partitionHealth } from '../../src/console/pages/overview.ts';
import { aclFromForm } from '../../src/console/pages/security.ts';
import { headerLines, hexDump, showBytes } from '../../src/console/record-view.ts';
import { type ClusterSnapshot, groupTopic } from '../../src/model/cluster-snapshot.ts';

const snapshot: ClusterSnapshot = {
  takenAtMs: 0,
  durationMs: 1,
  clusterId: 'c',
  controllerId: 1,
  brokers: [],
  topics: [
    {
      name: 't',
      internal: false,
      minIsr: 2,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], oldest: 0n, newest: 10n },
        { partition: 1, leader: 2, replicas: [1, 2, 3], isr: [2], oldest: 0n, newest: 5n },
        { partition: 2, leader: -1, replicas: [1, 2, 3], isr: [], oldest: null, newest: null },
      ],
    },
  ],
  groups: [
    {
      id: 'g',
      type: 'classic',
      state: 'Empty',
      members: 0,
      topics: [
        groupTopic('t', [
          { committed: 4n, lagSeconds: 3 },
          { committed: 9n, lagSeconds: 0 },
          { committed: -1n, lagSeconds: null },
        ]),
      ],
    },
  ],
  quorum: null,
  errors: [],
};

test('lag per partition: end − committed, never negative, unknown where either is unknown', () => {
  assert.deepEqual(
    groupLag(snapshot, snapshot.groups[0]!).map((r) => r.lag),
    [6n, 0n, null],
  );
});

test('partition health counts offline, under-replicated and under-min-ISR partitions', () => {
  assert.deepEqual(partitionHealth(snapshot), { partitions: 3, offline: 1, underReplicated: 2, underMinIsr: 2 });
});

test('the reset form: each scenario, and bad values refused before Kafka is asked', () => {
  assert.deepEqual(resetScenario({ scenario: 'earliest' }), { kind: 'earliest' });
  assert.deepEqual(resetScenario({ scenario: 'offset', value: '42' }), { kind: 'offset', offset: 42n });
  assert.deepEqual(resetScenario({ scenario: 'shift-by', value: '-10' }), { kind: 'shift-by', shift: -10n });
  assert.equal((resetScenario({ scenario: 'datetime', value: '2026-01-31T12:00:00Z' }) as { ms: number }).ms, Date.UTC(2026, 0, 31, 12));
  assert.throws(() => resetScenario({ scenario: 'offset', value: '-1' }), /0 or more/);
  assert.throws(() => resetScenario({ scenario: 'offset', value: 'x' }));
  assert.throws(() => resetScenario({ scenario: 'teleport' }), /Choose where to reset to/);
});

test('the plan digest changes when any planned offset changes', () => {
  const plan = [{ group: 'g', rows: [{ topic: 't', partition: 0, current: 4n, newOffset: 0n }], warnings: [] }];
  assert.equal(planDigest(plan), planDigest(structuredClone(plan)));
  assert.notEqual(planDigest(plan), planDigest([{ ...plan[0]!, rows: [{ topic: 't', partition: 0, current: 5n, newOffset: 0n }] }]));
});

test('record values: pretty JSON when they are JSON, text otherwise, hex on request; headers from lines', () => {
  assert.equal(showBytes(Buffer.from('{"a":1}'), 'json').text, '{\n  "a": 1\n}');
  assert.deepEqual(showBytes(Buffer.from('not json'), 'json'), { text: 'not json', kind: 'text' });
  assert.deepEqual(showBytes(null, 'json'), { text: 'null', kind: 'null' });
  assert.equal(hexDump(Buffer.from('AB\u0000')), `00000000  ${'41 42 00'.padEnd(47)}  AB.`);
  assert.deepEqual(
    headerLines('a=1\n\nb=x=y\nflag').map(([k, v]) => [k.toString(), v.toString()]),
    [
      ['a', '1'],
      ['b', 'x=y'],
      ['flag', ''],
    ],
  );
});

test('an ACL from the form: Kafka vocabulary only; CLUSTER is named kafka-cluster', () => {
  const form = { principal: 'User:alice', resourceType: 'TOPIC', resourceName: 'orders', patternType: 'PREFIXED', operation: 'READ', host: '', permission: 'ALLOW' };
  assert.deepEqual(aclFromForm(form), { principal: 'User:alice', resourceType: 'TOPIC', resourceName: 'orders', patternType: 'PREFIXED', operation: 'READ', host: '*', permission: 'ALLOW' });
  assert.equal(aclFromForm({ ...form, resourceType: 'CLUSTER' }).resourceName, 'kafka-cluster');
  assert.throws(() => aclFromForm({ ...form, operation: 'DROP' }), /Operation must be one of/);
  assert.throws(() => aclFromForm({ ...form, principal: 'alice' }), /not Type:name/);
});
