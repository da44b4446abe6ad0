import type { KubeClient, KubeObject, OwnerReference } from './client.ts';
import { collectionPath, resourceType } from './resources.ts';

/** Marks what the operator applied for an owner, so it can find (and prune) it again, cluster-scoped objects too. */
export const OWNER_ANNOTATION = 'kafkaplane.io/owner';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const OPERATOR_MANAGER = 'kafkaplane-operator';

export function ownerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function ownerKey(owner: KubeObject): string {
  return `${owner.kind}/${owner.metadata.namespace ?? ''}/${owner.metadata.name}`;
}

/**
 * The object as the operator applies it: owned by `owner` (an owner reference for namespaced objects in the owner's
 * namespace, so Kubernetes' garbage collector deletes them with it; an annotation on every object, so the operator
 * can prune and clean up cluster-scoped ones), labelled as managed by the operator.
 */
export function owned(object: KubeObject, owner: KubeObject): KubeObject {
  const sameNamespace = resourceType(object.kind).namespaced && object.metadata.namespace === owner.metadata.namespace;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, [MANAGED_BY_LABEL]: OPERATOR_MANAGER },
      annotations: { ...object.metadata.annotations, [OWNER_ANNOTATION]: ownerKey(owner) },
      ...(sameNamespace ? { ownerReferences: [ownerReference(owner)] } : {}),
    },
  };
}

/** Equal but for status, finalizers and bookkeeping (resourceVersion, managedFields): what others change beside us. */
export function sameApartFromStatus(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { status: _status, metadata, ...rest } = o;
    const { resourceVersion: _rv, managedFields: _mf, finalizers: _f, ...meta } = metadata;
    return JSON.stringify({ ...rest, metadata: meta });
  };
  return strip(a) === strip(b);
}

/**
 * Whether an apply changed the object (`before` read just before it, `after` its answer): a new version that differs
 * in more than status and bookkeeping. A no-op apply keeps the resourceVersion, but someone else's status write in
 * between moves it too (a new CRD's Established condition, a StatefulSet's ready replicas): that is not our change.
 */
export function changedByApply(before: KubeObject | undefined, after: KubeObject): boolean {
  return before === undefined || (before.metadata.resourceVersion !== after.metadata.resourceVersion && !sameApartFromStatus(before, after));
}

export interface ApplyReport {
  applied: { kind: string; name: string; changed: boolean }[];
  pruned: { kind: string; name: string }[];
}

/**
 * The one applier: makes the owner's objects exactly `desired` — server-side apply of each (field manager
 * `kafkaplane`), then deletion of objects of `kinds` this owner applied before that are no longer desired. `changed`
 * tells whether the apply changed the object (changedByApply).
 */
export async function applyDesired(
  client: KubeClient,
  owner: KubeObject,
  desired: readonly KubeObject[],
  kinds: readonly string[],
  options: { selector: string; keep?: (object: KubeObject) => boolean },
): Promise<ApplyReport> {
  const report: ApplyReport = { applied: [], pruned: [] };
  const wanted = new Set<string>();
  for (const object of desired) {
    const before = await client.get(object.kind, object.metadata.namespace, object.metadata.name);
    const after = await client.apply(owned(object, owner));
    wanted.add(`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    report.applied.push({ kind: object.kind, name: object.metadata.name, changed: changedByApply(before, after) });
  }
  const key = ownerKey(owner);
  for (const kind of kinds) {
    const namespace = resourceType(kind).namespaced ? owner.metadata.namespace : undefined;
    const list = await client.request<{ items: KubeObject[] }>('GET', `${collectionPath(kind, namespace)}?labelSelector=${encodeURIComponent(options.selector)}`);
    for (const item of list.items) {
      if (item.metadata.annotations?.[OWNER_ANNOTATION] !== key) continue;
      if (wanted.has(`${kind}/${item.metadata.namespace ?? ''}/${item.metadata.name}`)) continue;
      if (options.keep?.({ ...item, kind })) continue;
      if (await client.delete(kind, item.metadata.namespace, item.metadata.name)) report.pruned.push({ kind, name: item.metadata.name });
    }
  }
  return report;
}
