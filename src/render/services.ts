import type { NodePool } from '../api/kafka-cluster.ts';
import type { ExternalListenerPlan } from '../model/placement-kubernetes.ts';
import { brokers } from '../model/nodes.ts';
import { BROKER_LABEL, type KubeObject, type RenderContext, clusterLabels, meta, nodeSelectorLabels, poolSelectorLabels } from './objects.ts';
import { poolComponent, portName } from './statefulset.ts';

/**
 * The pool's headless Service: a stable DNS name per pod (<pod>.<service>.<namespace>.svc), which is what the
 * controllers' quorum addresses and the internal advertised.listeners use. publishNotReadyAddresses, because the
 * controllers must find each other before any of them is ready (the quorum forms first).
 */
export function renderHeadlessService(ctx: RenderContext, pool: NodePool): KubeObject {
  const { model } = ctx;
  const listeners = [...(pool.roles.includes('broker') ? [...model.listeners.client, model.listeners.replication] : []), ...(pool.roles.includes('controller') ? [model.listeners.controller] : [])];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, ctx.names.headlessService(pool.name), clusterLabels(ctx, poolComponent(pool))),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: poolSelectorLabels(ctx.names, pool.name),
      ports: listeners.map((l) => ({ name: portName(l), port: l.port, targetPort: portName(l), protocol: 'TCP' })),
    },
  };
}

/**
 * In-cluster bootstrap: one ClusterIP Service in front of every broker, for the internal client listeners. External
 * listeners are left out: a client that bootstraps through them learns the external addresses (node IPs, load
 * balancer names), which in-cluster clients should not use, and their ports would only widen what the ClusterIP
 * exposes. No internal listener, no Service (a Service needs a port).
 */
export function renderBootstrapService(ctx: RenderContext): KubeObject | undefined {
  const internal = ctx.model.listeners.client.filter((l) => l.spec?.type === 'internal');
  if (internal.length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, ctx.names.bootstrapService, clusterLabels(ctx, 'bootstrap')),
    spec: {
      type: 'ClusterIP',
      selector: { ...nodeSelectorLabels(ctx.names), [BROKER_LABEL]: 'true' },
      ports: internal.map((l) => ({ name: portName(l), port: l.port, targetPort: portName(l), protocol: 'TCP' })),
    },
  };
}

/**
 * An external listener: a bootstrap Service for first contact, and one Service per broker whose address is exactly
 * what that broker advertises, so a client that learns the cluster's metadata can reach every broker.
 */
export function renderExternalServices(ctx: RenderContext, plan: ExternalListenerPlan): KubeObject[] {
  const { names } = ctx;
  const type = plan.type === 'nodeport' ? 'NodePort' : 'LoadBalancer';
  const port = plan.listener.port;
  const name = plan.listener.name;
  // The cloud's load balancer admits only these client networks (the NetworkPolicy cannot: behind a load balancer
  // the source address is often the node's, not the client's).
  const sourceRanges = plan.type === 'loadbalancer' ? plan.listener.configuration?.loadBalancerSourceRanges : undefined;
  const restrict = sourceRanges ? { loadBalancerSourceRanges: sourceRanges } : {};
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, names.externalBootstrapService(name), clusterLabels(ctx, 'external-bootstrap'), plan.bootstrap.annotations),
      spec: {
        type,
        selector: { ...nodeSelectorLabels(names), [BROKER_LABEL]: 'true' },
        ports: [{ name, port, targetPort: name, protocol: 'TCP', ...(plan.bootstrap.nodePort !== undefined ? { nodePort: plan.bootstrap.nodePort } : {}) }],
        ...restrict,
      },
    },
  ];
  for (const node of brokers(ctx.model.nodes).sort((a, b) => a.id - b.id)) {
    const broker = plan.brokers.get(node.id)!;
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, names.externalBrokerService(name, node.id), { ...clusterLabels(ctx, 'external-broker'), 'kafkaplane.io/node-id': String(node.id) }, broker.annotations),
      spec: {
        type,
        // Exactly this broker's pod (label set by the StatefulSet controller).
        selector: { ...nodeSelectorLabels(names), 'statefulset.kubernetes.io/pod-name': names.pod(node) },
        ports: [{ name, port, targetPort: name, protocol: 'TCP', ...(broker.nodePort !== undefined ? { nodePort: broker.nodePort } : {}) }],
        ...restrict,
      },
    });
  }
  return objects;
}
