import type { Consumer, Producer } from '@platformatic/kafka';
import { type ConnectionConfig, clientOptions, loadKafka, retryOptions } from './client.ts';

// Producers and consumers (the toolbox: produce, consume, perf produce, perf consume). Same options as the Admin
// client, so SASL, TLS and the timeout apply identically.

export interface ProducerTuning {
  idempotent: boolean;
  /** Requests in flight per broker connection (the client forces 1 for idempotent producers). */
  maxInFlight: number;
  clientId?: string;
  requestTimeoutMs?: number;
}

/**
 * A producer client. acks is not set here but on every send(): @platformatic/kafka 2.12 ignores a constructor
 * `acks` for a non-idempotent producer and sends acks=1, which loses acknowledged records on a leader change.
 */
export async function createProducer(config: ConnectionConfig, tuning: ProducerTuning): Promise<Producer> {
  const { Producer } = await loadKafka();
  const base = { ...clientOptions(config), ...retryOptions(config) };
  return new Producer({
    ...base,
    ...(tuning.clientId ? { clientId: tuning.clientId } : {}),
    ...(tuning.requestTimeoutMs ? { timeout: tuning.requestTimeoutMs, requestTimeout: tuning.requestTimeoutMs } : {}),
    idempotent: tuning.idempotent,
    maxInflights: tuning.maxInFlight,
    autocreateTopics: false,
  });
}

/** A consumer client; it joins `groupId` only when asked to (reading by partition and offset needs no group). */
export async function createConsumer(config: ConnectionConfig, groupId: string, options: { clientId?: string; sessionTimeoutMs?: number } = {}): Promise<Consumer> {
  const { Consumer } = await loadKafka();
  const sessionTimeout = options.sessionTimeoutMs ?? 45_000;
  return new Consumer({
    ...clientOptions(config),
    ...retryOptions(config),
    ...(options.clientId ? { clientId: options.clientId } : {}),
    groupId,
    sessionTimeout,
    rebalanceTimeout: Math.max(sessionTimeout, 60_000),
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    autocreateTopics: false,
  });
}
