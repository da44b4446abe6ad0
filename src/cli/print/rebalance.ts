// The printer of `kafkaplane rebalance`: the plan (moves and broker loads before → after), then what was done.
import type { RebalanceReport } from '../commands/rebalance.ts';
import type { Printer } from '../declare.ts';
import { formatBytes, formatTable, writeNote, writeStderrLine } from '../output.ts';

export const rebalancePrinter: Printer<RebalanceReport> = {
  text({ plan }, io) {
    const goal = plan.goal.kind === 'drain' ? `drain broker${plan.goal.brokers.length === 1 ? '' : 's'} ${plan.goal.brokers.join(', ')}` : 'balance';
    if (plan.moves.length === 0) io.stdout.write(`nothing to move: the ${goal} goal is met\n`);
    else {
      io.stdout.write(
        formatTable(
          ['TOPIC', 'PARTITION', 'FROM', 'TO', 'BYTES', 'WHY'],
          plan.moves.map((m) => [m.topic, m.partition, m.from.join(','), m.to.join(','), m.bytes, m.why.join('; ')]),
        ),
      );
      io.stdout.write('\n');
    }
    io.stdout.write(
      formatTable(
        ['BROKER', 'RACK', 'REPLICAS', 'LEADERS'],
        plan.before.map((b, i) => [b.broker, b.rack ?? '-', `${b.replicas} → ${plan.after[i]!.replicas}`, `${b.leaders} → ${plan.after[i]!.leaders}`]),
      ),
    );
  },
  after({ plan, dryRun, executed }, io) {
    for (const u of plan.unmet) writeStderrLine(io, `warning: ${u}`);
    if (plan.moves.length === 0) return;
    const moves = `${plan.moves.length} partition move${plan.moves.length === 1 ? '' : 's'} (${formatBytes(plan.bytesToMove)} to copy)`;
    if (dryRun || !executed) {
      writeNote(io, `dry run: nothing was changed (${moves}; run without --dry-run to apply)`);
      return;
    }
    writeNote(io, `done: ${moves} in ${(executed.elapsedMs / 1000).toFixed(1)} s; every moved partition is in sync`);
    if (executed.throttle) writeNote(io, `replication throttle of ${formatBytes(executed.throttle.bytesPerSec)}/s on brokers ${executed.throttle.brokers.join(', ')} removed`);
    const election = executed.leaderElection;
    if (election.error) writeStderrLine(io, `warning: ${election.error}`);
    else writeNote(io, `preferred leader election: ${election.elected} partition${election.elected === 1 ? '' : 's'} changed leader`);
  },
};
