import { KafkaplaneError } from '../errors.ts';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** How records are sent, whichever way it was asked for (flags or Kafka producer properties). */
export interface ProducerSettings {
  /** 0, 1 or -1 (all). */
  acks: 0 | 1 | -1;
  compression: Compression;
  idempotent: boolean;
  /** Bytes of records per partition batch (Kafka batch.size). */
  batchSize: number;
  /** How long to wait for a batch to fill (Kafka linger.ms). */
  lingerMs: number;
  /** Requests in flight per broker (Kafka max.in.flight.requests.per.connection). */
  maxInFlight: number;
  clientId?: string;
  requestTimeoutMs?: number;
  /** The largest record sent, in bytes of input (Kafka max.request.size, 1 MiB by default); a larger one is refused before it is sent. */
  maxRequestBytes: number;
}

/**
 * Kafka's producer defaults since 4.0: acks=all with idempotence, 16 KiB batches, linger.ms=5, 5 requests in flight.
 * https://kafka.apache.org/documentation/#producerconfigs
 */
export function defaultProducerSettings(): ProducerSettings {
  return { acks: -1, compression: 'none', idempotent: true, batchSize: 16_384, lingerMs: 5, maxInFlight: 5, maxRequestBytes: 1_048_576 };
}

export function parseAcks(value: string, source = '--acks'): 0 | 1 | -1 {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0') return 0;
  if (v === '1') return 1;
  throw new KafkaplaneError('BAD_ACKS', `${source}: acks must be 0, 1 or all (-1), got "${value}"`);
}

export function parseCompression(value: string, source = '--compression'): Compression {
  const v = value.trim().toLowerCase();
  if ((COMPRESSIONS as readonly string[]).includes(v)) return v as Compression;
  throw new KafkaplaneError('BAD_COMPRESSION', `${source}: compression must be one of ${COMPRESSIONS.join(', ')}, got "${value}"`);
}

/** Connection and security keys: read by the connection code (--command-config), not here. */
const CONNECTION_KEYS = /^(bootstrap\.servers|security\.protocol|sasl\.|ssl\.)/;
/** Keys Kafka's tools set that do not change how kafkaplane sends (serializers are always raw bytes). */
const HARMLESS_KEYS = new Set([
  'key.serializer',
  'value.serializer',
  'retries',
  'delivery.timeout.ms',
  'buffer.memory',
  'max.block.ms',
  'send.buffer.bytes',
  'receive.buffer.bytes',
  'metadata.max.age.ms',
  'reconnect.backoff.ms',
  'retry.backoff.ms',
  'partitioner.ignore.keys',
]);

/**
 * Applies Kafka producer properties (kafka-producer-perf-test --producer-props / --producer.config) to settings.
 * Returns the keys it did not apply, so the caller can say so instead of silently ignoring them.
 */
export function applyProducerProperties(base: ProducerSettings, props: Readonly<Record<string, string>>, source: string): { settings: ProducerSettings; ignored: string[] } {
  const settings = { ...base };
  const ignored: string[] = [];
  let idempotenceSet = false;
  const int = (key: string, min: number, max: number): number => {
    const n = Number(props[key]);
    if (!Number.isInteger(n) || n < min || n > max) throw new KafkaplaneError('BAD_PRODUCER_CONFIG', `${source}: ${key} must be a whole number from ${min} to ${max}, got "${props[key]}"`);
    return n;
  };
  for (const key of Object.keys(props)) {
    const value = props[key]!;
    switch (key) {
      case 'acks':
        settings.acks = parseAcks(value, `${source}: acks`);
        break;
      case 'compression.type':
        settings.compression = parseCompression(value, `${source}: compression.type`);
        break;
      case 'enable.idempotence':
        if (!/^(true|false)$/i.test(value)) throw new KafkaplaneError('BAD_PRODUCER_CONFIG', `${source}: enable.idempotence must be true or false`);
        settings.idempotent = value.toLowerCase() === 'true';
        idempotenceSet = true;
        break;
      case 'batch.size':
        settings.batchSize = int(key, 1, 64 * 1024 * 1024);
        break;
      case 'linger.ms':
        settings.lingerMs = int(key, 0, 60_000);
        break;
      case 'max.in.flight.requests.per.connection':
        settings.maxInFlight = int(key, 1, 100);
        break;
      case 'client.id':
        settings.clientId = value;
        break;
      case 'max.request.size':
        settings.maxRequestBytes = int(key, 1, 1024 * 1024 * 1024);
        break;
      case 'request.timeout.ms':
        settings.requestTimeoutMs = int(key, 1, 3_600_000);
        break;
      default:
        if (!CONNECTION_KEYS.test(key) && !HARMLESS_KEYS.has(key)) ignored.push(key);
    }
  }
  return { settings: reconcileIdempotence(settings, idempotenceSet, source), ignored };
}

/**
 * Kafka turns idempotence off by itself when acks is not all and idempotence was not asked for explicitly, and
 * refuses the contradiction when it was (KIP-679).
 */
export function reconcileIdempotence(settings: ProducerSettings, explicit: boolean, source: string): ProducerSettings {
  if (settings.acks === -1 || !settings.idempotent) return settings;
  if (explicit) {
    throw new KafkaplaneError('BAD_PRODUCER_CONFIG', `${source}: idempotence needs acks=all, but acks=${settings.acks}`, { hint: 'set acks=all, or enable.idempotence=false' });
  }
  return { ...settings, idempotent: false };
}
