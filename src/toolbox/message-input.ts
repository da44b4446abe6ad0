import { KafkaplaneError, hint, setting } from '../errors.ts';

/**
 * Splits a byte stream into records at a delimiter (kcat -D, default newline), without decoding anything: the
 * records are the exact bytes between delimiters. Feed chunks with `push`, then call `end` for the tail.
 *
 * Linear in the input: a long record is kept as its chunks and joined once, when its delimiter arrives (joining
 * on every chunk made a 50 MB line without a newline take 25 s, and 100 MB minutes). A record longer than
 * `maxRecordBytes` is refused (RECORD_TOO_LARGE, naming the record) as soon as that many bytes are buffered, so a file
 * without delimiters cannot fill memory.
 */
export class DelimitedSplitter {
  readonly delimiter: Buffer;
  readonly #maxRecordBytes: number;
  /** The bytes after the last delimiter, as received. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Records returned so far (the next one is record #records + 1). */
  #records = 0;
  readonly #setting: string;

  constructor(delimiter: Buffer, options: { maxRecordBytes?: number; setting?: string } = {}) {
    if (delimiter.length === 0) throw new KafkaplaneError('BAD_DELIMITER', 'the message delimiter is empty');
    this.delimiter = delimiter;
    this.#maxRecordBytes = options.maxRecordBytes ?? Number.POSITIVE_INFINITY;
    this.#setting = options.setting ?? 'max.request.size';
  }

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    // A delimiter may straddle the pending tail and this chunk: search the last delimiter-1 pending bytes too.
    const carry = Math.min(this.#pendingBytes, this.delimiter.length - 1);
    const data = carry > 0 ? Buffer.concat([this.#tail(carry), chunk]) : chunk;
    let start = 0;
    for (;;) {
      const at = data.indexOf(this.delimiter, start);
      if (at < 0) break;
      // The record: the pending bytes (minus the carried tail, which is in data) and data up to the delimiter.
      const head = this.#pendingBytes - carry;
      const record = start === 0 && head > 0 ? Buffer.concat([this.#take(head), data.subarray(0, at)]) : data.subarray(start, at);
      if (start === 0) this.#clear();
      this.#check(record.length);
      out.push(record);
      this.#records++;
      start = at + this.delimiter.length;
    }
    if (start === 0) {
      // No delimiter in this chunk: it all joins the pending record.
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    } else if (start < data.length) {
      const rest = data.subarray(start);
      this.#pending = [rest];
      this.#pendingBytes = rest.length;
    }
    this.#check(this.#pendingBytes);
    return out;
  }

  /** The bytes after the last delimiter (a final record without a trailing delimiter), if any. */
  end(): Buffer[] {
    const tail = this.#pendingBytes > 0 ? Buffer.concat(this.#pending, this.#pendingBytes) : undefined;
    this.#clear();
    if (tail === undefined) return [];
    this.#records++;
    return [tail];
  }

  #check(bytes: number): void {
    if (bytes <= this.#maxRecordBytes) return;
    throw new KafkaplaneError('RECORD_TOO_LARGE', `record ${this.#records + 1} is larger than ${this.#maxRecordBytes} bytes (${this.#setting})`);
  }

  /** The last n pending bytes. */
  #tail(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    for (let i = this.#pending.length - 1; i >= 0 && need > 0; i--) {
      const part = this.#pending[i]!;
      parts.unshift(part.length <= need ? part : part.subarray(part.length - need));
      need -= Math.min(need, part.length);
    }
    return Buffer.concat(parts, n);
  }

  /** The first n pending bytes, joined. */
  #take(n: number): Buffer {
    return Buffer.concat(this.#pending, this.#pendingBytes).subarray(0, n);
  }

  #clear(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

export interface RecordParseOptions {
  /** kcat -K / console key.separator: split each record into key and value at the first occurrence. */
  keySeparator?: Buffer;
  /** Console parse.key semantics: a record without the separator is an error (kcat sends it with a null key). */
  requireKey?: boolean;
  /** kcat -k: the key of every record that has none of its own. */
  fixedKey?: Buffer;
  /** kcat -H: headers added to every record. */
  headers?: [Buffer, Buffer | null][];
  /** Console parse.headers: `h1:v1,h2:v2<TAB>key:value` (delimiter, pair separator, key separator). */
  parseHeaders?: { delimiter: Buffer; separator: Buffer; keySeparator: Buffer };
  /** kcat -Z: an empty key or value is sent as null. */
  emptyIsNull?: boolean;
  /** Console null.marker: a key, value or header value equal to this is sent as null. */
  nullMarker?: Buffer;
  /** Console ignore.error: records that do not parse are sent whole as the value instead of failing. */
  ignoreErrors?: boolean;
}

export interface ParsedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer, Buffer | null][];
}

/**
 * Turns one input record into key, value and headers. `where` names the record in errors ("line 3"). Throws a
 * KafkaplaneError (exit 2) when the record does not have the shape the options ask for.
 */
export function parseInputRecord(raw: Buffer, options: RecordParseOptions, where: string): ParsedRecord {
  let rest = raw;
  const headers: [Buffer, Buffer | null][] = options.headers ? [...options.headers] : [];
  const fail = (message: string): ParsedRecord => {
    if (options.ignoreErrors) return { key: null, value: nullable(raw, options), headers };
    throw new KafkaplaneError('BAD_INPUT', `${where}: ${message}: ${preview(raw)}`);
  };
  if (options.parseHeaders) {
    const { delimiter, separator, keySeparator } = options.parseHeaders;
    const at = rest.indexOf(delimiter);
    if (at < 0) return fail(`no headers delimiter ${JSON.stringify(delimiter.toString('latin1'))} found`);
    const text = rest.subarray(0, at);
    rest = rest.subarray(at + delimiter.length);
    if (text.length > 0) {
      for (const pair of split(text, separator)) {
        const k = pair.indexOf(keySeparator);
        if (k < 0) return fail(`header "${pair.toString('utf8')}" has no key separator ${JSON.stringify(keySeparator.toString('latin1'))}`);
        const value = pair.subarray(k + keySeparator.length);
        headers.push([pair.subarray(0, k), options.nullMarker && value.equals(options.nullMarker) ? null : value]);
      }
    }
  }
  let key: Buffer | null = options.fixedKey ?? null;
  let value: Buffer | null = rest;
  if (options.keySeparator) {
    const at = rest.indexOf(options.keySeparator);
    if (at >= 0) {
      key = nullable(rest.subarray(0, at), options);
      value = rest.subarray(at + options.keySeparator.length);
    } else if (options.requireKey) return fail(`no key separator ${JSON.stringify(options.keySeparator.toString('latin1'))} found`);
  }
  return { key, value: nullable(value, options), headers };
}

function nullable(bytes: Buffer, options: RecordParseOptions): Buffer | null {
  if (options.emptyIsNull && bytes.length === 0) return null;
  if (options.nullMarker && bytes.equals(options.nullMarker)) return null;
  return bytes;
}

function split(bytes: Buffer, separator: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const at = bytes.indexOf(separator, start);
    if (at < 0) break;
    out.push(bytes.subarray(start, at));
    start = at + separator.length;
  }
  out.push(bytes.subarray(start));
  return out;
}

function preview(raw: Buffer): string {
  const text = raw.subarray(0, 60).toString('utf8');
  return JSON.stringify(raw.length > 60 ? `${text}…` : text);
}

/** kcat -H name=value (no "=": a header with a null value). */
export function parseHeaderFlag(flag: string): [Buffer, Buffer | null] {
  const at = flag.indexOf('=');
  if (at === 0) throw new KafkaplaneError('BAD_HEADER', `header "${flag}" has an empty name`, { hint: hint`headers are ${setting('header', 'name=value')}` });
  if (at < 0) return [Buffer.from(flag, 'utf8'), null];
  return [Buffer.from(flag.slice(0, at), 'utf8'), Buffer.from(flag.slice(at + 1), 'utf8')];
}
