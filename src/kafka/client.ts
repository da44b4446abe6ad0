import type { SASLMechanismValue } from '@platformatic/kafka';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { KafkaplaneError, hint, setting } from '../errors.ts';

export type KafkaLibrary = typeof import('@platformatic/kafka');
let library: Promise<KafkaLibrary> | undefined;

/**
 * The @platformatic/kafka package, loaded on first use. Importing it costs over a second of CPU (it compiles its
 * option validators and loads every protocol API), so nothing imports it at module load: commands that never talk
 * to Kafka, and the fast paths below, stay quick to start.
 */
export function loadKafka(): Promise<KafkaLibrary> {
  library ??= import('@platformatic/kafka');
  return library;
}

/** How to reach a cluster. Every command talks to Kafka through this one description. */
export interface ConnectionConfig {
  /** host:port list. */
  bootstrap: string[];
  clientId?: string;
  sasl?: { mechanism: SASLMechanismValue; username: string; password: string };
  tls?: TlsOptions;
  /** Bound on every request and on connecting; nothing waits longer. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export function parseBootstrap(list: string): string[] {
  const servers = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const server of servers) {
    if (!/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(server)) {
      throw new KafkaplaneError('BAD_BOOTSTRAP', `"${server}" is not a host:port bootstrap address`, {
        hint: hint`pass ${setting('bootstrap', 'host:port[,host:port…]')}, e.g. ${setting('bootstrap', '127.0.0.1:9092')}`,
      });
    }
  }
  if (servers.length === 0) throw new KafkaplaneError('BAD_BOOTSTRAP', 'the bootstrap list is empty', { hint: hint`pass ${setting('bootstrap', 'host:port')}` });
  return servers;
}

export function clientOptions(config: ConnectionConfig) {
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    clientId: config.clientId ?? 'kafkaplane',
    bootstrapBrokers: config.bootstrap,
    connectTimeout: connectTimeout(config),
    requestTimeout: timeout,
    timeout,
    retries: 2,
    retryDelay: 250,
    ...(config.sasl ? { sasl: config.sasl } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
  };
}

/** How long one TCP connection attempt may take: the timeout, at most 10 s (a dead address fails fast). */
export function connectTimeout(config: ConnectionConfig): number {
  return Math.min(config.timeoutMs ?? DEFAULT_TIMEOUT_MS, 10_000);
}

/**
 * Retries for producers and consumers: right after a cluster starts or a leader moves, brokers answer
 * COORDINATOR_LOAD_IN_PROGRESS, NOT_ENOUGH_REPLICAS or NOT_LEADER for a while; Java clients retry those until
 * delivery.timeout.ms. Here they are retried every 500 ms for up to the timeout, so nothing waits longer.
 */
export function retryOptions(config: ConnectionConfig) {
  return { retries: Math.max(2, Math.floor((config.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 500)), retryDelay: 500 };
}
