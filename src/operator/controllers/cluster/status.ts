import type { KafkaClusterStatus } from '../../../api/status.ts';
import { metadataVersionName } from '../../../kafka/broker-configs.ts';
import { brokers } from '../../../model/nodes.ts';
import type { RenderContext } from '../../../render/objects.ts';
import type { ControllerContext } from '../../controller.ts';
import type { KafkaState } from './kafka-state.ts';
import { type RollState, poolNodeIds } from './roll-step.ts';

type Listeners = NonNullable<KafkaClusterStatus['listeners']>;

/**
 * Where clients bootstrap from, per listener: internal listeners through the bootstrap Service's DNS name; nodeport
 * listeners through the IP of a node that runs a broker and the bootstrap node port (what every broker advertises
 * too); loadbalancer listeners through their bootstrap Service's ingress, once the cloud gave it one.
 */
export async function listenerAddresses(ctx: ControllerContext, render: RenderContext, roll: RollState): Promise<Listeners> {
  const out: Listeners = [];
  const protocol = (name: string) => render.model.listeners.client.find((l) => l.spec?.name === name)?.securityProtocol ?? 'PLAINTEXT';
  for (const l of render.model.listeners.client) {
    if (l.spec?.type !== 'internal') continue;
    out.push({ name: l.spec.name, type: 'internal', bootstrapServers: `${render.names.bootstrapAddress}:${l.port}`, securityProtocol: l.securityProtocol });
  }
  const brokerPods = brokers(render.model.nodes).map((n) => roll.pods.get(render.names.pod(n)));
  const hostIP = brokerPods.find((p) => p?.hostIP)?.hostIP;
  for (const plan of render.external) {
    const name = plan.listener.name;
    if (plan.type === 'nodeport') {
      if (hostIP && plan.bootstrap.nodePort !== undefined) out.push({ name, type: 'nodeport', bootstrapServers: `${hostIP}:${plan.bootstrap.nodePort}`, securityProtocol: protocol(name) });
      continue;
    }
    const service = await ctx.client.get('Service', render.names.namespace, render.names.externalBootstrapService(name));
    const ingress = ((service?.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])[0];
    const host = ingress?.hostname ?? ingress?.ip;
    if (host) out.push({ name, type: 'loadbalancer', bootstrapServers: `${host}:${plan.listener.port}`, securityProtocol: protocol(name) });
  }
  return out;
}

/** The observed part of the status (conditions are added by the controller). */
export function observedStatus(render: RenderContext, kafka: KafkaState | undefined, roll: RollState, listeners: Listeners): Omit<KafkaClusterStatus, 'conditions' | 'observedGeneration'> {
  const desiredBrokers = brokers(render.model.nodes).length;
  const registered = kafka ? kafka.brokers.filter((id) => render.model.nodes.some((n) => n.id === id && n.broker)).length : undefined;
  return {
    ...(kafka ? { clusterId: kafka.clusterId } : {}),
    kafkaVersion: render.cluster.spec.version,
    ...(kafka?.metadataVersionLevel !== undefined ? { metadataVersion: metadataVersionName(kafka.metadataVersionLevel) } : {}),
    ...(registered !== undefined ? { brokers: registered, readyBrokers: `${registered}/${desiredBrokers}` } : {}),
    nodePools: poolNodeIds(render),
    listeners,
    ...(kafka
      ? {
          quorum: {
            mode: render.model.quorumMode,
            leaderId: kafka.quorum.leaderId,
            leaderEpoch: kafka.quorum.leaderEpoch,
            voters: kafka.quorum.voters.map((v) => v.id).sort((a, b) => a - b),
            observers: kafka.quorum.observers.map((v) => v.id).sort((a, b) => a - b),
          },
        }
      : {}),
    ...(roll.pending.length > 0 ? { roll: { pending: roll.pending, ...(roll.waiting ? { waiting: roll.waiting } : {}) } } : {}),
  };
}
