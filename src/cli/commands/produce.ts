import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { KafkaplaneError } from '../../errors.ts';
import { probeBootstrap } from '../../kafka/reachability.ts';
import { Sender } from '../../kafka/sender.ts';
import { parseProperties } from '../../model/properties-format.ts';
import { unescapeBytes } from '../../toolbox/escapes.ts';
import { parseKeyValues } from '../../toolbox/key-values.ts';
import { DelimitedSplitter, type ParsedRecord, type RecordParseOptions, parseHeaderFlag, parseInputRecord } from '../../toolbox/message-input.ts';
import { type ProducerSettings, applyProducerProperties, defaultProducerSettings, parseAcks, parseCompression, reconcileIdempotence } from '../../toolbox/producer-settings.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import type { Io } from '../output.ts';
import { readSmallTextFile } from '../small-file.ts';

export interface ProduceFlags extends ConnectionFlags {
  files: string[];
  topic: string;
  partition?: number;
  delimiter?: string;
  keyDelimiter?: string;
  /** Hidden alias of --key-delimiter. */
  keySeparator?: string;
  key?: string;
  header?: string[];
  acks?: string;
  compression?: string;
  idempotence?: boolean;
  nullEmpty?: boolean;
  nullMarker?: string;
  count?: number;
  lineMode?: boolean;
  property?: string[];
  producerProperty?: string[];
  'producer.config'?: string;
}

export interface ProduceReport {
  topic: string;
  messages: number;
  bytes: number;
  /** Ctrl-C ended the input early; what was read before it was sent. */
  interrupted: boolean;
}

/** Input arriving faster than this is parsed in one go before anything is sent (so bad input sends nothing). */
const READ_AHEAD_BYTES = 16 * 1024 * 1024;
/** A pause in the input this long sends what arrived (interactive use, `tail -f | kafkaplane produce`). */
const IDLE_FLUSH_MS = 100;

/**
 * kcat -P / kafka-console-producer: reads records from standard input (split at a delimiter, default newline) or
 * from files (each file one record, or split with -l), and sends them as raw bytes.
 */
export async function produce(flags: ProduceFlags, _io?: Io, stdin: Readable = process.stdin): Promise<ProduceReport> {
  const files = flags.files;
  const settings = await producerSettings(flags);
  const parse = recordOptions(flags);
  const delimiter = unescapeBytes(flags.delimiter ?? '\\n', '--delimiter');
  if (flags.lineMode && files.length !== 1) throw new KafkaplaneError('BAD_USAGE', '-l/--line-mode reads exactly one file');
  for (const file of files) await requireFile(file, flags.lineMode ? undefined : settings.maxRequestBytes);
  const config = await resolveConnection(flags);
  await probeBootstrap(config);
  const sender = await Sender.open(config, flags.topic, settings, flags.partition);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    stdin.destroy();
  };
  process.once('SIGINT', onSigint);
  try {
    const limit = flags.count ?? Infinity;
    if (files.length > 0 && !flags.lineMode) {
      for (const file of files) {
        if (sender.records >= limit) break;
        const record = parseInputRecord(await readFile(file), parse, file);
        await sender.send([record]);
      }
    } else {
      const input = flags.lineMode ? createReadStream(files[0]!) : stdin;
      await readDelimited(input, new DelimitedSplitter(delimiter, { maxRecordBytes: settings.maxRequestBytes }), parse, limit, sender);
    }
  } finally {
    process.off('SIGINT', onSigint);
    await sender.close();
  }
  return { topic: flags.topic, messages: sender.records, bytes: sender.bytes, interrupted };
}

const TOO_LARGE_HINT = "raise max.request.size (--producer-property max.request.size=BYTES; the topic's max.message.bytes must allow it too), or split the input with -D";

/** A file to send must exist and be a regular file (and, sent whole as one record, at most max.request.size); say which it is not. */
async function requireFile(file: string, maxBytes?: number): Promise<void> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    throw new KafkaplaneError('BAD_INPUT', `cannot read ${file}: ${info.code === 'ENOENT' ? 'it does not exist' : info.code === 'EACCES' ? 'permission denied' : info.message}`);
  }
  if (!info.isFile()) throw new KafkaplaneError('BAD_INPUT', `cannot read ${file}: not a file`);
  if (maxBytes !== undefined && info.size > maxBytes) {
    throw new KafkaplaneError('RECORD_TOO_LARGE', `${file} is ${info.size} bytes: sent whole as one record, it is larger than ${maxBytes} bytes (max.request.size); nothing was produced`, {
      hint: `send it in records with -l/--line-mode, or ${TOO_LARGE_HINT}`,
    });
  }
}

async function readDelimited(input: Readable, splitter: DelimitedSplitter, parse: RecordParseOptions, limit: number, sender: Sender): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let done = false;
  const interactive = (input as { isTTY?: boolean }).isTTY === true;
  const flush = async () => {
    const parsed: ParsedRecord[] = [];
    for (const raw of pending) {
      line++;
      if (raw.length === 0) continue; // kcat skips empty records
      if (sender.records + parsed.length >= limit) {
        done = true;
        break;
      }
      try {
        parsed.push(parseInputRecord(raw, parse, `record ${line}`));
      } catch (error) {
        if (error instanceof KafkaplaneError && sender.records > 0) {
          throw new KafkaplaneError(
            error.code,
            `${error.message} (the ${sender.records} record${sender.records === 1 ? '' : 's'} before it ${sender.records === 1 ? 'was' : 'were'} produced; nothing after it was)`,
            { exitCode: error.exitCode },
          );
        }
        throw error;
      }
    }
    pending = [];
    pendingBytes = 0;
    if (parsed.length > 0) await sender.send(parsed);
    if (sender.records >= limit) done = true;
  };
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let next: Promise<IteratorResult<Buffer>> | undefined;
  try {
    while (!done) {
      next ??= iterator.next();
      let result: IteratorResult<Buffer> | 'idle';
      if (pending.length > 0 && !interactive) {
        let timer: NodeJS.Timeout | undefined;
        result = await Promise.race([next, new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), IDLE_FLUSH_MS)))]);
        clearTimeout(timer);
      } else result = await next;
      if (result === 'idle') {
        await flush();
        continue;
      }
      next = undefined;
      if (result.done) break;
      const chunk = typeof result.value === 'string' ? Buffer.from(result.value) : result.value;
      let records: Buffer[];
      try {
        records = splitter.push(chunk);
      } catch (error) {
        // A record over max.request.size: the records before it in this read are not sent either.
        if (error instanceof KafkaplaneError) {
          const n = sender.records;
          throw new KafkaplaneError(error.code, `${error.message}; ${n} record${n === 1 ? ' was' : 's were'} produced before it, nothing after ${n === 1 ? 'it' : 'them'}`, {
            exitCode: error.exitCode,
            ...(error.code === 'RECORD_TOO_LARGE' ? { hint: TOO_LARGE_HINT } : error.hint ? { hint: error.hint } : {}),
          });
        }
        throw error;
      }
      for (const raw of records) {
        pending.push(raw);
        pendingBytes += raw.length;
      }
      if (interactive || pendingBytes >= READ_AHEAD_BYTES) await flush();
    }
    if (!done) pending.push(...splitter.end());
    await flush();
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      await flush();
      return;
    }
    throw error;
  } finally {
    if (done) input.destroy();
  }
}

async function producerSettings(options: ProduceFlags): Promise<ProducerSettings> {
  // --no-idempotence: commander's default for the flag is true; only an explicit "no" counts as a choice.
  const flags = { ...options, producerConfig: options['producer.config'], idempotence: options.idempotence === false ? false : undefined };
  let settings = defaultProducerSettings();
  const props: Record<string, string> = {};
  if (flags.producerConfig) {
    const text = await readSmallTextFile(flags.producerConfig, '--producer.config', 'a Kafka producer properties file (key=value lines)', 'BAD_PRODUCER_CONFIG');
    Object.assign(props, parseProperties(text));
  }
  Object.assign(props, parseKeyValues(flags.producerProperty ?? [], '--producer-property'));
  const applied = applyProducerProperties(settings, props, '--producer-property');
  settings = applied.settings;
  let explicitIdempotence = 'enable.idempotence' in props;
  if (flags.acks !== undefined) settings.acks = parseAcks(flags.acks);
  if (flags.compression !== undefined) settings.compression = parseCompression(flags.compression);
  if (flags.idempotence !== undefined) {
    settings.idempotent = flags.idempotence;
    explicitIdempotence = true;
  }
  return reconcileIdempotence(settings, explicitIdempotence, flags.idempotence !== undefined ? '--idempotence' : 'producer settings');
}

/** kcat and kafka-console-producer options for turning input into records. */
function recordOptions(flags: Pick<ProduceFlags, 'keyDelimiter' | 'keySeparator' | 'key' | 'header' | 'nullEmpty' | 'nullMarker' | 'property'>): RecordParseOptions {
  const props = parseKeyValues(flags.property ?? [], '--property');
  const known = new Set(['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']);
  for (const k of Object.keys(props)) {
    if (!known.has(k)) throw new KafkaplaneError('BAD_PROPERTY', `--property ${k}: not a kafka-console-producer reader property kafkaplane knows`, { hint: `known: ${[...known].join(', ')}` });
  }
  const bool = (k: string) => (props[k] ?? 'false').toLowerCase() === 'true';
  const options: RecordParseOptions = {};
  const keyDelimiter = flags.keyDelimiter ?? flags.keySeparator;
  if (keyDelimiter !== undefined) options.keySeparator = unescapeBytes(keyDelimiter, '--key-delimiter');
  else if (bool('parse.key')) {
    options.keySeparator = unescapeBytes(props['key.separator'] ?? '\\t', 'key.separator');
    options.requireKey = true;
  }
  if (options.keySeparator?.length === 0) throw new KafkaplaneError('BAD_DELIMITER', 'the key delimiter is empty');
  if (flags.key !== undefined) options.fixedKey = Buffer.from(flags.key, 'utf8');
  if (flags.header?.length) options.headers = flags.header.map(parseHeaderFlag);
  if (bool('parse.headers')) {
    options.parseHeaders = {
      delimiter: unescapeBytes(props['headers.delimiter'] ?? '\\t', 'headers.delimiter'),
      separator: unescapeBytes(props['headers.separator'] ?? ',', 'headers.separator'),
      keySeparator: unescapeBytes(props['headers.key.separator'] ?? ':', 'headers.key.separator'),
    };
  }
  if (flags.nullEmpty) options.emptyIsNull = true;
  const marker = flags.nullMarker ?? props['null.marker'];
  if (marker !== undefined) options.nullMarker = Buffer.from(marker, 'utf8');
  if (bool('ignore.error')) options.ignoreErrors = true;
  return options;
}
