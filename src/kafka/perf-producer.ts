import type { Producer } from '@platformatic/kafka';
import { KafkaplaneError, action, hint } from '../errors.ts';
import { ProducerPerfStats, throttleDelayMs } from '../toolbox/producer-perf-stats.ts';
import type { ProducerSettings } from '../toolbox/producer-settings.ts';
import type { ConnectionConfig } from './client.ts';
import { createProducer } from './clients.ts';
import { describeKafkaError, isConnectionFailure } from './errors.ts';
import { probeBootstrap } from './reachability.ts';
import { topicMetadata } from './topic-metadata.ts';

/** Where record payloads come from (kafka-producer-perf-test: --record-size, --payload-file, --payload-monotonic). */
export type PayloadSource = { kind: 'size'; size: number } | { kind: 'list'; payloads: Buffer[] } | { kind: 'monotonic' };

export interface ProducerPerfOptions {
  topic: string;
  numRecords: number;
  payload: PayloadSource;
  /** Records per second; ≤ 0 for as fast as possible. */
  throughput: number;
  settings: ProducerSettings;
  /** Called with each 5-second window line and with warnings. */
  onLine: (line: string) => void;
  onWarning: (line: string) => void;
  /** Abort when nothing was acknowledged for this long (a stalled cluster must not hang the run). */
  stallTimeoutMs: number;
}

export interface ProducerPerfResult {
  stats: ProducerPerfStats;
  endMs: number;
  failedRecords: number;
}

/** Rough bytes a record adds to a batch besides its value (varint lengths, attributes, deltas, headers count). */
const RECORD_OVERHEAD = 8;

/**
 * Sends `numRecords` records as fast as allowed and measures them the way kafka-producer-perf-test does: latency
 * from handing a record to the client to its acknowledgement.
 *
 * How it keeps up with the Java producer: records are created only when a request can take them (no client-side
 * queue to wait in), each request carries one partition's batch, and every broker gets as many bytes in flight as
 * the Java producer would have (batch.size × max.in.flight). The client allows one request in flight per
 * connection for an idempotent producer, so those requests carry the whole in-flight allowance at once.
 */
export async function runProducerPerf(config: ConnectionConfig, options: ProducerPerfOptions): Promise<ProducerPerfResult> {
  await probeBootstrap(config);
  const { settings } = options;
  const producer = await createProducer(config, {
    idempotent: settings.idempotent,
    maxInFlight: settings.idempotent ? 1 : settings.maxInFlight,
    clientId: settings.clientId ?? 'perf-producer-client',
    ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
  });
  try {
    const metadata = await topicMetadata(producer, config, [options.topic]);
    const topic = metadata.topics.get(options.topic)!;
    const byLeader = new Map<number, number[]>();
    topic.partitions.forEach((p, index) => {
      const list = byLeader.get(p.leader) ?? [];
      list.push(index);
      byLeader.set(p.leader, list);
    });
    return await drive(producer, options, byLeader);
  } finally {
    await producer.close(true).catch(() => undefined);
  }
}

async function drive(producer: Producer, options: ProducerPerfOptions, byLeader: Map<number, number[]>): Promise<ProducerPerfResult> {
  const { settings, numRecords } = options;
  const payloads = payloadFactory(options.payload);
  const slots = settings.idempotent ? 1 : settings.maxInFlight;
  const requestBytes = settings.idempotent ? settings.batchSize * settings.maxInFlight : settings.batchSize;
  const recordsPerRequest = Math.max(1, Math.floor(requestBytes / (payloads.typicalSize + RECORD_OVERHEAD)));

  const start = Date.now();
  const stats = new ProducerPerfStats(numRecords, start);
  let issued = 0;
  let failedRecords = 0;
  let lastProgress = start;
  let abort: unknown;
  const sendOptions = { acks: settings.acks, compression: settings.compression };

  const worker = async (partitions: number[], offset: number) => {
    let turn = offset;
    while (abort === undefined && issued < numRecords) {
      if (Date.now() - lastProgress > options.stallTimeoutMs) {
        abort = new KafkaplaneError('PERF_STALLED', `no record was acknowledged for ${Math.round(options.stallTimeoutMs / 1000)} s; giving up after ${stats.count} of ${numRecords} records`, {
          hint: hint`check the cluster (${action('status')}) and min.insync.replicas for acks=all`,
        });
        return;
      }
      let n = Math.min(recordsPerRequest, numRecords - issued);
      if (options.throughput > 0) {
        const wait = throttleDelayMs(issued + 1, Date.now() - start, options.throughput);
        if (wait > 0) {
          await sleep(Math.min(wait, 100));
          continue;
        }
        const due = Math.floor(((Date.now() - start) / 1000) * options.throughput) - issued;
        n = Math.max(1, Math.min(n, due));
      }
      const partition = partitions[turn++ % partitions.length]!;
      const messages = new Array(n);
      for (let i = 0; i < n; i++) messages[i] = { topic: options.topic, partition, value: payloads.next(issued + i) };
      issued += n;
      const sentAt = Date.now();
      try {
        await producer.send({ messages, ...sendOptions });
      } catch (error) {
        failedRecords += n;
        if (!isRetriableHere(error)) {
          abort = isConnectionFailure(error) ? error : new KafkaplaneError('PRODUCE_FAILED', `producing to ${options.topic} failed: ${describeKafkaError(error)}`, { cause: error });
          return;
        }
        options.onWarning(`${n} records failed: ${describeKafkaError(error)}`);
        continue;
      }
      const now = Date.now();
      lastProgress = now;
      const latency = now - sentAt;
      for (let i = 0; i < n; i++) {
        const line = stats.record(latency, (messages[i] as { value: Buffer }).value.length, now);
        if (line !== undefined) options.onLine(line);
      }
    }
  };

  const workers: Promise<void>[] = [];
  let index = 0;
  for (const partitions of byLeader.values()) {
    for (let s = 0; s < slots; s++) workers.push(worker(partitions, index++));
  }
  await Promise.all(workers);
  if (abort !== undefined) throw abort;
  return { stats, endMs: Date.now(), failedRecords };
}

function isRetriableHere(error: unknown): boolean {
  return (error as { canRetry?: boolean }).canRetry !== false && !isConnectionFailure(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface PayloadFactory {
  next(index: number): Buffer;
  typicalSize: number;
}

/**
 * Payloads as kafka-producer-perf-test makes them: --record-size gives random uppercase letters (each record
 * different, so compression sees what it would see from Kafka's tool); here they are windows into a pool of random
 * letters instead of a fresh array per record, which costs nothing per record.
 */
export function payloadFactory(source: PayloadSource, random: () => number = Math.random): PayloadFactory {
  switch (source.kind) {
    case 'size': {
      const size = source.size;
      const pool = Buffer.allocUnsafe(Math.max(1 << 20, size * 4));
      for (let i = 0; i < pool.length; i++) pool[i] = 65 + Math.floor(random() * 26);
      const span = pool.length - size;
      let cursor = 0;
      return {
        typicalSize: size,
        next() {
          cursor = (cursor + 7919) % (span + 1);
          return pool.subarray(cursor, cursor + size);
        },
      };
    }
    case 'list': {
      const list = source.payloads;
      const typical = Math.round(list.reduce((n, p) => n + p.length, 0) / list.length);
      return { typicalSize: typical, next: () => list[Math.floor(random() * list.length)]! };
    }
    case 'monotonic':
      return { typicalSize: 8, next: (index) => Buffer.from(String(index), 'utf8') };
  }
}
