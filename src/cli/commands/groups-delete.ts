import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { groupSelection, requireExisting } from '../group-selection.ts';

/** `kafkaplane groups delete`: inactive consumer groups and their committed offsets; returns the deleted ids. */
export async function groupsDelete(flags: ConnectionFlags & { groups: string[]; allGroups?: boolean }): Promise<string[]> {
  const config = await resolveConnection(flags);
  const api = await import('../../kafka/groups.ts');
  return withAdmin(
    config,
    async (admin) => {
      const ids = await api.selectConsumerGroups(admin, groupSelection(flags.groups, flags.allGroups));
      const described = await api.describeConsumerGroups(admin, ids);
      requireExisting(described);
      const active = described.filter((g) => g.members.length > 0 || !['Empty', 'Dead'].includes(g.state));
      if (active.length > 0) {
        throw new KafkaplaneError('GROUP_ACTIVE', active.map((g) => `group '${g.id}' has ${g.members.length} active member${g.members.length === 1 ? '' : 's'} (state ${g.state})`).join('\n'), {
          hint: 'stop its consumers first; nothing was deleted',
        });
      }
      if (ids.length > 0) await api.deleteConsumerGroups(admin, ids);
      return ids;
    },
    { probe: true },
  );
}
