import { KafkaplaneError } from '../errors.ts';

/**
 * Partition states as kafka-topics --describe reports them (TopicCommand.PartitionDescription): same definitions,
 * so `--under-min-isr-partitions` here and there select the same partitions.
 */
export interface PartitionState {
  leader: number;
  replicas: readonly number[];
  isr: readonly number[];
  /** Replicas being added by a reassignment in progress (they do not count towards the replication factor). */
  adding?: readonly number[];
  removing?: readonly number[];
}

/** The replication factor, ignoring replicas a reassignment is adding (TopicCommand.getReplicationFactor). */
export function replicationFactor(p: PartitionState): number {
  const changing = new Set([...(p.adding ?? []), ...(p.removing ?? [])]);
  const inProgress = p.replicas.some((r) => changing.has(r));
  return inProgress ? p.replicas.length - (p.adding?.length ?? 0) : p.replicas.length;
}

export function hasLeader(p: PartitionState): boolean {
  return p.leader >= 0;
}

export function isUnderReplicated(p: PartitionState): boolean {
  return replicationFactor(p) - p.isr.length > 0;
}

export function isUnderMinIsr(p: PartitionState, minIsr: number): boolean {
  return !hasLeader(p) || p.isr.length < minIsr;
}

export function isAtMinIsr(p: PartitionState, minIsr: number): boolean {
  return p.isr.length === minIsr;
}

/** No leader, or a leader that is not a live broker. */
export function isUnavailable(p: PartitionState, liveBrokers: ReadonlySet<number>): boolean {
  return !hasLeader(p) || !liveBrokers.has(p.leader);
}

/** Internal topics by name, as Kafka's Topic.isInternal knows them (the Metadata response flag is authoritative). */
export const INTERNAL_TOPICS: readonly string[] = ['__consumer_offsets', '__transaction_state', '__share_group_state'];

/**
 * kafka-topics' --topic argument (TopicFilter.IncludeList): a Java regular expression matched against the whole
 * topic name; commas separate alternatives, spaces and surrounding quotes are dropped.
 */
export function topicIncludeList(raw: string, source: string): (topic: string) => boolean {
  const regex = raw
    .trim()
    .replaceAll(',', '|')
    .replaceAll(' ', '')
    .replace(/^["']+/, '')
    .replace(/["']+$/, '');
  const pattern = compilePattern(`^(?:${regex})$`, raw, source);
  return (topic) => pattern.test(topic);
}

/**
 * A user's regular expression compiled (with 'u'); `wrapped` may anchor it. A bad one is refused with JavaScript's
 * reason, naming the flag and the text the user gave rather than the anchored form built around it.
 */
export function compilePattern(wrapped: string, raw: string, source: string): RegExp {
  try {
    return new RegExp(wrapped, 'u');
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new KafkaplaneError('BAD_TOPIC_PATTERN', `${source} "${raw}" is not a valid regular expression: ${reason}`, {
      hint: `e.g. ${source} 'orders|payments' or ${source} 'app-.*'`,
    });
  }
}
