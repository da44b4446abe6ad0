// What the topics commands read from their flags: which topics a list/describe means, --config pairs and
// --replica-assignment lists (kafka-topics.sh's rules).
import { KafkaplaneError } from '../errors.ts';
import type { TopicMetadata } from '../kafka/metadata.ts';
import { topicIncludeList } from '../model/partition-health.ts';

export interface TopicSelectionFlags {
  /** kafka-topics style include list: a regular expression, commas for alternatives. */
  topic?: string;
  includeInternal?: boolean;
}

/** Which topics a list/describe command means: exact names (arguments) and/or the --topic pattern. */
export function topicSelector(names: readonly string[], flags: TopicSelectionFlags): (t: TopicMetadata) => boolean {
  const pattern = flags.topic !== undefined ? topicIncludeList(flags.topic, '--topic') : undefined;
  const exact = new Set(names);
  return (t) => {
    const named = exact.has(t.name);
    if (named) return true;
    if (exact.size > 0 && pattern === undefined) return false;
    if (t.internal && !flags.includeInternal) return false;
    return pattern === undefined || pattern(t.name);
  };
}

/** `k=v` pairs from --config; the value may contain '=' (split at the first one). */
export function parseConfigPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    const key = i < 0 ? '' : pair.slice(0, i).trim();
    if (i < 0 || key === '') throw new KafkaplaneError('BAD_CONFIG', `--config "${pair}" is not key=value`, { hint: 'e.g. --config retention.ms=604800000 --config cleanup.policy=compact' });
    out[key] = pair.slice(i + 1).trim();
  }
  return out;
}

/** --replica-assignment "0:1:2,1:2:0": one broker list per partition, same length, no duplicates (TopicCommand rules). */
export function parseReplicaAssignment(text: string): number[][] {
  const partitions = text.split(',').map((part, p) => {
    const brokers = part.split(':').map((b) => {
      const id = Number(b.trim());
      if (b.trim() === '' || !Number.isInteger(id) || id < 0)
        throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment: "${b}" in partition ${p} is not a broker id`, {
          hint: 'one broker list per partition, e.g. 0:1:2,1:2:0 (partition 0 on brokers 0,1,2; partition 1 on 1,2,0)',
        });
      return id;
    });
    const dup = brokers.filter((b, i) => brokers.indexOf(b) !== i);
    if (dup.length > 0) throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment: partition ${p} lists broker ${dup[0]} twice`);
    return brokers;
  });
  const rf = partitions[0]!.length;
  const odd = partitions.findIndex((b) => b.length !== rf);
  if (odd >= 0)
    throw new KafkaplaneError(
      'BAD_ASSIGNMENT',
      `--replica-assignment: partition ${odd} has ${partitions[odd]!.length} replicas, partition 0 has ${rf}; every partition needs the same replication factor`,
    );
  return partitions;
}
