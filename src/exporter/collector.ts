import type { ConnectionConfig } from '../kafka/client.ts';
import { peerCertificates } from '../kafka/certificates.ts';
import { SnapshotCache } from '../kafka/snapshot-cache.ts';
import { type ClusterSnapshot, partitionEnd } from '../model/cluster-snapshot.ts';
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
 * last collection and never waits on Kafka. The collection loop, its clients and its deadline are the one snapshot
 * cache the console reads too (src/kafka/snapshot-cache.ts); this adds what the exporter makes of each snapshot. A
 * failed or slow collection leaves the previous data in place, marked with `kafkaplane_exporter_up 0` and a growing
 * collection age. Burrow-style statuses come from a window of samples per partition, one per collection while the
 * group has members.
 */
export class ExporterCollector {
  readonly #o: CollectorOptions;
  readonly #registry: SampleSink;
  readonly #cache: SnapshotCache;
  readonly #windows = new Map<string, CommitSample[]>();
  #certificates: BrokerCertificate[] = [];
  #certificatesReadAtMs = Number.NEGATIVE_INFINITY;

  constructor(registry: SampleSink, options: CollectorOptions) {
    this.#registry = registry;
    this.#o = options;
    this.#cache = new SnapshotCache({
      connection: options.connection,
      intervalMs: options.intervalMs,
      lagSeconds: options.lagSeconds,
      clientName: 'kafkaplane-exporter',
      ...(options.log ? { log: options.log } : {}),
      onCollected: (snapshot, error) => this.#collected(snapshot, error),
    });
  }

  /** The last good snapshot. */
  get snapshot(): ClusterSnapshot | undefined {
    return this.#cache.snapshot;
  }

  get ready(): boolean {
    return this.#cache.snapshot !== undefined;
  }

  get lastError(): string | undefined {
    return this.#cache.lastError;
  }

  start(): void {
    this.#cache.start();
  }

  stop(): Promise<void> {
    return this.#cache.stop();
  }

  /** One collection now (the loop calls it; tests too). */
  collectOnce(): Promise<void> {
    return this.#cache.refresh();
  }

  async #collected(snapshot: ClusterSnapshot | undefined, error: string | undefined): Promise<void> {
    if (snapshot) await this.#readCertificates(snapshot);
    await this.#publish(snapshot !== undefined);
    this.#o.onCollected?.(snapshot, error);
  }

  async #publish(up: boolean): Promise<void> {
    const now = Date.now();
    const last = this.#cache.snapshot;
    const { partitionStatus, groupStatus } = up && last ? this.#statuses(last, now) : { partitionStatus: new Map(), groupStatus: new Map() };
    const state: ExporterState = {
      snapshot: last,
      up,
      nowMs: now,
      partitionStatus,
      groupStatus,
      topicFilter: this.#o.topicFilter,
      groupFilter: this.#o.groupFilter,
      certificates: this.#certificates,
    };
    await this.#registry.update(exporterSamples(state), last?.takenAtMs);
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
    const partitionStatus = new Map<string, LagStatus>();
    const groupStatus = new Map<string, 'OK' | 'WARN' | 'ERR'>();
    const seen = new Set<string>();
    for (const group of snapshot.groups) {
      const statuses: LagStatus[] = [];
      for (const { topic, committed } of group.topics) {
        for (let partition = 0; partition < committed.length; partition++) {
          const c = committed[partition]!;
          const end = partitionEnd(snapshot, topic, partition);
          if (c < 0n || end === null || end === undefined) continue;
          const key = partitionStatusKey(group.id, topic, partition);
          seen.add(key);
          const lag = end - c > 0n ? end - c : 0n;
          let window = this.#windows.get(key) ?? [];
          if (group.members > 0) window = pushSample(window, { offset: c, timestampMs: snapshot.takenAtMs, lag }, rules);
          this.#windows.set(key, window);
          const status = partitionLagStatus(window, lag, now, rules);
          partitionStatus.set(key, status);
          statuses.push(status);
        }
      }
      groupStatus.set(group.id, groupLagStatus(statuses));
    }
    for (const key of [...this.#windows.keys()]) if (!seen.has(key)) this.#windows.delete(key);
    return { partitionStatus, groupStatus };
  }
}
