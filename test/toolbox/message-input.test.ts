import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KafkaplaneError } from '../../src/errors.ts';
import { unescapeBytes } from '../../src/toolbox/escapes.ts';
import { DelimitedSplitter, parseHeaderFlag, parseInputRecord } from '../../src/toolbox/message-input.ts';

const s = (b: Buffer | null) => (b === null ? null : b.toString('latin1'));

test('the splitter keeps exact bytes, including delimiters that straddle chunks', () => {
  const split = new DelimitedSplitter(Buffer.from('||'));
  const out = [...split.push(Buffer.from('a\x00b|')), ...split.push(Buffer.from('|c\xff||', 'latin1')), ...split.push(Buffer.from('tail')), ...split.end()];
  assert.deepEqual(
    out.map((b) => b.toString('latin1')),
    ['a\x00b', 'c\xff', 'tail'],
  );
  const lines = new DelimitedSplitter(Buffer.from('\n'));
  assert.deepEqual(
    [...lines.push(Buffer.from('x\n\ny\n')), ...lines.end()].map((b) => b.toString()),
    ['x', '', 'y'],
  );
});

/** What splitting the whole input at once gives (the reference the chunked splitter must match). */
function splitWhole(input: Buffer, delimiter: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let at = input.indexOf(delimiter); at >= 0; at = input.indexOf(delimiter, start)) {
    out.push(input.subarray(start, at));
    start = at + delimiter.length;
  }
  if (start < input.length) out.push(input.subarray(start));
  return out;
}

test('the splitter gives the same records however the input is chunked (fast-check, seed 20261204)', () => {
  const alphabet = fc.constantFrom(...[0x61, 0x62, 0x7c, 0x0a, 0x00, 0xff]);
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 200 }),
      fc.array(alphabet, { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 40 }),
      (bytes, delim, sizes) => {
        const input = Buffer.from(bytes);
        const delimiter = Buffer.from(delim);
        const split = new DelimitedSplitter(delimiter);
        const out: Buffer[] = [];
        let at = 0;
        for (let i = 0; at < input.length; i++) {
          const n = sizes[i % sizes.length]!;
          out.push(...split.push(input.subarray(at, at + n)));
          at += n;
        }
        out.push(...split.end());
        assert.deepEqual(
          out.map((b) => b.toString('hex')),
          splitWhole(input, delimiter).map((b) => b.toString('hex')),
        );
      },
    ),
    { seed: 20261204, numRuns: 2000 },
  );
});

test('a record over maxRecordBytes is refused as soon as it is buffered, naming it; a long record is linear, not quadratic', () => {
  const split = new DelimitedSplitter(Buffer.from('\n'), { maxRecordBytes: 10 });
  assert.deepEqual(
    split.push(Buffer.from('0123456789\nabc')).map((b) => b.toString()),
    ['0123456789'],
  );
  assert.throws(
    () => split.push(Buffer.from('defghijk')),
    (e: unknown) => e instanceof KafkaplaneError && e.code === 'RECORD_TOO_LARGE' && e.exitCode === 2 && /record 2 is larger than 10 bytes \(max\.request\.size\)/.test(e.message),
  );
  // 100 MB in 64 KiB chunks without a delimiter: joining on every chunk took minutes; now a few ms.
  const long = new DelimitedSplitter(Buffer.from('\r\n'));
  const chunk = Buffer.alloc(65536, 0x61);
  const started = performance.now();
  for (let i = 0; i < 1600; i++) long.push(chunk);
  assert.equal(long.end()[0]!.length, 1600 * 65536);
  assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`);
});

test('kcat -K: key and value at the first separator; no separator means a null key', () => {
  const k = { keySeparator: Buffer.from(':') };
  const r = parseInputRecord(Buffer.from('a:b:c'), k, 'line 1');
  assert.deepEqual([s(r.key), s(r.value)], ['a', 'b:c']);
  const n = parseInputRecord(Buffer.from('nosep'), k, 'line 2');
  assert.deepEqual([s(n.key), s(n.value)], [null, 'nosep']);
});

test('console parse.key: a missing separator is an error naming the record (exit 2), unless ignore.error', () => {
  const options = { keySeparator: Buffer.from('\t'), requireKey: true };
  assert.throws(
    () => parseInputRecord(Buffer.from('nosep'), options, 'record 3'),
    (e: Error & { exitCode?: number }) => /record 3: no key separator "\\t" found: "nosep"/.test(e.message) && e.exitCode === 2,
  );
  const r = parseInputRecord(Buffer.from('nosep'), { ...options, ignoreErrors: true }, 'record 3');
  assert.deepEqual([s(r.key), s(r.value)], [null, 'nosep']);
});

test('-Z sends empty keys and values as null; a null marker does the same for a chosen text', () => {
  const r = parseInputRecord(Buffer.from(':'), { keySeparator: Buffer.from(':'), emptyIsNull: true }, 'x');
  assert.deepEqual([r.key, r.value], [null, null]);
  const m = parseInputRecord(Buffer.from('NIL:v'), { keySeparator: Buffer.from(':'), nullMarker: Buffer.from('NIL') }, 'x');
  assert.deepEqual([s(m.key), s(m.value)], [null, 'v']);
  const e = parseInputRecord(Buffer.from(':'), { keySeparator: Buffer.from(':') }, 'x');
  assert.deepEqual([s(e.key), s(e.value)], ['', '']);
});

test('fixed key and headers (kcat -k, -H) and console parse.headers', () => {
  const r = parseInputRecord(
    Buffer.from('h1:x,h2:NIL\tk\tv'),
    {
      keySeparator: Buffer.from('\t'),
      parseHeaders: { delimiter: Buffer.from('\t'), separator: Buffer.from(','), keySeparator: Buffer.from(':') },
      nullMarker: Buffer.from('NIL'),
      headers: [parseHeaderFlag('fixed=1')],
    },
    'x',
  );
  assert.deepEqual(
    r.headers.map(([k, v]) => [s(k), s(v)]),
    [
      ['fixed', '1'],
      ['h1', 'x'],
      ['h2', null],
    ],
  );
  assert.deepEqual([s(r.key), s(r.value)], ['k', 'v']);
  const f = parseInputRecord(Buffer.from('v'), { fixedKey: Buffer.from('K') }, 'x');
  assert.deepEqual([s(f.key), s(f.value)], ['K', 'v']);
  assert.deepEqual(parseHeaderFlag('n'), [Buffer.from('n'), null]);
  assert.throws(() => parseHeaderFlag('=v'), /empty name/);
});

test('delimiters on the command line: kcat escapes', () => {
  assert.deepEqual([...unescapeBytes('\\n\\t\\r\\x00\\xff\\0\\012\\10\\\\;')], [10, 9, 13, 0, 255, 0, 10, 10, 0x5c, 0x3b]);
  assert.deepEqual(unescapeBytes('é'), Buffer.from('é'));
  assert.throws(() => unescapeBytes('\\999'), /not a byte value/);
});
