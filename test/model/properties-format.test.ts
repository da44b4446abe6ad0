import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProperties, parseProperties } from '../../src/model/properties-format.ts';

test('properties files round-trip, including characters Java escapes', () => {
  const props = {
    'listener.name.scram.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'a key with spaces': ' leading space and = : # !',
    '#hash': '#value',
    unicode: 'zürich 東京',
    multi: 'line1\nline2\ttab\\back',
    empty: '',
  };
  const text = formatProperties(props, 'header line\nsecond');
  assert.ok(text.startsWith('# header line\n# second\n'));
  assert.deepEqual(parseProperties(text), props);
});

test('parses what Java writes: continuations, separators, comments', () => {
  assert.deepEqual(parseProperties('# c\n! c\na=1\nb : 2\nc 3\nd=x\\\n   y\n\n'), { a: '1', b: '2', c: '3', d: 'xy' });
});
