import { Admin, type Broker, type Connection, type SASLMechanismValue } from '@platformatic/kafka';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { KafkaplaneError, errorMessage } from '../errors.ts';

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
        exitCode: 2,
        hint: 'pass --bootstrap host:port[,host:port…], e.g. --bootstrap 127.0.0.1:9092',
      });
    }
  }
  if (servers.length === 0) throw new KafkaplaneError('BAD_BOOTSTRAP', 'the bootstrap list is empty', { exitCode: 2 });
  return servers;
}

export function clientOptions(config: ConnectionConfig) {
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    clientId: config.clientId ?? 'kafkaplane',
    bootstrapBrokers: config.bootstrap,
    connectTimeout: Math.min(timeout, 10_000),
    requestTimeout: timeout,
    timeout,
    retries: 2,
    retryDelay: 250,
    ...(config.sasl ? { sasl: config.sasl } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
  };
}

export function createAdmin(config: ConnectionConfig): Admin {
  return new Admin(clientOptions(config));
}

/** Runs `fn` with an Admin client and always closes it. */
export async function withAdmin<T>(config: ConnectionConfig, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createAdmin(config);
  try {
    return await fn(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** A connection to one of the cluster's brokers, for protocol requests the Admin client does not wrap. */
export async function brokerConnection(admin: Admin): Promise<Connection> {
  const metadata = await admin.metadata({ topics: [] });
  const brokers = [...metadata.brokers.values()];
  const broker: Broker | undefined = brokers[0];
  if (broker === undefined) throw new KafkaplaneError('NO_BROKERS', 'the cluster reported no live brokers');
  return admin.connections.get({ host: broker.host, port: broker.port });
}

/** Turns a client error into one that says which address failed and what usually causes it. */
export function connectionError(config: ConnectionConfig, error: unknown): KafkaplaneError {
  const message = errorMessage(error);
  const causes = collectMessages(error).join(' ');
  let hint = 'check that the cluster is running (kafkaplane status) and that the address is right';
  if (/ECONNREFUSED/.test(causes)) hint = 'nothing listens there: is the cluster up (kafkaplane status), and is the port right?';
  else if (/ENOTFOUND|EAI_AGAIN/.test(causes)) hint = 'the host name does not resolve from here; use an address this machine can resolve';
  else if (/timed? ?out|ETIMEDOUT/i.test(causes)) hint = 'no answer in time: a firewall, a wrong port, or a TLS/plaintext mismatch';
  else if (/SASL|authentication/i.test(causes)) hint = 'the credentials or the SASL mechanism do not match the listener';
  return new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}: ${message}`, { cause: error, hint });
}

function collectMessages(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === null || typeof error !== 'object') return [];
  const e = error as { message?: string; code?: string; cause?: unknown; errors?: unknown[] };
  return [
    e.message ?? '',
    e.code ?? '',
    ...collectMessages(e.cause, depth + 1),
    ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => collectMessages(x, depth + 1)) : []),
  ];
}
