import type { Consumer, Producer } from '@platformatic/kafka';
import { Counter, Histogram, type Registry } from 'prom-client';
import { errorMessage } from '../errors.ts';
import { withAdmin } from '../kafka/admin-session.ts';
import type { ConnectionConfig } from '../kafka/client.ts';
import { createConsumer, createProducer } from '../kafka/clients.ts';
import { RecordFetcher } from '../kafka/record-fetcher.ts';

/**
 * The end-to-end probe (what KMinion offers): every interval, one record per partition of a probe topic, produced
 * with acks=all and read back; the time from send to read is a latency histogram, and failures are counted. It sees
 * what broker metrics cannot: whether a client can actually write and read right now.
 */
export class EndToEndProbe {
  readonly #connection: ConnectionConfig;
  readonly #topic: string;
  readonly #latency: Histogram<'partition'>;
  readonly #results: Counter<'result'>;
  #producer: Producer | undefined;
  #consumer: Consumer | undefined;
  #partitions = 0;

  constructor(registry: Registry, connection: ConnectionConfig, topic: string) {
    this.#connection = connection;
    this.#topic = topic;
    this.#latency = new Histogram({
      name: 'kafkaplane_probe_latency_seconds',
      help: 'Time from sending a probe record (acks=all) to reading it back',
      labelNames: ['partition'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.#results = new Counter({ name: 'kafkaplane_probe_total', help: 'Probe round trips by result (ok, produce_error, read_timeout)', labelNames: ['result'], registers: [registry] });
  }

  /** Creates the probe topic when missing: a partition per broker, replicated like the cluster's defaults. */
  async #ensureTopic(): Promise<void> {
    await withAdmin(this.#connection, async (admin) => {
      const metadata = await admin.metadata({ topics: [] });
      const brokers = metadata.brokers.size;
      const existing = await admin.listTopics({ includeInternals: false });
      if (!existing.includes(this.#topic)) {
        await admin
          .createTopics({ topics: [this.#topic], partitions: Math.max(1, brokers), replicas: Math.min(3, Math.max(1, brokers)), configs: [{ name: 'retention.ms', value: String(3_600_000) }] })
          .catch((error: unknown) => {
            if (!/already exists/i.test(errorMessage(error))) throw error;
          });
      }
      const described = await admin.metadata({ topics: [this.#topic], forceUpdate: true });
      this.#partitions = described.topics.get(this.#topic)?.partitionsCount ?? 0;
    });
  }

  /** One round: a record to every partition, each read back within `timeoutMs`. */
  async round(timeoutMs = 10_000): Promise<void> {
    try {
      if (this.#partitions === 0) await this.#ensureTopic();
      this.#producer ??= await createProducer(this.#connection, { idempotent: true, maxInFlight: 1, clientId: 'kafkaplane-probe' });
      this.#consumer ??= await createConsumer(this.#connection, `kafkaplane-probe-${process.pid}`, { clientId: 'kafkaplane-probe' });
    } catch (error) {
      this.#results.inc({ result: 'produce_error' });
      await this.close();
      throw error;
    }
    const sent = await Promise.all(
      Array.from({ length: this.#partitions }, async (_, partition) => {
        const started = performance.now();
        try {
          const result = await this.#producer!.send({ messages: [{ topic: this.#topic, partition, value: Buffer.from(String(Date.now())) }], acks: -1 });
          const offset = result.offsets?.find((o) => o.partition === partition)?.offset;
          if (offset !== undefined) return { partition, offset, started };
        } catch {
          // counted below
        }
        this.#results.inc({ result: 'produce_error' });
        return undefined;
      }),
    );
    const pending = new Map(sent.filter((s) => s !== undefined).map((s) => [s.partition, s]));
    if (pending.size === 0) return;
    const fetcher = new RecordFetcher(this.#consumer, { maxWaitMs: 100, maxBytes: 1 << 20, partitionMaxBytes: 64 * 1024, onOutOfRange: (_t, _p, start) => start });
    try {
      for (const p of pending.values()) fetcher.seek(this.#topic, p.partition, p.offset);
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0) {
        const batch = await fetcher.next(deadline);
        if (!batch) break;
        for (const data of batch) {
          const p = pending.get(data.partition);
          if (!p || data.nextOffset <= p.offset) continue;
          this.#latency.observe({ partition: String(p.partition) }, (performance.now() - p.started) / 1000);
          this.#results.inc({ result: 'ok' });
          pending.delete(p.partition);
          fetcher.remove(this.#topic, p.partition);
        }
      }
      for (let i = 0; i < pending.size; i++) this.#results.inc({ result: 'read_timeout' });
    } finally {
      fetcher.close();
    }
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    const consumer = this.#consumer;
    this.#producer = undefined;
    this.#consumer = undefined;
    await Promise.all([producer?.close().catch(() => undefined), consumer?.close(true).catch(() => undefined)]);
  }
}
