/**
 * Rolling restarts: which node to restart next, or why to wait — a pure function of observed state, shared by the
 * local `kafkaplane restart` and the operator's roller. The rules are Strimzi's KafkaRoller's (reference.md §4):
 *
 * - one node at a time; nodes that are not ready first (they serve nothing; waiting on them helps nobody); then
 *   controller-only nodes, then the others; the active controller last;
 * - before the next restart, every node is ready again and no partition is under-replicated (the ISR recovered);
 * - a controller is restarted only when the quorum stays available without it: a leader exists, and at least
 *   ⌊(N+2)/2⌋ of the OTHER voters caught up with the leader within controller.quorum.fetch.timeout.ms;
 * - a broker is restarted only when no partition it holds would fall below min.insync.replicas: for each of its
 *   partitions, ISR > minISR, or ISR == minISR with this broker outside the ISR. Partitions with RF ≤ minISR cannot
 *   be kept available by waiting and are not considered.
 */
export interface RollNode {
  id: number;
  broker: boolean;
  controller: boolean;
  /** Running and ready (process up and answering; a pod Ready). */
  ready: boolean;
  /** Still runs the old configuration (or was asked to restart). */
  needsRestart: boolean;
}

export interface RollQuorum {
  leaderId: number;
  /** Voters with the leader's view of when each last caught up (ms since the epoch; the leader's own is its now). */
  voters: readonly { id: number; lastCaughtUpTimestamp: number }[];
}

export interface RollPartition {
  topic: string;
  partition: number;
  replicas: readonly number[];
  isr: readonly number[];
  minIsr: number;
}

export interface RollObservation {
  nodes: readonly RollNode[];
  quorum: RollQuorum | undefined;
  partitions: readonly RollPartition[];
  /** controller.quorum.fetch.timeout.ms (Kafka's default 2000). */
  fetchTimeoutMs: number;
}

export type RollDecision = { kind: 'done' } | { kind: 'restart'; node: number; reason: string } | { kind: 'wait'; node: number; reasons: string[] };

/** The nodes still to restart, in the order they will go. */
export function rollOrder(observation: RollObservation): RollNode[] {
  const leader = observation.quorum?.leaderId;
  const rank = (n: RollNode) => (n.ready ? 1 : 0) * 4 + (n.controller && !n.broker ? 0 : 2) + (n.id === leader ? 1 : 0);
  return observation.nodes.filter((n) => n.needsRestart).sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

/** The next step of the roll. */
export function decideRestart(observation: RollObservation): RollDecision {
  const [next] = rollOrder(observation);
  if (!next) return { kind: 'done' };
  if (!next.ready) return { kind: 'restart', node: next.id, reason: `node ${next.id} is not ready: restarting it first cannot make anything worse` };
  const reasons = blockers(observation, next);
  return reasons.length > 0 ? { kind: 'wait', node: next.id, reasons } : { kind: 'restart', node: next.id, reason: restartReason(observation, next) };
}

/** Why `node` may not be restarted now (empty: it may). */
export function blockers(observation: RollObservation, node: RollNode): string[] {
  const reasons: string[] = [];
  const notReady = observation.nodes.filter((n) => n.id !== node.id && !n.ready).map((n) => n.id);
  if (notReady.length > 0) reasons.push(`node${notReady.length > 1 ? 's' : ''} ${notReady.join(', ')} ${notReady.length > 1 ? 'are' : 'is'} not ready yet`);
  const recovering = observation.partitions.filter((p) => p.isr.length < p.replicas.length);
  if (recovering.length > 0) reasons.push(`${count(recovering.length, 'partition')} under-replicated (${sample(recovering)}): waiting for the ISR to recover`);
  if (node.controller) reasons.push(...quorumBlockers(observation, node.id));
  if (node.broker) {
    const wouldDrop = observation.partitions.filter(
      (p) => p.replicas.length > p.minIsr && p.replicas.includes(node.id) && (p.isr.length < p.minIsr || (p.isr.length === p.minIsr && p.isr.includes(node.id))),
    );
    if (wouldDrop.length > 0) reasons.push(`${count(wouldDrop.length, 'partition')} would fall below min.insync.replicas without node ${node.id} (${sample(wouldDrop)})`);
  }
  return reasons;
}

function quorumBlockers(observation: RollObservation, id: number): string[] {
  const quorum = observation.quorum;
  if (!quorum || quorum.leaderId < 0) return ['the controller quorum has no leader'];
  const leader = quorum.voters.find((v) => v.id === quorum.leaderId);
  if (!leader) return [`the quorum leader ${quorum.leaderId} is not among the voters`];
  const others = quorum.voters.filter((v) => v.id !== id);
  const caughtUp = others.filter((v) => leader.lastCaughtUpTimestamp - v.lastCaughtUpTimestamp <= observation.fetchTimeoutMs);
  const needed = Math.floor((quorum.voters.length + 2) / 2);
  if (caughtUp.length >= needed) return [];
  const behind = others.filter((v) => !caughtUp.includes(v)).map((v) => v.id);
  return [
    `only ${caughtUp.length} of the other ${others.length} voters caught up with the leader (${needed} needed to keep the quorum without controller ${id}; behind: ${behind.join(', ') || 'none'})`,
  ];
}

function restartReason(observation: RollObservation, node: RollNode): string {
  const roles = [node.controller ? 'controller' : '', node.broker ? 'broker' : ''].filter(Boolean).join('+');
  return `node ${node.id} (${roles}${node.id === observation.quorum?.leaderId ? ', the active controller, last' : ''}): every partition keeps min ISR and the quorum keeps a majority without it`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function sample(partitions: readonly RollPartition[]): string {
  const names = partitions.slice(0, 3).map((p) => `${p.topic}-${p.partition}`);
  return partitions.length > 3 ? `${names.join(', ')} and ${partitions.length - 3} more` : names.join(', ');
}
