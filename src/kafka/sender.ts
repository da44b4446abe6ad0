// Sends records typed or piped by a user (kcat -P, kafka-console-producer) in order, in produce calls of about
// 1 MiB, partitioned as Java producers partition them.
import type { Producer } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import type { ParsedRecord } from '../toolbox/message-input.ts';
import type { ProducerSettings } from '../toolbox/producer-settings.ts';
import { type ConnectionConfig, loadKafka } from './client.ts';
import { createProducer } from './clients.ts';
import { connectionError, describeKafkaError, isConnectionFailure } from './errors.ts';
import { topicMetadata } from './topic-metadata.ts';

/** Bytes per produce call. */
const SEND_BYTES = 1024 * 1024;

type Partitioner = (message: { key?: Buffer | undefined }) => number;

export class Sender {
  /** Records and value+key bytes acknowledged so far. */
  records = 0;
  bytes = 0;
  readonly #producer: Producer;
  readonly #config: ConnectionConfig;
  readonly #topic: string;
  readonly #settings: ProducerSettings;
  readonly #partition: number | undefined;
  readonly #partitioner: Partitioner;

  private constructor(producer: Producer, config: ConnectionConfig, topic: string, settings: ProducerSettings, partition: number | undefined, partitioner: Partitioner) {
    this.#producer = producer;
    this.#config = config;
    this.#topic = topic;
    this.#settings = settings;
    this.#partition = partition;
    this.#partitioner = partitioner;
  }

  /** A producer for `topic` (which must exist; so must `partition`, when every record goes to one). */
  static async open(config: ConnectionConfig, topic: string, settings: ProducerSettings, partition: number | undefined): Promise<Sender> {
    const producer = await createProducer(config, {
      idempotent: settings.idempotent,
      maxInFlight: settings.idempotent ? 1 : settings.maxInFlight,
      ...(settings.clientId ? { clientId: settings.clientId } : { clientId: 'kafkaplane-producer' }),
      ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    });
    try {
      const metadata = await topicMetadata(producer, config, [topic]);
      const count = metadata.topics.get(topic)!.partitionsCount;
      if (partition !== undefined && partition >= count) {
        throw new KafkaplaneError('UNKNOWN_PARTITION', `topic "${topic}" has ${count} partition${count === 1 ? '' : 's'} (0-${count - 1}); there is no partition ${partition}`);
      }
      return new Sender(producer, config, topic, settings, partition, await keyPartitioner());
    } catch (error) {
      await producer.close(true).catch(() => undefined);
      throw error;
    }
  }

  async send(records: readonly ParsedRecord[]): Promise<void> {
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
