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

test('quotas (Strimzi spec.quotas names → Kafka keys): set what differs, remove what the spec dropped, nothing when equal; removal takes them too', async () => {
  const { desiredUser } = await import('../../src/ops/user-plan.ts');
  const { kafkaUser } = await import('../../src/api/kafka-user.ts');
  const user = kafkaUser.parse({ apiVersion: 'kafkaplane.io/v1alpha1', kind: 'KafkaUser', metadata: { name: 'app' }, spec: { quotas: { producerByteRate: 1048576, requestPercentage: 55.5 } } });
  const desired = desiredUser(user, { authorization: false });
  assert.deepEqual(desired.quotas, { producer_byte_rate: 1048576, request_percentage: 55.5 });
  const observed = (quotas: Record<string, number>) => new Map([['app', { name: 'app', hasScram: false, acls: [], quotas }]]);
  assert.deepEqual(planUsers([desired], observed({})), [{ kind: 'alter-quotas', user: 'app', set: { producer_byte_rate: 1048576, request_percentage: 55.5 }, remove: [] }]);
  assert.deepEqual(planUsers([desired], observed({ producer_byte_rate: 1048576, request_percentage: 55.5 })), [], 'level-based: nothing to do');
  assert.deepEqual(planUsers([desired], observed({ producer_byte_rate: 1, consumer_byte_rate: 5 })), [
    { kind: 'alter-quotas', user: 'app', set: { producer_byte_rate: 1048576, request_percentage: 55.5 }, remove: ['consumer_byte_rate'] },
  ]);
  const without = desiredUser(kafkaUser.parse({ apiVersion: 'kafkaplane.io/v1alpha1', kind: 'KafkaUser', metadata: { name: 'app' } }), { authorization: false });
  assert.deepEqual(planUsers([without], observed({ consumer_byte_rate: 5 })), [{ kind: 'alter-quotas', user: 'app', set: {}, remove: ['consumer_byte_rate'] }], 'the spec is the truth');
  assert.deepEqual(planUserRemoval({ name: 'app', hasScram: false, acls: [], quotas: { producer_byte_rate: 7 } }), [{ kind: 'alter-quotas', user: 'app', set: {}, remove: ['producer_byte_rate'] }]);
  assert.throws(() => kafkaUser.parse({ apiVersion: 'kafkaplane.io/v1alpha1', kind: 'KafkaUser', metadata: { name: 'x' }, spec: { quotas: { producerByteRate: -1 } } }));
});
