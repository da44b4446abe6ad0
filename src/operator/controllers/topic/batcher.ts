import type { KafkaplaneError } from '../../../errors.ts';
import type { ConnectionConfig } from '../../../kafka/client.ts';
import { kafkaProtocolErrors } from '../../../kafka/errors.ts';
import { applyTopicActions, observeTopics } from '../../../kafka/topic-reconcile.ts';
import { type DesiredTopic, type ObservedTopic, type TopicAction, planTopics } from '../../../ops/topic-plan.ts';
import type { AdminPool } from '../../admin-pool.ts';
import { trace, tracing } from '../../trace.ts';

/** What one topic's share of a batch came to. */
export interface TopicOutcome {
  /** The plan for this topic (not-supported refusals included). */
  actions: TopicAction[];
  /** Actions Kafka refused. */
  errors: KafkaplaneError[];
  /** The topic as Kafka has it after the actions (undefined: not in the metadata yet). */
  observed: ObservedTopic | undefined;
}

/**
 * Batches of one cluster that make their Kafka changes at the same time. More would overlap more round trips, but a
 * burst whose events trickle in over half a second then became 39 small CreateTopics (measured); waiting batches
 * grow instead.
 */
const MAX_RUNNING = 2;

/**
 * A batch closes once no request came for `windowMs`, or this long after its first request (a steady stream of
 * changes still gets its Kafka work done). One CreateTopics of 100 topics shows in the broker's metadata in
 * 0.05–0.4 s, four of 25 in 0.4–2.4 s (measured on one broker: each request's metadata delta is applied on its own),
 * so a burst is worth collecting whole.
 */
const MAX_BATCH_WAIT_MS = 500;

interface Pending {
  config: ConnectionConfig;
  requests: { desired: DesiredTopic; key?: string; resolve: (o: TopicOutcome) => void; reject: (e: unknown) => void }[];
  timer: NodeJS.Timeout;
  /** performance.now() of its first request. */
  openedAt: number;
  /** Its window has passed: it runs as soon as no earlier batch of the cluster with one of its topics runs. */
  due: boolean;
}

/**
 * Groups the Kafka work of many KafkaTopic reconciles: requests for one cluster that arrive less than `windowMs` apart
 * (up to MAX_BATCH_WAIT_MS) share one observe (ListTopics + Metadata + DescribeConfigs), one plan (src/ops/topic-plan.ts) and one
 * execution (CreateTopics per config group, one CreatePartitions, one IncrementalAlterConfigs). 100 resources
 * applied at once cost a handful of Kafka round trips instead of hundreds. Up to MAX_RUNNING batches of one cluster
 * overlap unless they share a topic name: a batch waits (in order) for running batches that observe or change one of
 * its topics, so two batches never race on one topic and a burst is not a chain of round trips.
 */
export class TopicBatcher {
  readonly #pool: AdminPool;
  readonly #windowMs: number;
  /** Per cluster: the batch still taking requests. */
  readonly #pending = new Map<string, Pending>();
  /** Per cluster: batches due but waiting for a running batch with one of their topics, in order. */
  readonly #waiting = new Map<string, Pending[]>();
  /** Per cluster: the topic names of the running batches (until their Kafka changes are made). */
  readonly #running = new Map<string, Map<Pending, Set<string>>>();

  constructor(pool: AdminPool, windowMs = 100) {
    this.#pool = pool;
    this.#windowMs = windowMs;
  }

  /** `resource` (its key) only names the request in traces. */
  submit(config: ConnectionConfig, desired: DesiredTopic, resource?: string): Promise<TopicOutcome> {
    const key = JSON.stringify(config);
    return new Promise((resolve, reject) => {
      let batch = this.#pending.get(key);
      if (!batch) {
        const created: Pending = { config, requests: [], timer: setTimeout(() => this.#flush(key, created), this.#windowMs), openedAt: performance.now(), due: false };
        batch = created;
        this.#pending.set(key, batch);
      } else if (!batch.due) {
        // Still arriving: the window starts again, up to MAX_BATCH_WAIT_MS after the first request.
        const open = batch;
        clearTimeout(open.timer);
        open.timer = setTimeout(() => this.#flush(key, open), Math.max(0, Math.min(this.#windowMs, open.openedAt + MAX_BATCH_WAIT_MS - performance.now())));
      }
      batch.requests.push({ desired, key: resource, resolve, reject });
    });
  }

  /** The window passed: the batch runs once a slot is free and none of its topics is being worked on. */
  #flush(key: string, batch: Pending): void {
    if (tracing) trace('batch-due', { batch: this.#traceId(batch), size: batch.requests.length });
    batch.due = true;
    // Every slot taken: the batch stays open and takes what arrives until a slot frees.
    if ((this.#running.get(key)?.size ?? 0) >= MAX_RUNNING) return;
    this.#close(key, batch);
    this.#startWaiting(key);
  }

  #close(key: string, batch: Pending): void {
    if (this.#pending.get(key) === batch) this.#pending.delete(key);
    this.#waiting.set(key, [...(this.#waiting.get(key) ?? []), batch]);
  }

  #startWaiting(key: string): void {
    const running = this.#running.get(key) ?? new Map<Pending, Set<string>>();
    this.#running.set(key, running);
    const busy = new Set<string>();
    for (const names of running.values()) for (const n of names) busy.add(n);
    const still: Pending[] = [];
    for (const batch of this.#waiting.get(key) ?? []) {
      const names = new Set(batch.requests.map((r) => r.desired.name));
      const blocked = running.size >= MAX_RUNNING || [...names].some((n) => busy.has(n));
      // A waiting batch's names stay busy for the batches behind it, so one topic's requests keep their order.
      for (const n of names) busy.add(n);
      if (blocked) {
        still.push(batch);
        continue;
      }
      running.set(batch, names);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        running.delete(batch);
        const open = this.#pending.get(key);
        if (open?.due) this.#close(key, open);
        this.#startWaiting(key);
      };
      void this.#run(batch, release).finally(release);
    }
    if (still.length > 0) this.#waiting.set(key, still);
    else this.#waiting.delete(key);
    if (running.size === 0) this.#running.delete(key);
  }

  /** Deletes topics in Kafka (absent ones are not an error). */
  async delete(config: ConnectionConfig, names: readonly string[]): Promise<void> {
    await this.#pool.with(config, async (admin) => {
      const present = new Set(await admin.listTopics({ includeInternals: false }));
      const doomed = names.filter((n) => present.has(n));
      if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    });
  }

  /** `release` lets the next batch start once this one's Kafka changes are made (waiting for visibility overlaps). */
  async #run(batch: Pending, release: () => void): Promise<void> {
    const id = tracing ? this.#traceId(batch) : '';
    if (tracing) trace('batch-start', { batch: id, keys: batch.requests.map((r) => r.key) });
    try {
      const outcomes = await this.#pool.with(batch.config, async (admin) => {
        const desired = batch.requests.map((r) => r.desired);
        const names = [...new Set(desired.map((d) => d.name))];
        const observed = await observeTopics(admin, names);
        if (tracing) trace('batch-observed', { batch: id, present: observed.size });
        const actions = planTopics(desired, observed);
        const results = await applyTopicActions(
          admin,
          actions.filter((a) => a.kind !== 'not-supported'),
        );
        if (tracing) trace('batch-applied', { batch: id, actions: results.length });
        release();
        const changed = new Set(results.filter((r) => !r.error).map((r) => (r.action.kind === 'create' ? r.action.topic.name : (r.action as { topic: string }).topic)));
        const after = changed.size > 0 ? new Map([...observed, ...(await visible(admin, [...changed], () => this.#listTopics(admin)))]) : observed;
        if (tracing) trace('batch-visible', { batch: id });
        return batch.requests.map((r): TopicOutcome => {
          const name = r.desired.name;
          const mine = (a: TopicAction) => (a.kind === 'create' ? a.topic.name : a.topic) === name;
          return {
            actions: actions.filter(mine),
            // A create that finds the topic there is one whose earlier creation the metadata does not show yet.
            errors: results.filter((x) => x.error && mine(x.action) && !(x.action.kind === 'create' && kafkaProtocolErrors(x.error.cause)[0]?.name === 'TOPIC_ALREADY_EXISTS')).map((x) => x.error!),
            observed: after.get(name),
          };
        });
      });
      for (const [i, r] of batch.requests.entries()) r.resolve(outcomes[i]!);
    } catch (error) {
      for (const r of batch.requests) r.reject(error);
    }
  }

  /** Per admin client: the ListTopics in flight, which every batch waiting for its topics to show shares. */
  readonly #listing = new WeakMap<object, Promise<string[]>>();

  /**
   * One ListTopics at a time per cluster however many batches wait for visibility: each lists every topic, and
   * seven batches polling on their own kept a loaded broker busy enough to delay the metadata they waited for.
   */
  #listTopics(admin: Parameters<typeof observeTopics>[0]): Promise<string[]> {
    let listing = this.#listing.get(admin);
    if (!listing) {
      listing = admin.listTopics({ includeInternals: false }).finally(() => this.#listing.delete(admin));
      this.#listing.set(admin, listing);
    }
    return listing;
  }

  readonly #ids = new WeakMap<Pending, string>();
  #traced = 0;
  #traceId(batch: Pending): string {
    let id = this.#ids.get(batch);
    if (id === undefined) this.#ids.set(batch, (id = String(++this.#traced)));
    return id;
  }

  stop(): void {
    this.#running.clear();
    for (const batch of [...this.#pending.values(), ...[...this.#waiting.values()].flat()]) {
      clearTimeout(batch.timer);
      for (const r of batch.requests) r.reject(new Error('the operator is stopping'));
    }
    this.#pending.clear();
    this.#waiting.clear();
  }
}

/**
 * The topics as Kafka describes them once its metadata shows them all: a broker learns of a new topic from the
 * metadata log a moment after CreateTopics returns, and Ready must mean that clients see the topic. Bounded: after
 * 5 s the observation is returned as it is (the status then lacks the partitions until the next reconcile).
 */
async function visible(admin: Parameters<typeof observeTopics>[0], names: string[], listTopics: () => Promise<string[]>): Promise<Map<string, ObservedTopic>> {
  // Poll the names (a shared ListTopics) until all show; describe them once then.
  for (let i = 0; i < 100; i++) {
    const listed = new Set(await listTopics());
    if (names.every((n) => listed.has(n))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return observeTopics(admin, names);
}
