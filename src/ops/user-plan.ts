import type { KafkaUser } from '../api/kafka-user.ts';
import { type AclBinding, aclBindings, aclKey, userPrincipal } from '../model/acls.ts';

/**
 * User reconcile, the pure half: desired KafkaUsers against what Kafka has → the actions that make Kafka match.
 * SCRAM passwords never pass through the plan: the executor gets them from the caller (a 0600 file locally, a Secret
 * on Kubernetes). A SCRAM credential cannot be compared with a password (Kafka stores it salted), so it is written
 * when Kafka has none, or when the caller says the password changed (`rotate`).
 */
export interface DesiredUser {
  name: string;
  principal: string;
  /** SCRAM-SHA-512 authentication; undefined: the user has no credential (one Kafka has is deleted). */
  scram?: { rotate: boolean } | undefined;
  /** The user's ACLs; undefined when the cluster does not authorize (ACLs are left alone). */
  acls?: readonly AclBinding[] | undefined;
}

export interface ObservedUser {
  name: string;
  hasScram: boolean;
  acls: readonly AclBinding[];
}

export type UserAction =
  | { kind: 'upsert-scram'; user: string }
  | { kind: 'delete-scram'; user: string }
  | { kind: 'create-acls'; user: string; bindings: AclBinding[] }
  | { kind: 'delete-acls'; user: string; bindings: AclBinding[] };

export function desiredUser(user: KafkaUser, options: { authorization: boolean; rotate?: boolean }): DesiredUser {
  return {
    name: user.metadata.name,
    principal: userPrincipal(user),
    scram: user.spec.authentication ? { rotate: options.rotate ?? false } : undefined,
    acls: options.authorization ? aclBindings(user) : undefined,
  };
}

export function planUsers(desired: readonly DesiredUser[], observed: ReadonlyMap<string, ObservedUser>): UserAction[] {
  return desired.flatMap((user) => {
    const current = observed.get(user.name) ?? { name: user.name, hasScram: false, acls: [] };
    const actions: UserAction[] = [];
    if (user.scram && (!current.hasScram || user.scram.rotate)) actions.push({ kind: 'upsert-scram', user: user.name });
    if (!user.scram && current.hasScram) actions.push({ kind: 'delete-scram', user: user.name });
    if (user.acls) actions.push(...aclActions(user.name, user.acls, current.acls));
    return actions;
  });
}

/** Everything a deleted KafkaUser leaves in Kafka: its credential and its ACLs. */
export function planUserRemoval(observed: ObservedUser): UserAction[] {
  return [...(observed.hasScram ? [{ kind: 'delete-scram', user: observed.name } as const] : []), ...aclActions(observed.name, [], observed.acls)];
}

function aclActions(user: string, want: readonly AclBinding[], have: readonly AclBinding[]): UserAction[] {
  const wanted = new Set(want.map(aclKey));
  const present = new Set(have.map(aclKey));
  const add = dedupe(want.filter((b) => !present.has(aclKey(b))));
  const remove = dedupe(have.filter((b) => !wanted.has(aclKey(b))));
  return [...(add.length > 0 ? [{ kind: 'create-acls', user, bindings: add } as const] : []), ...(remove.length > 0 ? [{ kind: 'delete-acls', user, bindings: remove } as const] : [])];
}

function dedupe(bindings: readonly AclBinding[]): AclBinding[] {
  return [...new Map(bindings.map((b) => [aclKey(b), b])).values()];
}
