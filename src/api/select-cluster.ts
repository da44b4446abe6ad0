import { KafkaplaneError, setting, hint } from '../errors.ts';
import type { KafkaCluster } from './kafka-cluster.ts';
import type { SpecFile } from './load.ts';

/**
 * The KafkaCluster of a spec file a command works on: the named one, or the only one. `none` words the error for a
 * file without any (what there is then nothing to do, and where to look instead).
 */
export function selectCluster(spec: SpecFile, name: string | undefined, source: string, none: { nothingTo?: string; hint?: string } = {}): KafkaCluster {
  const names = spec.clusters.map((c) => c.metadata.name);
  if (name !== undefined) {
    const found = spec.clusters.find((c) => c.metadata.name === name);
    if (!found) throw new KafkaplaneError('NO_SUCH_CLUSTER', `${source} has no KafkaCluster named "${name}" (it has: ${names.join(', ') || 'none'})`);
    return found;
  }
  if (spec.clusters.length === 1) return spec.clusters[0]!;
  if (spec.clusters.length === 0) {
    throw new KafkaplaneError('NO_CLUSTER', `${source} defines no KafkaCluster${none.nothingTo ? `, so there is nothing to ${none.nothingTo}` : ''}`, {
      hint: none.hint ?? 'add a KafkaCluster document, or pass the file that has it',
    });
  }
  throw new KafkaplaneError('AMBIGUOUS_CLUSTER', `${source} defines ${spec.clusters.length} clusters (${names.join(', ')}); say which`, { hint: hint`name one with ${setting('cluster', '<name>')}` });
}
