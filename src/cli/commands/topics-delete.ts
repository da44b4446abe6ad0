import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { type ClusterMetadata, requireTopics } from '../../kafka/metadata.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';

export interface DeleteReport {
  /** The topics as named, in order. */
  named: string[];
  deleted: string[];
}

/** `kafkaplane topics delete`: exact names; internal topics are refused. */
export async function topicsDelete(flags: ConnectionFlags & { names: string[]; ifExists?: boolean }): Promise<DeleteReport> {
  const names = flags.names;
  const config = await resolveConnection(flags);
  const { clusterMetadata, deleteTopics } = await import('../../kafka/topics.ts');
  const deleted = await withAdmin(
    config,
    async (admin) => {
      const metadata: ClusterMetadata = await clusterMetadata(admin);
      const existing = names.filter((n) => metadata.topics.some((t) => t.name === n && t.error !== 'UNKNOWN_TOPIC_OR_PARTITION'));
      if (!flags.ifExists) requireTopics(metadata, names);
      const internal = metadata.topics.filter((t) => t.internal && existing.includes(t.name));
      if (internal.length > 0)
        throw new KafkaplaneError(
          'INTERNAL_TOPIC',
          `${internal.map((t) => t.name).join(', ')} ${internal.length === 1 ? 'is an internal topic' : 'are internal topics'}; kafkaplane does not delete them`,
        );
      await deleteTopics(admin, existing);
      return existing;
    },
    { probe: true },
  );
  return { named: names, deleted };
}
