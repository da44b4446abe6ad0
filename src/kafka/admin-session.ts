import type { Admin, Connection } from '@platformatic/kafka';
import { AsyncLocalStorage } from 'node:async_hooks';
import { KafkaplaneError, action, hint, setting } from '../errors.ts';
import { type ConnectionConfig, DEFAULT_TIMEOUT_MS, type KafkaLibrary, clientOptions, loadKafka } from './client.ts';
import { NOT_KAFKA, connectionError, isConnectionFailure } from './errors.ts';
import { probeBootstrap } from './reachability.ts';

// The admin session: an Admin client bounded by "never a hang" (docs/design/admin-stall-watch.md).

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
          hint: NOT_KAFKA,
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
    if (this.#pauses > 0 || quiet < this.#limitMs) {
      this.#arm(this.#pauses > 0 ? this.#limitMs : this.#limitMs - quiet);
      return;
    }
    const seconds = Math.round(quiet / 100) / 10;
    const waiting = [...new Set(this.#waiting.values())];
    const bootstrap = this.#config.bootstrap.join(',');
    if (!this.#answered) {
      this.#fail(
        new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${bootstrap}: no answer to any request within ${seconds} s${waiting.length > 0 ? ` (waiting on ${waiting.join(', ')})` : ''}`, {
          hint: NOT_KAFKA,
        }),
      );
      return;
    }
    const advertised = waiting.filter((a) => !this.#config.bootstrap.includes(a));
    this.#fail(
      new KafkaplaneError('KAFKA_TIMEOUT', `Kafka at ${bootstrap} stopped answering: no response for ${seconds} s${waiting.length > 0 ? ` while waiting on ${waiting.join(', ')}` : ''}`, {
        hint:
          advertised.length > 0
            ? hint`the bootstrap answered, but ${advertised.join(', ')} (advertised by the brokers) did not: a broker that is down or overloaded, or advertised.listeners this machine cannot reach (\`${action('doctor')}\` checks them); raise ${setting('timeout')} if the cluster is just slow`
            : hint`a broker stopped responding (overloaded, a long GC pause, the network in between); check the brokers, or raise ${setting('timeout')} if the cluster is just slow`,
      }),
    );
  }
}
