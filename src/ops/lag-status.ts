/**
 * Burrow's consumer status rules (github.com/linkedin/Burrow, evaluator; reference.md §6), as a pure function of a
 * window of samples per partition. A sample is what a collector saw at one time: the group's committed offset and
 * its lag then. The collector appends one per collection while the group has members, so a consumer that is alive
 * but stuck commits the same offset in every sample (STALL), and one that went away stops adding samples (STOP).
 */
export type LagStatus = 'OK' | 'WARN' | 'ERR' | 'STOP' | 'STALL' | 'REWIND';

/** Burrow's status numbers, for a gauge: NOTFOUND 0, OK 1, WARN 2, ERR 3, STOP 4, STALL 5, REWIND 6. */
export const LAG_STATUS_CODE: Readonly<Record<LagStatus | 'NOTFOUND', number>> = { NOTFOUND: 0, OK: 1, WARN: 2, ERR: 3, STOP: 4, STALL: 5, REWIND: 6 };

export interface CommitSample {
  offset: bigint;
  timestampMs: number;
  lag: bigint;
}

export interface LagRules {
  /** Samples a full window holds (Burrow's intervals, default 10). */
  windowSize: number;
  /** Lag that still counts as caught up (Burrow's allowed lag, default 0). */
  allowedLag: bigint;
}

export const DEFAULT_LAG_RULES: LagRules = { windowSize: 10, allowedLag: 0n };

/**
 * One partition's status from its window (oldest first), the lag now, and the time now:
 *  1. a window that is not full yet → OK (not enough history to judge);
 *  2. current lag within the allowed lag → OK;
 *  3. no sample for longer than the window spans, and not caught up at any point in it → STOP;
 *  4. the committed offset went backwards and stayed behind → REWIND;
 *  5. every sample lags: the same offset throughout → STALL; lag never went down → WARN;
 *  6. otherwise OK.
 */
export function partitionLagStatus(window: readonly CommitSample[], currentLag: bigint, nowMs: number, rules: LagRules = DEFAULT_LAG_RULES): LagStatus {
  if (window.length < rules.windowSize) return 'OK';
  if (currentLag <= rules.allowedLag) return 'OK';
  const first = window[0]!;
  const last = window.at(-1)!;
  const caughtUpInWindow = window.some((s) => s.lag <= rules.allowedLag);
  if (nowMs - last.timestampMs > last.timestampMs - first.timestampMs && !caughtUpInWindow) return 'STOP';
  if (rewound(window)) return 'REWIND';
  if (!caughtUpInWindow) {
    if (window.every((s) => s.offset === first.offset)) return 'STALL';
    if (window.every((s, i) => i === 0 || s.lag >= window[i - 1]!.lag)) return 'WARN';
  }
  return 'OK';
}

/** An offset lower than an earlier one, never climbing back to the highest seen before it. */
function rewound(window: readonly CommitSample[]): boolean {
  let highest = window[0]!.offset;
  for (let i = 1; i < window.length; i++) {
    const s = window[i]!;
    if (s.offset < highest) return window.slice(i).every((later) => later.offset < highest);
    highest = s.offset;
  }
  return false;
}

/** A group's status: the worst of its partitions; STOP, STALL and REWIND make the group ERR (as in Burrow). */
export function groupLagStatus(partitions: readonly LagStatus[]): 'OK' | 'WARN' | 'ERR' {
  if (partitions.some((s) => s === 'ERR' || s === 'STOP' || s === 'STALL' || s === 'REWIND')) return 'ERR';
  if (partitions.includes('WARN')) return 'WARN';
  return 'OK';
}

/** Appends a sample, keeping at most `windowSize` (the oldest drop out). */
export function pushSample(window: readonly CommitSample[], sample: CommitSample, rules: LagRules = DEFAULT_LAG_RULES): CommitSample[] {
  return [...window, sample].slice(-rules.windowSize);
}
