import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ConnectionConfig } from '../kafka/client.ts';
import type { ExporterRegistry } from './registry.ts';
import { type CollectionSummary, type WorkerMessage, type WorkerOptions, transferableConnection } from './worker-protocol.ts';

export interface WorkerCollectorOptions extends Omit<WorkerOptions, 'connection'> {
  connection: ConnectionConfig;
  log?: (message: string) => void;
  onCollected?: (summary: CollectionSummary | undefined, error: string | undefined) => void;
}

/**
 * The main thread's side of the collection worker (src/exporter/collector-worker.ts): it puts each finished
 * collection into the registry the HTTP server reads and keeps what `/ready` says. The worker's file has this file's
 * extension (.ts when run from source, .js when built).
 */
export class WorkerCollector {
  readonly #registry: ExporterRegistry;
  readonly #options: WorkerCollectorOptions;
  #worker: Worker | undefined;
  #ready = false;
  #lastError: string | undefined;

  constructor(registry: ExporterRegistry, options: WorkerCollectorOptions) {
    this.#registry = registry;
    this.#options = options;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  start(): void {
    const { log, onCollected, connection, ...rest } = this.#options;
    const workerData: WorkerOptions = { ...rest, connection: transferableConnection(connection) };
    const file = new URL(`./collector-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
    const worker = new Worker(file, { workerData });
    this.#worker = worker;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'collection') this.#registry.setCollection({ text: message.text, gzipped: Buffer.from(message.gzipped), takenAtMs: message.takenAtMs });
      else if (message.kind === 'collected') {
        this.#ready = message.ready;
        this.#lastError = message.error;
        onCollected?.(message.summary, message.error);
      } else if (message.kind === 'log') log?.(message.message);
    });
    worker.on('error', (error) => {
      this.#ready = false;
      this.#lastError = `the collection thread failed: ${error.message}`;
      log?.(this.#lastError);
    });
  }

  /** Asks the worker to close its Kafka clients, then ends it (after 10 s at the latest). */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'stopped') {
          clearTimeout(timer);
          resolve();
        }
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ kind: 'stop' });
    });
    await worker.terminate();
  }
}
