import type { KafkaUser, UserQuotas } from '../api/kafka-user.ts';
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
  /** The user's client quotas by Kafka key (producer_byte_rate, …); empty: none. */
  quotas?: Readonly<Record<string, number>> | undefined;
}

export interface ObservedUser {
  name: string;
  hasScram: boolean;
  acls: readonly AclBinding[];
  /** The user-level quotas Kafka has for the user (entity user=<name> alone), by key. */
  quotas?: Readonly<Record<string, number>> | undefined;
}

/** Kafka's quota keys for the spec's fields (Strimzi's KafkaUser spec.quotas names). */
export const QUOTA_KEYS = {
  producerByteRate: 'producer_byte_rate',
  consumerByteRate: 'consumer_byte_rate',
  requestPercentage: 'request_percentage',
  controllerMutationRate: 'controller_mutation_rate',
} as const satisfies Record<keyof UserQuotas, string>;

export function quotaValues(quotas: UserQuotas | undefined): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [field, key] of Object.entries(QUOTA_KEYS)) {
    const value = quotas?.[field as keyof UserQuotas];
    if (value !== undefined) values[key] = value;
  }
  return values;
}

export type UserAction =
  | { kind: 'upsert-scram'; user: string }
  | { kind: 'delete-scram'; user: string }
  | { kind: 'create-acls'; user: string; bindings: AclBinding[] }
  | { kind: 'delete-acls'; user: string; bindings: AclBinding[] }
  /** Sets `set` and removes `remove` (keys) in one AlterClientQuotas request. */
  | { kind: 'alter-quotas'; user: string; set: Record<string, number>; remove: string[] };

export function desiredUser(user: KafkaUser, options: { authorization: boolean; rotate?: boolean }): DesiredUser {
  return {
    name: user.metadata.name,
    principal: userPrincipal(user),
    scram: user.spec.authentication ? { rotate: options.rotate ?? false } : undefined,
    acls: options.authorization ? aclBindings(user) : undefined,
    quotas: quotaValues(user.spec.quotas),
  };
}

export function planUsers(desired: readonly DesiredUser[], observed: ReadonlyMap<string, ObservedUser>): UserAction[] {
  return desired.flatMap((user) => {
    const current = observed.get(user.name) ?? { name: user.name, hasScram: false, acls: [] };
    const actions: UserAction[] = [];
    if (user.scram && (!current.hasScram || user.scram.rotate)) actions.push({ kind: 'upsert-scram', user: user.name });
    if (!user.scram && current.hasScram) actions.push({ kind: 'delete-scram', user: user.name });
    if (user.acls) actions.push(...aclActions(user.name, user.acls, current.acls));
    if (user.quotas) actions.push(...quotaActions(user.name, user.quotas, current.quotas ?? {}));
    return actions;
  });
}

function quotaActions(user: string, want: Readonly<Record<string, number>>, have: Readonly<Record<string, number>>): UserAction[] {
  const set = Object.fromEntries(Object.entries(want).filter(([key, value]) => have[key] !== value));
  const remove = Object.keys(have)
    .filter((key) => !(key in want))
    .sort();
  return Object.keys(set).length + remove.length > 0 ? [{ kind: 'alter-quotas', user, set, remove }] : [];
}

/** Everything a deleted KafkaUser leaves in Kafka: its credential, its ACLs and its quotas. */
export function planUserRemoval(observed: ObservedUser): UserAction[] {
  return [
    ...(observed.hasScram ? [{ kind: 'delete-scram', user: observed.name } as const] : []),
    ...aclActions(observed.name, [], observed.acls),
    ...quotaActions(observed.name, {}, observed.quotas ?? {}),
  ];
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
