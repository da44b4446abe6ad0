// Which consumer groups a groups command means, checked before anything connects.
import { KafkaplaneError } from '../errors.ts';
import type { ConsumerGroupDescription } from '../kafka/groups.ts';

/** Group ids named as arguments (or --group), or every consumer group with --all-groups; one of the two. */
export function groupSelection(names: readonly string[], all: boolean | undefined): readonly string[] | 'all' {
  if (all) {
    if (names.length > 0) throw new KafkaplaneError('BAD_FLAGS', 'name groups or pass --all-groups, not both');
    return 'all';
  }
  if (names.length === 0) throw new KafkaplaneError('BAD_FLAGS', 'which group? name one or more groups, or pass --all-groups');
  return names;
}

export function requireExisting(groups: readonly ConsumerGroupDescription[]): void {
  const missing = groups.filter((g) => !g.exists).map((g) => g.id);
  if (missing.length > 0) {
    throw new KafkaplaneError('UNKNOWN_GROUP', `consumer group${missing.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, {
      hint: 'list the groups with `kafkaplane groups list`',
    });
  }
}
