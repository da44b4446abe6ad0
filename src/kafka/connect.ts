import type { Admin, Broker, Connection, SASLMechanismValue } from '@platformatic/kafka';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { KafkaplaneError, errorMessage } from '../errors.ts';

type KafkaLibrary = typeof import('@platformatic/kafka');
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

export async function createAdmin(config: ConnectionConfig): Promise<Admin> {
  const { Admin } = await loadKafka();
  return new Admin(clientOptions(config));
}

/**
 * Runs `fn` with an Admin client and always closes it. A failure to reach the cluster becomes a KafkaplaneError that
 * names the address and the likely cause. With `probe`, the bootstrap addresses are checked first (a TCP connect,
 * bounded by the timeout), and then the first contact — a real Metadata request — is bounded by the timeout too:
 * an address that accepts connections but never answers as Kafka fails in one timeout, not after the client's
 * nested retries (Metadata and ApiVersions are each retried, 9 × the timeout in all).
 *
 * After that, the whole of `fn` runs under a stall deadline (see StallWatch): when no Kafka response has arrived
 * for about the timeout, the command fails naming the addresses it was waiting on, and the client is closed.
 */
export async function withAdmin<T>(config: ConnectionConfig, fn: (admin: Admin) => Promise<T>, options: { probe?: boolean } = {}): Promise<T> {
  if (options.probe) await probeBootstrap(config);
  const admin = await createAdmin(config);
  const watch = new StallWatch(config, admin.instanceId, await loadKafka());
  try {
    return await watch.run(async () => {
      if (options.probe) {
        await firstContact(config, admin.metadata({ topics: [] }), (error) => {
          throw error;
        });
      }
      return fn(admin);
    });
  } catch (error) {
    if (!(error instanceof KafkaplaneError) && isConnectionFailure(error)) throw connectionError(config, error);
    throw error;
  } finally {
    watch.stop();
    await admin.close().catch(() => undefined);
  }
}

/**
 * Bounds a client's first request (metadata) by the connection timeout. The client retries failed attempts, which
 * is right once a cluster is known to answer but would let an address that accepts connections and never answers
 * as Kafka (a proxy, a TLS listener spoken to in plaintext) hold the command for several timeouts. The caller closes
 * the client afterwards either way.
 */
export async function firstContact<T>(config: ConnectionConfig, request: Promise<T>, onError: (error: unknown) => never): Promise<T> {
  const ms = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}: no answer to a metadata request within ${ms / 1000} s`, {
          hint: 'the address takes connections but does not answer as Kafka: a wrong port, a TLS listener spoken to in plaintext (--tls), or a proxy in between; raise --timeout if the cluster is just slow',
        }),
      );
    }, ms);
  });
  try {
    return await Promise.race([request, deadline]);
  } catch (error) {
    if (error instanceof KafkaplaneError) throw error;
    if (isConnectionFailure(error)) throw connectionError(config, error);
    return onError(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long withAdmin waits without any Kafka response before it gives up: the timeout, plus a margin so that the
 * client's own per-request timeout (same length, with a more specific error) fires first when it can.
 */
export function stallLimitMs(config: ConnectionConfig): number {
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return timeout + Math.min(timeout / 2, 5_000);
}

const stallWatches = new AsyncLocalStorage<StallWatch>();

/**
 * Waits on purpose inside withAdmin — doctor's pause between two lag samples, a back-off before asking a moving
 * coordinator again — without that time counting as the cluster not answering.
 */
export async function pause(ms: number): Promise<void> {
  const watch = stallWatches.getStore();
  watch?.pauseStarted();
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    watch?.pauseEnded();
  }
}

/**
 * The "never a hang" deadline of withAdmin. Where to put it: an overall deadline on the command would have to be
 * generous enough for the longest legitimate run (a reset of thousands of groups, doctor sleeping between lag
 * samples) and would then not bound anything useful; a per-call deadline would have to wrap every Admin method and
 * every raw protocol request. What distinguishes an unresponsive cluster from a long operation is that nothing
 * comes back. So this watches the responses of the client's own connections (the client's diagnostics channel
 * `connections:api`, filtered by owner) and fails the command when none has arrived for stallLimitMs — long
 * operations keep getting answers and are never cut short, deliberate waits go through pause(). It also catches
 * what the first-contact check cannot: the bootstrap answers, then the brokers' advertised addresses do not (or a
 * broker stops answering mid-command), which the client would otherwise retry for several timeouts per request.
 */
class StallWatch {
  readonly #config: ConnectionConfig;
  readonly #ownerId: number;
  readonly #limitMs: number;
  readonly #apiChannel: KafkaLibrary['connectionsApiChannel'];
  readonly #connectsChannel: KafkaLibrary['connectionsConnectsChannel'];
  /** Requests and connection attempts sent and not answered yet, by their diagnostic context: host:port. */
  readonly #waiting = new Map<object, string>();
  #lastAnswer = Date.now();
  #answered = false;
  #pauses = 0;
  #timer: NodeJS.Timeout | undefined;
  #fail: (error: KafkaplaneError) => void = () => undefined;
  readonly #failed: Promise<never>;
  readonly #apiHandlers: { start: (ctx: unknown) => void; asyncStart: (ctx: unknown) => void };
  readonly #connectHandlers: { start: (ctx: unknown) => void; asyncStart: (ctx: unknown) => void };

  constructor(config: ConnectionConfig, ownerId: number, lib: KafkaLibrary) {
    this.#config = config;
    this.#ownerId = ownerId;
    this.#limitMs = stallLimitMs(config);
    this.#apiChannel = lib.connectionsApiChannel;
    this.#connectsChannel = lib.connectionsConnectsChannel;
    this.#failed = new Promise<never>((_, reject) => (this.#fail = reject));
    // The race in run() handles the rejection; this keeps a deadline that fires after the race settled quiet.
    this.#failed.catch(() => undefined);
    const mine = (ctx: unknown): ctx is { connection: Connection; host?: string; port?: number } => (ctx as { connection?: Connection }).connection?.ownerId === this.#ownerId;
    const address = (ctx: { connection: Connection; host?: string; port?: number }) => `${ctx.host ?? ctx.connection.host}:${ctx.port ?? ctx.connection.port}`;
    this.#apiHandlers = {
      start: (ctx) => {
        if (mine(ctx)) this.#waiting.set(ctx, address(ctx));
      },
      // Published when a response arrives (an error response too): the cluster is answering.
      asyncStart: (ctx) => {
        if (!mine(ctx)) return;
        this.#waiting.delete(ctx);
        this.#answered = true;
        this.#lastAnswer = Date.now();
      },
    };
    // A TCP connection is no answer (a silent proxy accepts them too): only remembered for the error message.
    this.#connectHandlers = {
      start: (ctx) => {
        if (mine(ctx) && !ctx.connection.isConnected()) this.#waiting.set(ctx, address(ctx));
      },
      asyncStart: (ctx) => {
        if (mine(ctx)) this.#waiting.delete(ctx);
      },
    };
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.#apiChannel.subscribe(this.#apiHandlers as never);
    this.#connectsChannel.subscribe(this.#connectHandlers as never);
    this.#lastAnswer = Date.now();
    this.#arm(this.#limitMs);
    return Promise.race([stallWatches.run(this, fn), this.#failed]);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#apiChannel.unsubscribe(this.#apiHandlers as never);
    this.#connectsChannel.unsubscribe(this.#connectHandlers as never);
  }

  pauseStarted(): void {
    this.#pauses++;
  }

  pauseEnded(): void {
    this.#pauses--;
    this.#lastAnswer = Date.now();
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    const quiet = Date.now() - this.#lastAnswer;
    if (this.#pauses > 0) return this.#arm(this.#limitMs);
    if (quiet < this.#limitMs) return this.#arm(this.#limitMs - quiet);
    const seconds = Math.round(quiet / 100) / 10;
    const waiting = [...new Set(this.#waiting.values())];
    const bootstrap = this.#config.bootstrap.join(',');
    if (!this.#answered) {
      this.#fail(
        new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${bootstrap}: no answer to any request within ${seconds} s${waiting.length > 0 ? ` (waiting on ${waiting.join(', ')})` : ''}`, {
          hint: 'the address takes connections but does not answer as Kafka: a wrong port, a TLS listener spoken to in plaintext (--tls), or a proxy in between; raise --timeout if the cluster is just slow',
        }),
      );
      return;
    }
    const advertised = waiting.filter((a) => !this.#config.bootstrap.includes(a));
    this.#fail(
      new KafkaplaneError('KAFKA_TIMEOUT', `Kafka at ${bootstrap} stopped answering: no response for ${seconds} s${waiting.length > 0 ? ` while waiting on ${waiting.join(', ')}` : ''}`, {
        hint:
          advertised.length > 0
            ? `the bootstrap answered, but ${advertised.join(', ')} (advertised by the brokers) did not: a broker that is down or overloaded, or advertised.listeners this machine cannot reach (\`kafkaplane doctor\` checks them); raise --timeout if the cluster is just slow`
            : 'a broker stopped responding (overloaded, a long GC pause, the network in between); check the brokers, or raise --timeout if the cluster is just slow',
      }),
    );
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

/** Turns a client error into one that says which address failed and what usually causes it. */
export function connectionError(config: ConnectionConfig, error: unknown): KafkaplaneError {
  const message = errorMessage(error);
  const causes = collectMessages(error).join(' ');
  let hint = 'check that the cluster is running (kafkaplane status) and that the address is right';
  if (/ECONNREFUSED/.test(causes)) hint = 'nothing listens there: is the cluster up (kafkaplane status), and is the port right?';
  else if (/ENOTFOUND|EAI_AGAIN/.test(causes)) hint = 'the host name does not resolve from here; use an address this machine can resolve';
  else if (/timed? ?out|ETIMEDOUT/i.test(causes)) hint = 'no answer in time: a firewall, a wrong port, or a TLS/plaintext mismatch';
  else if (/SASL|authentication/i.test(causes)) hint = 'the credentials or the SASL mechanism do not match the listener';
  else if (/requires TLS/i.test(causes)) hint = 'the listener speaks TLS: add --tls (and --tls-ca), or security.protocol=SSL in --command-config';
  else if (/closed the connection|Connection closed/i.test(causes)) hint = 'the address accepted the connection and then closed it: it is not a Kafka listener, or the listener expects TLS or SASL (--tls, --sasl-*, --command-config)';
  // The bootstrap answered, then the client followed the brokers' advertised addresses and could not reach them:
  // the classic advertised.listeners problem (seed 004's troubleshooting checklist).
  const failed = [...causes.matchAll(/Connection to (\S+?:\d+) failed/g)].map((m) => m[1]!);
  const advertised = failed.filter((address) => !config.bootstrap.includes(address));
  if (advertised.length > 0 && advertised.length === failed.length) {
    hint = `the bootstrap answered, but the brokers advertise ${[...new Set(advertised)].join(', ')}, which this machine cannot reach: set advertised.listeners to addresses clients can reach (or connect through a listener meant for this network); \`kafkaplane doctor\` checks every advertised address`;
  }
  return new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}: ${message}`, { cause: error, hint });
}

/** True when an error from the client means the network failed (as opposed to Kafka answering with an error). */
export function isConnectionFailure(error: unknown): boolean {
  const codes = collectCodes(error);
  if (codes.some((c) => c === 'PLT_KFK_NETWORK' || c === 'PLT_KFK_TIMEOUT' || c === 'PLT_KFK_AUTHENTICATION' || /^E[A-Z]+$/.test(c))) return true;
  return /Cannot connect to any broker|Connection closed|Broker requires TLS/i.test(collectMessages(error).join(' '));
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
  if (protocol) return protocol.serverMessage && protocol.serverMessage !== protocol.message ? `${protocol.serverMessage} (${protocol.name})` : `${protocol.message.replace(/\.$/, '')} (${protocol.name})`;
  return errorMessage(error);
}

function collectCodes(error: unknown, depth = 0): string[] {
  if (depth > 6 || error === null || typeof error !== 'object') return [];
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  return [
    ...(typeof e.code === 'string' ? [e.code] : []),
    ...collectCodes(e.cause, depth + 1),
    ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => collectCodes(x, depth + 1)) : []),
  ];
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

// ---------------------------------------------------------------------------------------------------------------
// Reachability and a lean single-broker link.
//
// `topics list` and `metadata` answer with one Metadata request. Loading the whole client for that costs ten times
// the request, so they use a single connection that speaks through @platformatic/kafka's own protocol encoders and
// decoders (loaded one module at a time), with the same TLS and SASL settings as the Admin client.
// ---------------------------------------------------------------------------------------------------------------

export type AddressCheck = { address: string; ok: true; ms: number } | { address: string; ok: false; code: string; reason: string };

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(i + 1)) };
}

/** Why a socket could not connect, in words an operator can act on. */
export function describeSocketError(error: unknown, timeoutMs: number): { code: string; reason: string } {
  const code = (error as { code?: string }).code ?? 'ERROR';
  switch (code) {
    case 'ECONNREFUSED':
      return { code, reason: 'connection refused: nothing listens on that port' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { code, reason: 'the host name does not resolve from here' };
    case 'ETIMEDOUT':
      return { code, reason: `no answer within ${Math.round(timeoutMs / 100) / 10} s (a firewall, a wrong address, or the host is down)` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code, reason: 'no route to that host from here' };
    case 'ECONNRESET':
      return { code, reason: 'the connection was reset (a TLS/plaintext mismatch, or the wrong service on that port)' };
    default:
      return { code, reason: errorMessage(error) };
  }
}

/** Opens a TCP connection to `address` (TLS when `tls` is given); bounded by `timeoutMs`. */
async function openSocket(address: string, timeoutMs: number, tls?: TlsOptions): Promise<import('node:net').Socket> {
  const { host, port } = splitAddress(address);
  const net = await import('node:net');
  const socket: import('node:net').Socket = tls
    ? (await import('node:tls')).connect({ host, port, ...(net.isIP(host) === 0 ? { servername: host } : {}), ...tls })
    : net.connect({ host, port });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`connecting to ${address} timed out`), { code: 'ETIMEDOUT' });
      socket.destroy(error);
    }, timeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Whether this machine can open a TCP connection to `address` (no Kafka protocol): for bootstrap and advertised addresses. */
export async function checkAddress(address: string, timeoutMs: number): Promise<AddressCheck> {
  const started = Date.now();
  try {
    const socket = await openSocket(address, timeoutMs);
    socket.destroy();
    return { address, ok: true, ms: Date.now() - started };
  } catch (error) {
    return { address, ok: false, ...describeSocketError(error, timeoutMs) };
  }
}

function connectTimeout(config: ConnectionConfig): number {
  return Math.min(config.timeoutMs ?? DEFAULT_TIMEOUT_MS, 10_000);
}

function unreachable(config: ConnectionConfig, checks: readonly AddressCheck[]): KafkaplaneError {
  const failures = checks.filter((c): c is Extract<AddressCheck, { ok: false }> => !c.ok);
  const codes = new Set(failures.map((f) => f.code));
  let hint = 'check the address, and that the cluster is running (kafkaplane status)';
  if (codes.size === 1 && codes.has('ECONNREFUSED')) hint = 'nothing listens there: is the cluster up (kafkaplane status), and is the port right?';
  else if (codes.size === 1 && (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN'))) hint = 'use an address this machine can resolve (inside Kubernetes, service names resolve only in the cluster: use an external listener or a port-forward)';
  else if (codes.size === 1 && codes.has('ETIMEDOUT')) hint = 'packets are dropped on the way: check firewalls/security groups, and that the address is the one the cluster listens on';
  const detail = failures.map((f) => `  ${f.address}: ${f.reason}`).join('\n');
  return new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}:\n${detail}`, { hint, details: failures });
}

/** Fails with every address and its reason unless at least one bootstrap address accepts a TCP connection. */
export async function probeBootstrap(config: ConnectionConfig): Promise<void> {
  const timeoutMs = connectTimeout(config);
  const checks: AddressCheck[] = [];
  await new Promise<void>((resolve, reject) => {
    let pending = config.bootstrap.length;
    for (const address of config.bootstrap) {
      void checkAddress(address, timeoutMs).then((check) => {
        checks.push(check);
        pending--;
        if (check.ok) resolve();
        else if (pending === 0) reject(unreachable(config, checks));
      });
    }
  });
}

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

// ---------------------------------------------------------------------------------------------------------------
// Producers and consumers (the toolbox: produce, consume, perf produce, perf consume). Same options as the Admin
// client, so SASL, TLS and the timeout apply identically.
// ---------------------------------------------------------------------------------------------------------------

export interface ProducerTuning {
  idempotent: boolean;
  /** Requests in flight per broker connection (the client forces 1 for idempotent producers). */
  maxInFlight: number;
  clientId?: string;
  requestTimeoutMs?: number;
}

/**
 * Retries for producers and consumers: right after a cluster starts or a leader moves, brokers answer
 * COORDINATOR_LOAD_IN_PROGRESS, NOT_ENOUGH_REPLICAS or NOT_LEADER for a while; Java clients retry those until
 * delivery.timeout.ms. Here they are retried every 500 ms for up to the timeout, so nothing waits longer.
 */
function retryOptions(config: ConnectionConfig) {
  return { retries: Math.max(2, Math.floor((config.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 500)), retryDelay: 500 };
}

/**
 * A producer client. acks is not set here but on every send(): @platformatic/kafka 2.12 ignores a constructor
 * `acks` for a non-idempotent producer and sends acks=1, which loses acknowledged records on a leader change.
 */
export async function createProducer(config: ConnectionConfig, tuning: ProducerTuning): Promise<import('@platformatic/kafka').Producer> {
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
export async function createConsumer(config: ConnectionConfig, groupId: string, options: { clientId?: string; sessionTimeoutMs?: number } = {}): Promise<import('@platformatic/kafka').Consumer> {
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
