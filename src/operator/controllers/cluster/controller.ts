import { kubernetesSettings } from '../../../api/kubernetes.ts';
import type { KafkaClusterStatus } from '../../../api/status.ts';
import { alterClusterDefaults } from '../../../kafka/broker-configs.ts';
import { withAdmin } from '../../../kafka/admin-session.ts';
import { errorMessage, ProblemsError } from '../../../errors.ts';
import { brokerProperties } from '../../../model/broker-properties.ts';
import { brokers } from '../../../model/nodes.ts';
import { parseProperties } from '../../../model/properties-format.ts';
import type { RunningQuorum } from '../../../model/quorum.ts';
import { type ConfigChange, decideConfigChange, desiredDynamicDefaults, planDynamicDefaults } from '../../../ops/config-change.ts';
import { decideScaleDown } from '../../../ops/scale-down.ts';
import { nodePropertiesFile } from '../../../render/entrypoint.ts';
import { renderKubernetes } from '../../../render/kubernetes.ts';
import { POOL_LABEL, type KubeObject as RenderedObject, type RenderContext, nodeSelector } from '../../../render/objects.ts';
import { type ConditionUpdate, setConditions } from '../../conditions.ts';
import type { Controller, ControllerContext } from '../../controller.ts';
import { applyDesired } from '../../kube/apply.ts';
import { collectionPath } from '../../kube/resources.ts';
import type { KubeObject } from '../../kube/client.ts';
import type { ReconcileResult } from '../../queue.ts';
import { cancelDrain, drainRecordStep, drainRecorded, drainStep, stopDrains } from './drain-step.ts';
import { type KafkaState, observeKafka } from './kafka-state.ts';
import { poolSizes } from './pools.ts';
import { quorumSwitch, quorumSwitchCondition, upgradeKraftVersion } from './quorum-step.ts';
import { rollStep } from './roll-step.ts';
import { parseClusterObject, problemsMessage } from './spec.ts';
import { replaceImmutableStatefulSets } from './statefulsets.ts';
import { listenerAddresses, observedStatus } from './status.ts';

/** Kinds render makes for a cluster (its topics and users are the other controllers'): what pruning looks at. */
const OWNED_KINDS = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Secret', 'ConfigMap', 'Service', 'StatefulSet', 'PodDisruptionBudget', 'NetworkPolicy', 'Deployment'];
const CLUSTER_LABEL = 'kafkaplane.io/cluster';
/** While something is in motion (pods starting, a roll): look again soon. Otherwise a periodic resync. */
const BUSY_REQUEUE_MS = 5_000;
const IDLE_REQUEUE_MS = 60_000;

// kafkaplane's own cluster label, not app.kubernetes.io/instance: a Bitnami release of the same name sets that too.
const keyOfInstance = (object: KubeObject): string[] => {
  const instance = object.metadata.labels?.[CLUSTER_LABEL];
  return instance && object.metadata.namespace ? [`${object.metadata.namespace}/${instance}`] : [];
};

/**
 * The KafkaCluster controller (Strimzi's assembly style: small named steps, level-based). Every reconcile:
 * parse → render (operator mode) → scale-down guard → apply (SSA, owner references, prune) → dynamic broker configs →
 * roll one pod when Kafka allows → status. See DESIGN.md beside this file.
 */
export const kafkaClusterController: Controller = {
  kind: 'KafkaCluster',
  watches: [
    { kind: 'Pod', labelSelector: `app.kubernetes.io/name=kafka,${CLUSTER_LABEL}`, keysFor: keyOfInstance },
    { kind: 'StatefulSet', labelSelector: `app.kubernetes.io/name=kafka,${CLUSTER_LABEL}`, keysFor: keyOfInstance },
  ],
  reconcile: reconcileCluster,
  async stop() {
    await stopDrains();
  },
};

export async function reconcileCluster(key: string, ctx: ControllerContext): Promise<ReconcileResult> {
  const object = ctx.cache('KafkaCluster').get(key);
  // Deleted: Kubernetes' garbage collector removes what it owned (owner references).
  if (!object || object.metadata.deletionTimestamp) return undefined;
  let status = (object.status ?? {}) as KafkaClusterStatus;

  // 1. the spec, as the CLI reads it
  const parsed = parseClusterObject(object);
  if (!parsed.ok) return refuse(ctx, object, status, 'Ready', 'InvalidSpec', problemsMessage(parsed.problems));

  // 2. render, as `kafkaplane render` does, for the operator (OnDelete; dynamic configs out of the config hash)
  let objects: RenderedObject[];
  let render: RenderContext;
  try {
    const rendered = renderKubernetes({ cluster: parsed.cluster, topics: [], users: [], namespace: object.metadata.namespace, mode: 'operator' });
    objects = rendered.objects;
    render = rendered.context;
  } catch (error) {
    if (error instanceof ProblemsError) return refuse(ctx, object, status, 'Ready', 'InvalidSpec', problemsMessage(error.problems));
    throw error;
  }

  // Kafka's view, when it answers (it does not while the cluster is being created).
  let kafka: KafkaState | undefined;
  let kafkaError: string | undefined;
  const connection = await ctx.kafka(object);
  try {
    kafka = await ctx.admins.with(connection, (admin) => observeKafka(admin));
  } catch (error) {
    kafkaError = errorMessage(error);
  }

  // 2a. the drain record every status write below carries: this process's drain, or a throttle a killed one left
  status = { ...status, drain: await drainRecordStep(ctx, key, object, status.drain, kafka ? connection : undefined) };

  // 2b. the quorum mode the cluster runs (the node files its pods were given): kept when the spec sets none, a flip refused
  // A spec asking for dynamic on a static cluster: the operator keeps rendering static until kraft.version is 1 on
  // every voter (it upgrades it itself once the roll is done, step 6b), then renders dynamic and rolls.
  const before = await currentConfig(ctx, render);
  const running = runningQuorum(before, kafka?.kraftVersionLevel);
  const switchDecision = quorumSwitch(parsed.cluster, running, kafka, false);
  if (switchDecision.kind === 'refused') return refuse(ctx, object, status, 'Ready', 'InvalidSpec', switchDecision.reason, quorumSwitchCondition(switchDecision, false));
  const keepRunning = switchDecision.kind === 'wait' || switchDecision.kind === 'upgrade-kraft-version';
  const cluster = keepRunning ? { ...parsed.cluster, spec: { ...parsed.cluster.spec, quorum: { ...parsed.cluster.spec.quorum, mode: undefined } } } : parsed.cluster;
  if (running) {
    try {
      const rendered = renderKubernetes({ cluster, topics: [], users: [], namespace: object.metadata.namespace, mode: 'operator', running });
      objects = rendered.objects;
      render = rendered.context;
    } catch (error) {
      if (error instanceof ProblemsError) return refuse(ctx, object, status, 'Ready', 'InvalidSpec', problemsMessage(error.problems));
      throw error;
    }
  }

  // 3. scale-down guard: nothing is applied while a broker to remove still hosts replicas
  const pools = await poolSizes(ctx, render, object);
  const { scaleDown } = kubernetesSettings(parsed.cluster.spec);
  const scale = decideScaleDown(pools, kafka?.replicasOn ?? new Map(), { drain: scaleDown.drain });
  if (scale.kind === 'refused') return refuse(ctx, object, status, 'Degraded', 'ScaleDownRefused', scale.reason);
  // 3a. with spec.kubernetes.scaleDown.drain: their replicas move first (in the background); nothing is applied meanwhile
  if (scale.kind === 'drain') {
    const drain = drainStep(ctx, key, object, scale.hosting, scaleDown.replicationThrottle);
    if (drain.kind === 'failed') return refuse(ctx, object, status, 'Degraded', 'DrainFailed', `${drain.message}; tried again in 30 s`);
    return draining(ctx, key, object, status, `${scale.reason}: ${drain.message}`);
  }
  cancelDrain(key);
  if (scale.kind === 'allowed' && !kafka) {
    return refuse(ctx, object, status, 'Degraded', 'ScaleDownRefused', `cannot check that nodes ${scale.removed.join(', ')} host no replicas: ${kafkaError}; nothing was applied`);
  }

  // 3b. StatefulSets whose immutable fields changed: replaced with their pods orphaned (a selector), or refused
  const replace = await replaceImmutableStatefulSets(ctx, object, objects);
  if (replace.kind === 'refused') return refuse(ctx, object, status, 'Degraded', 'ImmutableFieldChanged', replace.reason);
  if (replace.kind === 'waiting') return refuse(ctx, object, status, 'Degraded', 'ReplacingStatefulSet', replace.reason);

  // 4. apply exactly what render made (SSA, owner references, prune)
  const change = configChange(render, before, mergedData(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[POOL_LABEL] !== undefined)));
  // The pools' ConfigMaps are named by content hash: an old one stays while a pod still mounts it (its turn in the
  // roll has not come), and is pruned by the first reconcile after the last such pod was restarted.
  const mounted = await mountedConfigMaps(ctx, render);
  const report = await applyDesired(ctx.client, object, objects as KubeObject[], OWNED_KINDS, {
    selector: `${CLUSTER_LABEL}=${render.names.cluster}`,
    keep: (o) => o.kind === 'ConfigMap' && mounted.has(o.metadata.name),
  });
  const changed = report.applied.filter((a) => a.changed);
  if (changed.length > 0 || report.pruned.length > 0) {
    const what = [...changed.map((a) => `${a.kind}/${a.name}`), ...report.pruned.map((p) => `-${p.kind}/${p.name}`)].join(', ');
    const how = change.kind === 'dynamic' ? ' (broker configs changed dynamically, no restart)' : change.kind === 'restart' ? ` (a restart is needed for ${change.restart.join(', ')})` : '';
    await ctx.event(object, 'Normal', 'Applied', `applied ${what}${how}`);
  }

  // 5. cluster-wide dynamic broker configs: incrementalAlterConfigs, no restart
  if (kafka) {
    const desired = desiredDynamicDefaults(brokers(render.model.nodes).map((n) => brokerProperties(render.model, n, render.placement)));
    const plan = planDynamicDefaults(kafka.clusterDefaults, desired);
    if (Object.keys(plan.set).length > 0 || plan.delete.length > 0) {
      await withAdmin(await ctx.kafka(object), (admin) => alterClusterDefaults(admin, plan.set, plan.delete));
      const what = [...Object.entries(plan.set).map(([k, v]) => `${k}=${v}`), ...plan.delete.map((k) => `-${k}`)].join(', ');
      await ctx.event(object, 'Normal', 'ConfigUpdated', `cluster-wide broker configs set without a restart: ${what}`);
      ctx.log('info', 'dynamic broker configs applied', { cluster: key, set: plan.set, delete: plan.delete });
    }
  }

  // 6. roll: one pod at a time, when Kafka allows
  const roll = await rollStep(ctx, render, kafka, kafkaError, () => ctx.admins.with(connection, (admin) => observeKafka(admin, { minIsr: true })));
  if (roll.restarted) {
    await ctx.event(object, 'Normal', 'RestartingNode', `deleted pod ${roll.restarted.pod} (node ${roll.restarted.node}) to restart it with the new configuration: ${roll.restarted.reason}`);
    ctx.log('info', 'rolling', { cluster: key, node: roll.restarted.node, reason: roll.restarted.reason });
  }

  // 6b. the quorum switch's side effect: kraft.version=1 once every node runs the static render at ≥ 4.1
  const switchNow = quorumSwitch(parsed.cluster, running, kafka, roll.settled && roll.pending.length === 0);
  if (switchNow.kind === 'upgrade-kraft-version') await upgradeKraftVersion(ctx, object);
  // Switching: the apply just moved the StatefulSets from static to dynamic node files, or that roll still goes on.
  const wasSwitching = status.conditions?.find((c) => c.type === 'QuorumSwitch')?.reason === 'RollingToDynamic';
  const switching = render.model.quorumMode === 'dynamic' && (running?.mode === 'static' || (wasSwitching && roll.pending.length > 0));
  if (switching && changed.some((a) => a.kind === 'ConfigMap')) {
    await ctx.event(object, 'Normal', 'QuorumSwitching', 'kraft.version is 1 on every voter: the nodes restart with controller.quorum.bootstrap.servers, one at a time, the active controller last');
  }
  const switchCondition = quorumSwitchCondition(switchNow, switching);

  // 7. status
  const listeners = await listenerAddresses(ctx, render, roll);
  const observed = observedStatus(render, kafka, roll, listeners);
  const registered = kafka ? brokers(render.model.nodes).every((n) => kafka.brokers.includes(n.id)) : false;
  const ready = kafka !== undefined && roll.settled && roll.pending.length === 0 && registered;
  const notReady = !kafka
    ? { reason: 'KafkaUnreachable', message: `Kafka does not answer yet: ${kafkaError}` }
    : roll.pending.length > 0
      ? { reason: 'Rolling', message: `restarting nodes ${roll.pending.join(', ')} one at a time${roll.waiting ? `; ${roll.waiting}` : ''}` }
      : !registered
        ? { reason: 'BrokersNotRegistered', message: `registered brokers: ${kafka.brokers.join(', ')}` }
        : { reason: 'PodsNotReady', message: roll.waiting ?? 'waiting for every pod to be Ready' };
  const updates: ConditionUpdate[] = [
    ready
      ? { type: 'Ready', status: 'True', reason: 'Ready', message: `${observed.readyBrokers} brokers registered, quorum leader ${kafka!.quorum.leaderId}` }
      : { type: 'Ready', status: 'False', ...notReady },
    ready ? { type: 'Reconciling', status: 'False', reason: 'Reconciled', message: 'the cluster matches the spec' } : { type: 'Reconciling', status: 'True', ...notReady },
    { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'nothing is refused' },
    switchCondition ?? { type: 'QuorumSwitch', status: 'False', reason: 'NoSwitch', message: `the quorum runs in the mode the spec asks for (${render.model.quorumMode})` },
  ];
  await writeStatus(ctx, object, {
    ...observed,
    ...(status.drain ? { drain: status.drain } : {}),
    observedGeneration: object.metadata.generation,
    conditions: setConditions(status.conditions, updates, ctx.now().toISOString(), object.metadata.generation),
  });
  return { requeueAfterMs: ready && !switchCondition ? IDLE_REQUEUE_MS : BUSY_REQUEUE_MS };
}

function mergedData(configMaps: readonly RenderedObject[]): Record<string, string> {
  return Object.assign({}, ...configMaps.map((c) => (c.data ?? {}) as Record<string, string>));
}

/** The node files the StatefulSets give their pods now (each pool's ConfigMap, as its pod template names it). */
async function currentConfig(ctx: ControllerContext, render: RenderContext): Promise<Record<string, string> | undefined> {
  const found: KubeObject[] = [];
  for (const pool of render.cluster.spec.nodePools) {
    const sts = await ctx.client.get('StatefulSet', render.names.namespace, render.names.statefulSet(pool.name));
    const name = configMapOf(sts?.spec as PodTemplateOwner | undefined);
    const configMap = name ? await ctx.client.get('ConfigMap', render.names.namespace, name) : undefined;
    if (configMap) found.push(configMap);
  }
  return found.length > 0 ? mergedData(found) : undefined;
}

interface PodTemplateOwner {
  template?: { spec?: { volumes?: { name: string; configMap?: { name: string } }[] } };
}

function configMapOf(spec: PodTemplateOwner | undefined): string | undefined {
  return spec?.template?.spec?.volumes?.find((v) => v.name === 'config')?.configMap?.name;
}

/** ConfigMaps the cluster's pods mount (old revisions' included, until those pods are restarted). */
async function mountedConfigMaps(ctx: ControllerContext, render: RenderContext): Promise<Set<string>> {
  const selector = nodeSelector(render.names);
  const pods = await ctx.client.request<{ items: KubeObject[] }>('GET', `${collectionPath('Pod', render.names.namespace)}?labelSelector=${encodeURIComponent(selector)}`);
  const volumes = (pod: KubeObject) => ((pod.spec ?? {}) as { volumes?: { configMap?: { name: string } }[] }).volumes ?? [];
  return new Set(pods.items.flatMap((p) => volumes(p).flatMap((v) => (v.configMap ? [v.configMap.name] : []))));
}

/** The change from the node files the pods were given before to the ones rendered now, over every node. */
function configChange(render: RenderContext, oldData: Record<string, string> | undefined, newData: Record<string, string>): ConfigChange {
  const merged: ConfigChange = { kind: 'none', dynamic: [], restart: [] };
  if (!oldData) return merged;
  for (const node of render.model.nodes) {
    const file = nodePropertiesFile(node.id);
    if (oldData[file] === undefined) continue; // a new node: nothing restarts for it
    const c = decideConfigChange(parseProperties(oldData[file]), parseProperties(newData[file] ?? ''));
    for (const d of c.dynamic) if (!merged.dynamic.some((m) => m.key === d.key)) merged.dynamic.push(d);
    for (const k of c.restart) if (!merged.restart.includes(k)) merged.restart.push(k);
  }
  merged.kind = merged.restart.length > 0 ? 'restart' : merged.dynamic.length > 0 ? 'dynamic' : 'none';
  return merged;
}

/**
 * A terminal problem of the spec: a condition says what and where, an event tells `kubectl describe`, nothing is
 * applied. Not retried on a timer: a new generation of the resource queues it again (the scale-down guard
 * re-checks periodically, since the replicas may move away).
 */
async function refuse(
  ctx: ControllerContext,
  object: KubeObject,
  status: KafkaClusterStatus,
  type: 'Ready' | 'Degraded',
  reason: string,
  message: string,
  extra?: ConditionUpdate,
): Promise<ReconcileResult> {
  const previous = status.conditions?.find((c) => c.type === type);
  const updates: ConditionUpdate[] =
    type === 'Ready'
      ? [
          { type: 'Ready', status: 'False', reason, message },
          { type: 'Reconciling', status: 'False', reason, message: 'the spec cannot be applied as it is' },
        ]
      : [{ type: 'Degraded', status: 'True', reason, message }];
  if (extra) updates.push(extra);
  await writeStatus(ctx, object, {
    ...status,
    observedGeneration: object.metadata.generation,
    conditions: setConditions(status.conditions, updates, ctx.now().toISOString(), object.metadata.generation),
  });
  if (previous?.reason !== reason || previous.message !== message) await ctx.event(object, 'Warning', reason, message);
  return reason === 'ScaleDownRefused' || reason === 'ReplacingStatefulSet' || reason === 'DrainFailed' ? { requeueAfterMs: 30_000 } : undefined;
}

/** Brokers being drained before a scale-down: Reconciling says how far; Ready stays as it was (Kafka serves meanwhile). */
async function draining(ctx: ControllerContext, key: string, object: KubeObject, status: KafkaClusterStatus, message: string): Promise<ReconcileResult> {
  const previous = status.conditions?.find((c) => c.type === 'Reconciling');
  await writeStatus(ctx, object, {
    ...status,
    observedGeneration: object.metadata.generation,
    conditions: setConditions(
      status.conditions,
      [
        { type: 'Reconciling', status: 'True', reason: 'DrainingBrokers', message },
        { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'nothing is refused' },
      ],
      ctx.now().toISOString(),
      object.metadata.generation,
    ),
  });
  drainRecorded(key, status.drain);
  if (previous?.reason !== 'DrainingBrokers') ctx.log('info', 'draining brokers before the scale-down', { cluster: `${object.metadata.namespace}/${object.metadata.name}`, message });
  return { requeueAfterMs: BUSY_REQUEUE_MS };
}

async function writeStatus(ctx: ControllerContext, object: KubeObject, status: KafkaClusterStatus): Promise<void> {
  await ctx.client.applyStatus({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata.name, namespace: object.metadata.namespace }, status });
}

/**
 * The quorum mode the pods run, from the node properties their live ConfigMaps hold (rendered by this operator or by
 * `kafkaplane render`): controller.quorum.voters is static, controller.quorum.bootstrap.servers dynamic.
 */
export function runningQuorum(data: Record<string, string> | undefined, kraftVersion: number | undefined): RunningQuorum | undefined {
  for (const [file, content] of Object.entries(data ?? {})) {
    if (!/^node-\d+\.properties$/.test(file)) continue;
    const props = parseProperties(content);
    if (props['controller.quorum.voters'] !== undefined) return { mode: 'static', kraftVersion };
    if (props['controller.quorum.bootstrap.servers'] !== undefined) return { mode: 'dynamic', kraftVersion };
  }
  return undefined;
}
