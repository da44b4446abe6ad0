import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { parseConfigPairs, parseReplicaAssignment } from '../topic-args.ts';

export interface AlterFlags extends ConnectionFlags {
  name: string;
  partitions?: number;
  replicaAssignment?: string;
  config?: string[];
  deleteConfig?: string[];
  ifExists?: boolean;
}

export interface AlterReport {
  topic: string;
  /** False with --if-exists when the topic does not exist. */
  exists: boolean;
  changes: string[];
  /** The partition count before the change. */
  partitions: number;
}

/** `kafkaplane topics alter`: more partitions, config overrides set or deleted (all validated before any change). */
export async function topicsAlter(flags: AlterFlags): Promise<AlterReport> {
  const { name } = flags;
  const set = parseConfigPairs(flags.config ?? []);
  const remove = flags.deleteConfig ?? [];
  const both = remove.filter((k) => k in set);
  if (both.length > 0) throw new KafkaplaneError('BAD_FLAGS', `${both.join(', ')} is both set (--config) and deleted (--delete-config)`);
  const fullAssignment = flags.replicaAssignment !== undefined ? parseReplicaAssignment(flags.replicaAssignment) : undefined;
  const partitions = flags.partitions ?? fullAssignment?.length;
  if (partitions === undefined && Object.keys(set).length === 0 && remove.length === 0) {
    throw new KafkaplaneError('NOTHING_TO_ALTER', `say what to change on '${name}'`, { hint: '--partitions N, --config key=value or --delete-config key' });
  }
  const config = await resolveConnection(flags);
  const { alterStoppedError, alterTopic, describeTopics } = await import('../../kafka/topics.ts');
  // Filled as alterTopic applies each part: when the command fails after the first part (the stall deadline, a
  // lost connection), the error still says what was applied.
  const progress = { applied: [] as string[], pending: [] as string[] };
  return withAdmin(
    config,
    async (admin): Promise<AlterReport> => {
      const { topics } = await describeTopics(admin, (t) => t.name === name);
      const current = topics[0];
      if (!current) {
        if (flags.ifExists) return { topic: name, exists: false, changes: [], partitions: 0 };
        throw new KafkaplaneError('UNKNOWN_TOPIC', `topic '${name}' does not exist`, { hint: 'pass --if-exists to accept a missing topic' });
      }
      if (fullAssignment && partitions !== undefined && fullAssignment.length !== partitions) {
        throw new KafkaplaneError('BAD_ASSIGNMENT', `--replica-assignment lists ${fullAssignment.length} partitions but --partitions is ${partitions}`);
      }
      // Like kafka-topics: the assignment lists every partition; the existing ones are skipped.
      const assignment = fullAssignment?.slice(current.partitions.length);
      const changes = await alterTopic(admin, current, { partitions, assignment, set, delete: remove }, progress);
      return { topic: name, exists: true, changes, partitions: current.partitions.length };
    },
    { probe: true },
  ).catch((error: unknown) => {
    throw progress.applied.length > 0 ? alterStoppedError(name, progress, error) : error;
  });
}
