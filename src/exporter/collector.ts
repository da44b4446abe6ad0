import type { Admin, Consumer } from '@platformatic/kafka';
import { errorMessage } from '../errors.ts';
import { createAdmin } from '../kafka/admin-session.ts';
import type { ConnectionConfig } from '../kafka/client.ts';
import { peerCertificates } from '../kafka/certificates.ts';
import { createConsumer } from '../kafka/clients.ts';
import { connectionError, isConnectionFailure } from '../kafka/errors.ts';
import { SnapshotCollector } from '../kafka/snapshot.ts';
import type { ClusterSnapshot } from '../model/cluster-snapshot.ts';
import { type CommitSample, DEFAULT_LAG_RULES, type LagRules, type LagStatus, groupLagStatus, partitionLagStatus, pushSample } from '../ops/lag-status.ts';
import { type BrokerCertificate, type ExporterState, exporterSamples, partitionStatusKey } from './metrics.ts';
import type { Sample } from './metrics.ts';

/** Where a collection's samples go: the registry the server reads, or the worker's channel to it. */
export interface SampleSink {
  update(samples: readonly Sample[], takenAtMs: number | undefined): Promise<void>;
}

/** How often brokers' TLS certificates are re-read. */
const CERTIFICATE_REFRESH_MS = 5 * 60_000;

export interface CollectorOptions {
  connection: ConnectionConfig;
  intervalMs: number;
  topicFilter: (topic: string) => boolean;
  groupFilter: (group: string) => boolean;
  lagSeconds: boolean;
  rules?: LagRules;
  log?: (message: string) => void;
  /** Called after every attempt (tests, the console). */
  onCollected?: (snapshot: ClusterSnapshot | undefined, error: string | undefined) => void;
}

/**
 * Collects in the background, on an interval, and hands the registry a finished set of samples: a scrape reads the
 * last collection and never waits on Kafka. A failed or slow collection leaves the previous data in place, marked
 * with `kafkaplane_exporter_up 0` and a growing collection age. Clients live across collections (connections are
 * reused) and are rebuilt after a failure. Burrow-style statuses come from a window of samples per partition, one
 * per collection while the group has members.
 */
export class ExporterCollector {
  readonly #o: CollectorOptions;
  readonly #registry: SampleSink;
  readonly #snapshots = new SnapshotCollector();
  readonly #windows = new Map<string, CommitSample[]>();
  #admin: Admin | undefined;
  #consumer: Consumer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #last: ClusterSnapshot | undefined;
  #lastError: string | undefined;
  #failing = false;
  #certificates: BrokerCertificate[] = [];
  #certificatesReadAtMs = Number.NEGATIVE_INFINITY;

  constructor(registry: SampleSink, options: CollectorOptions) {
    this.#registry = registry;
    this.#o = options;
  }

  /** The last good snapshot (the console reads the same one). */
  get snapshot(): ClusterSnapshot | undefined {
    return this.#last;
  }

  get ready(): boolean {
    return this.#last !== undefined;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  start(): void {
    void this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#closeClients();
  }

  /** One collection now (the loop calls it; tests too). */
  async collectOnce(): Promise<void> {
    const deadlineMs = Math.max(this.#o.intervalMs * 2, 30_000);
    try {
      this.#admin ??= await createAdmin(this.#o.connection);
      if (this.#o.lagSeconds) this.#consumer ??= await createConsumer(this.#o.connection, `kafkaplane-exporter-${process.pid}`, { clientId: 'kafkaplane-exporter' });
      const admin = this.#admin;
      const snapshot = await withDeadline(this.#snapshots.collect(admin, this.#consumer, { lagSeconds: this.#o.lagSeconds }), deadlineMs);
      this.#last = snapshot;
      await this.#readCertificates(snapshot);
      if (this.#failing) this.#o.log?.('collection works again');
      this.#failing = false;
      this.#lastError = snapshot.errors.length > 0 ? snapshot.errors.map((e) => `${e.part}: ${e.message}`).join('; ') : undefined;
      await this.#publish(true);
      this.#o.onCollected?.(snapshot, undefined);
    } catch (error) {
      const message = isConnectionFailure(error) ? connectionError(this.#o.connection, error).message : errorMessage(error);
      // Said once per kind of failure, not once per interval.
      if (message !== this.#lastError || !this.#failing) this.#o.log?.(`collection failed (serving the last data, marked stale): ${message}`);
      this.#failing = true;
      this.#lastError = message;
      await this.#closeClients();
      await this.#publish(false);
      this.#o.onCollected?.(undefined, this.#lastError);
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const started = Date.now();
      await this.collectOnce();
      if (this.#stopped) return;
      await new Promise<void>((resolve) => {
        this.#timer = setTimeout(resolve, Math.max(0, this.#o.intervalMs - (Date.now() - started)));
      });
    }
  }

  async #publish(up: boolean): Promise<void> {
    const now = Date.now();
    const { partitionStatus, groupStatus } = up && this.#last ? this.#statuses(this.#last, now) : { partitionStatus: new Map(), groupStatus: new Map() };
    const state: ExporterState = {
      snapshot: this.#last,
      up,
      nowMs: now,
      partitionStatus,
      groupStatus,
      topicFilter: this.#o.topicFilter,
      groupFilter: this.#o.groupFilter,
      certificates: this.#certificates,
    };
    await this.#registry.update(exporterSamples(state), this.#last?.takenAtMs);
  }

  /**
   * On a TLS connection, the certificate each broker presents, re-read every CERTIFICATE_REFRESH_MS (certificates
   * change on renewal, not between scrapes); a broker whose handshake fails keeps its last known certificate.
   */
  async #readCertificates(snapshot: ClusterSnapshot): Promise<void> {
    const tls = this.#o.connection.tls;
    if (!tls || Date.now() - this.#certificatesReadAtMs < CERTIFICATE_REFRESH_MS) return;
    this.#certificatesReadAtMs = Date.now();
    const read = await peerCertificates(
      snapshot.brokers.map((b) => `${b.host}:${b.port}`),
      tls,
      5_000,
    );
    const known = new Map(this.#certificates.map((c) => [c.brokerId, c]));
    this.#certificates = snapshot.brokers.flatMap((b, i): BrokerCertificate[] => {
      const c = read[i]!;
      if (c.notAfterMs !== null && c.error === null) return [{ brokerId: b.id, address: c.address, subject: c.subject ?? '', notAfterMs: c.notAfterMs }];
      const last = known.get(b.id);
      return last ? [last] : [];
    });
  }

  /** Adds this collection's samples to the windows and evaluates Burrow's rules. */
  #statuses(snapshot: ClusterSnapshot, now: number): { partitionStatus: Map<string, LagStatus>; groupStatus: Map<string, 'OK' | 'WARN' | 'ERR'> } {
    const rules = this.#o.rules ?? DEFAULT_LAG_RULES;
    const newest = new Map(snapshot.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}\u0000${p.partition}`, p.newest] as const)));
    const partitionStatus = new Map<string, LagStatus>();
    const groupStatus = new Map<string, 'OK' | 'WARN' | 'ERR'>();
    const seen = new Set<string>();
    for (const group of snapshot.groups) {
      const statuses: LagStatus[] = [];
      for (const o of group.offsets) {
        const end = newest.get(`${o.topic}\u0000${o.partition}`);
        if (o.committed < 0n || end === null || end === undefined) continue;
        const key = partitionStatusKey(group.id, o.topic, o.partition);
        seen.add(key);
        const lag = end - o.committed > 0n ? end - o.committed : 0n;
        let window = this.#windows.get(key) ?? [];
        if (group.members > 0) window = pushSample(window, { offset: o.committed, timestampMs: snapshot.takenAtMs, lag }, rules);
        this.#windows.set(key, window);
        const status = partitionLagStatus(window, lag, now, rules);
        partitionStatus.set(key, status);
        statuses.push(status);
      }
      groupStatus.set(group.id, groupLagStatus(statuses));
    }
    for (const key of [...this.#windows.keys()]) if (!seen.has(key)) this.#windows.delete(key);
    return { partitionStatus, groupStatus };
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
