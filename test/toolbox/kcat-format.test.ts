import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteWriter } from '../../src/toolbox/byte-writer.ts';
import type { ConsumedRecord } from '../../src/toolbox/consumed-record.ts';
import { defaultFormat, parseKcatFormat, renderJsonEnvelope, renderKcatFormat } from '../../src/toolbox/kcat-format.ts';

const record = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 'orders',
  partition: 2,
  offset: 41n,
  timestamp: 1_700_000_000_123n,
  timestampType: 'create',
  broker: 1,
  key: Buffer.from('k1'),
  value: Buffer.from('v1'),
  headers: [],
  ...over,
});

function render(format: string, r: ConsumedRecord, marker?: string): Buffer {
  const out = new ByteWriter(16);
  renderKcatFormat(out, parseKcatFormat(format), r, marker === undefined ? undefined : Buffer.from(marker));
  return Buffer.concat(out.take());
}

function json(r: ConsumedRecord): string {
  const out = new ByteWriter();
  renderJsonEnvelope(out, r);
  return Buffer.concat(out.take()).toString('latin1');
}

test('kcat tokens render topic, partition, offset, key, value, lengths, timestamp and headers', () => {
  const r = record({
    headers: [
      [Buffer.from('h1'), Buffer.from('x')],
      [Buffer.from('h2'), null],
      [Buffer.from('h1'), Buffer.from('')],
    ],
  });
  assert.equal(render('%t|%p|%o|%k|%s|%K|%S|%T|%h|\\n', r).toString(), 'orders|2|41|k1|v1|2|2|1700000000123|h1=x,h2=NULL,h1=|\n');
});

test('null and empty keys and values: lengths -1 vs 0, the -Z marker only for null', () => {
  const r = record({ key: null, value: Buffer.alloc(0) });
  assert.equal(render('[%k][%s][%K][%S]', r).toString(), '[][][-1][0]');
  assert.equal(render('[%k][%s]', r, 'NULL').toString(), '[NULL][]');
});

test('%R writes the value length as a 4-byte big-endian int, -1 for null', () => {
  assert.deepEqual([...render('%R', record({ value: Buffer.alloc(300) }))], [0, 0, 1, 44]);
  assert.deepEqual([...render('%R', record({ value: null }))], [255, 255, 255, 255]);
});

test('binary values pass through unchanged, larger than the writer chunk', () => {
  const value = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
  assert.deepEqual(render('%s', record({ value })), value);
});

test('escapes in literals: \\t \\n \\r \\xHH, %% for a percent sign', () => {
  assert.deepEqual([...render('%%\\t\\r\\x41\\x7f\\0', record())], [0x25, 9, 13, 0x41, 0x7f, 0]);
});

test('malformed formats fail with the position and the list of tokens (exit code 2)', () => {
  assert.throws(
    () => parseKcatFormat('%t %q'),
    (e: Error & { exitCode?: number; hint?: string }) => /unsupported token "%q" at position 4/.test(e.message) && e.exitCode === 2 && /%t topic/.test(e.hint ?? ''),
  );
  assert.throws(() => parseKcatFormat('%s %'), /ends with a lone "%"/);
  assert.throws(() => parseKcatFormat('\\xZZ'), /hex digits/);
});

test('-J envelope matches kcat 1.7 byte for byte (yajl escaping, headers as a flat array)', () => {
  const r = record({
    key: Buffer.from('k"1'),
    value: Buffer.from([0x61, 0x1f, 0x62, 0x7f, 0x63, 0x2f, 0x64, 0x08, 0x0c, 0x22, 0x5c, 0x09, 0x65, 0xc3, 0xa9, 0xff]),
    headers: [
      [Buffer.from('h/1'), Buffer.from('v"1')],
      [Buffer.from('nullh'), null],
    ],
  });
  assert.equal(
    json(r),
    '{"topic":"orders","partition":2,"offset":41,"tstype":"create","ts":1700000000123,"broker":1,"headers":["h/1","v\\"1","nullh",null],"key":"k\\"1","payload":"a\\u001Fb\x7fc/d\\b\\f\\"\\\\\\te\xc3\xa9\xff"}',
  );
  assert.equal(
    json(record({ key: null, value: null, timestampType: 'logappend' })),
    '{"topic":"orders","partition":2,"offset":41,"tstype":"logappend","ts":1700000000123,"broker":1,"key":null,"payload":null}',
  );
});

test('the default output is the value and the delimiter; -K prefixes the key, -O the offset', () => {
  const out = (tokens: ReturnType<typeof defaultFormat>) => {
    const w = new ByteWriter();
    renderKcatFormat(w, tokens, record());
    return Buffer.concat(w.take()).toString();
  };
  assert.equal(out(defaultFormat({ delimiter: Buffer.from('\n') })), 'v1\n');
  assert.equal(out(defaultFormat({ delimiter: Buffer.from(';'), keyDelimiter: Buffer.from('=') })), 'k1=v1;');
  assert.equal(out(defaultFormat({ delimiter: Buffer.from('\n'), keyDelimiter: Buffer.from(':'), printOffset: true })), '41:k1:v1\n');
});
