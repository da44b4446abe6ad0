/**
 * The bookkeeping of a checked workload (`kafkaplane perf verify`): what was acknowledged, what was read back, and
 * what that means — records lost (acknowledged, never read), duplicated (read more than once), out of order (a lower
 * sequence number after a higher one in the same partition). Pure: the runner feeds it events with their times.
 */
export interface VerifyReport {
  sent: number;
  acked: number;
  read: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  outOfOrderByPartition: Record<string, number>;
  produceErrors: Record<string, number>;
  /** The longest time without an acknowledgement while records were outstanding (ms). */
  longestStallMs: number;
  /** Up to 10 lost sequence numbers, for a first look. */
  lostSample: number[];
  /**
   * Acknowledged records the live reader had not seen when sending ended and the drain timed out, found by the final
   * read of the whole run from the start (so not lost: the reader fell behind or skipped them).
   */
  foundOnReread: number;
}

export class VerifyLedger {
  #sent = 0;
  #acked = new Set<number>();
  #reads = new Map<number, number>();
  #lastSeqByPartition = new Map<number, number>();
  #outOfOrder = new Map<number, number>();
  #errors = new Map<string, number>();
  #lastAckAt: number | undefined;
  #startedAt: number | undefined;
  #longestStallMs = 0;
  #foundOnReread = 0;

  sent(atMs: number): void {
    this.#sent++;
    this.#startedAt ??= atMs;
  }

  acked(seq: number, atMs: number): void {
    this.#acked.add(seq);
    const since = this.#lastAckAt ?? this.#startedAt ?? atMs;
    this.#longestStallMs = Math.max(this.#longestStallMs, atMs - since);
    this.#lastAckAt = atMs;
  }

  failed(kind: string): void {
    this.#errors.set(kind, (this.#errors.get(kind) ?? 0) + 1);
  }

  read(seq: number, partition: number): void {
    this.#reads.set(seq, (this.#reads.get(seq) ?? 0) + 1);
    const last = this.#lastSeqByPartition.get(partition);
    if (last !== undefined && seq < last) this.#outOfOrder.set(partition, (this.#outOfOrder.get(partition) ?? 0) + 1);
    else this.#lastSeqByPartition.set(partition, seq);
  }

  /** The final read of the whole run saw `seq`: it counts as read (once), and as found late if the reader missed it. */
  reread(seq: number): void {
    if (this.#reads.has(seq)) return;
    this.#reads.set(seq, 1);
    if (this.#acked.has(seq)) this.#foundOnReread++;
  }

  /** Acknowledged records not read yet. */
  missing(): number {
    let n = 0;
    for (const seq of this.#acked) if (!this.#reads.has(seq)) n++;
    return n;
  }

  report(nowMs: number): VerifyReport {
    const lost: number[] = [];
    for (const seq of this.#acked) if (!this.#reads.has(seq)) lost.push(seq);
    lost.sort((a, b) => a - b);
    let duplicated = 0;
    for (const times of this.#reads.values()) duplicated += times - 1;
    const outstanding = this.#sent > this.#acked.size + [...this.#errors.values()].reduce((a, b) => a + b, 0);
    const openStall = outstanding && this.#lastAckAt !== undefined ? nowMs - this.#lastAckAt : 0;
    return {
      sent: this.#sent,
      acked: this.#acked.size,
      read: this.#reads.size,
      lost: lost.length,
      duplicated,
      outOfOrder: [...this.#outOfOrder.values()].reduce((a, b) => a + b, 0),
      outOfOrderByPartition: Object.fromEntries([...this.#outOfOrder].map(([p, n]) => [String(p), n])),
      produceErrors: Object.fromEntries(this.#errors),
      longestStallMs: Math.max(this.#longestStallMs, openStall),
      lostSample: lost.slice(0, 10),
      foundOnReread: this.#foundOnReread,
    };
  }
}

/** A record's value: the run id and the sequence number, so records of other runs in the topic are ignored. */
export function verifyPayload(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}

export function parseVerifyPayload(runId: string, value: string): number | undefined {
  if (!value.startsWith(`${runId}:`)) return undefined;
  const seq = Number(value.slice(runId.length + 1));
  return Number.isSafeInteger(seq) ? seq : undefined;
}
