import type { Admin, Consumer } from '@platformatic/kafka';
import { errorMessage } from '../errors.ts';
import type { ClusterSnapshot } from '../model/cluster-snapshot.ts';
import { createAdmin } from './admin-session.ts';
import type { ConnectionConfig } from './client.ts';
import { createConsumer } from './clients.ts';
import { connectionError, isConnectionFailure } from './errors.ts';
import { SnapshotCollector } from './snapshot.ts';

export interface SnapshotCacheOptions {
  connection: ConnectionConfig;
  intervalMs: number;
  lagSeconds: boolean;
  /** Client id of the connections, and the prefix of the lag-seconds consumer's group: kafkaplane-console, kafkaplane-exporter. */
  clientName: string;
  log?: (message: string) => void;
  /** Called after every attempt, awaited before the attempt counts as done (the exporter publishes its samples here). */
  onCollected?: (snapshot: ClusterSnapshot | undefined, error: string | undefined) => void | Promise<void>;
}

/**
 * The one cached cluster snapshot (SnapshotCollector) refreshed on an interval, for readers that must never wait on
 * Kafka (the console's list pages, the exporter's scrapes). Clients live across collections (connections are reused)
 * and are rebuilt after a failure. `refresh()` collects now (after a change made through the console) and shares a
 * collection already running. A failed collection keeps the last good snapshot and says why in `lastError`.
 */
export class SnapshotCache {
  readonly #o: SnapshotCacheOptions;
  readonly #collector = new SnapshotCollector();
  #admin: Admin | undefined;
  #consumer: Consumer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #last: ClusterSnapshot | undefined;
  #lastError: string | undefined;
  #failing = false;

  constructor(options: SnapshotCacheOptions) {
    this.#o = options;
  }

  get snapshot(): ClusterSnapshot | undefined {
    return this.#last;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  start(): void {
    void this.#loop();
  }

  /** Collects now (or joins the collection under way) and resolves when it ended. */
  refresh(): Promise<void> {
    this.#running ??= this.#collect().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    await this.#closeClients();
  }

  async #collect(): Promise<void> {
    const name = this.#o.clientName;
    let snapshot: ClusterSnapshot | undefined;
    try {
      this.#admin ??= await createAdmin(this.#o.connection);
      if (this.#o.lagSeconds) this.#consumer ??= await createConsumer(this.#o.connection, `${name}-${process.pid}`, { clientId: name });
      snapshot = await withDeadline(this.#collector.collect(this.#admin, this.#consumer, { lagSeconds: this.#o.lagSeconds }), Math.max(this.#o.intervalMs * 2, 30_000));
      if (this.#failing) this.#o.log?.('collection works again');
      this.#failing = false;
      this.#last = snapshot;
      this.#lastError = snapshot.errors.length > 0 ? snapshot.errors.map((e) => `${e.part}: ${e.message}`).join('; ') : undefined;
    } catch (error) {
      const message = isConnectionFailure(error) ? connectionError(this.#o.connection, error).message : errorMessage(error);
      // Said once per kind of failure, not once per interval.
      if (message !== this.#lastError || !this.#failing) this.#o.log?.(`collection failed (keeping the last data): ${message}`);
      this.#failing = true;
      this.#lastError = message;
      await this.#closeClients();
    }
    await this.#o.onCollected?.(snapshot, snapshot ? undefined : this.#lastError);
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const started = Date.now();
      await this.refresh();
      if (this.#stopped) return;
      await new Promise<void>((resolve) => {
        this.#timer = setTimeout(resolve, Math.max(0, this.#o.intervalMs - (Date.now() - started)));
      });
    }
  }

  async #closeClients(): Promise<void> {
    const admin = this.#admin;
    const consumer = this.#consumer;
    this.#admin = undefined;
    this.#consumer = undefined;
    await Promise.all([admin?.close().catch(() => undefined), consumer?.close(true).catch(() => undefined)]);
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no complete answer from Kafka within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}
