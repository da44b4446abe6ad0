import type { ConnectionConfig } from '../kafka/client.ts';

/** What the main thread hands the collection worker (structured-cloned: no functions). */
export interface WorkerOptions {
  connection: TransferableConnection;
  intervalMs: number;
  topicFilter: string;
  topicExclude: string;
  groupFilter: string;
  groupExclude: string;
  lagSeconds: boolean;
}

export type WorkerMessage =
  | { kind: 'collection'; text: string; gzipped: ArrayBuffer; takenAtMs: number | undefined }
  | { kind: 'collected'; ready: boolean; error: string | undefined; summary: CollectionSummary | undefined }
  | { kind: 'log'; message: string }
  | { kind: 'stopped' };

export interface CollectionSummary {
  brokers: number;
  topics: number;
  groups: number;
  durationMs: number;
}

/** A connection without functions: TLS's hostname check, when skipped, travels as a flag. */
export type TransferableConnection = Omit<ConnectionConfig, 'tls'> & { tls?: Omit<NonNullable<ConnectionConfig['tls']>, 'checkServerIdentity'>; skipHostnameCheck?: boolean };

export function transferableConnection(connection: ConnectionConfig): TransferableConnection {
  if (!connection.tls?.checkServerIdentity) return connection as TransferableConnection;
  const { checkServerIdentity: _skip, ...tls } = connection.tls;
  return { ...connection, tls, skipHostnameCheck: true };
}

export function workerConnection(connection: TransferableConnection): ConnectionConfig {
  const { skipHostnameCheck, ...rest } = connection;
  return skipHostnameCheck && rest.tls ? { ...rest, tls: { ...rest.tls, checkServerIdentity: () => undefined } } : rest;
}
