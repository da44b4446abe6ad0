import type { KafkaCluster } from '../../api/kafka-cluster.ts';
import { KafkaplaneError, hint, setting } from '../../errors.ts';
import { type ClusterModel, clusterModel } from '../../model/broker-properties.ts';
import { mergeNodes, withPortIndexes } from '../../model/local-rules.ts';
import { LOCAL_STATE_SCHEMA, type LocalState } from '../../model/local-state.ts';
import { localPortPlanProblems } from '../../model/placement.ts';
import type { ClusterIdentity } from '../../model/quorum.ts';

/**
 * Step 2 of `up` (pure): the state the cluster will have — existing nodes keep their ids, ports and identity, new
 * nodes take free port indexes — and a check that the port plan fits. `newIdentity` is called only for a new cluster.
 */
export function planNodes(
  cluster: KafkaCluster,
  previous: LocalState | undefined,
  options: { portBase?: number | undefined; monitoring?: boolean | undefined },
  newIdentity: (model: ClusterModel) => ClusterIdentity,
): LocalState {
  const portBase = previous?.portBase ?? options.portBase ?? cluster.spec.listeners[0]!.port;
  // --monitoring turns the metrics agents on (and --no-monitoring off); without either, a cluster keeps its setting.
  const monitoring = options.monitoring ?? previous?.monitoring ?? false;
  const model = clusterModel(cluster);
  const nodes = mergeNodes(previous?.nodes ?? [], model);
  const problems = localPortPlanProblems(withPortIndexes(model, nodes), portBase, { monitoring });
  if (problems.length > 0) {
    throw new KafkaplaneError('PORT_PLAN', `the local port plan of cluster "${cluster.metadata.name}" does not fit:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: hint`pick a lower ${setting('portBase')} (e.g. ${setting('portBase', '19092')}), or run fewer nodes or listeners locally`,
    });
  }
  if (previous) return { ...previous, kafkaVersion: cluster.spec.version, cluster, nodes, monitoring };
  return {
    schema: LOCAL_STATE_SCHEMA,
    name: cluster.metadata.name,
    kafkaVersion: cluster.spec.version,
    quorumMode: model.quorumMode,
    identity: newIdentity(model),
    portBase,
    nodes,
    monitoring,
    cluster,
  };
}
