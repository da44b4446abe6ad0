import type { Consumer } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { describeKafkaError } from './errors.ts';
import type { RecordFetcher } from './record-fetcher.ts';
import { partitionBounds } from './partition-bounds.ts';

/**
 * Group membership for the toolbox's readers (consume -G, perf consume): the library's consumer joins the group and
 * heartbeats; partitions it is assigned are read by a RecordFetcher from the group's committed offsets (or from
 * the beginning or the end where nothing is committed), and `commit()` stores how far the caller got. Delivery is at least once:
 * after a rebalance moves a partition away, its new owner resumes from the last commit.
 */
export class GroupReader {
  readonly #consumer: Consumer;
  readonly #fetcher: RecordFetcher;
  readonly #topics: string[];
  readonly #fallback: 'beginning' | 'end';
  readonly #assigned = new Set<string>();
  /** Next offset to commit per partition (what the caller consumed). */
  readonly #consumed = new Map<string, { topic: string; partition: number; offset: bigint }>();
  #committed = new Map<string, bigint>();
  #resync: Promise<void> | undefined;
  #failure: unknown;
  /** Total time spent joining (all rebalances). */
  joinTimeMs = 0;
  /** Join time not yet reported by `takeJoinTime()`. */
  #unreportedJoinMs = 0;
  readonly #onJoin = () => {
    this.#resync = this.#syncAssignment().catch((error: unknown) => {
      this.#failure = error;
    });
  };

  constructor(consumer: Consumer, fetcher: RecordFetcher, topics: string[], fallback: 'beginning' | 'end') {
    this.#consumer = consumer;
    this.#fetcher = fetcher;
    this.#topics = topics;
    this.#fallback = fallback;
  }

  get assignment(): { topic: string; partition: number }[] {
    return [...this.#assigned].map((k) => {
      const [topic, partition] = k.split('\u0000') as [string, string];
      return { topic, partition: Number(partition) };
    });
  }

  /** Joins the group and positions the fetcher on the assigned partitions. `since` is when the caller started waiting. */
  async join(since = Date.now()): Promise<void> {
    for (const topic of this.#topics) this.#consumer.topics.track(topic);
    try {
      await this.#consumer.joinGroup({});
    } catch (error) {
      throw new KafkaplaneError('GROUP_JOIN_FAILED', `cannot join consumer group "${this.#consumer.groupId}": ${describeKafkaError(error)}`, { cause: error });
    }
    const elapsed = Date.now() - since;
    this.joinTimeMs += elapsed;
    this.#unreportedJoinMs += elapsed;
    await this.#syncAssignment();
    this.#consumer.on('consumer:group:join', this.#onJoin);
    this.#consumer.on('consumer:group:rebalance', this.#onRebalanceStart);
  }

  #rebalanceStarted: number | undefined;
  readonly #onRebalanceStart = () => {
    this.#rebalanceStarted ??= Date.now();
  };

  /** Rethrows a failure of the background resync. */
  check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Join time since the last call (for per-interval reports). */
  takeJoinTime(): number {
    const ms = this.#unreportedJoinMs;
    this.#unreportedJoinMs = 0;
    return ms;
  }

  isAssigned(topic: string, partition: number): boolean {
    return this.#assigned.has(`${topic}\u0000${partition}`);
  }

  /** Records that everything before `nextOffset` was consumed (the next commit stores it). */
  consumed(topic: string, partition: number, nextOffset: bigint): void {
    const k = `${topic}\u0000${partition}`;
    if (!this.#assigned.has(k)) return;
    this.#consumed.set(k, { topic, partition, offset: nextOffset });
  }

  /** Commits what was consumed since the last commit (nothing to do: no request). */
  async commit(): Promise<void> {
    await this.#resync;
    const offsets = [...this.#consumed.entries()].filter(([k, v]) => this.#assigned.has(k) && this.#committed.get(k) !== v.offset).map(([, v]) => ({ ...v, leaderEpoch: -1 }));
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commit({ offsets });
    } catch (error) {
      throw new KafkaplaneError('COMMIT_FAILED', `committing offsets for group "${this.#consumer.groupId}" failed: ${describeKafkaError(error)}`, { cause: error });
    }
    for (const o of offsets) this.#committed.set(`${o.topic}\u0000${o.partition}`, o.offset);
  }

  async #syncAssignment(): Promise<void> {
    if (this.#rebalanceStarted !== undefined) {
      const elapsed = Date.now() - this.#rebalanceStarted;
      this.joinTimeMs += elapsed;
      this.#unreportedJoinMs += elapsed;
      this.#rebalanceStarted = undefined;
    }
    const assignments = this.#consumer.assignments ?? [];
    const now = new Set(assignments.flatMap((a) => a.partitions.map((p) => `${a.topic}\u0000${p}`)));
    for (const k of this.#assigned) {
      if (now.has(k)) continue;
      const [topic, partition] = k.split('\u0000') as [string, string];
      this.#fetcher.remove(topic, Number(partition));
      this.#assigned.delete(k);
      this.#consumed.delete(k);
    }
    const added = assignments.map((a) => ({ topic: a.topic, partitions: a.partitions.filter((p) => !this.#assigned.has(`${a.topic}\u0000${p}`)) })).filter((a) => a.partitions.length > 0);
    if (added.length === 0) return;
    const committed = await this.#consumer.listCommittedOffsets({ topics: added });
    const bounds = await partitionBounds(this.#consumer, added);
    for (const { topic, partitions } of added) {
      for (const partition of partitions) {
        const stored = committed.get(topic)?.[partition] ?? -1n;
        let offset = stored;
        const b = bounds.get(topic)?.get(partition);
        if (stored < 0n || (b && (stored < b.earliest || stored > b.latest))) {
          if (!b) throw new KafkaplaneError('NO_OFFSETS', `cannot read the offsets of ${topic} [${partition}]`);
          offset = this.#fallback === 'beginning' ? b.earliest : b.latest;
        }
        this.#assigned.add(`${topic}\u0000${partition}`);
        this.#committed.set(`${topic}\u0000${partition}`, stored);
        this.#fetcher.seek(topic, partition, offset);
      }
    }
  }

  /** Stops following rebalances (the caller commits, then closes the consumer, which leaves the group). */
  close(): void {
    this.#consumer.off('consumer:group:join', this.#onJoin);
    this.#consumer.off('consumer:group:rebalance', this.#onRebalanceStart);
  }
}
