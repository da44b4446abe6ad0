import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import type { ReassignmentResult } from '../../kafka/reassignment.ts';
import { type RebalanceGoal, type RebalancePlan, planRebalance } from '../../ops/rebalance-plan.ts';
import { topicIncludeList } from '../../model/partition-health.ts';
import { parseRate } from '../../ops/sizing.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, formatBytes, progress } from '../output.ts';

export interface RebalanceFlags extends ConnectionFlags {
  drain?: string;
  dryRun?: boolean;
  throttle?: string;
  topics?: string;
  maxWait?: number;
}

export interface RebalanceReport {
  plan: RebalancePlan;
  dryRun: boolean;
  /** What the reassignment did; null on --dry-run or when nothing had to move. */
  executed: ReassignmentResult | null;
}

/** `--drain 3,4`: broker ids. */
export function parseBrokerIds(text: string, flag: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^\d+$/.test(s))) {
    throw new KafkaplaneError('BAD_FLAGS', `${flag} "${text}": give broker ids separated by commas`, { hint: `e.g. ${flag} 3 or ${flag} 3,4` });
  }
  return [...new Set(ids.map(Number))].sort((a, b) => a - b);
}

/**
 * `kafkaplane rebalance`: reads the assignment, plans the fewest partition moves to the goal (balance, or --drain),
 * prints the plan, and unless --dry-run runs it with a replication throttle until every moved partition is in sync.
 */
export async function rebalance(flags: RebalanceFlags, io: Io): Promise<RebalanceReport> {
  const goal: RebalanceGoal = flags.drain !== undefined ? { kind: 'drain', brokers: parseBrokerIds(flags.drain, '--drain') } : { kind: 'balance' };
  const throttle = flags.throttle !== undefined ? parseRate(flags.throttle, '--throttle') : undefined;
  if (throttle !== undefined && throttle < 1) throw new KafkaplaneError('BAD_RATE', `--throttle ${flags.throttle} is less than one byte per second`, { hint: 'e.g. --throttle 50MiB/s' });
  const filter = flags.topics !== undefined ? topicIncludeList(flags.topics, '--topics') : undefined;
  if (goal.kind === 'drain' && filter) {
    throw new KafkaplaneError('BAD_FLAGS', '--drain moves every replica off the brokers; --topics would leave some there', { hint: 'leave out --topics' });
  }
  const config = await resolveConnection(flags);
  const { observeAssignment, executeReassignment } = await import('../../kafka/reassignment.ts');
  const dryRun = flags.dryRun === true;
  const maxWaitMs = (flags.maxWait ?? 3600) * 1000;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    return await withAdmin(
      config,
      async (admin) => {
        const observed = await observeAssignment(admin, (t) => (filter ? filter(t.name) : true));
        const plan = planRebalance(observed.brokers, observed.partitions, goal);
        if (dryRun || plan.moves.length === 0) return { plan, dryRun, executed: null };
        if (observed.reassigning.length > 0) {
          throw new KafkaplaneError(
            'REASSIGNMENT_RUNNING',
            `Kafka is already reassigning ${observed.reassigning.length} partition${observed.reassigning.length === 1 ? '' : 's'} (${observed.reassigning.slice(0, 5).join(', ')}): nothing was changed`,
            {
              hint: 'wait until it finishes (kafka-reassign-partitions.sh --list shows none), then run rebalance again',
            },
          );
        }
        const moved = new Set(plan.moves.map((m) => `${m.topic}-${m.partition}`));
        const lagging = observed.underReplicated.filter((p) => moved.has(p));
        if (lagging.length > 0) {
          throw new KafkaplaneError(
            'REBALANCE_UNSAFE',
            `${lagging.length} partition${lagging.length === 1 ? '' : 's'} to move ${lagging.length === 1 ? 'is' : 'are'} under-replicated (${lagging.slice(0, 5).join(', ')}): nothing was changed`,
            {
              hint: 'bring every broker back (kafkaplane doctor names the missing ones) and wait for the ISR to fill, then run rebalance again',
            },
          );
        }
        const bar = progress(io);
        bar.line(
          `moving ${plan.moves.length} partition${plan.moves.length === 1 ? '' : 's'} (${formatBytes(plan.bytesToMove)})${throttle !== undefined ? `, throttled to ${formatBytes(Math.floor(throttle))}/s per broker` : ''}`,
        );
        const executed = await executeReassignment(admin, plan.moves, {
          ...(throttle !== undefined ? { throttleBytesPerSec: throttle } : {}),
          signal: abort.signal,
          maxWaitMs,
          onProgress: (p) => bar.percent(`reassigned ${p.done}/${p.total} partitions (${(p.elapsedMs / 1000).toFixed(1)} s)`, (100 * p.done) / p.total, p.done === p.total),
        });
        bar.done();
        return { plan, dryRun, executed };
      },
      { probe: true },
    );
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
