import type { Admin, Consumer } from '@platformatic/kafka';
import { createAdmin } from '../kafka/admin-session.ts';
import type { ConnectionConfig } from '../kafka/client.ts';
import { createConsumer } from '../kafka/clients.ts';
import { type LogDirUsage, logDirUsage } from '../kafka/log-dirs.ts';
import { SnapshotCache } from '../kafka/snapshot-cache.ts';
import { type ClusterSnapshot, partitionEnd } from '../model/cluster-snapshot.ts';

/** Points kept per group for the lag chart: an hour at the default 10 s interval. */
const LAG_POINTS = 360;

export interface LagPoint {
  /** Seconds since the epoch (uPlot's x axis). */
  t: number;
  lag: number;
}

/**
 * What the console reads and changes: the shared cached snapshot (list pages, overview) plus one admin client and
 * one consumer, made on first use, for detail pages and changes. Keeps each group's total lag per collection for the
 * lag chart.
 */
export class ConsoleCluster {
  readonly connection: ConnectionConfig;
  readonly cache: SnapshotCache;
  readonly #lag = new Map<string, LagPoint[]>();
  /** Log directory usage, read after each collection (the overview shows it without waiting on Kafka). */
  logDirs: LogDirUsage[] | undefined;
  #admin: Promise<Admin> | undefined;
  #consumer: Promise<Consumer> | undefined;

  constructor(connection: ConnectionConfig, options: { intervalMs: number; lagSeconds?: boolean; log?: (message: string) => void }) {
    this.connection = connection;
    this.cache = new SnapshotCache({
      connection,
      intervalMs: options.intervalMs,
      lagSeconds: options.lagSeconds ?? true,
      clientName: 'kafkaplane-console',
      ...(options.log ? { log: options.log } : {}),
      onCollected: (snapshot) => {
        if (!snapshot) return;
        this.#recordLag(snapshot);
        void this.admin()
          .then((admin) => logDirUsage(admin))
          .then(
            (dirs) => {
              this.logDirs = dirs;
            },
            () => undefined,
          );
      },
    });
  }

  get snapshot(): ClusterSnapshot | undefined {
    return this.cache.snapshot;
  }

  start(): void {
    this.cache.start();
  }

  admin(): Promise<Admin> {
    this.#admin ??= createAdmin(this.connection).catch((error: unknown) => {
      this.#admin = undefined;
      throw error;
    });
    return this.#admin;
  }

  /** A consumer that never joins a group: message browsing and search use it through RecordFetcher. */
  consumer(): Promise<Consumer> {
    this.#consumer ??= createConsumer(this.connection, `kafkaplane-console-browse-${process.pid}`, { clientId: 'kafkaplane-console' }).catch((error: unknown) => {
      this.#consumer = undefined;
      throw error;
    });
    return this.#consumer;
  }

  /** After a failed request: the next one reconnects. */
  async reset(): Promise<void> {
    const [admin, consumer] = [this.#admin, this.#consumer];
    this.#admin = undefined;
    this.#consumer = undefined;
    await Promise.all([admin?.then((a) => a.close()).catch(() => undefined), consumer?.then((c) => c.close(true)).catch(() => undefined)]);
  }

  lagHistory(group: string): readonly LagPoint[] {
    return this.#lag.get(group) ?? [];
  }

  async stop(): Promise<void> {
    await this.cache.stop();
    await this.reset();
  }

  #recordLag(snapshot: ClusterSnapshot): void {
    const seen = new Set<string>();
    for (const g of snapshot.groups) {
      seen.add(g.id);
      let lag = 0n;
      for (const { topic, committed } of g.topics) {
        for (let partition = 0; partition < committed.length; partition++) {
          const c = committed[partition]!;
          const end = partitionEnd(snapshot, topic, partition);
          if (c >= 0n && end !== null && end !== undefined && end > c) lag += end - c;
        }
      }
      const points = this.#lag.get(g.id) ?? [];
      points.push({ t: Math.round(snapshot.takenAtMs / 1000), lag: Number(lag) });
      if (points.length > LAG_POINTS) points.splice(0, points.length - LAG_POINTS);
      this.#lag.set(g.id, points);
    }
    for (const id of [...this.#lag.keys()]) if (!seen.has(id)) this.#lag.delete(id);
  }
}
