import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePassword, userSecretData } from '../../../src/operator/controllers/user/index.ts';

test("the user's Secret has Strimzi's keys: password and sasl.jaas.config", () => {
  const data = userSecretData('orders-app', 'pw123');
  const decoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  assert.deepEqual(decoded, {
    password: 'pw123',
    'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="orders-app" password="pw123";',
  });
});

test('generated passwords: 32 alphanumerics, different each time', () => {
  const a = generatePassword();
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(a, generatePassword());
});
