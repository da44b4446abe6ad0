import type { ConnectionConfig } from '../kafka/client.ts';
import type { Cache, Controller, ControllerContext } from './controller.ts';
import { recordEvent } from './events.ts';
import { AdminPool } from './admin-pool.ts';
import type { KubeClient, KubeObject } from './kube/client.ts';
import { sameApartFromStatus } from './kube/apply.ts';
import { Informer } from './kube/informer.ts';
import { resourceType } from './kube/resources.ts';
import { LeaderElection } from './leader-election.ts';
import { OperatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { trace, tracing } from './trace.ts';

/**
 * The operator's manager, as controller-runtime's: one informer per kind any controller owns or watches (shared by
 * the controllers), one work queue per controller, watches mapped to keys, leader election (only the leader runs
 * the queues; the informers of a standby keep its caches warm for a fast takeover), and a graceful stop.
 */
export interface ManagerOptions {
  client: KubeClient;
  controllers: readonly Controller[];
  /** Watch one namespace; undefined: every namespace. */
  namespace?: string | undefined;
  /** How to reach the Kafka of a KafkaCluster object (src/operator/kafka-connection.ts). */
  kafka: (cluster: KubeObject, client: KubeClient) => Promise<ConnectionConfig>;
  /** undefined: no election (one replica, tests). */
  leaderElection?: { namespace: string; name: string; identity: string; leaseMs?: number; retryMs?: number } | undefined;
  /** Called when the lease is lost; the default exits the process (a stale leader must not keep reconciling). */
  onLeadershipLost?: () => void;
  /** One JSON object per line (default: stderr). */
  writeLog?: (line: string) => void;
  now?: () => Date;
  relistMs?: number;
}

export class Manager {
  readonly metrics: OperatorMetrics;
  readonly #o: ManagerOptions;
  readonly #informers = new Map<string, Informer>();
  readonly #queues = new Map<string, WorkQueue>();
  readonly #admins = new AdminPool();
  #election: LeaderElection | undefined;
  #leader = false;
  #synced = false;
  #stopped = false;
  #fence = false;

  /**
   * The client the controllers get: once this manager stops (or loses the lease), its reconciles still in flight can
   * no longer write — a stale status written after a successor's would stay (status-only changes wake nobody).
   */
  readonly #fenced: KubeClient;

  constructor(options: ManagerOptions) {
    this.#o = options;
    const fenced = Object.create(options.client) as KubeClient;
    fenced.raw = (...args: Parameters<KubeClient['raw']>) => (this.#fence ? Promise.reject(new Error('the operator stopped: no more writes from this replica')) : options.client.raw(...args));
    this.#fenced = fenced;
    this.metrics = new OperatorMetrics(
      () => Object.fromEntries([...this.#queues].map(([kind, q]) => [kind, q.depth])),
      () => this.#leader,
    );
    for (const controller of options.controllers) {
      const ctx = this.#context(controller);
      const queue = new WorkQueue((key) => this.#reconcile(controller, ctx, key), { workers: 2, ...controller.queue });
      this.#queues.set(controller.kind, queue);
    }
    const kinds = new Set(options.controllers.flatMap((c) => [c.kind, ...(c.watches ?? []).map((w) => w.kind)]));
    for (const kind of kinds) {
      const namespace = resourceType(kind).namespaced ? options.namespace : undefined;
      const informer = new Informer(options.client, {
        kind,
        namespace,
        ...(options.relistMs !== undefined ? { relistMs: options.relistMs } : {}),
        onChange: (key, object, previous) => this.#changed(kind, key, object, previous),
        onError: (error) => this.log('warn', `watch of ${kind} failed; relisting`, { kind, error: String(error) }),
      });
      this.#informers.set(kind, informer);
    }
  }

  get leader(): boolean {
    return this.#leader;
  }

  /** Caches synced and, when this replica leads, queues running. */
  get ready(): boolean {
    return this.#synced && !this.#stopped;
  }

  /**
   * Starts the informers, waits for their first lists, then (after winning the election, when there is one) starts
   * the queues. Resolves once this replica reconciles.
   */
  async start(): Promise<void> {
    for (const informer of this.#informers.values()) informer.start();
    await Promise.all([...this.#informers.values()].map((i) => i.synced()));
    this.#synced = true;
    this.log('info', 'caches synced', { kinds: [...this.#informers.keys()] });
    const election = this.#o.leaderElection;
    if (election) {
      this.#election = new LeaderElection(this.#o.client, {
        ...election,
        onLost: () => {
          this.#leader = false;
          this.#fence = true;
          this.log('error', 'lost the leader lease: stopping');
          (this.#o.onLeadershipLost ?? (() => process.exit(1)))();
        },
        log: (message) => this.log('info', message),
      });
      await this.#election.acquire();
    }
    if (this.#stopped) return;
    this.#leader = true;
    for (const queue of this.#queues.values()) queue.start();
  }

  /** Stops watching and reconciling: in-flight reconciles finish (bounded by `graceMs`), the lease is given up. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const informer of this.#informers.values()) informer.stop();
    const queues = [...this.#queues.values()];
    for (const queue of queues) queue.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(queues.map((q) => q.drained())),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.#fence = true; // reconciles still running after the grace period write nothing more
    for (const controller of this.#o.controllers) await controller.stop?.().catch(() => undefined);
    await this.#admins.close();
    await this.#election?.release();
    this.#leader = false;
  }

  /** Resolves when every queue is empty and no reconcile runs (tests, benchmarks). */
  async idle(): Promise<void> {
    for (let round = 0; round < 3; round++) await Promise.all([...this.#queues.values()].map((q) => q.idle()));
  }

  cache(kind: string): Cache {
    const informer = this.#informers.get(kind);
    if (!informer) throw new Error(`no controller owns or watches ${kind}, so the manager has no cache of it`);
    return informer;
  }

  enqueue(kind: string, key: string): void {
    this.#queues.get(kind)?.add(key);
  }

  log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    const line = JSON.stringify({ time: (this.#o.now?.() ?? new Date()).toISOString(), level, msg: message, ...fields });
    (this.#o.writeLog ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  #changed(kind: string, key: string, object: KubeObject | undefined, previous: KubeObject | undefined): void {
    // controller-runtime's GenerationChanged-style predicate for the controllers' own kinds: a change of status
    // alone (the operator's own writes, mostly) or of finalizers alone wakes nobody; the periodic resync still comes.
    if (object && previous && OWN_KINDS.has(kind) && sameApartFromStatus(object, previous)) return;
    if (tracing && kind === 'KafkaTopic') trace('event', { key });
    this.#queues.get(kind)?.add(key);
    for (const controller of this.#o.controllers) {
      for (const watch of controller.watches ?? []) {
        if (watch.kind !== kind) continue;
        const ctx = this.#context(controller);
        const keys = new Set<string>();
        for (const o of [object, previous]) if (o && matches(o, watch.labelSelector)) for (const k of watch.keysFor(o, ctx)) keys.add(k);
        for (const k of keys) this.#queues.get(controller.kind)?.add(k);
      }
    }
  }

  async #reconcile(controller: Controller, ctx: ControllerContext, key: string) {
    const end = this.metrics.duration.startTimer({ kind: controller.kind });
    try {
      const result = await controller.reconcile(key, ctx);
      this.metrics.reconciles.inc({ kind: controller.kind, result: result?.requeueAfterMs !== undefined ? 'requeue' : 'success' });
      return result;
    } catch (error) {
      this.metrics.reconciles.inc({ kind: controller.kind, result: 'error' });
      this.metrics.errors.inc({ kind: controller.kind });
      this.log('warn', 'reconcile failed; retrying with backoff', { kind: controller.kind, key, error: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      end();
    }
  }

  #context(controller: Controller): ControllerContext {
    const client = this.#fenced;
    return {
      client,
      cache: (kind) => this.cache(kind),
      enqueue: (key) => this.enqueue(controller.kind, key),
      event: (object, type, reason, message) => recordEvent(client, object, type, reason, message, this.#o.now?.() ?? new Date()),
      kafka: (cluster) => this.#o.kafka(cluster, client),
      admins: this.#admins,
      log: (level, message, fields) => this.log(level, message, { controller: controller.kind, ...fields }),
      now: () => this.#o.now?.() ?? new Date(),
    };
  }
}

/** Equality-based label selectors (`a=b,c!=d,e`), enough for the watches the controllers declare. */
export function matches(object: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  const labels = object.metadata.labels ?? {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (t === '') return true;
    const ne = t.indexOf('!=');
    if (ne >= 0) return labels[t.slice(0, ne)] !== t.slice(ne + 2);
    const eq = t.indexOf('=');
    if (eq >= 0) return labels[t.slice(0, eq).replace(/=$/, '')] === t.slice(t[eq + 1] === '=' ? eq + 2 : eq + 1);
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

const OWN_KINDS = new Set(['KafkaCluster', 'KafkaTopic', 'KafkaUser']);
