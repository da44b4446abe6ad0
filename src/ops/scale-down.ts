/**
 * Whether a node pool may shrink: a pure decision of the operator's KafkaCluster controller. Kafka does not move
 * replicas off a broker that goes away (Strimzi's scale-down guard, reference.md §4): removing a broker that still
 * hosts replicas leaves them under-replicated for good. Removing controllers changes the KRaft voter set, which
 * needs RemoveRaftVoter (KIP-853) — not done by kafkaplane yet, so it is refused too.
 */
export interface PoolSize {
  pool: string;
  /** First node id of the pool (ordinal 0). */
  start: number;
  /** Pods now (the StatefulSet's replicas); undefined before the pool exists. */
  current: number | undefined;
  desired: number;
  broker: boolean;
  controller: boolean;
}

export type ScaleDownDecision =
  | { kind: 'none' }
  | { kind: 'allowed'; removed: number[] }
  | { kind: 'refused'; removed: number[]; reason: string }
  /** The spec allows draining: move the replicas off `hosting` (brokers among `removed`) first, then remove. */
  | { kind: 'drain'; removed: number[]; hosting: number[]; reason: string };

/** The node ids the spec removes: the highest ordinals of every pool that shrinks (a StatefulSet removes those). */
export function removedNodeIds(pools: readonly PoolSize[]): number[] {
  return pools.flatMap((p) => (p.current !== undefined && p.current > p.desired ? Array.from({ length: p.current - p.desired }, (_, i) => p.start + p.desired + i) : []));
}

/**
 * `replicasOn`: partition replicas per broker id, from Kafka's metadata (internal topics included). `drain`: the spec
 * lets the operator move replicas off the brokers that go away (spec.kubernetes.scaleDown.drain) instead of refusing.
 */
export function decideScaleDown(pools: readonly PoolSize[], replicasOn: ReadonlyMap<number, number>, options: { drain?: boolean } = {}): ScaleDownDecision {
  const removed = removedNodeIds(pools);
  if (removed.length === 0) return { kind: 'none' };
  const controllers = pools.filter((p) => p.controller && p.current !== undefined && p.current > p.desired).map((p) => p.pool);
  if (controllers.length > 0) {
    return {
      kind: 'refused',
      removed,
      reason: `node pool${controllers.length > 1 ? 's' : ''} ${controllers.join(', ')} would lose controllers (nodes ${removed.join(', ')}): removing KRaft voters is not supported; restore spec.nodePools[].replicas`,
    };
  }
  const hosting = removed.filter((id) => (replicasOn.get(id) ?? 0) > 0);
  if (hosting.length > 0) {
    const detail = hosting.map((id) => `broker ${id} hosts ${replicasOn.get(id)} partition replica${replicasOn.get(id) === 1 ? '' : 's'}`).join(', ');
    if (options.drain) return { kind: 'drain', removed, hosting, reason: `${detail}: moving them to the brokers that stay before removing nodes ${removed.join(', ')}` };
    return {
      kind: 'refused',
      removed,
      reason: `scale-down refused: ${detail}; move them off first (kafka-reassign-partitions.sh), or set spec.kubernetes.scaleDown.drain: true to let the operator move them, then scale down — nothing was applied`,
    };
  }
  return { kind: 'allowed', removed };
}
