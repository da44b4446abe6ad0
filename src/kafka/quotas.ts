import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { loadKafka } from './client.ts';

/**
 * User-level client quotas (entity `user=<name>` alone, not user+client-id combinations), by user and key.
 * One DescribeClientQuotas for all users (KIP-546), filtered to the names asked for.
 */
export async function userQuotas(admin: Admin, names: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const quotas = new Map<string, Record<string, number>>();
  if (names.length === 0) return quotas;
  const { ClientQuotaMatchTypes } = await loadKafka();
  const wanted = new Set(names);
  const entries = await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: ClientQuotaMatchTypes.ANY }], strict: true });
  for (const entry of entries) {
    const user = entry.entity.find((e) => e.entityType === 'user')?.entityName;
    if (entry.entity.length !== 1 || typeof user !== 'string' || !wanted.has(user)) continue;
    quotas.set(user, Object.fromEntries(entry.values.map((v) => [v.key, v.value])));
  }
  return quotas;
}

/** Sets and removes quota keys of one user in one AlterClientQuotas request. */
export async function alterUserQuotas(admin: Admin, user: string, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<void> {
  type Key = Parameters<Admin['alterClientQuotas']>[0]['entries'][number]['ops'][number]['key'];
  const ops = [...Object.entries(set).map(([key, value]) => ({ key: key as Key, value, remove: false as const })), ...remove.map((key) => ({ key: key as Key, remove: true as const }))];
  const [result] = await admin.alterClientQuotas({ entries: [{ entities: [{ entityType: 'user', entityName: user }], ops }] });
  if (result && result.errorCode !== 0) {
    throw new KafkaplaneError('QUOTA_CHANGE_FAILED', `changing the quotas of user "${user}" failed: ${result.errorMessage ?? `error code ${result.errorCode}`}`, {
      hint: 'check the values in spec.quotas (Kafka refuses a request_percentage or rate it cannot apply) and that kafkaplane may AlterConfigs on the cluster',
    });
  }
}
