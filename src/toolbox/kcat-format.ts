import { KafkaplaneError } from '../errors.ts';
import type { ByteWriter } from './byte-writer.ts';
import type { ConsumedRecord } from './consumed-record.ts';
import { unescapeBytes } from './escapes.ts';

/**
 * kcat's `-f` output format (https://github.com/edenhill/kcat, format.c): literal text with `\n \r \t \xHH`
 * escapes and the tokens below. Unknown tokens are an error, as in kcat.
 */
export type FormatToken =
  | { kind: 'literal'; bytes: Buffer }
  | { kind: 'topic' | 'partition' | 'offset' | 'key' | 'keyLength' | 'value' | 'valueLength' | 'valueLengthBinary' | 'timestamp' | 'headers' };

const TOKENS: Record<string, Exclude<FormatToken['kind'], 'literal'>> = {
  t: 'topic',
  p: 'partition',
  o: 'offset',
  k: 'key',
  K: 'keyLength',
  s: 'value',
  S: 'valueLength',
  R: 'valueLengthBinary',
  T: 'timestamp',
  h: 'headers',
};

export const FORMAT_TOKEN_HELP =
  '%t topic, %p partition, %o offset, %k key, %K key length (-1 for null), %s value, %S value length (-1 for null), %R value length as a 4-byte big-endian int, %T timestamp (ms), %h headers (n=v,…), %% a percent sign';

export function parseKcatFormat(format: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') tokens.push({ kind: 'literal', bytes: unescapeBytes(literal, `format "${format}"`) });
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      literal += c;
      continue;
    }
    const next = format[i + 1];
    if (next === undefined) {
      throw new KafkaplaneError('BAD_FORMAT', `format "${format}" ends with a lone "%"`, { hint: `tokens: ${FORMAT_TOKEN_HELP}` });
    }
    i++;
    if (next === '%') {
      literal += '%';
      continue;
    }
    const kind = TOKENS[next];
    if (kind === undefined) {
      throw new KafkaplaneError('BAD_FORMAT', `format "${format}": unsupported token "%${next}" at position ${i}`, { hint: `tokens: ${FORMAT_TOKEN_HELP}` });
    }
    flush();
    tokens.push({ kind });
  }
  flush();
  return tokens;
}

/** Whether rendering needs the record's headers (so the reader can skip them otherwise). */
export function formatUsesHeaders(tokens: readonly FormatToken[]): boolean {
  return tokens.some((t) => t.kind === 'headers');
}

/**
 * Writes one record in the given format. A null key or value prints nothing, or `nullMarker` when one is set
 * (kcat -Z prints "NULL"); an empty key or value prints nothing.
 */
export function renderKcatFormat(out: ByteWriter, tokens: readonly FormatToken[], record: ConsumedRecord, nullMarker?: Buffer): void {
  for (const token of tokens) {
    switch (token.kind) {
      case 'literal':
        out.bytes(token.bytes);
        break;
      case 'topic':
        out.utf8(record.topic);
        break;
      case 'partition':
        out.ascii(String(record.partition));
        break;
      case 'offset':
        out.ascii(record.offset.toString());
        break;
      case 'key':
        if (record.key !== null) out.bytes(record.key);
        else if (nullMarker) out.bytes(nullMarker);
        break;
      case 'keyLength':
        out.ascii(String(record.key === null ? -1 : record.key.length));
        break;
      case 'value':
        if (record.value !== null) out.bytes(record.value);
        else if (nullMarker) out.bytes(nullMarker);
        break;
      case 'valueLength':
        out.ascii(String(record.value === null ? -1 : record.value.length));
        break;
      case 'valueLengthBinary': {
        const n = record.value === null ? -1 : record.value.length;
        out.byte((n >>> 24) & 0xff);
        out.byte((n >>> 16) & 0xff);
        out.byte((n >>> 8) & 0xff);
        out.byte(n & 0xff);
        break;
      }
      case 'timestamp':
        out.ascii(record.timestamp.toString());
        break;
      case 'headers':
        renderHeaders(out, record.headers);
        break;
    }
  }
}

/** kcat's %h: `name=value` pairs joined by commas; a null header value prints NULL. */
function renderHeaders(out: ByteWriter, headers: ConsumedRecord['headers']): void {
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    if (i > 0) out.byte(0x2c);
    out.bytes(name);
    out.byte(0x3d);
    if (value === null) out.ascii('NULL');
    else out.bytes(value);
  }
}

/**
 * kcat's `-J` envelope, byte for byte as kcat 1.7 writes it (yajl): `{"topic":…,"partition":…,"offset":…,"tstype":…,
 * "ts":…,"broker":…,["headers":[name,value,…],]"key":…,"payload":…}`. Strings are the raw bytes with `"`, `\` and
 * control characters escaped; bytes that are not UTF-8 pass through unchanged, as in kcat, so binary data survives.
 */
export function renderJsonEnvelope(out: ByteWriter, record: ConsumedRecord): void {
  out.ascii('{"topic":');
  jsonString(out, Buffer.from(record.topic, 'utf8'));
  out.ascii(`,"partition":${record.partition},"offset":${record.offset},"tstype":"${record.timestampType}","ts":${record.timestamp},"broker":${record.broker}`);
  if (record.headers.length > 0) {
    out.ascii(',"headers":[');
    for (let i = 0; i < record.headers.length; i++) {
      const [name, value] = record.headers[i]!;
      if (i > 0) out.byte(0x2c);
      jsonString(out, name);
      out.byte(0x2c);
      if (value === null) out.ascii('null');
      else jsonString(out, value);
    }
    out.byte(0x5d);
  }
  out.ascii(',"key":');
  if (record.key === null) out.ascii('null');
  else jsonString(out, record.key);
  out.ascii(',"payload":');
  if (record.value === null) out.ascii('null');
  else jsonString(out, record.value);
  out.byte(0x7d);
}

const ESCAPES: Record<number, string> = { 34: '\\"', 92: '\\\\', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t' };

function jsonString(out: ByteWriter, bytes: Buffer): void {
  out.byte(0x22);
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b !== 0x22 && b !== 0x5c) continue;
    if (i > start) out.bytes(bytes.subarray(start, i));
    out.ascii(ESCAPES[b] ?? `\\u00${b.toString(16).toUpperCase().padStart(2, '0')}`);
    start = i + 1;
  }
  if (start < bytes.length) out.bytes(start === 0 ? bytes : bytes.subarray(start));
  out.byte(0x22);
}

/**
 * kcat's output when no -f is given: the value, preceded by the key and `keyDelimiter` with -K, preceded by the
 * offset with -O, each record followed by `delimiter` (default newline).
 */
export function defaultFormat(options: { delimiter: Buffer; keyDelimiter?: Buffer; printOffset?: boolean }): FormatToken[] {
  const tokens: FormatToken[] = [];
  if (options.printOffset && options.keyDelimiter) tokens.push({ kind: 'offset' }, { kind: 'literal', bytes: options.keyDelimiter });
  if (options.keyDelimiter) tokens.push({ kind: 'key' }, { kind: 'literal', bytes: options.keyDelimiter });
  tokens.push({ kind: 'value' }, { kind: 'literal', bytes: options.delimiter });
  return tokens;
}
