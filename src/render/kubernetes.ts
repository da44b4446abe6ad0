import type { SpecProblem } from '../errors.ts';
import { clusterModel } from '../model/broker-properties.ts';
import { kubernetesNames } from '../model/kubernetes-names.ts';
import { controllers } from '../model/nodes.ts';
import { kubernetesPlacement, planExternalListeners } from '../model/placement-kubernetes.ts';
import { kubernetesSettings } from '../spec/kubernetes.ts';
import { configHash, renderConfigMap, renderIdentitySecret } from './cluster-config.ts';
import { RenderError } from './errors.ts';
import { clusterIdentity } from './identity.ts';
import { jmxExporterSha256, renderKafkaExporter, renderMetricsConfigMap, renderPodMonitor, renderPrometheusRule } from './monitoring.ts';
import type { KubeObject, RenderContext, RenderInput } from './objects.ts';
import { renderNetworkPolicy, renderPodDisruptionBudget, renderServiceAccount } from './policies.ts';
import { renderBootstrapService, renderExternalServices, renderHeadlessService } from './services.ts';
import { renderStatefulSet } from './statefulset.ts';
import { renderTopicsJob } from './topics-job.ts';

export interface KubernetesRender {
  objects: KubeObject[];
  warnings: string[];
  context: RenderContext;
}

/** Zone and region are the labels Kubernetes copies from the node onto the pod (KEP-4742); nothing else reaches a pod without RBAC. */
export const POD_TOPOLOGY_LABELS = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region'];

/**
 * Everything the Kubernetes formats share. Checks that the spec can be rendered — every problem at once, with its
 * spec path — before building anything.
 */
export function renderContext(input: RenderInput): RenderContext {
  const { cluster } = input;
  const settings = kubernetesSettings(cluster.spec);
  const problems: SpecProblem[] = [];
  const { plans, problems: external } = planExternalListeners(cluster);
  problems.push(...external);
  cluster.spec.nodePools.forEach((pool, i) => {
    pool.jvm?.options.forEach((option, j) => {
      if (/\s/.test(option)) problems.push({ path: `spec.nodePools[${i}].jvm.options[${j}]`, message: 'contains whitespace: kafka-run-class.sh splits JVM options on spaces; pass one option per list item without spaces' });
    });
  });
  if (cluster.spec.rack && !POD_TOPOLOGY_LABELS.includes(cluster.spec.rack.topologyKey)) {
    problems.push({
      path: 'spec.rack.topologyKey',
      message: `"${cluster.spec.rack.topologyKey}" cannot reach a pod: broker.rack comes from the labels Kubernetes copies from the node onto the pod (${POD_TOPOLOGY_LABELS.join(', ')}; KEP-4742). Reading other node labels needs RBAC to read Nodes and an API client the official image lacks; use one of those two`,
    });
  }
  const monitoring = settings.monitoring;
  if (monitoring.enabled && monitoring.jmxExporter.agentPath === undefined && jmxExporterSha256(settings) === undefined) {
    problems.push({ path: 'spec.kubernetes.monitoring.jmxExporter.sha256', message: 'required when version or url differ from the defaults: the init container checks the downloaded agent against it' });
  }
  const model = clusterModel(cluster);
  const controllerIds = new Set(controllers(model.nodes).map((n) => String(n.id)));
  for (const id of Object.keys(settings.identity?.directoryIds ?? {})) {
    if (!controllerIds.has(id)) problems.push({ path: `spec.kubernetes.identity.directoryIds["${id}"]`, message: `node ${id} is not a controller (controllers: ${[...controllerIds].join(', ')})` });
  }
  if (problems.length > 0) {
    throw new RenderError(input.source ?? 'the spec', 'Kubernetes manifests', problems.map((p) => ({ ...p, document: `KafkaCluster "${cluster.metadata.name}"` })));
  }
  const names = kubernetesNames(cluster, settings, input.namespace);
  return {
    input,
    cluster,
    model,
    settings,
    names,
    external: plans,
    placement: kubernetesPlacement(names, plans),
    identity: clusterIdentity(model, settings, names.namespace),
    image: settings.image ?? `apache/kafka:${cluster.spec.version}`,
  };
}

/** Every Kubernetes object of one cluster, in the order `kubectl apply -f` should create them. Pure. */
export function renderKubernetes(input: RenderInput): KubernetesRender {
  const ctx = renderContext(input);
  const { settings, cluster } = ctx;
  const objects: KubeObject[] = [];
  if (settings.serviceAccount.create) objects.push(renderServiceAccount(ctx));
  objects.push(renderIdentitySecret(ctx));
  const configMap = renderConfigMap(ctx);
  objects.push(configMap);
  if (settings.monitoring.enabled) objects.push(renderMetricsConfigMap(ctx));
  for (const pool of cluster.spec.nodePools) objects.push(renderHeadlessService(ctx, pool));
  objects.push(renderBootstrapService(ctx));
  for (const plan of ctx.external) objects.push(...renderExternalServices(ctx, plan));
  const hash = configHash(configMap);
  for (const pool of cluster.spec.nodePools) objects.push(renderStatefulSet(ctx, pool, hash));
  objects.push(renderPodDisruptionBudget(ctx));
  if (settings.networkPolicy.enabled) objects.push(renderNetworkPolicy(ctx));
  if (settings.monitoring.enabled) {
    if (settings.monitoring.kafkaExporter.enabled) objects.push(renderKafkaExporter(ctx));
    if (settings.monitoring.podMonitor) objects.push(renderPodMonitor(ctx));
    if (settings.monitoring.prometheusRule) objects.push(renderPrometheusRule(ctx));
  }
  const topics = renderTopicsJob(ctx);
  if (topics.job) objects.push(topics.job);
  return { objects, warnings: topics.warnings, context: ctx };
}
