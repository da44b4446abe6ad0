import type { KubeConfig } from '@kubernetes/client-node';
import https from 'node:https';
import http from 'node:http';
import { createInterface } from 'node:readline';
import type { KubeAuth } from './auth.ts';
import { objectPath } from './resources.ts';

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: OwnerReference[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  constructor(method: string, path: string, status: number, body: string) {
    let message = body.slice(0, 500);
    let reason: string | undefined;
    try {
      const parsed = JSON.parse(body) as { message?: string; reason?: string };
      message = parsed.message ?? message;
      reason = parsed.reason;
    } catch {
      // not JSON
    }
    super(`${method} ${path}: HTTP ${status}: ${message}`);
    this.status = status;
    this.reason = reason;
  }
}

export const FIELD_MANAGER = 'kafkaplane';

/** One event of a watch (`BOOKMARK` and `ERROR` included: the caller decides). */
export type WatchPhase = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * The operator's way to the Kubernetes API: plain JSON over HTTPS with the kubeconfig's credentials (kube/auth.ts, or
 * client-node's KubeConfig for exec plugins and the like), so custom resources and every field of built-in kinds pass
 * through untouched — client-node's typed object API drops fields it does not know (reference.md §8).
 */
export class KubeClient {
  readonly auth: Pick<KubeAuth, 'applyToHTTPSOptions'>;
  readonly server: string;
  /** Keep-alive agents by TLS settings: client-node makes a new Agent (a new TLS handshake) for every request. */
  readonly #agents = new Map<string, https.Agent>();

  constructor(config: KubeAuth | KubeConfig) {
    if ('getCurrentCluster' in config) {
      const cluster = config.getCurrentCluster();
      if (!cluster) throw new Error('the kubeconfig has no current cluster');
      this.server = cluster.server;
    } else this.server = config.server;
    this.auth = config;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const { status, text } = await this.raw(method, path, body, contentType);
    if (status >= 300) throw new KubeApiError(method, path, status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async #options(method: string, url: URL, timeoutMs: number): Promise<https.RequestOptions> {
    const options: https.RequestOptions = { method, headers: { accept: 'application/json' }, timeout: timeoutMs };
    await this.auth.applyToHTTPSOptions(options);
    if (url.protocol === 'https:') options.agent = this.#agent(options);
    return options;
  }

  async raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.server);
    const options = await this.#options(method, url, 30_000);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) Object.assign(options.headers!, { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /**
   * A watch (`?watch=true`): calls `onEvent` for each JSON line, then `done` once — with an error when the request
   * failed, the apiserver refused it, or nothing came for `idleMs`; with undefined when the apiserver ended it (its
   * `timeoutSeconds`) or `stop` was called. Resolves once the apiserver answered 200 (or the request failed).
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean>,
    onEvent: (phase: WatchPhase, object: KubeObject) => void,
    done: (error?: Error) => void,
    idleMs = 300_000,
  ): Promise<{ stop: () => void }> {
    const url = new URL(path, this.server);
    url.searchParams.set('watch', 'true');
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const options = await this.#options('GET', url, idleMs);
    const transport = url.protocol === 'http:' ? http : https;
    const req = transport.request(url, options);
    let finished = false;
    let stopped = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      req.destroy();
      done(stopped ? undefined : error);
    };
    const stop = () => {
      stopped = true;
      finish();
    };
    req.on('timeout', () => finish(new Error(`watch ${path}: nothing received for ${idleMs / 1000} s`)));
    req.on('error', (error) => finish(error));
    return new Promise((resolve) => {
      req.on('response', (res) => {
        resolve({ stop });
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(new KubeApiError('GET', `${path} (watch)`, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
          res.on('error', (error) => finish(error));
          return;
        }
        res.on('error', (error) => finish(error));
        const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
        // Destroying the request (stop, the idle timeout) makes the response emit 'aborted', which readline re-emits.
        lines.on('error', (error) => finish(error));
        lines.on('line', (line) => {
          if (finished || line.trim() === '') return;
          let event: { type: WatchPhase; object: KubeObject };
          try {
            event = JSON.parse(line) as { type: WatchPhase; object: KubeObject };
          } catch (error) {
            finish(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          onEvent(event.type, event.object);
        });
        lines.on('close', () => finish());
      });
      req.on('error', () => resolve({ stop }));
      req.end();
    });
  }

  #agent(o: https.RequestOptions): https.Agent {
    const key = JSON.stringify([o.ca, o.cert, o.key, o.rejectUnauthorized, o.servername].map((v) => (v === undefined ? null : String(v))));
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: 32,
        ...(o.ca ? { ca: o.ca } : {}),
        ...(o.cert ? { cert: o.cert } : {}),
        ...(o.key ? { key: o.key } : {}),
        ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
        ...(o.servername ? { servername: o.servername } : {}),
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.request<T>('GET', objectPath(kind, namespace, name)).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    });
  }

  /** Server-side apply (field manager `kafkaplane`): the one way the operator writes desired state. */
  apply<T extends KubeObject = KubeObject>(object: KubeObject, options: { force?: boolean } = {}): Promise<T> {
    const path = objectPath(object.kind, object.metadata.namespace, object.metadata.name);
    return this.request<T>('PATCH', `${path}?fieldManager=${FIELD_MANAGER}&fieldValidation=Strict${options.force === false ? '' : '&force=true'}`, object, 'application/apply-patch+yaml');
  }

  /** Server-side apply of the status subresource. */
  applyStatus<T extends KubeObject = KubeObject>(object: KubeObject): Promise<T> {
    const path = objectPath(object.kind, object.metadata.namespace, object.metadata.name);
    return this.request<T>('PATCH', `${path}/status?fieldManager=${FIELD_MANAGER}&force=true`, object, 'application/apply-patch+yaml');
  }

  /** A JSON merge patch (finalizers, annotations): small changes to fields other managers own too. */
  mergePatch<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string, patch: unknown): Promise<T> {
    return this.request<T>('PATCH', objectPath(kind, namespace, name), patch, 'application/merge-patch+json');
  }

  /** Deletes an object; true when it existed. */
  async delete(kind: string, namespace: string | undefined, name: string, options: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; preconditionUid?: string } = {}): Promise<boolean> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy ?? 'Background',
      ...(options.preconditionUid ? { preconditions: { uid: options.preconditionUid } } : {}),
    };
    try {
      await this.request('DELETE', objectPath(kind, namespace, name), body);
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return false;
      throw error;
    }
  }
}
