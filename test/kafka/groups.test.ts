// reset-offsets --execute over several groups commits one group at a time; a failure says which groups changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../../src/errors.ts';
import { cliHint } from '../../src/cli/hints.ts';
import { commitResetPlans, groupDescribeFailure } from '../../src/kafka/groups.ts';

function fakeAdmin(refuse: string) {
  const committed: string[] = [];
  const admin = {
    async alterConsumerGroupOffsets(options: { groupId: string }) {
      if (options.groupId === refuse) {
        throw Object.assign(new Error('Received response with error while executing API'), {
          errors: [{ apiId: 'UNKNOWN_MEMBER_ID', apiCode: 25, message: 'UNKNOWN_MEMBER_ID', serverErrorMessage: 'a consumer joined the group' }],
        });
      }
      committed.push(options.groupId);
    },
  };
  return { admin: admin as unknown as Admin, committed };
}

const plan = (group: string) => ({ group, rows: [{ topic: 'orders', partition: 0, newOffset: 5n }] });

test('the second of three groups fails: the error names the group committed and the two that were not', async () => {
  const { admin, committed } = fakeAdmin('b');
  const done: string[] = [];
  await assert.rejects(commitResetPlans(admin, [plan('a'), plan('b'), { group: 'empty', rows: [] }, plan('c')], done), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'RESET_PARTIAL');
    assert.match(error.message, /^the reset stopped after 1 of 3 groups: cannot commit the new offsets of group 'b': a consumer joined the group \(UNKNOWN_MEMBER_ID\)/);
    assert.match(error.message, /\n  committed: +a\n  not committed: b, c$/);
    assert.equal(cliHint(error.hint), 'the committed groups already have their new offsets; run the same reset for the others: --group b --group c');
    return true;
  });
  assert.deepEqual(committed, ['a'], 'c was not attempted after b failed');
  assert.deepEqual(done, ['a']);
});

test('the first group fails: nothing changed, and the error says so; a single group keeps its own error', async () => {
  await assert.rejects(
    commitResetPlans(fakeAdmin('a').admin, [plan('a'), plan('b')]),
    (error: unknown) => error instanceof KafkaplaneError && /after 0 of 2 groups/.test(error.message) && error.hint === "no group's offsets were changed",
  );
  await assert.rejects(commitResetPlans(fakeAdmin('a').admin, [plan('a')]), (error: unknown) => error instanceof KafkaplaneError && error.code === 'OFFSET_COMMIT_FAILED');
});

test('a group the coordinator refuses to describe: the error names the Kafka error, not its number', async () => {
  const lib = await import('@platformatic/kafka');
  assert.equal(groupDescribeFailure('billing', 15, lib).message, "cannot describe group 'billing': COORDINATOR_NOT_AVAILABLE");
  assert.equal(groupDescribeFailure('billing', 30, lib).message, "cannot describe group 'billing': GROUP_AUTHORIZATION_FAILED");
  assert.equal(groupDescribeFailure('billing', 30, lib, 'not allowed').message, "cannot describe group 'billing': not allowed (GROUP_AUTHORIZATION_FAILED)");
  assert.equal(groupDescribeFailure('billing', 9999, lib).message, "cannot describe group 'billing': error 9999");
  assert.equal(groupDescribeFailure('billing', 30, lib).code, 'GROUP_DESCRIBE_FAILED');
});
