import type { KubeConfig } from '@kubernetes/client-node';
import https from 'node:https';
import http from 'node:http';
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

/**
 * The operator's way to the Kubernetes API: plain JSON over HTTPS with the kubeconfig's credentials (client-node
 * applies them), so custom resources and every field of built-in kinds pass through untouched — client-node's typed
 * object API drops fields it does not know (reference.md §8).
 */
export class KubeClient {
  readonly config: KubeConfig;
  readonly server: string;
  /** Keep-alive agents by TLS settings: client-node makes a new Agent (a new TLS handshake) for every request. */
  readonly #agents = new Map<string, https.Agent>();

  constructor(config: KubeConfig) {
    this.config = config;
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.server = cluster.server;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const { status, text } = await this.raw(method, path, body, contentType);
    if (status >= 300) throw new KubeApiError(method, path, status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.server);
    const options: https.RequestOptions = { method, headers: { accept: 'application/json' }, timeout: 30_000 };
    await this.config.applyToHTTPSOptions(options);
    if (url.protocol === 'https:') options.agent = this.#agent(options);
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
