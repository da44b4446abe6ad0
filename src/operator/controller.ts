import type { ConnectionConfig } from '../kafka/client.ts';
import type { AdminPool } from './admin-pool.ts';
import type { KubeClient, KubeObject } from './kube/client.ts';
import type { QueueOptions, ReconcileResult } from './queue.ts';

/**
 * The contract between the operator's manager (informers → per-kind work queues → reconcile, leader election) and
 * each controller (KafkaCluster, KafkaTopic, KafkaUser), as controller-runtime's Reconciler: `reconcile(key)` is
 * level-based — it reads the whole current state from the caches and Kafka and enforces the whole desired state,
 * never branching on which event woke it. Throwing requeues the key with per-key backoff; a terminal problem is a
 * condition in the status, not a throw.
 */
export type ControlledKind = 'KafkaCluster' | 'KafkaTopic' | 'KafkaUser';

/** A read-only cache of one kind (the manager's informer). Keys are `namespace/name`. */
export interface Cache {
  get(key: string): KubeObject | undefined;
  list(): KubeObject[];
}

export interface ControllerContext {
  client: KubeClient;
  /** The informer cache of a kind the controller declared (its own kind, or one of `watches`). */
  cache(kind: string): Cache;
  /** Queue another key of this controller's kind (e.g. the KafkaTopic that loses a conflict when the winner goes). */
  enqueue(key: string): void;
  /** Kubernetes Event on an object (best effort). */
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  /**
   * How the operator reaches the Kafka of a KafkaCluster object: in a pod, its internal bootstrap Service with the
   * operator's credentials; from a laptop (`operator run --kafka-bootstrap ns/name=host:port`), the override.
   */
  kafka(cluster: KubeObject): Promise<ConnectionConfig>;
  /**
   * The Kafka admin clients every controller shares, one per cluster connection: the KafkaCluster controller's
   * reconcile at start connects the client the first KafkaTopic burst then uses, and a cluster costs one connection,
   * not one per controller. The manager closes them on stop.
   */
  admins: AdminPool;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  /** The clock, injected so that conditions' lastTransitionTime is testable. */
  now(): Date;
}

export interface Watch {
  kind: string;
  labelSelector?: string;
  /** The keys of this controller's kind a change of `object` concerns (e.g. a Pod → its KafkaCluster). */
  keysFor(object: KubeObject, ctx: ControllerContext): string[];
}

export interface Controller {
  kind: ControlledKind;
  /** Other kinds whose changes queue keys of this kind. */
  watches?: Watch[];
  reconcile(key: string, ctx: ControllerContext): Promise<ReconcileResult>;
  /**
   * The work queue's settings for this kind (default: 2 workers). A controller that batches Kafka requests across
   * keys (KafkaTopic) wants many keys in flight at once.
   */
  queue?: QueueOptions;
  /** Releases what the controller holds across reconciles (batches, background work); the manager calls it on stop. */
  stop?(): Promise<void>;
}

/** `namespace/name` → its parts. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
