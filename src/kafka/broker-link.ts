import type { Admin, Broker, Connection } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { type ConnectionConfig, DEFAULT_TIMEOUT_MS, type KafkaLibrary, connectTimeout, loadKafka } from './client.ts';
import { connectionError, describeKafkaError, isConnectionFailure } from './errors.ts';
import { type AddressCheck, describeSocketError, openSocket, unreachable } from './reachability.ts';

// A lean single-broker link. `topics list` and `metadata` answer with one Metadata request; loading the whole client
// for that costs ten times the request, so they use a single connection that speaks through @platformatic/kafka's
// own protocol encoders and decoders (loaded one module at a time), with the same TLS and SASL settings as the Admin
// client.

type Callback<T> = (error: Error | null, value?: T) => void;

/**
 * One connection to one broker, shaped like @platformatic/kafka's Connection as far as its protocol APIs use it
 * (`send`), so `metadataV12.api.async(link, …)` works on it.
 */
export interface BrokerLink {
  /** host:port of the broker this link talks to. */
  readonly address: string;
  send(apiKey: number, apiVersion: number, createPayload: () => unknown, parser: (...args: never[]) => unknown, requestTags: boolean, responseTags: boolean, callback: Callback<unknown>): void;
  close(): void;
}

interface LeanProtocol {
  Writer: KafkaLibrary['Writer'];
  Reader: KafkaLibrary['Reader'];
  metadataV12: KafkaLibrary['metadataV12'];
}

let leanProtocol: Promise<LeanProtocol> | undefined;

/** The protocol pieces the lean link needs, without loading the whole package (falls back to it if its layout changed). */
export function loadLeanProtocol(): Promise<LeanProtocol> {
  leanProtocol ??= (async () => {
    try {
      const base = import.meta.resolve('@platformatic/kafka');
      const load = (path: string) => import(new URL(path, base).href) as Promise<Record<string, unknown>>;
      const [writer, reader, metadata] = await Promise.all([load('./protocol/writer.js'), load('./protocol/reader.js'), load('./apis/metadata/metadata-v12.js')]);
      if (typeof writer.Writer !== 'function' || typeof reader.Reader !== 'function' || typeof (metadata.api as { async?: unknown })?.async !== 'function') throw new Error('unexpected layout');
      return { Writer: writer.Writer, Reader: reader.Reader, metadataV12: metadata } as unknown as LeanProtocol;
    } catch {
      const lib = await loadKafka();
      return { Writer: lib.Writer, Reader: lib.Reader, metadataV12: lib.metadataV12 };
    }
  })();
  return leanProtocol;
}

class Link implements BrokerLink {
  readonly address: string;
  readonly #socket: import('node:net').Socket;
  readonly #protocol: LeanProtocol;
  readonly #clientId: string;
  readonly #timeoutMs: number;
  #correlationId = 0;
  #buffer: Buffer = Buffer.alloc(0);
  #closed: Error | undefined;
  readonly #pending = new Map<number, { apiKey: number; apiVersion: number; parser: (...args: never[]) => unknown; responseTags: boolean; callback: Callback<unknown>; timer: NodeJS.Timeout }>();

  constructor(address: string, socket: import('node:net').Socket, protocol: LeanProtocol, clientId: string, timeoutMs: number) {
    this.address = address;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#clientId = clientId;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#failAll(error));
    socket.on('close', () => this.#failAll(Object.assign(new Error(`${address} closed the connection`), { code: 'PLT_KFK_NETWORK' })));
  }

  send(apiKey: number, apiVersion: number, createPayload: () => unknown, parser: (...args: never[]) => unknown, requestTags: boolean, responseTags: boolean, callback: Callback<unknown>): void {
    if (this.#closed) {
      callback(this.#closed);
      return;
    }
    const write = (payload: { context?: { noResponse?: boolean } }) => {
      const correlationId = (this.#correlationId = (this.#correlationId + 1) & 0x7fffffff);
      const writer = this.#protocol.Writer.create().appendInt16(apiKey).appendInt16(apiVersion).appendInt32(correlationId).appendString(this.#clientId, false);
      if (requestTags) writer.appendTaggedFields();
      writer.appendFrom(payload as never).prependLength();
      if (payload.context?.noResponse) {
        this.#socket.write(writer.buffer, (error) => callback(error ?? null));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        callback(Object.assign(new Error(`${this.address} did not answer within ${this.#timeoutMs} ms`), { code: 'PLT_KFK_TIMEOUT' }));
      }, this.#timeoutMs);
      this.#pending.set(correlationId, { apiKey, apiVersion, parser, responseTags, callback, timer });
      this.#socket.write(writer.buffer);
    };
    try {
      const payload = createPayload() as { then?: unknown; context?: { noResponse?: boolean } };
      if (typeof payload.then === 'function') (payload as unknown as Promise<typeof payload>).then(write, (error: Error) => callback(error));
      else write(payload);
    } catch (error) {
      callback(error as Error);
    }
  }

  close(): void {
    this.#closed ??= new Error('the connection is closed');
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 4) {
      const size = this.#buffer.readInt32BE(0);
      if (this.#buffer.length < 4 + size) return;
      const frame = this.#buffer.subarray(4, 4 + size);
      this.#buffer = this.#buffer.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const request = this.#pending.get(correlationId);
      if (!request) continue;
      this.#pending.delete(correlationId);
      clearTimeout(request.timer);
      let result: unknown;
      try {
        const reader = this.#protocol.Reader.from(frame);
        reader.skip(4);
        // Flexible response headers carry tagged fields; brokers send none (a single zero byte).
        if (request.responseTags) reader.skip(1);
        result = (request.parser as unknown as (c: number, k: number, v: number, r: unknown) => unknown)(correlationId, request.apiKey, request.apiVersion, reader);
      } catch (error) {
        request.callback(error as Error);
        continue;
      }
      request.callback(null, result);
    }
  }

  #failAll(error: Error): void {
    this.#closed ??= error;
    for (const [id, request] of this.#pending) {
      clearTimeout(request.timer);
      this.#pending.delete(id);
      request.callback(error);
    }
  }
}

async function authenticateLink(link: BrokerLink, sasl: NonNullable<ConnectionConfig['sasl']>): Promise<void> {
  const lib = await loadKafka();
  const connection = link as unknown as Connection;
  await lib.saslHandshakeV1.api.async(connection, sasl.mechanism);
  if (sasl.mechanism === 'PLAIN') await lib.saslPlain.authenticate(lib.saslAuthenticateV2.api, connection, sasl.username, sasl.password);
  else await lib.saslScramSha.authenticate(lib.saslAuthenticateV2.api, connection, sasl.mechanism.substring(6) as 'SHA-256', sasl.username, sasl.password, lib.saslScramSha.defaultCrypto);
}

/**
 * Runs `fn` over one connection to the first bootstrap broker that answers (all are tried at once, so an
 * unreachable cluster fails within one connect timeout, naming every address and why). For read-only commands
 * that need one or two requests; everything else uses `withAdmin`.
 */
export async function withBrokerLink<T>(config: ConnectionConfig, fn: (link: BrokerLink, protocol: LeanProtocol) => Promise<T>): Promise<T> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const protocolLoading = loadLeanProtocol();
  const checks: AddressCheck[] = [];
  const opened = await new Promise<{ address: string; socket: import('node:net').Socket }>((resolve, reject) => {
    let pending = config.bootstrap.length;
    let winner = false;
    for (const address of config.bootstrap) {
      openSocket(address, connectTimeout(config), config.tls).then(
        (socket) => {
          pending--;
          if (winner) socket.destroy();
          else {
            winner = true;
            resolve({ address, socket });
          }
        },
        (error: unknown) => {
          pending--;
          checks.push({ address, ok: false, ...describeSocketError(error, connectTimeout(config)) });
          if (pending === 0 && !winner) reject(unreachable(config, checks));
        },
      );
    }
  });
  const link = new Link(opened.address, opened.socket, await protocolLoading, config.clientId ?? 'kafkaplane', timeoutMs);
  try {
    if (config.sasl) {
      await authenticateLink(link, config.sasl).catch((error: unknown) => {
        throw new KafkaplaneError('KAFKA_AUTHENTICATION', `${opened.address} refused the SASL ${config.sasl!.mechanism} login of "${config.sasl!.username}": ${describeKafkaError(error)}`, {
          cause: error,
          hint: 'check the user name and password, and that the listener uses this SASL mechanism',
        });
      });
    }
    return await fn(link, await protocolLoading);
  } catch (error) {
    if (!(error instanceof KafkaplaneError) && isConnectionFailure(error)) throw connectionError({ ...config, bootstrap: [opened.address] }, error);
    throw error;
  } finally {
    link.close();
  }
}

/** A connection to one of the cluster's brokers, for protocol requests the Admin client does not wrap. */
export async function brokerConnection(admin: Admin): Promise<Connection> {
  const metadata = await admin.metadata({ topics: [] });
  const brokers: Broker[] = [...metadata.brokers.values()].map((b) => ({ host: b.host, port: b.port }));
  if (brokers.length === 0) throw new KafkaplaneError('NO_BROKERS', 'the cluster reported no live brokers');
  // The first broker whose advertised address answers: one unreachable address must not break the request.
  return admin.connections.getFirstAvailable(brokers);
}
