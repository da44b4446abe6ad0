/**
 * A test-only stand-in for the operator's manager (src/operator/manager.ts is being written elsewhere): informers for
 * the controller's kind and the kinds it watches, a work queue, and a ControllerContext — the operator running in
 * the test process against the real one-node Kubernetes (laptop mode), reaching Kafka through the address the test
 * gives (a NodePort listener on the node's bridge).
 */
import { AdminPool } from '../../../src/operator/admin-pool.ts';
import { KubeConfig } from '@kubernetes/client-node';
import type { ConnectionConfig } from '../../../src/kafka/client.ts';
import type { Cache, Controller, ControllerContext } from '../../../src/operator/controller.ts';
import { recordEvent } from '../../../src/operator/events.ts';
import { KubeClient, type KubeObject } from '../../../src/operator/kube/client.ts';
import { Informer } from '../../../src/operator/kube/informer.ts';
import { type ReconcileResult, WorkQueue } from '../../../src/operator/queue.ts';

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  at: number;
}

export class Harness {
  readonly client: KubeClient;
  readonly events: RecordedEvent[] = [];
  readonly logs: string[] = [];
  readonly reconciles: { key: string; ms: number; error?: string }[] = [];
  readonly #controller: Controller;
  readonly #namespace: string;
  readonly #kafka: (cluster: KubeObject) => ConnectionConfig;
  readonly #informers = new Map<string, Informer>();
  #queue: WorkQueue | undefined;
  readonly ctx: ControllerContext;

  constructor(kubeconfigPath: string, controller: Controller, namespace: string, kafka: (cluster: KubeObject) => ConnectionConfig) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    this.client = new KubeClient(config);
    this.#controller = controller;
    this.#namespace = namespace;
    this.#kafka = kafka;
    const client = this.client;
    this.ctx = {
      client,
      cache: (kind: string): Cache => {
        const informer = this.#informers.get(kind);
        if (!informer) throw new Error(`the harness has no informer for ${kind}`);
        return informer;
      },
      enqueue: (key) => this.#queue?.add(key),
      event: async (object, type, reason, message) => {
        this.events.push({ type, reason, message, at: Date.now() });
        process.stderr.write(`[operator event] ${type} ${reason}: ${message.slice(0, 300)}\n`);
        await recordEvent(client, object, type, reason, message);
      },
      kafka: async (cluster) => this.#kafka(cluster),
      admins: new AdminPool(),
      log: (level, message, fields) => this.logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
      now: () => new Date(),
    };
  }

  /** Informers synced, then the queue runs: the controller converges on its own from here. */
  async start(): Promise<void> {
    const onChange = (key: string) => this.#queue?.add(key);
    const own = new Informer(this.client, { kind: this.#controller.kind, namespace: this.#namespace, relistMs: 60_000, onChange });
    this.#informers.set(this.#controller.kind, own);
    for (const watch of this.#controller.watches ?? []) {
      this.#informers.set(
        watch.kind,
        new Informer(this.client, {
          kind: watch.kind,
          namespace: this.#namespace,
          relistMs: 60_000,
          ...(watch.labelSelector ? { labelSelector: watch.labelSelector } : {}),
          onChange: (_key, object) => {
            if (object) for (const k of watch.keysFor(object, this.ctx)) this.#queue?.add(k);
          },
        }),
      );
    }
    for (const informer of this.#informers.values()) informer.start();
    await Promise.all([...this.#informers.values()].map((i) => i.synced()));
    this.resume();
  }

  /** Runs the queue again (after pause). */
  resume(): void {
    this.#queue = new WorkQueue((key) => this.reconcile(key), { workers: 1, baseDelayMs: 1_000, maxDelayMs: 15_000 });
    this.#queue.start();
    for (const object of this.#informers.get(this.#controller.kind)!.list()) this.#queue.add(`${object.metadata.namespace}/${object.metadata.name}`);
  }

  /** Stops the queue and waits for the reconcile in flight (the informers keep their caches). */
  async pause(): Promise<void> {
    const queue = this.#queue;
    this.#queue = undefined;
    if (!queue) return;
    queue.stop();
    const deadline = Date.now() + 120_000;
    while (this.#running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  #running = false;

  /** One reconcile, timed; errors are recorded and rethrown (the queue backs off). */
  async reconcile(key: string): Promise<ReconcileResult> {
    const started = Date.now();
    this.#running = true;
    try {
      const result = await this.#controller.reconcile(key, this.ctx);
      this.reconciles.push({ key, ms: Date.now() - started });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.reconciles.push({ key, ms: Date.now() - started, error: message });
      process.stderr.write(`[operator] reconcile ${key} failed: ${message.slice(0, 400)}\n`);
      throw error;
    } finally {
      this.#running = false;
    }
  }

  async stop(): Promise<void> {
    await this.pause();
    await this.#controller.stop?.();
    await this.ctx.admins.close();
    for (const informer of this.#informers.values()) informer.stop();
  }
}
