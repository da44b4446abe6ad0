import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { parseConfigPairs, parseReplicaAssignment } from '../topic-args.ts';

export interface CreateFlags extends ConnectionFlags {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  replicaAssignment?: string;
  config?: string[];
  ifNotExists?: boolean;
}

export interface CreateReport {
  topic: string;
  created: boolean;
  id?: string;
  partitions?: number;
  replicationFactor?: number;
}

/** `kafkaplane topics create`: one topic (with --if-not-exists an existing one is left as it is). */
export async function topicsCreate(flags: CreateFlags): Promise<CreateReport> {
  const assignment = flags.replicaAssignment !== undefined ? parseReplicaAssignment(flags.replicaAssignment) : undefined;
  if (assignment && (flags.partitions !== undefined || flags.replicationFactor !== undefined)) {
    throw new KafkaplaneError('BAD_FLAGS', '--replica-assignment gives the partitions and replicas itself; leave out --partitions and --replication-factor');
  }
  const configs = parseConfigPairs(flags.config ?? []);
  const config = await resolveConnection(flags);
  const { createTopic } = await import('../../kafka/topics.ts');
  const { name } = flags;
  const result = await withAdmin(
    config,
    (admin) => createTopic(admin, { name, partitions: flags.partitions, replicationFactor: flags.replicationFactor, assignment, configs }, flags.ifNotExists ?? false),
    { probe: true },
  );
  return { topic: name, created: result.created, ...(result.created ? { id: result.id, partitions: result.partitions, replicationFactor: result.replicationFactor } : {}) };
}
