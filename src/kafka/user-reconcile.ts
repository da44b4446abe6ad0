import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError, errorMessage } from '../errors.ts';
import type { DesiredUser, ObservedUser, UserAction } from '../ops/user-plan.ts';
import { alterUserQuotas, userQuotas } from './quotas.ts';
import { createAcls, deleteAcls, deleteScramCredential, principalAcls, upsertScramCredential, usersWithScram } from './users.ts';

/**
 * User reconcile, the side-effect half: observe the users' credentials and ACLs, and execute a plan from
 * src/ops/user-plan.ts. Used by `kafkaplane up` and by the operator.
 */
export async function observeUsers(admin: Admin, users: readonly Pick<DesiredUser, 'name' | 'principal'>[], options: { acls: boolean }): Promise<Map<string, ObservedUser>> {
  const withScram = await usersWithScram(
    admin,
    users.map((u) => u.name),
  );
  const quotas = await userQuotas(
    admin,
    users.map((u) => u.name),
  );
  const observed = new Map<string, ObservedUser>();
  // Without an authorizer Kafka refuses DescribeAcls (SECURITY_DISABLED): ACLs are only read where they are managed.
  for (const user of users) {
    observed.set(user.name, {
      name: user.name,
      hasScram: withScram.has(user.name),
      acls: options.acls ? await principalAcls(admin, user.principal) : [],
      quotas: quotas.get(user.name) ?? {},
    });
  }
  return observed;
}

export type UserActionResult = { action: UserAction; error?: KafkaplaneError };

/** Runs the actions in order; a failed one is returned with its error and the rest still run. */
export async function applyUserActions(admin: Admin, actions: readonly UserAction[], password: (user: string) => Promise<string>): Promise<UserActionResult[]> {
  const results: UserActionResult[] = [];
  for (const action of actions) {
    try {
      if (action.kind === 'upsert-scram') await upsertScramCredential(admin, action.user, await password(action.user));
      else if (action.kind === 'delete-scram') await deleteScramCredential(admin, action.user);
      else if (action.kind === 'create-acls') await createAcls(admin, action.bindings);
      else if (action.kind === 'delete-acls') await deleteAcls(admin, action.bindings);
      else await alterUserQuotas(admin, action.user, action.set, action.remove);
      results.push({ action });
    } catch (error) {
      results.push({
        action,
        error:
          error instanceof KafkaplaneError
            ? error
            : new KafkaplaneError(
                action.kind.endsWith('acls') ? 'ACL_CHANGE_FAILED' : action.kind === 'alter-quotas' ? 'QUOTA_CHANGE_FAILED' : 'SCRAM_UPSERT_FAILED',
                `${action.kind} for user "${action.user}" failed: ${errorMessage(error)}`,
                {
                  cause: error,
                },
              ),
      });
    }
  }
  return results;
}
