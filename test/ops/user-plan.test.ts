import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AclBinding } from '../../src/model/acls.ts';
import { planUserRemoval, planUsers } from '../../src/ops/user-plan.ts';

const acl = (operation: AclBinding['operation'], name = 'orders'): AclBinding => ({
  principal: 'User:app',
  resourceType: 'TOPIC',
  resourceName: name,
  patternType: 'LITERAL',
  operation,
  host: '*',
  permission: 'ALLOW',
});
const none = new Map();

test('a new SCRAM user gets its credential and ACLs', () => {
  assert.deepEqual(planUsers([{ name: 'app', principal: 'User:app', scram: { rotate: false }, acls: [acl('READ'), acl('READ')] }], none), [
    { kind: 'upsert-scram', user: 'app' },
    { kind: 'create-acls', user: 'app', bindings: [acl('READ')] },
  ]);
});

test('an existing credential is kept unless the password changed; ACLs converge both ways', () => {
  const observed = new Map([['app', { name: 'app', hasScram: true, acls: [acl('READ'), acl('WRITE')] }]]);
  assert.deepEqual(planUsers([{ name: 'app', principal: 'User:app', scram: { rotate: false }, acls: [acl('READ'), acl('DESCRIBE')] }], observed), [
    { kind: 'create-acls', user: 'app', bindings: [acl('DESCRIBE')] },
    { kind: 'delete-acls', user: 'app', bindings: [acl('WRITE')] },
  ]);
  assert.deepEqual(planUsers([{ name: 'app', principal: 'User:app', scram: { rotate: true }, acls: undefined }], observed), [{ kind: 'upsert-scram', user: 'app' }]);
});

test('without authentication a credential Kafka has is deleted; without authorization ACLs are left alone', () => {
  const observed = new Map([['app', { name: 'app', hasScram: true, acls: [acl('READ')] }]]);
  assert.deepEqual(planUsers([{ name: 'app', principal: 'User:app', scram: undefined, acls: undefined }], observed), [{ kind: 'delete-scram', user: 'app' }]);
});

test('a removed user loses its credential and every ACL', () => {
  assert.deepEqual(planUserRemoval({ name: 'app', hasScram: true, acls: [acl('READ')] }), [
    { kind: 'delete-scram', user: 'app' },
    { kind: 'delete-acls', user: 'app', bindings: [acl('READ')] },
  ]);
});
