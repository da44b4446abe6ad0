import type { Admin } from '@platformatic/kafka';
import { loadKafka } from './client.ts';
import { describeKafkaError } from './errors.ts';

export interface ConsumerGroupListing {
  id: string;
  /** classic (JoinGroup/SyncGroup) or consumer (KIP-848). */
  type: string;
  state: string;
  protocolType: string;
}

/**
 * Consumer groups as kafka-consumer-groups --list sees them (ListGroupsOptions.forConsumerGroups): classic groups
 * of the consumer protocol (or none yet) and KIP-848 consumer groups; Connect and share groups are left out.
 */
export async function listConsumerGroups(admin: Admin): Promise<ConsumerGroupListing[]> {
  const groups = await admin.listGroups({ types: ['classic', 'consumer'] });
  return consumerListings([...groups.values()].map((g) => ({ id: g.id, groupType: g.groupType, state: g.state, protocolType: g.protocolType })));
}

/**
 * Consumer groups listed broker by broker — each coordinator knows only its own groups — keeping the answers of the
 * brokers that answer and naming those that did not, as Kafka's `listConsumerGroups().valid()` does: one broker down
 * must not hide the groups of the others.
 */
export async function listConsumerGroupsPerBroker(
  admin: Admin,
  brokers: readonly { id: number; host: string; port: number }[],
): Promise<{ groups: ConsumerGroupListing[]; failed: { brokerId: number; error: string }[] }> {
  const lib = await loadKafka();
  const failed: { brokerId: number; error: string }[] = [];
  const found = new Map<string, RawListing>();
  await Promise.all(
    brokers.map(async (b) => {
      try {
        const connection = await admin.connections.get({ host: b.host, port: b.port });
        const response = await lib.listGroupsV5.api.async(connection, [], ['classic', 'consumer']);
        if (response.errorCode !== 0) throw new Error(`ListGroups error code ${response.errorCode}`);
        for (const g of response.groups) found.set(g.groupId, { id: g.groupId, groupType: g.groupType, state: g.groupState, protocolType: g.protocolType });
      } catch (error) {
        failed.push({ brokerId: b.id, error: describeKafkaError(error) });
      }
    }),
  );
  return { groups: consumerListings([...found.values()]), failed: failed.sort((a, b) => a.brokerId - b.brokerId) };
}

type RawListing = { id: string; groupType: string | undefined; state: string; protocolType: string };

/** Groups of the consumer protocol (or none yet), sorted by id — what kafka-consumer-groups --list shows. */
function consumerListings(groups: readonly RawListing[]): ConsumerGroupListing[] {
  return groups
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => ({ id: g.id, type: (g.groupType || 'classic').toLowerCase(), state: g.state, protocolType: g.protocolType }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
