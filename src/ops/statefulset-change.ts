import { quantityBytes } from '../model/jvm.ts';

/**
 * What the operator does when the StatefulSet it renders differs from the live one in a field Kubernetes does not let
 * change in place (apply fails with `field is immutable`) — a pure function of the two specs.
 *
 * - selector, serviceName, podManagementPolicy: `replace` — delete the StatefulSet with propagationPolicy Orphan
 *   (its pods and PVCs stay, Kafka keeps running), wait until it is gone, apply the new one; its controller adopts the
 *   pods that match the new selector (kafkaplane's pods carry the new labels), and the operator's roll restarts
 *   them one at a time as usual. Older kafkaplane releases selected on name/instance labels.
 * - volumeClaimTemplates (size, class, access modes, names): `refused` — replacing the StatefulSet would not change
 *   the PVCs it already made, so a silent replace would lie; the reason names the manual procedure.
 *
 * The fields compared are the ones kafkaplane renders, after the defaults the apiserver fills in are set aside.
 */
export interface StatefulSetSpecView {
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  serviceName?: string;
  podManagementPolicy?: string;
  volumeClaimTemplates?: ClaimTemplateView[];
}

interface ClaimTemplateView {
  metadata?: { name?: string };
  spec?: { accessModes?: string[]; storageClassName?: string; resources?: { requests?: Record<string, string> } };
}

export type StatefulSetChange = { kind: 'apply' } | { kind: 'replace'; fields: string[] } | { kind: 'refused'; reason: string };

export function decideStatefulSetChange(name: string, live: StatefulSetSpecView | undefined, desired: StatefulSetSpecView): StatefulSetChange {
  if (!live) return { kind: 'apply' };
  const claims = (s: StatefulSetSpecView) => JSON.stringify((s.volumeClaimTemplates ?? []).map(claimKey).sort());
  if (claims(live) !== claims(desired)) {
    return {
      kind: 'refused',
      reason: `StatefulSet ${name}: its volumeClaimTemplates would change (${describeClaims(live)} → ${describeClaims(desired)}), which Kubernetes does not allow, and replacing the StatefulSet would not change the volumes it already made. Nothing was applied to it. Keep spec.nodePools[].storage as it was, or change the volumes by hand (docs/render.md, "Changing a pool's storage": resize each PVC if its StorageClass allows expansion, then kubectl delete statefulset ${name} --cascade=orphan so the operator re-creates it), or move the data to a new pool`,
    };
  }
  const fields: string[] = [];
  if (canonical(live.selector) !== canonical(desired.selector)) fields.push('selector');
  if ((live.serviceName ?? '') !== (desired.serviceName ?? '')) fields.push('serviceName');
  if ((live.podManagementPolicy ?? 'OrderedReady') !== (desired.podManagementPolicy ?? 'OrderedReady')) fields.push('podManagementPolicy');
  return fields.length > 0 ? { kind: 'replace', fields } : { kind: 'apply' };
}

function claimKey(c: ClaimTemplateView): string {
  const s = c.spec ?? {};
  return JSON.stringify([c.metadata?.name ?? '', [...(s.accessModes ?? [])].sort(), s.storageClassName ?? '', bytes(s.resources?.requests?.storage)]);
}

/** The apiserver writes quantities in canonical form (1024Mi comes back as 1Gi): compare bytes. */
function bytes(quantity: string | undefined): string {
  if (quantity === undefined) return '';
  try {
    return String(quantityBytes(quantity));
  } catch {
    return quantity;
  }
}

function describeClaims(s: StatefulSetSpecView): string {
  const list = (s.volumeClaimTemplates ?? []).map(
    (c) => `${c.metadata?.name ?? '?'} ${c.spec?.resources?.requests?.storage ?? '?'}${c.spec?.storageClassName ? ` class ${c.spec.storageClassName}` : ''}`,
  );
  return list.length > 0 ? list.join(', ') : 'none';
}

/** JSON with object keys sorted, so {a,b} and {b,a} compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? {}, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
