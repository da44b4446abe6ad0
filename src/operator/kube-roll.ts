import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaCluster } from '../api/kafka-cluster.ts';
import { KafkaplaneError, errorMessage, hint, setting } from '../errors.ts';
import { renderContext } from '../render/kubernetes.ts';
import { type KafkaState, observeKafkaOnce } from './controllers/cluster/kafka-state.ts';
import { type RollState, rollStep } from './controllers/cluster/roll-step.ts';
import { kafkaConnectionResolver } from './kafka-connection.ts';
import type { KubeClient, KubeObject } from './kube/client.ts';

export interface KubeRollOptions {
  cluster: KafkaCluster;
  namespace: string;
  client: KubeClient;
  /** Where this process reaches Kafka (else the brokers' in-cluster REPLICATION addresses, as the operator in a pod). */
  bootstrap?: string[];
  /** Also restart these nodes when their pods run the current revision (e.g. renewed certificates). */
  nodes?: number[];
  dryRun?: boolean;
  timeoutMs?: number;
  /** How often to look again while waiting. */
  pollMs?: number;
  onEvent?: (event: { type: 'step' | 'waiting'; message: string }) => void;
}

export interface KubeRollResult {
  name: string;
  namespace: string;
  dryRun: boolean;
  /** The order the nodes go in; the first one's blockers when it has to wait. */
  plan: { node: number; roles: string[]; waitingFor: string[] }[];
  restarted: { node: number; pod: string; reason: string; waitedMs: number; downMs: number }[];
  durationMs: number;
}

/**
 * `kafkaplane restart --kubernetes`: the operator's roll (roll-step.ts, the pure decision of src/ops/roll.ts that
 * `kafkaplane restart` uses locally) driven from the CLI until no pod is left on an old StatefulSet revision. One pod
 * across ALL pools at a time: not-ready pods first, controllers before brokers, the active controller last; the next
 * pod goes only when the previous one is Ready, registered (broker) or a voter (controller), no partition is
 * under-replicated, none it holds would fall below min.insync.replicas and the quorum keeps a caught-up majority.
 * The StatefulSets must be `OnDelete` (render's since this roll exists): with RollingUpdate their own controllers
 * would roll at the same time.
 */
export async function rollKubernetes(options: KubeRollOptions): Promise<KubeRollResult> {
  const started = Date.now();
  const render = renderContext({ cluster: options.cluster, topics: [], users: [], namespace: options.namespace });
  const { names } = render;
  for (const id of options.nodes ?? []) {
    if (!render.model.nodes.some((n) => n.id === id))
      throw new KafkaplaneError('NO_SUCH_NODE', `cluster "${names.cluster}" has no node ${id} (nodes: ${render.model.nodes.map((n) => n.id).join(', ')})`);
  }
  for (const pool of options.cluster.spec.nodePools) {
    const sts = await options.client.get('StatefulSet', names.namespace, names.statefulSet(pool.name));
    if (!sts) {
      throw new KafkaplaneError('NO_STATEFULSET', `StatefulSet ${names.namespace}/${names.statefulSet(pool.name)} (pool "${pool.name}") does not exist`, {
        hint: hint`apply the rendered manifests first, or pass the namespace they were applied to with ${setting('namespace', '<ns>')}`,
      });
    }
    const strategy = (sts.spec as { updateStrategy?: { type?: string } }).updateStrategy?.type ?? 'RollingUpdate';
    if (strategy !== 'OnDelete') {
      throw new KafkaplaneError(
        'NOT_ON_DELETE',
        `StatefulSet ${names.namespace}/${sts.metadata.name} rolls by itself (updateStrategy ${strategy}): its pods would go down while this roll restarts others`,
        {
          hint: 'render the spec with this kafkaplane version (every pool is OnDelete) and apply it, then run the restart again',
        },
      );
    }
  }
  const clusterObject = { ...options.cluster, metadata: { ...options.cluster.metadata, namespace: names.namespace } } as unknown as KubeObject;
  const overrides = new Map(options.bootstrap ? [[`${names.namespace}/${names.cluster}`, options.bootstrap]] : []);
  const connection = () => kafkaConnectionResolver(overrides)(clusterObject, options.client);
  const observe = async (): Promise<{ kafka?: KafkaState; error?: string }> => {
    try {
      return { kafka: await observeKafkaOnce(await connection(), { minIsr: true }) };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  };
  const refresh = async () => observeKafkaOnce(await connection(), { minIsr: true });
  const alsoRestart = new Set(options.nodes ?? []);
  const emit = options.onEvent ?? (() => undefined);
  const rolesOf = (id: number) => render.model.nodes.find((n) => n.id === id)!.roles;

  if (options.dryRun) {
    const { kafka, error } = await observe();
    const state = await rollStep({ client: options.client }, render, kafka, error, refresh, { dryRun: true, alsoRestart });
    const plan = state.pending.map((node, i) => ({ node, roles: rolesOf(node), waitingFor: i === 0 && state.waiting ? [state.waiting] : [] }));
    return { name: names.cluster, namespace: names.namespace, dryRun: true, plan, restarted: [], durationMs: Date.now() - started };
  }

  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const restarted: KubeRollResult['restarted'] = [];
  let plan: KubeRollResult['plan'] | undefined;
  let inFlight: { node: number; pod: string; uid: string; at: number; waitedMs: number; reason: string } | undefined;
  let waitingSince = Date.now();
  let lastWaiting = '';
  for (;;) {
    const { kafka, error } = await observe();
    const state: RollState = await rollStep({ client: options.client }, render, kafka, error, refresh, { alsoRestart });
    plan ??= state.pending.map((node) => ({ node, roles: rolesOf(node), waitingFor: [] }));
    if (inFlight) {
      const pod = state.pods.get(inFlight.pod);
      if (pod && pod.uid !== inFlight.uid && pod.ready) {
        restarted.push({ node: inFlight.node, pod: inFlight.pod, reason: inFlight.reason, waitedMs: inFlight.waitedMs, downMs: Date.now() - inFlight.at });
        emit({ type: 'step', message: `node ${inFlight.node} (${inFlight.pod}) is back and Ready after ${((Date.now() - inFlight.at) / 1000).toFixed(1)} s` });
        inFlight = undefined;
        waitingSince = Date.now();
      }
    }
    if (state.restarted) {
      const { node, pod, reason } = state.restarted;
      alsoRestart.delete(node);
      inFlight = { node, pod, uid: state.pods.get(pod)?.uid ?? '', at: Date.now(), waitedMs: Date.now() - waitingSince, reason };
      emit({ type: 'step', message: `deleted pod ${pod} (node ${node}): ${reason}` });
      lastWaiting = '';
    } else if (state.pending.length === 0 && state.settled && !inFlight && kafka && fullyReplicated(kafka)) {
      break;
    } else {
      const waiting = state.waiting ?? (kafka && !fullyReplicated(kafka) ? 'waiting for the ISR to recover' : 'waiting for every pod to be Ready');
      if (waiting !== lastWaiting) emit({ type: 'waiting', message: waiting });
      lastWaiting = waiting;
    }
    if (Date.now() > deadline) {
      throw new KafkaplaneError(
        'NOT_READY',
        `the roll of ${names.namespace}/${names.cluster} did not finish in time: ${lastWaiting || 'pods still restarting'}; restarted so far: ${restarted.map((r) => r.pod).join(', ') || 'none'}; still to go: nodes ${state.pending.join(', ') || 'none'}`,
        { hint: hint`find out why the cluster does not recover (kubectl describe pod, kubectl logs), then run the restart again, or wait longer with ${setting('timeout')}` },
      );
    }
    await sleep(state.restarted ? 1_000 : (options.pollMs ?? 2_000));
  }
  return { name: names.cluster, namespace: names.namespace, dryRun: false, plan: plan ?? [], restarted, durationMs: Date.now() - started };
}

function fullyReplicated(kafka: KafkaState): boolean {
  return (kafka.partitions ?? []).every((p) => p.isr.length >= p.replicas.length);
}
