import type { KafkaCluster } from '../api/kafka-cluster.ts';
import { KafkaplaneError, action, hint } from '../errors.ts';
import { type ClusterModel, clusterModel } from './broker-properties.ts';
import type { LocalState, LocalStateNode } from './local-state.ts';

// Pure rules of the local runtime: what an existing cluster's data allows, how nodes keep their ports, what changed.

/**
 * Compares the spec with what an existing cluster's data allows. Growing the broker count works; anything that
 * would orphan data or break the quorum (removing nodes, changing roles, adding controllers, moving ports) is
 * refused before anything changes.
 */
export function checkCompatible(state: LocalState, cluster: KafkaCluster, portBase: number | undefined): void {
  const problems: string[] = [];
  if (portBase !== undefined && portBase !== state.portBase) {
    problems.push(`port base ${portBase} differs from the existing cluster's ${state.portBase}: the controllers' addresses are recorded in the metadata log`);
  }
  if (compareMinor(cluster.spec.version, state.kafkaVersion) < 0) {
    problems.push(`spec.version ${cluster.spec.version} is older than ${state.kafkaVersion}, which formatted this data; Kafka cannot downgrade across minor versions`);
  }
  const wanted = cluster.spec.quorum?.mode;
  if (wanted !== undefined && wanted !== state.quorumMode) {
    problems.push(
      `spec.quorum.mode is ${wanted}, but this cluster was created with a ${state.quorumMode} quorum; the local runtime keeps the quorum mode a cluster was created with (its metadata log says which): remove spec.quorum.mode or set it to ${state.quorumMode}`,
    );
  }
  const planned = new Map(clusterModel(cluster).nodes.map((n) => [n.id, n]));
  for (const old of state.nodes) {
    const node = planned.get(old.id);
    if (!node) problems.push(`node ${old.id} (${old.roles.join('+')}, pool ${old.pool}) holds data but the spec no longer has it; kafkaplane will not drop a node's data`);
    else if (node.roles.join(',') !== old.roles.join(','))
      problems.push(`node ${old.id} was ${old.roles.join('+')} and the spec makes it ${node.roles.join('+')}; a node cannot change roles on existing data`);
  }
  for (const node of planned.values()) {
    if (!state.nodes.some((n) => n.id === node.id) && node.controller) {
      problems.push(`node ${node.id} would be a new controller; adding controllers to an existing quorum is not supported by the local runtime`);
    }
  }
  if (problems.length > 0) {
    throw new KafkaplaneError('INCOMPATIBLE_CHANGE', `the spec cannot be applied to the existing cluster "${state.name}":\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: hint`change the spec back, or run \`${action('purge')}\` to delete this cluster and its data and start over`,
    });
  }
}

/** Compares major.minor of two Kafka versions: <0 when a is older. */
function compareMinor(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

/** The state's nodes for the model's: existing nodes keep their port index, new ones take the lowest free one. */
export function mergeNodes(previous: readonly LocalStateNode[], model: ClusterModel): LocalStateNode[] {
  const old = new Map(previous.map((n, position) => [n.id, { ...n, portIndex: n.portIndex ?? position }]));
  const taken = new Set(model.nodes.flatMap((n) => (old.has(n.id) ? [old.get(n.id)!.portIndex] : [])));
  let free = 0;
  return model.nodes.map((n) => {
    const existing = old.get(n.id);
    let portIndex = existing?.portIndex;
    if (portIndex === undefined) {
      while (taken.has(free)) free++;
      portIndex = free;
      taken.add(free);
    }
    return { id: n.id, pool: n.pool, roles: n.roles, formatted: existing?.formatted ?? false, portIndex };
  });
}

/** The model with each node's `index` (what the local port plan uses) taken from the state. */
export function withPortIndexes(model: ClusterModel, nodes: readonly LocalStateNode[]): ClusterModel {
  const indexes = new Map(nodes.map((n, position) => [n.id, n.portIndex ?? position]));
  return { ...model, nodes: model.nodes.map((n) => ({ ...n, index: indexes.get(n.id) ?? n.index })) };
}

/** Keys whose values differ between a node's running configuration and the one the spec now gives it. */
export function changedProperties(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/** Recognises the failures people hit most in a node's last log lines, so the message says what happened first. */
export function explainDeath(log: string): string | undefined {
  if (/INCONSISTENT_CLUSTER_ID|InconsistentClusterIdException/.test(log)) return 'its storage belongs to another cluster (INCONSISTENT_CLUSTER_ID)';
  if (/Address already in use|BindException/.test(log)) return 'a port it needs is already in use';
  if (/OutOfMemoryError|Could not reserve enough space/.test(log)) return 'the JVM ran out of memory; give it a smaller heap or free memory';
  if (/No space left on device/.test(log)) return 'the disk is full';
  if (/UnsupportedClassVersionError/.test(log)) return 'the Java version is too old for this Kafka release';
  if (/No readable meta.properties|not formatted/i.test(log)) return 'its storage is not formatted';
  return undefined;
}
