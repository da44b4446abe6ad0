// topics alter applies in two requests; when the second fails, the user must learn exactly what changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../../src/errors.ts';
import { type DescribedTopic, alterTopic } from '../../src/kafka/topics.ts';
import { cliHint } from '../../src/cli/hints.ts';

const topic: DescribedTopic = {
  name: 'orders',
  id: 'x',
  internal: false,
  partitions: [0, 1].map((partition) => ({
    partition,
    leader: 0,
    leaderEpoch: 0,
    replicas: [0],
    isr: [0],
    offline: [],
    elr: null,
    lastKnownElr: null,
    error: null,
    adding: [],
    removing: [],
    reassigning: false,
  })),
  replicationFactor: 1,
  configs: [],
  minIsr: 1,
};

/** What a broker answers with when it refuses a request (the shape @platformatic/kafka gives protocol errors). */
function refusal(apiId: string, serverErrorMessage: string): Error {
  return Object.assign(new Error('Received response with error while executing API'), { errors: [{ apiId, apiCode: 44, message: apiId, serverErrorMessage }] });
}

/** An Admin whose validations pass and whose real requests fail as told; it records the calls in order. */
function fakeAdmin(fail: { partitions?: Error; configs?: Error }) {
  const calls: string[] = [];
  const admin = {
    async createPartitions(options: { validateOnly?: boolean }) {
      calls.push(options.validateOnly ? 'validate partitions' : 'apply partitions');
      if (!options.validateOnly && fail.partitions) throw fail.partitions;
      return [];
    },
    async incrementalAlterConfigs(options: { validateOnly?: boolean }) {
      calls.push(options.validateOnly ? 'validate configs' : 'apply configs');
      if (!options.validateOnly && fail.configs) throw fail.configs;
      return [];
    },
  };
  return { admin: admin as unknown as Admin, calls };
}

const change = { partitions: 4, set: { 'retention.ms': '3600000' }, delete: ['cleanup.policy'] };

test('alter validates both parts, then applies partitions before configs', async () => {
  const { admin, calls } = fakeAdmin({});
  assert.deepEqual(await alterTopic(admin, topic, change), ['partitions 2 → 4', 'retention.ms=3600000', '-cleanup.policy']);
  assert.deepEqual(calls, ['validate partitions', 'validate configs', 'apply partitions', 'apply configs']);
});

test('configs refused after the partitions were added: the error says what was applied and what was not', async () => {
  const { admin } = fakeAdmin({ configs: refusal('POLICY_VIOLATION', 'retention.ms is locked by policy') });
  const progress = { applied: [] as string[], pending: [] as string[] };
  await assert.rejects(alterTopic(admin, topic, change, progress), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'TOPIC_ALTER_PARTIAL');
    assert.equal(error.exitCode, 1, 'not 2: something did change');
    assert.match(error.message, /topic 'orders' was altered only in part: retention\.ms is locked by policy \(POLICY_VIOLATION\)/);
    assert.match(error.message, /\n  applied: +partitions 2 → 4\n  not applied: retention\.ms=3600000, -cleanup\.policy$/);
    assert.match(cliHint(error.hint) ?? '', /run the same command again/);
    return true;
  });
  assert.deepEqual(progress, { applied: ['partitions 2 → 4'], pending: ['retention.ms=3600000', '-cleanup.policy'] });
});

test('partitions refused on apply: nothing was changed, and the configs were never sent', async () => {
  const { admin, calls } = fakeAdmin({ partitions: refusal('INVALID_REPLICA_ASSIGNMENT', 'broker 7 is not registered') });
  await assert.rejects(alterTopic(admin, topic, change), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'TOPIC_ALTER_FAILED');
    assert.equal(cliHint(error.hint), 'nothing was changed');
    return true;
  });
  assert.ok(!calls.includes('apply configs'));
});

test('a lost connection after the partitions were added is reported as a partial change too', async () => {
  const { admin } = fakeAdmin({ configs: Object.assign(new Error('Connection closed'), { code: 'PLT_KFK_NETWORK' }) });
  await assert.rejects(alterTopic(admin, topic, change), /altered only in part: Connection closed\n  applied: +partitions 2 → 4/);
});
