import type { KubeClient, KubeObject } from './client.ts';
import { collectionPath } from './resources.ts';

export interface InformerOptions {
  kind: string;
  /** Watch one namespace; undefined: every namespace. */
  namespace?: string | undefined;
  labelSelector?: string;
  /**
   * Relist this often even when the watch seems healthy: client-node watches have stalled silently before
   * (reference.md §8), and a relist is what makes a level-based controller converge after any missed event.
   */
  relistMs?: number;
  /** `previous`: the object as the cache had it before (for a deletion, the last state seen). */
  onChange: (key: string, object: KubeObject | undefined, previous?: KubeObject) => void;
  onError?: (error: unknown) => void;
}

/** How long the apiserver keeps one watch open (it closes it cleanly; the informer lists and watches again). */
const WATCH_SECONDS = 240;

export const objectKey = (o: { metadata: { namespace?: string; name: string } }): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/**
 * A cache of one kind: list, then watch from the list's resourceVersion; after a watch ends or fails, and every
 * `relistMs`, list again and report what changed (objects gone while the watch was down are reported deleted).
 * Only keys reach the controller (`onChange`); reconcile reads the object from the cache, never from the event.
 */
export class Informer {
  readonly #client: KubeClient;
  readonly #options: InformerOptions;
  readonly #cache = new Map<string, KubeObject>();
  #abort: { stop: () => void } | undefined;
  #relistTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #synced: Promise<void>;
  #markSynced!: () => void;
  #generation = 0;

  constructor(client: KubeClient, options: InformerOptions) {
    this.#client = client;
    this.#options = options;
    this.#synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  get(key: string): KubeObject | undefined {
    return this.#cache.get(key);
  }

  list(): KubeObject[] {
    return [...this.#cache.values()];
  }

  /** Resolves after the first complete list. */
  synced(): Promise<void> {
    return this.#synced;
  }

  start(): void {
    void this.#cycle();
  }

  stop(): void {
    this.#stopped = true;
    this.#abort?.stop();
    clearTimeout(this.#relistTimer);
  }

  async #cycle(): Promise<void> {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    this.#abort?.stop();
    clearTimeout(this.#relistTimer);
    try {
      const resourceVersion = await this.#relist();
      if (this.#stopped || generation !== this.#generation) return;
      this.#relistTimer = setTimeout(() => void this.#cycle(), this.#options.relistMs ?? 300_000);
      this.#relistTimer.unref();
      // The apiserver ends each watch after WATCH_SECONDS (then we list and watch again); the client's inactivity
      // timeout is longer, so only a watch that really stalled is cut (and reported).
      const query: Record<string, string | boolean | number> = { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS };
      if (this.#options.labelSelector) query.labelSelector = this.#options.labelSelector;
      this.#abort = await this.#client.watch(
        collectionPath(this.#options.kind, this.#options.namespace),
        query,
        (phase, object) => {
          if (generation !== this.#generation || phase === 'BOOKMARK') return;
          if (phase === 'ERROR') return; // e.g. 410 Gone: the watch ends and `done` relists
          stripManagedFields(object);
          const key = objectKey(object);
          const previous = this.#cache.get(key);
          if (phase === 'DELETED') this.#cache.delete(key);
          else this.#cache.set(key, object);
          this.#options.onChange(key, phase === 'DELETED' ? undefined : object, previous ?? (phase === 'DELETED' ? object : undefined));
        },
        (error) => {
          if (this.#stopped || generation !== this.#generation) return;
          if (error) this.#options.onError?.(error);
          this.#retry(error ? 2_000 : 0);
        },
        (WATCH_SECONDS + 60) * 1000,
      );
    } catch (error) {
      this.#options.onError?.(error);
      this.#retry(2_000);
    }
  }

  #retry(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#relistTimer);
    this.#relistTimer = setTimeout(() => void this.#cycle(), ms);
    this.#relistTimer.unref();
  }

  async #relist(): Promise<string> {
    const selector = this.#options.labelSelector ? `?labelSelector=${encodeURIComponent(this.#options.labelSelector)}` : '';
    const list = await this.#client.request<{ metadata: { resourceVersion: string }; items: KubeObject[] }>('GET', `${collectionPath(this.#options.kind, this.#options.namespace)}${selector}`);
    const seen = new Set<string>();
    for (const item of list.items) {
      // List items carry no kind; the informer's kind is theirs.
      const object = stripManagedFields({ ...item, kind: this.#options.kind } as KubeObject);
      const key = objectKey(object);
      seen.add(key);
      const before = this.#cache.get(key);
      this.#cache.set(key, object);
      if (!before || before.metadata.resourceVersion !== object.metadata.resourceVersion) this.#options.onChange(key, object, before);
    }
    for (const key of [...this.#cache.keys()]) {
      if (!seen.has(key)) {
        const previous = this.#cache.get(key);
        this.#cache.delete(key);
        this.#options.onChange(key, undefined, previous);
      }
    }
    this.#markSynced();
    return list.metadata.resourceVersion;
  }
}

/**
 * The cache keeps no managedFields (server-side apply's bookkeeping, often larger than the object's spec): no
 * controller reads them, as controller-runtime's TransformStripManagedFields.
 */
function stripManagedFields(object: KubeObject): KubeObject {
  if (object.metadata) delete object.metadata.managedFields;
  return object;
}
