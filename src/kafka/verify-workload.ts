import type { Consumer, Producer } from '@platformatic/kafka';
import { randomBytes } from 'node:crypto';
import { KafkaplaneError, action, hint } from '../errors.ts';
import { VerifyLedger, type VerifyReport, parseVerifyPayload, verifyPayload } from '../ops/verify-ledger.ts';
import type { ConnectionConfig } from './client.ts';
import { createConsumer, createProducer } from './clients.ts';
import { kafkaProtocolErrors } from './errors.ts';
import { probeBootstrap } from './reachability.ts';
import { type PartitionData, RecordFetcher, forEachRecord } from './record-fetcher.ts';
import { topicMetadata } from './topic-metadata.ts';

export interface VerifyOptions {
  topic: string;
  records: number;
  /** Records per second (bounded: a checked workload is a measurement, not a flood). */
  rate: number;
  /** After the last send, how long to keep reading for acknowledged records that have not arrived yet. */
  drainMs: number;
  /** Give up sending after this long without any acknowledgement. */
  stallTimeoutMs: number;
  onProgress?: (report: VerifyReport) => void;
  nowMs?: () => number;
}

export interface VerifyResult extends VerifyReport {
  topic: string;
  runId: string;
  partitions: number;
  durationMs: number;
}

/**
 * The checked workload (`kafkaplane perf verify`): sequence-numbered records, keyed across every partition, sent with
 * acks=all by an idempotent producer at a bounded rate, while a reader fetches the topic from where the run began.
 * Every acknowledgement and every record read goes into the ledger (src/ops/verify-ledger.ts), which says what was
 * lost, duplicated or out of order. A fault during the run is what it is for: send errors are counted by kind, not
 * fatal, and the run keeps going.
 */
export async function runVerifyWorkload(config: ConnectionConfig, options: VerifyOptions): Promise<VerifyResult> {
  const now = options.nowMs ?? Date.now;
  await probeBootstrap(config);
  const runId = randomBytes(6).toString('hex');
  const ledger = new VerifyLedger();
  const producer = await createProducer(config, { idempotent: true, maxInFlight: 1, clientId: `kafkaplane-verify-${runId}` });
  const consumer = await createConsumer(config, `kafkaplane-verify-${runId}`, { clientId: `kafkaplane-verify-${runId}` });
  const started = now();
  try {
    const metadata = await topicMetadata(producer, config, [options.topic]);
    const partitions = metadata.topics.get(options.topic)!.partitionsCount;
    // Read from each partition's end as it is now: only this run's records count.
    const ends = await consumer.listOffsets({ topics: [options.topic], partitions: { [options.topic]: Array.from({ length: partitions }, (_, p) => p) }, timestamp: -1n, isolationLevel: 0 });
    const fetcher = runFetcher(consumer);
    const starts = ends.get(options.topic) ?? [];
    for (let p = 0; p < partitions; p++) fetcher.seek(options.topic, p, starts[p] ?? 0n);
    let sendingDone = false;
    const reader = (async () => {
      let drainUntil = Number.POSITIVE_INFINITY;
      for (;;) {
        if (sendingDone && drainUntil === Number.POSITIVE_INFINITY) drainUntil = now() + options.drainMs;
        if (sendingDone && (ledger.missing() === 0 || now() > drainUntil)) return;
        const batch = await fetcher.next(Math.min(drainUntil, now() + 1_000));
        for (const data of batch ?? []) forEachSeq(data, runId, (seq, partition) => ledger.read(seq, partition));
      }
    })();
    // A reader that fails (a fetch error the fetcher cannot ride out) ends the run with that error once sending stops.
    reader.catch(() => undefined);
    try {
      await send(producer, options, runId, ledger, now);
    } finally {
      sendingDone = true;
      await reader.finally(() => fetcher.close());
    }
    // Lost means "not in the log": before saying so, read the whole run again from where it began, with a new
    // fetcher, up to the partitions' ends now.
    if (ledger.missing() > 0) await reread(consumer, options.topic, starts, partitions, runId, ledger, now() + options.drainMs, now);
    return { ...ledger.report(now()), topic: options.topic, runId, partitions, durationMs: now() - started };
  } finally {
    await Promise.all([producer.close().catch(() => undefined), consumer.close(true).catch(() => undefined)]);
  }
}

async function send(producer: Producer, options: VerifyOptions, runId: string, ledger: VerifyLedger, now: () => number): Promise<void> {
  const started = now();
  const inFlight = new Set<Promise<void>>();
  let lastAck = now();
  for (let seq = 0; seq < options.records; seq++) {
    // Pace: record seq goes at started + seq / rate.
    const due = started + (seq * 1000) / options.rate;
    if (due > now()) await new Promise((r) => setTimeout(r, due - now()));
    if (now() - lastAck > options.stallTimeoutMs) {
      throw new KafkaplaneError('PERF_STALLED', `no record was acknowledged for ${Math.round(options.stallTimeoutMs / 1000)} s; stopped after sending ${seq} of ${options.records}`, {
        hint: hint`check the cluster (${action('status')}) and min.insync.replicas for acks=all`,
      });
    }
    ledger.sent(now());
    const value = Buffer.from(verifyPayload(runId, seq));
    const sending = producer
      .send({ messages: [{ topic: options.topic, key: Buffer.from(`k${seq % 1000}`), value }], acks: -1 })
      .then(
        () => {
          lastAck = now();
          ledger.acked(seq, lastAck);
        },
        (error: unknown) => ledger.failed(kafkaProtocolErrors(error)[0]?.name ?? ((error as { code?: string }).code || 'ERROR')),
      )
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    // Bound what is outstanding: a stalled cluster must not pile up unbounded sends.
    if (inFlight.size >= 1_000) await Promise.race(inFlight);
    if (seq % 1_000 === 999) options.onProgress?.(ledger.report(now()));
  }
  await Promise.all(inFlight);
}

async function reread(consumer: Consumer, topic: string, starts: readonly bigint[], partitions: number, runId: string, ledger: VerifyLedger, deadline: number, now: () => number): Promise<void> {
  const all = Array.from({ length: partitions }, (_, p) => p);
  const ends = (await consumer.listOffsets({ topics: [topic], partitions: { [topic]: all }, timestamp: -1n, isolationLevel: 0 })).get(topic) ?? [];
  const fetcher = runFetcher(consumer);
  const open = new Set(all.filter((p) => (ends[p] ?? 0n) > (starts[p] ?? 0n)));
  for (const p of open) fetcher.seek(topic, p, starts[p] ?? 0n);
  try {
    while (open.size > 0 && now() < deadline) {
      const batch = await fetcher.next(Math.min(deadline, now() + 1_000));
      for (const data of batch ?? []) {
        forEachSeq(data, runId, (seq) => ledger.reread(seq));
        if (data.nextOffset >= (ends[data.partition] ?? 0n)) {
          open.delete(data.partition);
          fetcher.remove(topic, data.partition);
        }
      }
    }
  } finally {
    fetcher.close();
  }
}

/** The sequence numbers of this run's records in `data` (records of other runs are skipped). */
function forEachSeq(data: PartitionData, runId: string, fn: (seq: number, partition: number) => void): void {
  forEachRecord(data, (record) => {
    const seq = record.value ? parseVerifyPayload(runId, record.value.toString('utf8')) : undefined;
    if (seq !== undefined) fn(seq, record.partition);
  });
}

/** A reader of the run's records (one for the live read, a fresh one for the final re-read). */
function runFetcher(consumer: Consumer): RecordFetcher {
  return new RecordFetcher(consumer, { maxWaitMs: 200, maxBytes: 8 << 20, partitionMaxBytes: 1 << 20, onOutOfRange: (_t, _p, start) => start });
}
