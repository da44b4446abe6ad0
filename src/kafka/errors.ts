import { type Hint, KafkaplaneError, action, errorMessage, hint, setting } from '../errors.ts';
import type { ConnectionConfig } from './client.ts';

/** What to check when nothing listens at an address (connection refused). */
export const NOTHING_LISTENS = hint`nothing listens there: is the cluster up (${action('status')}), and is the port right?`;
/** An address that accepts connections but never answers as Kafka. */
export const NOT_KAFKA = hint`the address takes connections but does not answer as Kafka: a wrong port, a TLS listener spoken to in plaintext (${setting('tls')}), or a proxy in between; raise ${setting('timeout')} if the cluster is just slow`;

/** Turns a client error into one that says which address failed and what usually causes it. */
export function connectionError(config: ConnectionConfig, error: unknown): KafkaplaneError {
  const message = errorMessage(error);
  const causes = collectMessages(error).join(' ');
  let advice: Hint | string = hint`check that the cluster is running (${action('status')}) and that the address is right`;
  if (/ECONNREFUSED/.test(causes)) advice = NOTHING_LISTENS;
  else if (/ENOTFOUND|EAI_AGAIN/.test(causes)) advice = 'the host name does not resolve from here; use an address this machine can resolve';
  else if (/timed? ?out|ETIMEDOUT/i.test(causes)) advice = 'no answer in time: a firewall, a wrong port, or a TLS/plaintext mismatch';
  else if (/SASL|authentication/i.test(causes)) advice = 'the credentials or the SASL mechanism do not match the listener';
  else if (/requires TLS/i.test(causes)) advice = hint`the listener speaks TLS: add ${setting('tls')} (and ${setting('tlsCa')}), or security.protocol=SSL in ${setting('commandConfig')}`;
  else if (/closed the connection|Connection closed/i.test(causes))
    advice = hint`the address accepted the connection and then closed it: it is not a Kafka listener, or the listener expects TLS or SASL (${setting('tls')}, ${setting('sasl')}, ${setting('commandConfig')})`;
  // The bootstrap answered, then the client followed the brokers' advertised addresses and could not reach them:
  // the classic advertised.listeners problem (seed 004's troubleshooting checklist).
  const failed = [...causes.matchAll(/Connection to (\S+?:\d+) failed/g)].map((m) => m[1]!);
  const advertised = failed.filter((address) => !config.bootstrap.includes(address));
  if (advertised.length > 0 && advertised.length === failed.length) {
    advice = hint`the bootstrap answered, but the brokers advertise ${[...new Set(advertised)].join(', ')}, which this machine cannot reach: set advertised.listeners to addresses clients can reach (or connect through a listener meant for this network); \`${action('doctor')}\` checks every advertised address`;
  }
  return new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}: ${message}`, { cause: error, hint: advice });
}

/** True when an error from the client means the network failed (as opposed to Kafka answering with an error). */
export function isConnectionFailure(error: unknown): boolean {
  const codes = collectCodes(error);
  if (codes.some((c) => c === 'PLT_KFK_NETWORK' || c === 'PLT_KFK_TIMEOUT' || c === 'PLT_KFK_AUTHENTICATION' || /^E[A-Z]+$/.test(c))) return true;
  return /Cannot connect to any broker|Connection closed|Broker requires TLS/i.test(collectMessages(error).join(' '));
}

/** True when the client failed to authenticate (wrong credentials or mechanism): retrying cannot help. */
export function isAuthenticationFailure(error: unknown): boolean {
  return collectCodes(error).includes('PLT_KFK_AUTHENTICATION');
}

/** A Kafka protocol error somewhere in a client error: its name (UNKNOWN_TOPIC_OR_PARTITION, …) and messages. */
export interface KafkaProtocolError {
  /** Kafka's error name, e.g. TOPIC_ALREADY_EXISTS. */
  name: string;
  code: number;
  message: string;
  /** What the broker said, when it said more than the error name. */
  serverMessage: string | null;
}

export function kafkaProtocolErrors(error: unknown, depth = 0): KafkaProtocolError[] {
  if (depth > 6 || error === null || typeof error !== 'object') return [];
  const e = error as { apiId?: string; apiCode?: number; message?: string; serverErrorMessage?: string | null; cause?: unknown; errors?: unknown[] };
  const own = typeof e.apiId === 'string' ? [{ name: e.apiId, code: e.apiCode ?? -1, message: e.message ?? e.apiId, serverMessage: e.serverErrorMessage ?? null }] : [];
  return [...own, ...kafkaProtocolErrors(e.cause, depth + 1), ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => kafkaProtocolErrors(x, depth + 1)) : [])];
}

/** The broker's own words for a protocol error, falling back to the client's message. */
export function describeKafkaError(error: unknown): string {
  const protocol = kafkaProtocolErrors(error)[0];
  if (protocol)
    return protocol.serverMessage && protocol.serverMessage !== protocol.message ? `${protocol.serverMessage} (${protocol.name})` : `${protocol.message.replace(/\.$/, '')} (${protocol.name})`;
  return errorMessage(error);
}

function collectCodes(error: unknown, depth = 0): string[] {
  if (depth > 6 || error === null || typeof error !== 'object') return [];
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  return [...(typeof e.code === 'string' ? [e.code] : []), ...collectCodes(e.cause, depth + 1), ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => collectCodes(x, depth + 1)) : [])];
}

function collectMessages(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === null || typeof error !== 'object') return [];
  const e = error as { message?: string; code?: string; cause?: unknown; errors?: unknown[] };
  return [e.message ?? '', e.code ?? '', ...collectMessages(e.cause, depth + 1), ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => collectMessages(x, depth + 1)) : [])];
}
