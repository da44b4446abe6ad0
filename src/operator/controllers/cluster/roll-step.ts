import { nodeIdRanges } from '../../../api/kafka-cluster.ts';
import type { ClusterNode } from '../../../model/nodes.ts';
import { type RollDecision, type RollNode, decideRestart, rollOrder } from '../../../ops/roll.ts';
import { type RenderContext, nodeSelector } from '../../../render/objects.ts';
import type { ControllerContext } from '../../controller.ts';
import type { KubeObject } from '../../kube/client.ts';
import { collectionPath } from '../../kube/resources.ts';
import type { KafkaState } from './kafka-state.ts';

/** controller.quorum.fetch.timeout.ms: Kafka's default (kafkaplane does not change it). */
const FETCH_TIMEOUT_MS = 2_000;

export interface PodView {
  name: string;
  uid: string;
  ready: boolean;
  deleting: boolean;
  revision: string | undefined;
  hostIP: string | undefined;
}

export interface RollState {
  /** Node ids whose pod runs an old revision of its StatefulSet, in the order they will go. */
  pending: number[];
  /** Why the next node waits (undefined while nothing waits). */
  waiting: string | undefined;
  /** The node restarted by this reconcile. */
  restarted: { node: number; pod: string; reason: string } | undefined;
  pods: Map<string, PodView>;
  /** Every desired pod exists, is Ready and runs its StatefulSet's current revision. */
  settled: boolean;
  /** With `dryRun`: the node that would be restarted now. */
  next?: { node: number; pod: string; reason: string };
}

export interface RollStepOptions {
  /** Decide, delete nothing (`kafkaplane restart --kubernetes --dry-run`). */
  dryRun?: boolean;
  /** Nodes to restart even though their pod runs the current revision (`--node`: e.g. renewed certificates). */
  alsoRestart?: ReadonlySet<number>;
}

function podView(pod: KubeObject): PodView {
  const status = (pod.status ?? {}) as { conditions?: { type: string; status: string }[]; hostIP?: string };
  return {
    name: pod.metadata.name,
    uid: pod.metadata.uid ?? '',
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    deleting: pod.metadata.deletionTimestamp !== undefined,
    revision: pod.metadata.labels?.['controller-revision-hash'],
    hostIP: status.hostIP,
  };
}

export async function listPods(ctx: Pick<ControllerContext, 'client'>, render: RenderContext): Promise<Map<string, PodView>> {
  const selector = nodeSelector(render.names);
  const list = await ctx.client.request<{ items: KubeObject[] }>('GET', `${collectionPath('Pod', render.names.namespace)}?labelSelector=${encodeURIComponent(selector)}`);
  return new Map(list.items.map((p) => [p.metadata.name, podView(p)]));
}

/**
 * One step of a roll, level-based: the pods whose controller-revision-hash is not their StatefulSet's update
 * revision (updateStrategy OnDelete: the StatefulSet controller recreates a deleted pod at the new revision) need a
 * restart; the pure decision (src/ops/roll.ts, shared with `kafkaplane restart`) picks the next one or says why it
 * waits. At most one pod is deleted per reconcile; the caller requeues to come back when it is Ready and the ISR has
 * recovered. Nothing here blocks.
 */
export async function rollStep(
  ctx: Pick<ControllerContext, 'client'>,
  render: RenderContext,
  kafka: KafkaState | undefined,
  kafkaError: string | undefined,
  /** Kafka's state now, with partitions (ObserveOptions.minIsr): what a restart is decided on. */
  refresh: () => Promise<KafkaState>,
  options: RollStepOptions = {},
): Promise<RollState> {
  const pods = await listPods(ctx, render);
  const revisions = new Map<string, string | undefined>();
  let stsSettling: string | undefined;
  for (const pool of render.cluster.spec.nodePools) {
    const sts = await ctx.client.get('StatefulSet', render.names.namespace, render.names.statefulSet(pool.name));
    const status = (sts?.status ?? {}) as { observedGeneration?: number; updateRevision?: string };
    if (!sts || (status.observedGeneration ?? -1) < (sts.metadata.generation ?? 0)) stsSettling = `StatefulSet ${render.names.statefulSet(pool.name)} not yet observed by its controller`;
    revisions.set(pool.name, status.updateRevision);
  }
  const podOf = (node: ClusterNode) => pods.get(render.names.pod(node));
  const stale = (node: ClusterNode) => {
    const pod = podOf(node);
    return pod !== undefined && !pod.deleting && ((pod.revision !== undefined && pod.revision !== revisions.get(node.pool)) || options.alsoRestart?.has(node.id) === true);
  };
  const settled = stsSettling === undefined && render.model.nodes.every((n) => podOf(n)?.ready === true && !podOf(n)!.deleting && !stale(n));
  const observe = (state: KafkaState | undefined) => {
    const registered = new Set(state?.brokers ?? []);
    const voters = new Set((state?.quorum.voters ?? []).map((v) => v.id));
    const nodes: RollNode[] = render.model.nodes.map((n) => {
      const pod = podOf(n);
      const up = pod?.ready === true && !pod.deleting;
      return { id: n.id, broker: n.broker, controller: n.controller, ready: up && (!n.broker || registered.has(n.id)) && (!n.controller || voters.has(n.id)), needsRestart: stale(n) };
    });
    return {
      nodes,
      quorum: state ? { leaderId: state.quorum.leaderId, voters: state.quorum.voters.map((v) => ({ id: v.id, lastCaughtUpTimestamp: Number(v.lastCaughtUpTimestamp) })) } : undefined,
      partitions: state?.partitions ?? [],
      fetchTimeoutMs: FETCH_TIMEOUT_MS,
    };
  };
  const observation = observe(kafka);
  const pending = rollOrder(observation).map((n) => n.id);
  const base = { pending, pods, settled, restarted: undefined };
  if (pending.length === 0) return { ...base, waiting: stsSettling };
  if (stsSettling) return { ...base, waiting: stsSettling };
  // Without Kafka's view nothing may be restarted: a pod that looks Ready may hold the last in-sync replica.
  if (!kafka) return { ...base, waiting: `cannot read the cluster's state from Kafka: ${kafkaError ?? 'not reachable'}` };
  // Decided on a fresh state with every partition's ISR and min ISR, read right before the deletion (the one read at
  // the start of the reconcile is seconds old and has no min ISR), so a replica that just fell out of an ISR holds the
  // roll back.
  const decision: RollDecision = decideRestart(observe(await refresh()));
  if (decision.kind === 'wait') return { ...base, waiting: `node ${decision.node} waits: ${decision.reasons.join('; ')}` };
  if (decision.kind === 'done') return { ...base, waiting: undefined };
  const node = render.model.nodes.find((n) => n.id === decision.node)!;
  const pod = podOf(node)!;
  if (options.dryRun) return { ...base, waiting: undefined, next: { node: node.id, pod: pod.name, reason: decision.reason } };
  await ctx.client.delete('Pod', render.names.namespace, pod.name, { preconditionUid: pod.uid });
  return { ...base, waiting: undefined, restarted: { node: node.id, pod: pod.name, reason: decision.reason } };
}

/** Node ids per pool, as the StatefulSets number them (stable: ordinal + the pool's offset). */
export function poolNodeIds(render: RenderContext): { name: string; roles: string[]; nodeIds: number[] }[] {
  const ranges = nodeIdRanges(render.cluster.spec.nodePools);
  return render.cluster.spec.nodePools.map((pool, i) => ({
    name: pool.name,
    roles: [...pool.roles],
    nodeIds: Array.from({ length: pool.replicas }, (_, ordinal) => ranges[i]!.start + ordinal),
  }));
}
