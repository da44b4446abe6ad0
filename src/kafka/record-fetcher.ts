import type { ClusterMetadata, Consumer, RecordsBatch } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import type { ConsumedRecord } from '../toolbox/consumed-record.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeKafkaError, isAuthenticationFailure, isConnectionFailure, kafkaProtocolErrors } from './errors.ts';

/**
 * Reads partitions from explicit offsets with Fetch requests, one independent loop per leader broker, so a quiet
 * broker holding its request for `maxWaitMs` never stalls the others. This is how kcat reads (assign, no group) and
 * what the group mode and the perf consumer build on: the library's consumer stream always joins a group and
 * hides the batch attributes (timestamp type) and the high watermark that kcat -J and -e need.
 *
 * Positions advance when a response arrives; results wait in a small queue (back-pressure: the loops stop
 * fetching while it is full), so network and processing overlap without unbounded memory.
 */
export interface PartitionData {
  topic: string;
  partition: number;
  /** The node the data came from. */
  broker: number;
  /** Offset this fetch asked for: records before it (inside a compressed batch) must be skipped. */
  fetchOffset: bigint;
  /** The next offset to fetch after this data. */
  nextOffset: bigint;
  highWatermark: bigint;
  logStartOffset: bigint;
  batches: RecordsBatch[];
}

export interface FetcherOptions {
  maxWaitMs: number;
  /** Bytes per response (Kafka fetch.max.bytes). */
  maxBytes: number;
  /** Bytes per partition per response (Kafka max.partition.fetch.bytes). */
  partitionMaxBytes: number;
  /** Responses waiting to be processed before the loops pause. */
  queueSize?: number;
  /** A partition's offset fell off the log (retention): where to continue (default: fail). */
  onOutOfRange?: (topic: string, partition: number, logStartOffset: bigint) => bigint | undefined;
}

interface Position {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
}

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const IS_CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;
/** The longest pause between attempts to reach a broker that stopped answering. */
const RECONNECT_MAX_MS = 2_000;

export class RecordFetcher {
  readonly #consumer: Consumer;
  readonly #options: Required<Omit<FetcherOptions, 'onOutOfRange'>> & Pick<FetcherOptions, 'onOutOfRange'>;
  readonly #positions = new Map<string, Position>();
  readonly #loops = new Map<number, Promise<void>>();
  readonly #queue: PartitionData[][] = [];
  #wakeReader: (() => void) | undefined;
  #wakeLoops: (() => void)[] = [];
  #failure: unknown;
  #closed = false;
  #topics: string[] = [];

  constructor(consumer: Consumer, options: FetcherOptions) {
    this.#consumer = consumer;
    this.#options = { queueSize: 4, ...options };
  }

  /** Sets (or moves) the position of a partition; fetching starts there. */
  seek(topic: string, partition: number, offset: bigint): void {
    const existing = this.#positions.get(key(topic, partition));
    this.#positions.set(key(topic, partition), { topic, partition, offset, leaderEpoch: existing?.leaderEpoch ?? -1 });
    if (!this.#topics.includes(topic)) {
      this.#topics = [...this.#topics, topic];
      this.#consumer.topics.track(topic);
    }
    this.#ensureLoops();
  }

  /** Stops fetching a partition (it reached its end or its stop time, or was revoked). */
  remove(topic: string, partition: number): void {
    this.#positions.delete(key(topic, partition));
  }

  position(topic: string, partition: number): bigint | undefined {
    return this.#positions.get(key(topic, partition))?.offset;
  }

  get size(): number {
    return this.#positions.size;
  }

  /**
   * The next results, in arrival order; resolves `undefined` after `deadline` (ms since epoch) passes with nothing
   * new, or when the fetcher is closed or has nothing left to read.
   */
  async next(deadline = Infinity): Promise<PartitionData[] | undefined> {
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure;
      const item = this.#queue.shift();
      if (item) {
        this.#wakeLoops.splice(0).forEach((wake) => {
          wake();
        });
        return item;
      }
      if (this.#closed || (this.#positions.size === 0 && this.#loops.size === 0)) return undefined;
      const wait = deadline - Date.now();
      if (wait <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = wait === Infinity ? undefined : setTimeout(resolve, wait);
        this.#wakeReader = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
      this.#wakeReader = undefined;
    }
  }

  close(): void {
    this.#closed = true;
    this.#wakeLoops.splice(0).forEach((wake) => {
      wake();
    });
    this.#wakeReader?.();
  }

  /** #ensureLoops when `metadata` names a leader that has no loop (cheap; no request when all have one). */
  #ensureLoopsFor(metadata: ClusterMetadata): void {
    if ([...this.#positions.values()].some((p) => !this.#loops.has(leaderOf(metadata, p)))) this.#ensureLoops();
  }

  /** Starts a loop for every broker that leads a partition we read and has no loop yet. */
  #ensureLoops(): void {
    if (this.#closed || this.#failure !== undefined) return;
    void this.#metadata().then(
      (metadata) => {
        for (const node of new Set([...this.#positions.values()].map((p) => leaderOf(metadata, p)))) {
          if (node < 0 || this.#loops.has(node)) continue;
          const loop = this.#loop(node).then(
            () => {
              this.#loops.delete(node);
              this.#wakeReader?.();
            },
            (error: unknown) => {
              this.#loops.delete(node);
              this.#fail(error);
            },
          );
          this.#loops.set(node, loop);
        }
      },
      (error: unknown) => {
        // No broker answered the metadata request (all restarting?): try again shortly, as the loops do.
        if (brokerUnreachable(error) && !this.#closed) setTimeout(() => this.#ensureLoops(), RECONNECT_MAX_MS).unref();
        else this.#fail(error);
      },
    );
  }

  #metadata(force = false): Promise<ClusterMetadata> {
    return this.#consumer.metadata({ topics: [...this.#topics], ...(force ? { forceUpdate: true } : {}) });
  }

  async #loop(node: number): Promise<void> {
    let metadata = await this.#metadata();
    let unreachableSince: number | undefined;
    while (!this.#closed && this.#failure === undefined) {
      while (this.#queue.length >= this.#options.queueSize && !this.#closed) await new Promise<void>((resolve) => this.#wakeLoops.push(resolve));
      if (this.#closed) return;
      const mine = [...this.#positions.values()].filter((p) => leaderOf(metadata, p) === node);
      // Leadership moves (a controlled shutdown hands it away, the preferred-leader election hands it back): the
      // partitions this loop no longer leads go to their new leader's loop, started here when there is none yet.
      this.#ensureLoopsFor(metadata);
      if (mine.length === 0) return;
      const topics = new Map<string, { topicId: string; partitions: Parameters<Consumer['fetch']>[0]['topics'][number]['partitions'] }>();
      for (const p of mine) {
        const topicId = metadata.topics.get(p.topic)!.id;
        let entry = topics.get(p.topic);
        if (!entry) topics.set(p.topic, (entry = { topicId, partitions: [] }));
        entry.partitions.push({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: this.#options.partitionMaxBytes, currentLeaderEpoch: p.leaderEpoch, lastFetchedEpoch: -1 });
      }
      let response: FetchResponse;
      try {
        response = await this.#consumer.fetch({ node, topics: [...topics.values()], maxWaitTime: this.#options.maxWaitMs, minBytes: 1, maxBytes: this.#options.maxBytes, isolationLevel: 0 });
        unreachableSince = undefined;
      } catch (error) {
        if (this.#closed) return;
        const handled = this.#handlePartitionErrors(error, metadata);
        if (handled === 'moved' || handled === 'unreachable') {
          // The broker went away (a restart, a crash) or leadership moved: wait a little when it was the network,
          // then read the leaders again; partitions that now have another leader move to that broker's loop.
          if (handled === 'unreachable') {
            unreachableSince ??= Date.now();
            await sleep(Math.min(RECONNECT_MAX_MS, 250 + (Date.now() - unreachableSince) / 4));
            if (this.#closed) return;
          }
          metadata = (await this.#metadata(true).catch(() => undefined)) ?? metadata;
          this.#ensureLoops();
          continue;
        }
        if (handled === 'handled') continue;
        throw error;
      }
      if (this.#closed) return;
      const names = new Map([...topics].map(([name, t]) => [t.topicId, name]));
      const results: PartitionData[] = [];
      for (const topicResponse of response.responses) {
        const topic = names.get(topicResponse.topicId) ?? topicResponse.topicId;
        for (const part of topicResponse.partitions) {
          const position = this.#positions.get(key(topic, part.partitionIndex));
          if (!position) continue;
          const batches = part.records ?? [];
          const fetchOffset = position.offset;
          let nextOffset = fetchOffset;
          const last = batches[batches.length - 1];
          if (last) nextOffset = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
          if (nextOffset < fetchOffset) nextOffset = fetchOffset;
          position.offset = nextOffset;
          if (last) position.leaderEpoch = last.partitionLeaderEpoch;
          results.push({ topic, partition: part.partitionIndex, broker: node, fetchOffset, nextOffset, highWatermark: part.highWatermark, logStartOffset: part.logStartOffset, batches });
        }
      }
      this.#queue.push(results);
      this.#wakeReader?.();
      // Leadership may have moved to a broker without a loop: the metadata refresh above handles errors; a periodic
      // refresh picks up the rest (a failed refresh keeps what we knew: the next fetch tells whether it still holds).
      metadata = (await this.#metadata().catch(() => undefined)) ?? metadata;
    }
  }

  /**
   * 'moved': leadership changed, refresh and retry; 'unreachable': the broker did not answer (restarting, crashed):
   * back off, refresh and retry, as Kafka's consumer does; 'handled': positions were reset; otherwise not ours.
   */
  #handlePartitionErrors(error: unknown, metadata: ClusterMetadata): 'moved' | 'unreachable' | 'handled' | 'unhandled' {
    const names = kafkaProtocolErrors(error).map((e) => e.name);
    if (names.length === 0 && brokerUnreachable(error)) return 'unreachable';
    if (names.some((n) => ['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'REPLICA_NOT_AVAILABLE'].includes(n))) {
      for (const p of this.#positions.values()) p.leaderEpoch = -1;
      return 'moved';
    }
    const response = (error as { response?: FetchResponse }).response;
    if (names.includes('OFFSET_OUT_OF_RANGE') && response) {
      const ids = new Map([...metadata.topics].map(([name, t]) => [t.id, name]));
      for (const topicResponse of response.responses) {
        const topic = ids.get(topicResponse.topicId) ?? topicResponse.topicId;
        for (const part of topicResponse.partitions) {
          if (part.errorCode === 0) continue;
          const position = this.#positions.get(key(topic, part.partitionIndex));
          if (!position) continue;
          const resume = this.#options.onOutOfRange?.(topic, part.partitionIndex, part.logStartOffset);
          if (resume === undefined) {
            throw new KafkaplaneError(
              'OFFSET_OUT_OF_RANGE',
              `${topic} [${part.partitionIndex}]: offset ${position.offset} is no longer in the log (it starts at ${part.logStartOffset}, ends at ${part.highWatermark})`,
              { cause: error },
            );
          }
          position.offset = resume;
        }
      }
      return 'handled';
    }
    return 'unhandled';
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined || this.#closed) return;
    this.#failure = error instanceof KafkaplaneError ? error : new KafkaplaneError('FETCH_FAILED', `reading from Kafka failed: ${describeKafkaError(error)}`, { cause: error });
    this.#wakeReader?.();
  }
}

/** The network failed (a broker restarting, crashed, frozen): worth retrying. Bad credentials are not. */
function brokerUnreachable(error: unknown): boolean {
  return isConnectionFailure(error) && !isAuthenticationFailure(error);
}

function leaderOf(metadata: ClusterMetadata, p: { topic: string; partition: number }): number {
  return metadata.topics.get(p.topic)?.partitions[p.partition]?.leader ?? -1;
}

/**
 * Calls `fn` for each record of the data at or after the fetch offset, skipping transaction markers. The record
 * object is reused between calls: copy what you keep.
 */
export function forEachRecord(data: PartitionData, fn: (record: ConsumedRecord) => boolean | undefined | void): void {
  const record: ConsumedRecord = { topic: data.topic, partition: data.partition, offset: 0n, timestamp: 0n, timestampType: 'create', broker: data.broker, key: null, value: null, headers: [] };
  for (const batch of data.batches) {
    if (batch.attributes & IS_CONTROL) continue;
    const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
    record.timestampType = logAppend ? 'logappend' : 'create';
    for (const r of batch.records) {
      const offset = batch.firstOffset + BigInt(r.offsetDelta);
      if (offset < data.fetchOffset) continue;
      record.offset = offset;
      // With LogAppendTime the broker stamps the batch's max timestamp; record deltas keep the producer's values.
      record.timestamp = logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta;
      record.key = r.key;
      record.value = r.value;
      record.headers = r.headers as [Buffer, Buffer | null][];
      if (fn(record) === false) return;
    }
  }
}
