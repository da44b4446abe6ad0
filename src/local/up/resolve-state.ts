import type { KafkaCluster } from '../../api/kafka-cluster.ts';
import type { SpecFile } from '../../api/load.ts';
import { selectCluster } from '../../api/select-cluster.ts';
import { KafkaplaneError, setting, hint } from '../../errors.ts';
import { checkCompatible } from '../../model/local-rules.ts';
import type { LocalState } from '../../model/local-state.ts';
import { resolveLayout } from '../locate.ts';
import { type StateLayout, readState } from '../state.ts';

export interface ResolvedState {
  cluster: KafkaCluster;
  layout: StateLayout;
  /** The stored state of an existing cluster; undefined for a new one. */
  previous: LocalState | undefined;
}

/** Step 1 of `up`: which cluster of the file, where its state lives, and whether the spec fits its existing data. */
export async function resolveState(options: {
  spec: SpecFile;
  source: string;
  cluster?: string | undefined;
  stateDir?: string | undefined;
  allowStateInCheckout?: boolean | undefined;
  portBase?: number | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}): Promise<ResolvedState> {
  const cluster = selectCluster(options.spec, options.cluster, options.source);
  const layout = resolveLayout(cluster.metadata.name, options);
  const previous = await readState(layout);
  if (previous && previous.name !== cluster.metadata.name) {
    throw new KafkaplaneError('STATE_BELONGS_TO_OTHER', `${layout.dir} holds cluster "${previous.name}", not "${cluster.metadata.name}"`, {
      hint: hint`use another ${setting('stateDir')} for this cluster`,
    });
  }
  if (previous) checkCompatible(previous, cluster, options.portBase);
  return { cluster, layout, previous };
}
