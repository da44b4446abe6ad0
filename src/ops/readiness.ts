import { type Hint, action, hint } from '../errors.ts';
import { type PartitionState, hasLeader, isUnderReplicated } from '../model/partition-health.ts';

/**
 * When a starting cluster is ready for clients — a pure decision over what an observer saw, asked again after every
 * observation. It names the next thing to observe, so the observer only makes the requests the decision needs and
 * stops at the first unmet condition (docs/design/readiness.md):
 *
 *   1. every broker is registered (the controller lists it as a live broker);
 *   2. the quorum has a leader and every controller is a voter;
 *   3. every partition has a leader;
 *   4. every partition has its full ISR (Kafka's reassignment-aware rule, model/partition-health.ts) — waited for at
 *      most `catchUpMs` after the rest was ready, then reported as a warning: a replica that cannot catch up (a full
 *      disk, say) must not hold the cluster back forever;
 *   5. every listener of every node accepts connections (a broker registers before its acceptors bind; a port taken
 *      meanwhile kills it just after registering);
 *   6. every broker's own metadata lists every broker (each broker answers clients from its own cache, which learns
 *      of newly unfenced brokers a moment after the controller).
 */
export interface ReadinessTargets {
  brokerIds: readonly number[];
  controllerIds: readonly number[];
}

export interface ReadinessObservation {
  registeredBrokers?: readonly number[];
  quorum?: { leaderId: number; voters: readonly number[] };
  partitions?: readonly PartitionState[];
  /** `node 1 REPLICATION 127.0.0.1:9193` for each listener that refused a connection. */
  closedListeners?: readonly string[];
  /** Brokers whose metadata lists fewer brokers than expected. */
  partialViews?: readonly { broker: number; sees: number }[];
}

export type ReadinessStep = keyof ReadinessObservation;

export interface ReadinessClock {
  now: number;
  /** When the ISR catch-up wait began (undefined: not yet). */
  catchUpSince: number | undefined;
  catchUpMs: number;
}

export type ReadinessDecision = { kind: 'observe'; step: ReadinessStep } | { kind: 'wait'; reason: string; catchUpSince: number | undefined } | { kind: 'ready'; warnings: Hint[] };

export function decideReady(targets: ReadinessTargets, seen: ReadinessObservation, clock: ReadinessClock): ReadinessDecision {
  const wait = (reason: string, catchUpSince = clock.catchUpSince): ReadinessDecision => ({ kind: 'wait', reason, catchUpSince });
  if (seen.registeredBrokers === undefined) return { kind: 'observe', step: 'registeredBrokers' };
  const missing = targets.brokerIds.filter((id) => !seen.registeredBrokers!.includes(id));
  if (missing.length > 0) return wait(`${seen.registeredBrokers.length}/${targets.brokerIds.length} brokers registered (waiting for ${missing.join(', ')})`);

  if (seen.quorum === undefined) return { kind: 'observe', step: 'quorum' };
  const { leaderId, voters } = seen.quorum;
  if (leaderId < 0 || targets.controllerIds.some((id) => !voters.includes(id))) {
    return wait(`brokers registered; quorum leader ${leaderId < 0 ? 'not elected yet' : leaderId}, voters ${voters.join(',') || 'none'}`);
  }

  if (seen.partitions === undefined) return { kind: 'observe', step: 'partitions' };
  const leaderless = seen.partitions.filter((p) => !hasLeader(p)).length;
  if (leaderless > 0) return wait(`brokers registered, quorum led by ${leaderId}; ${plural(leaderless, 'partition')} still without a leader`);
  const warnings: Hint[] = [];
  const underReplicated = seen.partitions.filter(isUnderReplicated).length;
  if (underReplicated > 0) {
    const since = clock.catchUpSince ?? clock.now;
    if (clock.now - since < clock.catchUpMs) return wait(`every partition has a leader; ${plural(underReplicated, 'partition')} still catching up (replicas rejoining the ISR)`, since);
    warnings.push(
      hint`${plural(underReplicated, 'partition')} still under-replicated ${Math.round(clock.catchUpMs / 1000)} s after every partition had a leader; see \`${action('underReplicatedPartitions')}\` and the node logs`,
    );
  }

  if (seen.closedListeners === undefined) return { kind: 'observe', step: 'closedListeners' };
  const closed = seen.closedListeners;
  if (closed.length > 0) return wait(`waiting for ${closed.slice(0, 3).join(', ')}${closed.length > 3 ? ` and ${closed.length - 3} more` : ''} to accept connections`);

  if (seen.partialViews === undefined) return { kind: 'observe', step: 'partialViews' };
  if (seen.partialViews.length > 0) {
    return wait(`waiting for ${seen.partialViews.map((v) => `broker ${v.broker} (sees ${v.sees})`).join(', ')} to see all ${targets.brokerIds.length} brokers`);
  }
  return { kind: 'ready', warnings };
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
