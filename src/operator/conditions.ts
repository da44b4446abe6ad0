import type { Condition } from '../api/status.ts';

/** Condition types the operator sets (Kubernetes API conventions: positive polarity, one per aspect). */
export type ConditionType = 'Ready' | 'Reconciling' | 'Degraded' | 'NotSupported' | 'ResourceConflict' | 'QuorumSwitch';

export interface ConditionUpdate {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * The conditions with `update` set: lastTransitionTime changes only when the status does (so a reconcile that finds
 * nothing new writes nothing new), and every condition names the generation it describes.
 */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: string, generation: number | undefined): Condition[] {
  const existing = (conditions ?? []).find((c) => c.type === update.type);
  const next: Condition = {
    ...update,
    lastTransitionTime: existing && existing.status === update.status ? existing.lastTransitionTime : now,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  return [...(conditions ?? []).filter((c) => c.type !== update.type), next].sort((a, b) => a.type.localeCompare(b.type));
}

/** Several updates at once; conditions not named are removed when `replaceAll`. */
export function setConditions(
  conditions: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  now: string,
  generation: number | undefined,
  options: { replaceAll?: boolean } = {},
): Condition[] {
  let result = options.replaceAll ? (conditions ?? []).filter((c) => updates.some((u) => u.type === c.type)) : [...(conditions ?? [])];
  for (const u of updates) result = setCondition(result, u, now, generation);
  return result;
}
