import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import type { OffsetResetRequest, ResetProgress } from '../../kafka/groups.ts';
import { type ResetPlan, parseIsoDuration, parseResetCsv, parseResetDatetime, parseTopicScope, parseWholeOffset } from '../../ops/offset-reset.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { groupSelection } from '../group-selection.ts';
import { readSmallTextFile } from '../small-file.ts';

export interface ResetFlags extends ConnectionFlags {
  groups: string[];
  group?: string[];
  allGroups?: boolean;
  topic?: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
  execute?: boolean;
  dryRun?: boolean;
  export?: boolean;
  allowNewGroup?: boolean;
}

export interface ResetReport {
  plans: ResetPlan[];
  executed: boolean;
  /** --export: the plan as the tool's CSV instead of a table. */
  csv: boolean;
}

/** Where to reset to, from the flags (exactly one), validated before anything touches the cluster. */
async function resetTarget(flags: ResetFlags, now: number): Promise<OffsetResetRequest['target']> {
  const chosen = (
    [
      ['--to-earliest', flags.toEarliest],
      ['--to-latest', flags.toLatest],
      ['--to-current', flags.toCurrent],
      ['--to-offset', flags.toOffset],
      ['--shift-by', flags.shiftBy],
      ['--to-datetime', flags.toDatetime],
      ['--by-duration', flags.byDuration],
      ['--from-file', flags.fromFile],
    ] as const
  ).filter(([, v]) => v !== undefined && v !== false);
  if (chosen.length !== 1) {
    throw new KafkaplaneError('BAD_FLAGS', chosen.length === 0 ? 'say where to reset to' : `choose one of ${chosen.map(([f]) => f).join(', ')}`, {
      hint: 'one of --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by N, --to-datetime YYYY-MM-DDTHH:mm:SS.sss, --by-duration PnDTnHnM, --from-file plan.csv',
    });
  }
  if (flags.toEarliest) return { scenario: { kind: 'earliest' } };
  if (flags.toLatest) return { scenario: { kind: 'latest' } };
  if (flags.toCurrent) return { scenario: { kind: 'current' } };
  if (flags.toOffset !== undefined) {
    const offset = parseWholeOffset(flags.toOffset, '--to-offset');
    if (offset < 0n) throw new KafkaplaneError('BAD_OFFSET', `--to-offset ${offset}: offsets are not negative (use --shift-by to move back)`);
    return { scenario: { kind: 'offset', offset } };
  }
  if (flags.shiftBy !== undefined) return { scenario: { kind: 'shift-by', shift: parseWholeOffset(flags.shiftBy, '--shift-by') } };
  if (flags.toDatetime !== undefined) return { scenario: { kind: 'timestamp', ms: parseResetDatetime(flags.toDatetime, '--to-datetime'), label: flags.toDatetime } };
  if (flags.byDuration !== undefined) {
    const ms = parseIsoDuration(flags.byDuration, '--by-duration');
    return { scenario: { kind: 'timestamp', ms: now - ms, label: `${flags.byDuration} ago (${new Date(now - ms).toISOString()})` } };
  }
  const source = flags.fromFile!;
  const text = await readSmallTextFile(source, '--from-file', 'a CSV of topic,partition,offset lines (as kafka-consumer-groups --export writes)', 'BAD_RESET_FILE');
  return { file: parseResetCsv(text, source), source };
}

/** `kafkaplane groups reset-offsets`: plans new offsets for inactive groups, and with --execute commits them. */
export async function groupsResetOffsets(flags: ResetFlags): Promise<ResetReport> {
  if (flags.execute && flags.dryRun) throw new KafkaplaneError('BAD_FLAGS', '--execute and --dry-run contradict each other');
  const target = await resetTarget(flags, Date.now());
  const scope = flags.topic && flags.topic.length > 0 ? parseTopicScope(flags.topic, '--topic') : undefined;
  if ('file' in target) {
    if (scope || flags.allTopics) throw new KafkaplaneError('BAD_FLAGS', '--from-file says which partitions to reset; leave out --topic and --all-topics');
  } else if (!scope === !flags.allTopics) {
    throw new KafkaplaneError('BAD_FLAGS', scope ? 'pass --topic or --all-topics, not both' : 'say which partitions: --topic name[:partitions] (repeatable) or --all-topics');
  }
  const config = await resolveConnection(flags);
  const api = await import('../../kafka/groups.ts');
  const progress: ResetProgress = { planned: [], committed: [] };
  const plans = await withAdmin(
    config,
    (admin) => {
      const groups = groupSelection([...flags.groups, ...(flags.group ?? [])], flags.allGroups);
      return api.resetConsumerGroupOffsets(admin, { groups, target, scope: scope ?? 'committed', allowNewGroup: flags.allowNewGroup === true, execute: flags.execute === true }, progress);
    },
    { probe: true },
  ).catch((error: unknown) => {
    // The stall deadline (or a lost connection) can end the command between two groups' commits: say which were done.
    throw progress.committed.length > 0 ? api.resetStoppedError(error, progress.planned, progress.committed) : error;
  });
  return { plans, executed: flags.execute === true, csv: flags.export === true };
}
