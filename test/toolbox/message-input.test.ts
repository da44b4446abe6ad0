import assert from 'node:assert/strict';
import { test } from 'node:test';
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
