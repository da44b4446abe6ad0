import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { KafkaplaneError } from '../../errors.ts';
import { type ConnectionConfig, loadKafka } from '../../kafka/client.ts';
import { createProducer } from '../../kafka/clients.ts';
import { connectionError, describeKafkaError, isConnectionFailure } from '../../kafka/errors.ts';
import { probeBootstrap } from '../../kafka/reachability.ts';
import { topicMetadata } from '../../kafka/topic-metadata.ts';
import { parseProperties } from '../../model/properties-format.ts';
import { unescapeBytes } from '../../toolbox/escapes.ts';
import { DelimitedSplitter, type ParsedRecord, type RecordParseOptions, parseHeaderFlag, parseInputRecord } from '../../toolbox/message-input.ts';
import { type ProducerSettings, applyProducerProperties, defaultProducerSettings, parseAcks, parseCompression, reconcileIdempotence } from '../../toolbox/producer-settings.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, printJson } from '../output.ts';

export interface ProduceFlags extends ConnectionFlags {
  topic: string;
  partition?: number;
  delimiter?: string;
  keyDelimiter?: string;
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
  producerConfig?: string;
}

/** Input arriving faster than this is parsed in one go before anything is sent (so bad input sends nothing). */
const READ_AHEAD_BYTES = 16 * 1024 * 1024;
/** A pause in the input this long sends what arrived (interactive use, `tail -f | kafkaplane produce`). */
const IDLE_FLUSH_MS = 100;
/** Bytes per produce call. */
const SEND_BYTES = 1024 * 1024;

/**
 * kcat -P / kafka-console-producer: reads records from standard input (split at a delimiter, default newline) or
 * from files (each file one record, or split with -l), and sends them as raw bytes.
 */
export async function runProduce(flags: ProduceFlags, files: string[], io: Io, stdin: Readable = process.stdin): Promise<number> {
  const settings = await producerSettings(flags);
  const parse = recordOptions(flags);
  const delimiter = unescapeBytes(flags.delimiter ?? '\\n', '--delimiter');
  if (flags.lineMode && files.length !== 1) throw new KafkaplaneError('BAD_USAGE', '-l/--line-mode reads exactly one file', { exitCode: 2 });
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new KafkaplaneError('BAD_INPUT', `cannot read ${file}: not a file`, { exitCode: 2 });
  }
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
      await readDelimited(input, delimiter, parse, limit, sender, io);
    }
  } finally {
    process.off('SIGINT', onSigint);
    await sender.close();
  }
  if (io.format === 'json') printJson(io, { topic: flags.topic, messages: sender.records, bytes: sender.bytes, ...(interrupted ? { interrupted: true } : {}) });
  else if (!io.quiet) io.stderr.write(`% produced ${sender.records} message${sender.records === 1 ? '' : 's'} (${sender.bytes} bytes) to ${flags.topic}${interrupted ? ' (interrupted)' : ''}\n`);
  return 0;
}

async function readDelimited(input: Readable, delimiter: Buffer, parse: RecordParseOptions, limit: number, sender: Sender, io: Io): Promise<void> {
  const splitter = new DelimitedSplitter(delimiter);
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
          throw new KafkaplaneError(error.code, `${error.message} (the ${sender.records} record${sender.records === 1 ? '' : 's'} before it ${sender.records === 1 ? 'was' : 'were'} produced; nothing after it was)`, { exitCode: error.exitCode });
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
      for (const raw of splitter.push(chunk)) {
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
    void io;
  }
}

type Partitioner = (message: { key?: Buffer | undefined }) => number;

/** Sends parsed records in order, in produce calls of about 1 MiB, with Java-compatible key hashing. */
class Sender {
  records = 0;
  bytes = 0;
  readonly #producer: import('@platformatic/kafka').Producer;
  readonly #config: ConnectionConfig;
  readonly #topic: string;
  readonly #settings: ProducerSettings;
  readonly #partition: number | undefined;
  readonly #partitioner: Partitioner;

  private constructor(producer: import('@platformatic/kafka').Producer, config: ConnectionConfig, topic: string, settings: ProducerSettings, partition: number | undefined, partitioner: Partitioner) {
    this.#producer = producer;
    this.#config = config;
    this.#topic = topic;
    this.#settings = settings;
    this.#partition = partition;
    this.#partitioner = partitioner;
  }

  static async open(config: ConnectionConfig, topic: string, settings: ProducerSettings, partition: number | undefined): Promise<Sender> {
    const producer = await createProducer(config, { idempotent: settings.idempotent, maxInFlight: settings.idempotent ? 1 : settings.maxInFlight, ...(settings.clientId ? { clientId: settings.clientId } : { clientId: 'kafkaplane-producer' }), ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}) });
    try {
      const metadata = await topicMetadata(producer, config, [topic]);
      const count = metadata.topics.get(topic)!.partitionsCount;
      if (partition !== undefined && partition >= count) {
        throw new KafkaplaneError('UNKNOWN_PARTITION', `topic "${topic}" has ${count} partition${count === 1 ? '' : 's'} (0-${count - 1}); there is no partition ${partition}`, { exitCode: 1 });
      }
      return new Sender(producer, config, topic, settings, partition, await keyPartitioner());
    } catch (error) {
      await producer.close(true).catch(() => undefined);
      throw error;
    }
  }

  async send(records: ParsedRecord[]): Promise<void> {
    let start = 0;
    while (start < records.length) {
      let end = start;
      let size = 0;
      while (end < records.length && (end === start || size < SEND_BYTES)) {
        const r = records[end]!;
        size += (r.key?.length ?? 0) + (r.value?.length ?? 0) + 16;
        end++;
      }
      const messages = records.slice(start, end).map((r) => {
        const message: { topic: string; key?: Buffer; value?: Buffer; headers?: Map<Buffer, Buffer>; partition: number } = { topic: this.#topic, partition: 0 };
        if (r.key !== null) message.key = r.key;
        if (r.value !== null) message.value = r.value;
        if (r.headers.length > 0) message.headers = new Map(r.headers.map(([k, v]) => [k, v as Buffer]));
        message.partition = this.#partition ?? this.#partitioner(message);
        return message;
      });
      try {
        await this.#producer.send({ messages, acks: this.#settings.acks, compression: this.#settings.compression });
      } catch (error) {
        const done = this.records;
        const cause = isConnectionFailure(error) ? connectionError(this.#config, error).message : describeKafkaError(error);
        throw new KafkaplaneError('PRODUCE_FAILED', `producing to ${this.#topic} failed after ${done} record${done === 1 ? '' : 's'}: ${cause}`, { cause: error });
      }
      this.records += messages.length;
      this.bytes += size - 16 * messages.length;
      start = end;
    }
  }

  async close(): Promise<void> {
    await this.#producer.close(true).catch(() => undefined);
  }
}

/**
 * The Java client's default partitioning for keyed records (murmur2 of the key, made positive, modulo the
 * partition count), so keys land where Java producers put them; records without a key go round-robin.
 * The modulo is applied by the client against the topic's partition count.
 */
async function keyPartitioner(): Promise<Partitioner> {
  const { murmur2 } = await loadKafka();
  let next = Math.floor(Math.random() * 1000);
  return (message) => (message.key !== undefined ? murmur2(message.key) & 0x7fffffff : next++);
}

async function producerSettings(flags: ProduceFlags): Promise<ProducerSettings> {
  let settings = defaultProducerSettings();
  const props: Record<string, string> = {};
  if (flags.producerConfig) {
    const text = await readFile(flags.producerConfig, 'utf8').catch(() => {
      throw new KafkaplaneError('BAD_PRODUCER_CONFIG', `cannot read --producer.config ${flags.producerConfig}`, { exitCode: 2 });
    });
    Object.assign(props, parseProperties(text));
  }
  Object.assign(props, keyValues(flags.producerProperty ?? [], '--producer-property'));
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
export function recordOptions(flags: Pick<ProduceFlags, 'keyDelimiter' | 'key' | 'header' | 'nullEmpty' | 'nullMarker' | 'property'>): RecordParseOptions {
  const props = keyValues(flags.property ?? [], '--property');
  const known = new Set(['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']);
  for (const k of Object.keys(props)) {
    if (!known.has(k)) throw new KafkaplaneError('BAD_PROPERTY', `--property ${k}: not a kafka-console-producer reader property kafkaplane knows`, { exitCode: 2, hint: `known: ${[...known].join(', ')}` });
  }
  const bool = (k: string) => (props[k] ?? 'false').toLowerCase() === 'true';
  const options: RecordParseOptions = {};
  if (flags.keyDelimiter !== undefined) options.keySeparator = unescapeBytes(flags.keyDelimiter, '--key-delimiter');
  else if (bool('parse.key')) {
    options.keySeparator = unescapeBytes(props['key.separator'] ?? '\\t', 'key.separator');
    options.requireKey = true;
  }
  if (options.keySeparator?.length === 0) throw new KafkaplaneError('BAD_DELIMITER', 'the key delimiter is empty', { exitCode: 2 });
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

export function keyValues(pairs: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new KafkaplaneError('BAD_PROPERTY', `${flag} "${pair}": expected key=value`, { exitCode: 2 });
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
