import type { ConsumerGroupListing } from '../../kafka/group-listing.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';

/** `kafkaplane groups list`: consumer groups (classic and KIP-848) with their type and state. */
export async function groupsList(flags: ConnectionFlags & { state?: string; type?: string }): Promise<ConsumerGroupListing[]> {
  const config = await resolveConnection(flags);
  const { listConsumerGroups } = await import('../../kafka/group-listing.ts');
  const states = flags.state
    ?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const types = flags.type
    ?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const groups = await withAdmin(config, listConsumerGroups, { probe: true });
  return groups.filter((g) => (!states || states.includes(g.state.toLowerCase())) && (!types || types.includes(g.type)));
}
