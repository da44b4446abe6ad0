import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomKafkaUuid } from '../../src/local/storage.ts';

test('Kafka uuids look like StorageTool random-uuid output', () => {
  for (let i = 0; i < 200; i++) {
    const id = randomKafkaUuid();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
  }
});
