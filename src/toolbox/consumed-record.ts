import type { TopicPartition } from '../model/topic-partition.ts';

/**
 * One record as the toolbox sees it after a fetch: raw bytes (never decoded), plus what kcat prints about it.
 * Keys and values are `null` when the record carries none (a Kafka null, not an empty byte string).
 */
export interface ConsumedRecord extends TopicPartition {
  offset: bigint;
  /** Milliseconds since the epoch. */
  timestamp: bigint;
  /** From the record batch attributes: CreateTime (producer's clock) or LogAppendTime (broker's clock). */
  timestampType: 'create' | 'logappend';
  /** The node the record was fetched from. */
  broker: number;
  key: Buffer | null;
  value: Buffer | null;
  /** In record order; a header key may repeat. */
  headers: [Buffer, Buffer | null][];
}
