import { KafkaplaneError } from '../errors.ts';

/**
 * The partition reassignment of `kafkaplane rebalance`: a pure plan from the observed assignment to a goal, as the
 * JSON `kafka-reassign-partitions.sh --execute` takes (partition → new replica list). Far smaller than Cruise
 * Control's goal stack: counts, racks and partition sizes only.
 *
 * - `drain`: no replica left on the given brokers; each one goes to the least loaded broker that keeps the rack rule.
 * - `balance`: first the rack rule (never more replicas of a partition in one rack than an even spread needs), then
 *   replica counts per broker within one of each other, then preferred leaders (the first replica, which a preferred
 *   leader election makes the leader) within one of each other, by reordering replicas (no data moves).
 *
 * Fewest moves: a replica only moves from the most loaded broker to the least loaded one (so every move narrows the
 * spread), a partition already in the plan is changed again before another is touched, and among the rest the
 * smallest partition moves (fewest bytes). Every step is decided by the state alone, so planning again after the plan
 * is applied gives no moves. Ties are broken by topic, partition and broker id: same input, same plan.
 */
export interface BrokerInfo {
  id: number;
  rack: string | null;
}

export interface PartitionAssignment {
  topic: string;
  partition: number;
  /** In Kafka's order: the first is the preferred leader. */
  replicas: number[];
  /** Bytes on disk of the largest replica (DescribeLogDirs); 0 when not known. */
  sizeBytes?: number;
}

export type RebalanceGoal = { kind: 'balance' } | { kind: 'drain'; brokers: number[] };

export interface PartitionMove {
  topic: string;
  partition: number;
  from: number[];
  to: number[];
  /** sizeBytes × replicas added: what the new replicas copy. */
  bytes: number;
  why: string[];
}

export interface BrokerLoad {
  broker: number;
  rack: string | null;
  replicas: number;
  leaders: number;
}

export interface RebalancePlan {
  goal: RebalanceGoal;
  moves: PartitionMove[];
  bytesToMove: number;
  before: BrokerLoad[];
  after: BrokerLoad[];
  /** What the plan could not reach (a rack rule no move can keep), in words; empty when the goal is met. */
  unmet: string[];
}

interface Working {
  p: PartitionAssignment;
  replicas: number[];
  why: string[];
}

const key = (p: { topic: string; partition: number }) => `${p.topic}\u0000${p.partition}`;
const byPartition = (a: { topic: string; partition: number }, b: { topic: string; partition: number }) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);

export function planRebalance(brokers: readonly BrokerInfo[], partitions: readonly PartitionAssignment[], goal: RebalanceGoal): RebalancePlan {
  const ids = new Set(brokers.map((b) => b.id));
  const drained = new Set(goal.kind === 'drain' ? goal.brokers : []);
  for (const id of drained) {
    if (!ids.has(id)) {
      throw new KafkaplaneError('BAD_REBALANCE', `cannot drain broker ${id}: the cluster has no such broker (brokers: ${[...ids].sort((a, b) => a - b).join(', ')})`, {
        hint: 'give ids from the brokers listed; a broker that is down is not listed: start it before draining it',
      });
    }
  }
  const eligible = brokers.filter((b) => !drained.has(b.id)).sort((a, b) => a.id - b.id);
  // Racks count only when every broker has one (Kafka's own rack-aware assignment refuses a mixed cluster).
  const racked = brokers.length > 0 && brokers.every((b) => b.rack !== null);
  const rackOf = new Map(brokers.map((b) => [b.id, racked ? b.rack! : String(b.id)]));
  const racks = new Set(eligible.map((b) => rackOf.get(b.id)!));
  const work: Working[] = [...partitions].sort(byPartition).map((p) => ({ p, replicas: [...p.replicas], why: [] }));
  for (const w of work) {
    const rf = w.replicas.length;
    if (new Set(w.replicas).size !== rf) throw new KafkaplaneError('BAD_REBALANCE', `${w.p.topic}-${w.p.partition} lists a broker twice (${w.replicas.join(',')})`);
    // (balance leaves alone a replica on a broker that is not registered now: it cannot move data off a missing broker)
    if (drained.size > 0 && rf > eligible.length) {
      throw new KafkaplaneError(
        'BAD_REBALANCE',
        `${w.p.topic}-${w.p.partition} has ${rf} replicas, but only ${eligible.length} broker${eligible.length === 1 ? '' : 's'} would be left (${eligible.map((b) => b.id).join(', ') || 'none'})`,
        { hint: 'drain fewer brokers, or lower the replication factor of that topic first' },
      );
    }
  }
  const before = loads(brokers, work);
  const replicaCount = new Map(brokers.map((b) => [b.id, 0]));
  const leaderCount = new Map(brokers.map((b) => [b.id, 0]));
  for (const w of work) {
    w.replicas.forEach((r, i) => {
      if (replicaCount.has(r)) replicaCount.set(r, replicaCount.get(r)! + 1);
      if (i === 0 && leaderCount.has(r)) leaderCount.set(r, leaderCount.get(r)! + 1);
    });
  }
  /** At most this many replicas of one partition in one rack: an even spread over the racks left. */
  const perRack = (rf: number) => Math.ceil(rf / Math.max(1, racks.size));
  const inRack = (replicas: readonly number[], rack: string, except?: number) => replicas.filter((r) => r !== except && rackOf.get(r) === rack).length;
  const swap = (w: Working, from: number, to: number, why: string) => {
    const i = w.replicas.indexOf(from);
    w.replicas[i] = to;
    replicaCount.set(from, (replicaCount.get(from) ?? 1) - 1);
    replicaCount.set(to, replicaCount.get(to)! + 1);
    if (i === 0) {
      if (leaderCount.has(from)) leaderCount.set(from, leaderCount.get(from)! - 1);
      leaderCount.set(to, leaderCount.get(to)! + 1);
    }
    w.why.push(why);
  };
  /** The broker a replica of `w` on `from` goes to: fewest replicas of this partition in its rack, least loaded, lowest id. */
  const target = (w: Working, from: number): number | undefined => {
    const rf = w.replicas.length;
    const candidates = eligible
      .map((b) => b.id)
      .filter((id) => !w.replicas.includes(id))
      .map((id) => ({ id, rack: inRack(w.replicas, rackOf.get(id)!, from), load: replicaCount.get(id)! }))
      .filter((c) => c.rack < perRack(rf));
    candidates.sort((a, b) => a.rack - b.rack || a.load - b.load || a.id - b.id);
    return candidates[0]?.id;
  };
  const unmet: string[] = [];

  // 1. Drained brokers lose every replica.
  for (const w of work) {
    for (const r of [...w.replicas]) {
      if (!drained.has(r)) continue;
      const to = target(w, r);
      if (to === undefined) {
        // Only the rack rule can leave no target (there are enough brokers): break it rather than keep the replica.
        const any = eligible.map((b) => b.id).filter((id) => !w.replicas.includes(id));
        any.sort((a, b) => replicaCount.get(a)! - replicaCount.get(b)! || a - b);
        unmet.push(`${w.p.topic}-${w.p.partition}: no broker outside broker ${r}'s rack is free; its replica goes to broker ${any[0]} in a rack that already holds one`);
        swap(w, r, any[0]!, `broker ${r} is drained`);
      } else swap(w, r, to, `broker ${r} is drained`);
    }
  }

  if (goal.kind === 'balance') {
    // 2. The rack rule: a rack holding more replicas of a partition than an even spread gives one away.
    if (racked) {
      for (const w of work) {
        for (;;) {
          const limit = perRack(w.replicas.length);
          // The last replica of the crowded rack moves (the preferred leader stays where it is when it can).
          const crowded = [...w.replicas].reverse().find((r) => inRack(w.replicas, rackOf.get(r)!) > limit);
          if (crowded === undefined) break;
          const to = target(w, crowded);
          if (to === undefined) {
            unmet.push(`${w.p.topic}-${w.p.partition}: rack ${rackOf.get(crowded)} holds ${inRack(w.replicas, rackOf.get(crowded)!)} replicas and no broker in another rack is free`);
            break;
          }
          swap(w, crowded, to, `rack ${rackOf.get(crowded)} held ${inRack(w.replicas, rackOf.get(crowded)!)} of its ${w.replicas.length} replicas`);
        }
      }
    }
    // 3. Replica counts: move one replica at a time from the most to the least loaded broker while they differ by 2+.
    const touched = (w: Working) => w.why.length > 0;
    const cost = (w: Working) => w.p.sizeBytes ?? 0;
    const order = (a: Working, b: Working) => Number(touched(b)) - Number(touched(a)) || cost(a) - cost(b) || byPartition(a.p, b.p);
    for (;;) {
      const byLoad = eligible.map((b) => b.id).sort((a, b) => replicaCount.get(b)! - replicaCount.get(a)! || a - b);
      let moved = false;
      for (const from of byLoad) {
        for (const to of [...byLoad].reverse()) {
          if (replicaCount.get(from)! - replicaCount.get(to)! < 2) break;
          const fits = work
            .filter((w) => w.replicas.includes(from) && !w.replicas.includes(to))
            .filter((w) => rackOf.get(to) === rackOf.get(from) || inRack(w.replicas, rackOf.get(to)!, from) < perRack(w.replicas.length))
            .sort(order);
          const w = fits[0];
          if (!w) continue;
          swap(w, from, to, `broker ${from} held ${replicaCount.get(from)} replicas and broker ${to} held ${replicaCount.get(to)}`);
          moved = true;
          break;
        }
        if (moved) break;
      }
      if (!moved) break;
    }
    // 4. Preferred leaders: bring a replica of the least leading broker to the front of a partition the most leading
    // broker leads, while they differ by 2+ (only the order changes: no data moves).
    for (;;) {
      const byLeaders = eligible.map((b) => b.id).sort((a, b) => leaderCount.get(b)! - leaderCount.get(a)! || a - b);
      let moved = false;
      for (const from of byLeaders) {
        for (const to of [...byLeaders].reverse()) {
          if (leaderCount.get(from)! - leaderCount.get(to)! < 2) break;
          const w = work.filter((x) => x.replicas[0] === from && x.replicas.includes(to)).sort(order)[0];
          if (!w) continue;
          const i = w.replicas.indexOf(to);
          w.replicas[i] = from;
          w.replicas[0] = to;
          leaderCount.set(from, leaderCount.get(from)! - 1);
          leaderCount.set(to, leaderCount.get(to)! + 1);
          w.why.push(`broker ${from} was the preferred leader of ${leaderCount.get(from)! + 1} partitions and broker ${to} of ${leaderCount.get(to)! - 1}`);
          moved = true;
          break;
        }
        if (moved) break;
      }
      if (!moved) break;
    }
  }

  const moves = work
    .filter((w) => w.replicas.join(',') !== w.p.replicas.join(','))
    .map((w): PartitionMove => {
      const added = w.replicas.filter((r) => !w.p.replicas.includes(r)).length;
      return { topic: w.p.topic, partition: w.p.partition, from: [...w.p.replicas], to: [...w.replicas], bytes: added * (w.p.sizeBytes ?? 0), why: w.why };
    });
  return { goal, moves, bytesToMove: moves.reduce((s, m) => s + m.bytes, 0), before, after: loads(brokers, work), unmet };
}

function loads(brokers: readonly BrokerInfo[], work: readonly Working[]): BrokerLoad[] {
  return [...brokers]
    .sort((a, b) => a.id - b.id)
    .map((b) => ({
      broker: b.id,
      rack: b.rack,
      replicas: work.filter((w) => w.replicas.includes(b.id)).length,
      leaders: work.filter((w) => w.replicas[0] === b.id).length,
    }));
}

/** Partitions keyed `topic\0partition`, for callers joining the plan with metadata. */
export function partitionKey(p: { topic: string; partition: number }): string {
  return key(p);
}
