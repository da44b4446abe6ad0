import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyProducerProperties, defaultProducerSettings, parseAcks, parseCompression } from '../../src/toolbox/producer-settings.ts';

test('Kafka 4 producer defaults: acks=all, idempotent, 16 KiB batches, 5 in flight, 1 MiB max.request.size', () => {
  assert.deepEqual(defaultProducerSettings(), { acks: -1, compression: 'none', idempotent: true, batchSize: 16384, lingerMs: 5, maxInFlight: 5, maxRequestBytes: 1_048_576 });
});

test('producer properties apply; idempotence turns off with acks=1 unless asked for', () => {
  const { settings, ignored } = applyProducerProperties(
    defaultProducerSettings(),
    { acks: '1', 'compression.type': 'lz4', 'batch.size': '65536', 'linger.ms': '0', 'bootstrap.servers': 'x:1', 'key.serializer': 'x', 'foo.bar': '1' },
    'test',
  );
  assert.equal(settings.acks, 1);
  assert.equal(settings.idempotent, false);
  assert.equal(settings.compression, 'lz4');
  assert.equal(settings.batchSize, 65536);
  assert.equal(settings.lingerMs, 0);
  assert.deepEqual(ignored, ['foo.bar']);
  assert.throws(() => applyProducerProperties(defaultProducerSettings(), { acks: '1', 'enable.idempotence': 'true' }, 'test'), /idempotence needs acks=all/);
});

test('bad acks and compression values fail with exit code 2', () => {
  assert.equal(parseAcks('all'), -1);
  assert.equal(parseAcks('-1'), -1);
  assert.equal(parseAcks('0'), 0);
  assert.throws(
    () => parseAcks('2'),
    (e: Error & { exitCode?: number }) => e.exitCode === 2,
  );
  assert.equal(parseCompression('ZSTD'), 'zstd');
  assert.throws(() => parseCompression('brotli'), /none, gzip, snappy, lz4, zstd/);
  assert.throws(() => applyProducerProperties(defaultProducerSettings(), { 'batch.size': 'big' }, 'p'), /batch.size must be a whole number/);
});
