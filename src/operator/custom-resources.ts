import type { z } from 'zod';
import { formatPath } from '../api/load.ts';
import { CLUSTER_LABEL } from '../api/common.ts';
import { type KafkaCluster, kafkaCluster } from '../api/kafka-cluster.ts';
import { type KafkaTopic, kafkaTopic } from '../api/kafka-topic.ts';
import { type KafkaUser, kafkaUser } from '../api/kafka-user.ts';
import type { ControllerContext } from './controller.ts';
import type { KubeObject } from './kube/client.ts';

/** Finalizers, annotations and labels of the topic and user operators. */
export const TOPIC_FINALIZER = 'kafkaplane.io/topic';
export const USER_FINALIZER = 'kafkaplane.io/user';
/** `"false"`: the operator leaves the resource (and what it names in Kafka) alone and drops its finalizer. */
export const MANAGED_ANNOTATION = 'kafkaplane.io/managed';
/** `keep` on a KafkaTopic: deleting the resource leaves the Kafka topic (as `operator run --topic-deletion=keep` for all). */
export const DELETION_POLICY_ANNOTATION = 'kafkaplane.io/deletion-policy';

/** The spec as the API's zod schema reads it (defaults applied), or what is wrong with it. */
function parse<T>(schema: z.ZodType<T>, object: KubeObject): { value: T; problem?: undefined } | { value?: undefined; problem: string } {
  const { name, namespace, labels, annotations } = object.metadata;
  const input = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...(object.spec !== undefined ? { spec: object.spec } : {}),
  };
  const result = schema.safeParse(input);
  if (result.success) return { value: result.data };
  return { problem: result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ') };
}

export const parseCluster = (o: KubeObject) => parse<KafkaCluster>(kafkaCluster as z.ZodType<KafkaCluster>, o);
export const parseTopic = (o: KubeObject) => parse<KafkaTopic>(kafkaTopic as z.ZodType<KafkaTopic>, o);
export const parseUser = (o: KubeObject) => parse<KafkaUser>(kafkaUser as z.ZodType<KafkaUser>, o);

export const unmanaged = (o: KubeObject): boolean => o.metadata.annotations?.[MANAGED_ANNOTATION] === 'false';

/** The KafkaCluster a KafkaTopic/KafkaUser belongs to (label kafkaplane.io/cluster, same namespace), or why none. */
export function owningCluster(object: KubeObject, ctx: ControllerContext): { cluster: KubeObject; problem?: undefined } | { cluster?: undefined; reason: string; problem: string } {
  const name = object.metadata.labels?.[CLUSTER_LABEL];
  if (!name) return { reason: 'NoClusterLabel', problem: `label ${CLUSTER_LABEL} is missing: it names the KafkaCluster (in namespace ${object.metadata.namespace}) this ${object.kind} belongs to` };
  const cluster = ctx.cache('KafkaCluster').get(`${object.metadata.namespace}/${name}`);
  if (!cluster) return { reason: 'ClusterNotFound', problem: `KafkaCluster "${name}" does not exist in namespace ${object.metadata.namespace} (label ${CLUSTER_LABEL})` };
  return { cluster };
}

/** The keys of the objects of a cache that name `cluster` in their cluster label (a KafkaCluster change → its topics). */
export function keysOfCluster(cluster: KubeObject, objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.metadata.namespace === cluster.metadata.namespace && o.metadata.labels?.[CLUSTER_LABEL] === cluster.metadata.name)
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
}

/** Merge patch of the finalizer list, guarded by the resourceVersion read (a concurrent change → 409 → retry). */
export function finalizerPatch(object: KubeObject, finalizer: string, present: boolean): unknown {
  const others = (object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return { metadata: { resourceVersion: object.metadata.resourceVersion, finalizers: present ? [...others, finalizer] : others } };
}

export const hasFinalizer = (o: KubeObject, finalizer: string): boolean => (o.metadata.finalizers ?? []).includes(finalizer);

/** Order of precedence for two resources claiming one Kafka name: the older wins, then the name. */
export function olderFirst(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Deep equality of JSON values, for "would this status write change anything". */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

/**
 * Writes the status (server-side apply of the status subresource) unless it is already exactly that: a reconcile
 * that finds nothing new writes nothing (the resourceVersion stays).
 */
export async function writeStatus(ctx: ControllerContext, object: KubeObject, status: Record<string, unknown>): Promise<boolean> {
  if (sameJson(object.status, status)) return false;
  await ctx.client.applyStatus({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata.name, namespace: object.metadata.namespace }, status });
  return true;
}

/** Adds or removes a finalizer (no write when it is already so); the object as stored after. */
export async function setFinalizer(ctx: ControllerContext, object: KubeObject, finalizer: string, present: boolean): Promise<KubeObject> {
  if (hasFinalizer(object, finalizer) === present) return object;
  return ctx.client.mergePatch(object.kind, object.metadata.namespace, object.metadata.name, finalizerPatch(object, finalizer, present));
}
