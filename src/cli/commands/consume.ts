import { randomUUID } from 'node:crypto';
import { KafkaplaneError } from '../../errors.ts';
import { createConsumer } from '../../kafka/clients.ts';
import { probeBootstrap } from '../../kafka/reachability.ts';
import { topicMetadata } from '../../kafka/topic-metadata.ts';
import { GroupReader } from '../../kafka/group-reader.ts';
import { offsetsForTime, partitionBounds } from '../../kafka/partition-bounds.ts';
import { RecordFetcher, forEachRecord } from '../../kafka/record-fetcher.ts';
import { ByteWriter } from '../../toolbox/byte-writer.ts';
import type { TopicPartition } from '../../model/topic-partition.ts';
import type { ConsumedRecord } from '../../toolbox/consumed-record.ts';
import { unescapeBytes } from '../../toolbox/escapes.ts';
import { type FormatToken, defaultFormat, parseKcatFormat, renderJsonEnvelope, renderKcatFormat } from '../../toolbox/kcat-format.ts';
import { type OffsetSpec, parseOffsetSpecs, planStartOffset } from '../../toolbox/offset-spec.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, writeNote } from '../output.ts';

export interface ConsumeFlags extends ConnectionFlags {
  topic: string[];
  partition?: number[];
  offset?: string[];
  fromBeginning?: boolean;
  group?: string;
  count?: number;
  /** Hidden alias of --count (kafka-console-consumer). */
  maxMessages?: number;
  /** kcat's `-o <offset>` values given through the global -o (see src/cli/commands.ts). */
  outputOffsets?: string[];
  exit?: boolean;
  timeoutMs?: number;
  format?: string;
  json?: boolean;
  delimiter?: string;
  keyDelimiter?: string;
  printOffset?: boolean;
  nullLiteral?: boolean;
  nullMarker?: string;
}

/** How often the group's position is committed while reading (kcat/librdkafka: auto.commit.interval.ms=5000). */
const COMMIT_INTERVAL_MS = 5000;

/**
 * kcat -C / kafka-console-consumer: reads records and prints them byte for byte, in kcat's -f format or its -J JSON
 * envelope. Without --group it reads partitions directly (no group, nothing committed), from the beginning unless
 * --offset says otherwise; with --group it joins the group and commits what it printed.
 */
export async function consume(flags: ConsumeFlags, io: Io): Promise<{ messages: number }> {
  const plan = planOutput(flags, io);
  // kcat's `-o beginning` etc. are offsets here, added to --offset's (start and stop specs may come in any order).
  const parsed = parseOffsetSpecs([...(flags.offset ?? []), ...(flags.outputOffsets ?? []), ...(flags.fromBeginning ? ['beginning'] : [])]);
  // kcat's defaults: from the beginning without a group; the committed offset (else the end) with one.
  const spec = { ...parsed, start: parsed.start ?? (flags.group ? { kind: 'stored' as const } : { kind: 'beginning' as const }) };
  if (flags.group) {
    if (flags.partition?.length) throw new KafkaplaneError('BAD_USAGE', '--partition cannot be used with --group: the group assigns partitions');
    if (!['stored', 'beginning', 'end'].includes(spec.start.kind)) {
      throw new KafkaplaneError('BAD_USAGE', 'with --group, --offset only says where to start when the group has nothing committed: beginning or end', {
        hint: "to read from an exact offset or time, leave out --group, or reset the group's offsets first",
      });
    }
  } else if (spec.start.kind === 'stored') {
    throw new KafkaplaneError('BAD_USAGE', "--offset stored needs --group (the offsets are the group's)");
  }
  const topics = [...new Set(flags.topic)];
  const config = await resolveConnection(flags);
  await probeBootstrap(config);
  const consumer = await createConsumer(config, flags.group ?? `kafkaplane-consume-${randomUUID()}`, { clientId: 'kafkaplane-consumer' });
  const fetcher = new RecordFetcher(consumer, { maxWaitMs: flags.exit ? 100 : 500, maxBytes: 8 * 1024 * 1024, partitionMaxBytes: 1024 * 1024, queueSize: 4 });
  const out = new Output(io);
  let stop = false;
  const onSigint = () => {
    stop = true;
    fetcher.close();
  };
  process.once('SIGINT', onSigint);
  let group: GroupReader | undefined;
  let consumed = 0;
  try {
    const metadata = await topicMetadata(consumer, config, topics);
    const wanted = topics.map((topic) => {
      const count = metadata.topics.get(topic)!.partitionsCount;
      const all = Array.from({ length: count }, (_, i) => i);
      if (!flags.partition?.length) return { topic, partitions: all };
      const bad = flags.partition.filter((p) => p >= count);
      if (bad.length > 0) throw new KafkaplaneError('UNKNOWN_PARTITION', `topic "${topic}" has ${count} partition${count === 1 ? '' : 's'} (0-${count - 1}); there is no partition ${bad.join(', ')}`);
      return { topic, partitions: [...new Set(flags.partition)] };
    });
    if (flags.group) {
      group = new GroupReader(consumer, fetcher, topics, spec.start.kind === 'beginning' ? 'beginning' : 'end');
      await group.join();
    } else {
      await positionAll(consumer, fetcher, wanted, spec);
    }
    const limit = flags.count ?? flags.maxMessages ?? Infinity;
    const stopAt = spec.stopAt;
    const idleMs = flags.timeoutMs ?? Infinity;
    let lastRecord = Date.now();
    let lastCommit = Date.now();
    const ended = new Set<string>();
    const stopped = new Set<string>();
    // Without a group, the fetcher empties as partitions end (-e) or pass their stop time (e@).
    while (!stop && consumed < limit) {
      group?.check();
      if (!group && fetcher.size === 0) break;
      const deadline = Math.min(lastRecord + idleMs, group ? lastCommit + COMMIT_INTERVAL_MS : Infinity);
      const chunk = await fetcher.next(deadline);
      if (chunk === undefined) {
        if (stop) break;
        if (Date.now() - lastRecord >= idleMs) {
          writeNote(io, `% no message for ${idleMs} ms: exiting`);
          break;
        }
        if (group && Date.now() - lastCommit >= COMMIT_INTERVAL_MS) {
          await group.commit();
          lastCommit = Date.now();
        }
        continue;
      }
      for (const data of chunk) {
        if (group && !group.isAssigned(data.topic, data.partition)) continue;
        const k = `${data.topic}\u0000${data.partition}`;
        let next = data.fetchOffset;
        let passedStop = false;
        forEachRecord(data, (record) => {
          if (stopAt !== undefined && record.timestamp >= stopAt) {
            passedStop = true;
            return false;
          }
          plan.render(out.writer, record);
          next = record.offset + 1n;
          consumed++;
          lastRecord = Date.now();
          return consumed < limit;
        });
        if (consumed >= limit || passedStop) {
          group?.consumed(data.topic, data.partition, next);
        } else {
          group?.consumed(data.topic, data.partition, data.nextOffset);
          next = data.nextOffset;
        }
        if (passedStop && !stopped.has(k)) {
          stopped.add(k);
          fetcher.remove(data.topic, data.partition);
        } else if (flags.exit && !ended.has(k) && next >= data.highWatermark && consumed < limit) {
          ended.add(k);
          if (!group) fetcher.remove(data.topic, data.partition);
          const all = group ? group.assignment.every((a) => ended.has(`${a.topic}\u0000${a.partition}`)) : fetcher.size === 0;
          writeNote(io, `% Reached end of topic ${data.topic} [${data.partition}] at offset ${data.highWatermark}${all ? ': exiting' : ''}`);
          if (group && all) stop = true;
        }
        if (consumed >= limit) break;
      }
      await out.flush();
      if (out.closed) break;
      if (group && Date.now() - lastCommit >= COMMIT_INTERVAL_MS) {
        await group.commit();
        lastCommit = Date.now();
      }
    }
    await out.flush();
    if (group) {
      group.close();
      fetcher.close();
      await group.commit();
    }
  } finally {
    process.off('SIGINT', onSigint);
    fetcher.close();
    await out.flush().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
  return { messages: consumed };
}

interface OutputPlan {
  render(writer: ByteWriter, record: ConsumedRecord): void;
}

function planOutput(flags: ConsumeFlags, io: Io): OutputPlan {
  const delimiter = unescapeBytes(flags.delimiter ?? '\\n', '--delimiter');
  if (flags.json || io.format === 'json') {
    if (flags.format !== undefined) throw new KafkaplaneError('BAD_USAGE', '-f/--format and -J/--json (or -o json) are different output formats: pick one');
    return {
      render(writer, record) {
        renderJsonEnvelope(writer, record);
        writer.bytes(delimiter);
      },
    };
  }
  let tokens: FormatToken[];
  if (flags.format !== undefined) tokens = parseKcatFormat(flags.format);
  else {
    tokens = defaultFormat({
      delimiter,
      ...(flags.keyDelimiter !== undefined ? { keyDelimiter: unescapeBytes(flags.keyDelimiter, '--key-delimiter') } : {}),
      ...(flags.printOffset ? { printOffset: true } : {}),
    });
    if (flags.printOffset && flags.keyDelimiter === undefined) throw new KafkaplaneError('BAD_USAGE', '-O/--print-offset prints the offset with the -K delimiter: give -K too');
  }
  const marker = flags.nullMarker !== undefined ? Buffer.from(flags.nullMarker, 'utf8') : flags.nullLiteral ? Buffer.from('NULL') : undefined;
  return { render: (writer, record) => renderKcatFormat(writer, tokens, record, marker) };
}

/** Positions every partition as the offset spec says, checking the whole request before reading anything. */
async function positionAll(
  consumer: import('@platformatic/kafka').Consumer,
  fetcher: RecordFetcher,
  wanted: { topic: string; partitions: number[] }[],
  spec: Required<Pick<OffsetSpec, 'start'>>,
): Promise<void> {
  const bounds = await partitionBounds(consumer, wanted);
  const problems: string[] = [];
  const starts: (TopicPartition & { offset: bigint })[] = [];
  for (const { topic, partitions } of wanted) {
    const byTime = spec.start.kind === 'timestamp' ? await offsetsForTime(consumer, topic, partitions, spec.start.ms) : undefined;
    for (const partition of partitions) {
      const b = bounds.get(topic)?.get(partition);
      if (!b) {
        problems.push(`${topic} [${partition}]: no offsets (is the partition offline?)`);
        continue;
      }
      const planned = planStartOffset(spec.start, b, byTime?.get(partition));
      if ('error' in planned) problems.push(`${topic} [${partition}]: ${planned.error}`);
      else starts.push({ topic, partition, offset: planned.offset });
    }
  }
  if (problems.length > 0) throw new KafkaplaneError('BAD_OFFSET', `cannot start reading:\n  ${problems.join('\n  ')}`, { exitCode: 1 });
  for (const s of starts) fetcher.seek(s.topic, s.partition, s.offset);
}

/** stdout with back-pressure; a closed pipe (`| head`) ends the run quietly. */
class Output {
  readonly writer = new ByteWriter();
  readonly #io: Io;
  #closed = false;

  constructor(io: Io) {
    this.#io = io;
    io.stdout.on?.('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.#closed = true;
    });
  }

  /** The reader of our output went away: stop reading records. */
  get closed(): boolean {
    return this.#closed;
  }

  async flush(): Promise<void> {
    for (const chunk of this.writer.take()) {
      if (this.#closed) return;
      if (this.#io.stdout.write(chunk)) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#io.stdout.off?.('drain', done);
          this.#io.stdout.off?.('close', done);
          this.#io.stdout.off?.('error', done);
          resolve();
        };
        this.#io.stdout.once('drain', done);
        this.#io.stdout.once?.('close', done);
        this.#io.stdout.once?.('error', done);
      });
    }
  }
}
