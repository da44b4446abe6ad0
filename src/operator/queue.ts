/**
 * A work queue of keys, as controller-runtime's: a key is queued at most once, is processed by one worker at a
 * time, is queued again (once) if it changed while being processed, and after a failure waits an exponential,
 * per-key backoff (base · 2^failures, capped) before it is retried. A success forgets the failures.
 */
export interface QueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  workers?: number;
}

export type ReconcileResult = { requeueAfterMs?: number } | undefined | void;

export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #active = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #options: Required<QueueOptions>;
  readonly #handle: (key: string) => Promise<ReconcileResult>;
  #waiters: (() => void)[] = [];
  #stopped = false;
  #running = 0;
  #idle: (() => void)[] = [];
  #drained: (() => void)[] = [];

  constructor(handle: (key: string) => Promise<ReconcileResult>, options: QueueOptions = {}) {
    this.#handle = handle;
    this.#options = { baseDelayMs: options.baseDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 60_000, workers: options.workers ?? 2 };
  }

  add(key: string): void {
    if (this.#stopped) return;
    if (this.#active.has(key)) {
      this.#dirty.add(key);
      return;
    }
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    this.#pending.add(key);
    this.#waiters.shift()?.();
  }

  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    if (this.#timers.has(key)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** The delay before the next retry of a key that failed `failures` times. */
  backoff(failures: number): number {
    return Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** Math.max(0, failures - 1));
  }

  start(): void {
    for (let i = 0; i < this.#options.workers; i++) void this.#work();
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Keys waiting for a worker (not counting those waiting out a backoff or running). */
  get depth(): number {
    return this.#pending.size;
  }

  /** Keys being reconciled now. */
  get running(): number {
    return this.#running;
  }

  /** Resolves when no reconcile runs (queued keys may remain: a stopping operator waits for this). */
  drained(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Resolves when nothing is queued or running (tests, benchmarks). */
  idle(): Promise<void> {
    if (this.#pending.size === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #work(): Promise<void> {
    while (!this.#stopped) {
      const key = this.#pending.values().next().value;
      if (key === undefined) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        continue;
      }
      this.#pending.delete(key);
      this.#active.add(key);
      this.#running++;
      try {
        const result = await this.#handle(key);
        this.#failures.delete(key);
        if (result && result.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
      } catch {
        const failures = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, failures);
        this.addAfter(key, this.backoff(failures));
      } finally {
        this.#active.delete(key);
        this.#running--;
        if (this.#dirty.delete(key)) this.add(key);
        if (this.#pending.size === 0 && this.#running === 0) for (const r of this.#idle.splice(0)) r();
        if (this.#running === 0) for (const r of this.#drained.splice(0)) r();
      }
    }
  }
}
