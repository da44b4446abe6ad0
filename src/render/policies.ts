import { CLUSTER_LABEL } from '../api/common.ts';
import type { KafkaListener } from '../model/listeners.ts';
import { METRICS_PORT_NAME } from './monitoring.ts';
import { type KubeObject, type RenderContext, clusterLabels, meta, nodeSelectorLabels } from './objects.ts';

export function renderServiceAccount(ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(ctx, ctx.names.serviceAccount, clusterLabels(ctx, 'service-account'), ctx.settings.serviceAccount.annotations),
    // Nothing kafkaplane runs needs the Kubernetes API.
    automountServiceAccountToken: false,
  };
}

/**
 * One PodDisruptionBudget over every node of the cluster: a drain may take one Kafka node at a time, whatever its
 * pool, so a controller and a broker (or two brokers holding the same partition) are never evicted together.
 */
export function renderPodDisruptionBudget(ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(ctx, ctx.names.podDisruptionBudget, clusterLabels(ctx, 'disruption-budget')),
    spec: { maxUnavailable: 1, selector: { matchLabels: nodeSelectorLabels(ctx.names) } },
  };
}

function tcp(port: number | string) {
  return { protocol: 'TCP', port };
}

/**
 * Ingress allow-list for the Kafka pods (seed 004). The CONTROLLER and REPLICATION listeners are PLAINTEXT and, with
 * spec.authorization, their anonymous principal is a super user — only pods of this cluster (Kafka nodes, the
 * topic Job, kafka_exporter) may reach them. Internal client listeners admit spec.kubernetes.networkPolicy.clients
 * (anyone when unset); external listeners admit anyone, since their clients are outside the cluster (restrict
 * loadbalancer listeners with configuration.loadBalancerSourceRanges); the metrics port admits
 * spec.kubernetes.monitoring.scrapers (anyone when unset).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function renderNetworkPolicy(ctx: RenderContext): KubeObject {
  const { model, settings, names } = ctx;
  const ownPods = { podSelector: { matchLabels: { [CLUSTER_LABEL]: names.cluster, 'app.kubernetes.io/instance': names.cluster } } };
  const clientPort = (l: KafkaListener) => tcp(l.port);
  const internal = model.listeners.client.filter((l) => l.spec?.type === 'internal');
  const external = model.listeners.client.filter((l) => l.spec?.type !== 'internal');
  const clients = settings.networkPolicy.clients;
  const ingress: Record<string, unknown>[] = [{ from: [ownPods], ports: [tcp(model.listeners.controller.port), tcp(model.listeners.replication.port)] }];
  if (internal.length > 0) {
    ingress.push(clients === undefined ? { ports: internal.map(clientPort) } : { from: [ownPods, ...clients], ports: internal.map(clientPort) });
  }
  if (external.length > 0) ingress.push({ ports: external.map(clientPort) });
  if (settings.monitoring.enabled) {
    // Prometheus, wherever it runs: anyone unless spec.kubernetes.monitoring.scrapers names it.
    const scrapers = settings.monitoring.scrapers;
    ingress.push({ ...(scrapers ? { from: scrapers } : {}), ports: [tcp(METRICS_PORT_NAME)] });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(ctx, names.networkPolicy, clusterLabels(ctx, 'network-policy')),
    spec: { podSelector: { matchLabels: nodeSelectorLabels(names) }, policyTypes: ['Ingress'], ingress },
  };
}
