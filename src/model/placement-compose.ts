import type { SpecProblem } from '../errors.ts';
import type { KafkaCluster } from '../spec/kafka-cluster.ts';
import type { KafkaListener } from './listeners.ts';
import { type ClusterNode, brokers, planNodes } from './nodes.ts';
import type { Endpoint, Placement } from './placement.ts';
import { KEYSTORE_PASSWORD_TOKEN, RACK_TOKEN, logDir, planExternalListeners } from './placement-kubernetes.ts';

/** A node's compose service and hostname: "<pool>-<ordinal>", e.g. dual-0, broker-2. */
export function composeService(node: Pick<ClusterNode, 'pool' | 'ordinal'>): string {
  return `${node.pool}-${node.ordinal}`;
}

export const COMPOSE_KEYSTORE = '/run/secrets/kafka-keystore';
export const COMPOSE_KEYSTORE_PASSWORD_FILE = '/run/secrets/kafka-keystore-password';
/** docker compose has no zones: brokers are spread over this many simulated racks, like the local runtime. */
export const COMPOSE_RACKS = 3;

export interface ComposePlan {
  placement: Placement;
  /** Host ports published per external listener: listener name → node id → port on the docker host. */
  hostPorts: Map<string, Map<number, number>>;
  problems: SpecProblem[];
}

/**
 * One docker host: every node a container on the compose network, reachable by its service name. Internal
 * listeners advertise that name (for other containers); nodeport and loadbalancer listeners are published on the
 * docker host and advertise localhost:<host port> — the node port for nodeport listeners, the listener port + the
 * broker's position in node-id order for loadbalancer listeners (every broker needs its own host port).
 */
export function composePlan(cluster: KafkaCluster): ComposePlan {
  const { plans, problems } = planExternalListeners(cluster, { requireHosts: false });
  const brokerNodes = brokers(planNodes(cluster)).sort((a, b) => a.id - b.id);
  const hostPorts = new Map<string, Map<number, number>>();
  const used = new Map<number, string>();
  for (const plan of plans) {
    const ports = new Map<number, number>();
    brokerNodes.forEach((node, position) => {
      const port = plan.type === 'nodeport' ? plan.brokers.get(node.id)?.nodePort : plan.listener.port + position;
      if (port === undefined) return; // already reported by planExternalListeners
      const what = `listener ${plan.listener.name} broker ${node.id}`;
      const other = used.get(port);
      if (other !== undefined) {
        problems.push({ path: `spec.listeners[${plan.index}].port`, message: `docker compose would publish ${what} and ${other} on the same host port ${port}; change the listener ports so their ranges (port … port + brokers − 1) do not overlap` });
      } else used.set(port, what);
      ports.set(node.id, port);
    });
    hostPorts.set(plan.listener.name, ports);
  }
  const racks = new Map(brokerNodes.map((n, position) => [n.id, `rack-${position % COMPOSE_RACKS}`]));
  const internal = (node: ClusterNode, listener: KafkaListener): Endpoint => ({ host: composeService(node), port: listener.port });
  const placement: Placement = {
    kind: 'compose',
    bindHost: () => '',
    port: (_node, listener) => listener.port,
    internalEndpoint: internal,
    advertisedEndpoint: (node, listener) => {
      const port = listener.spec ? hostPorts.get(listener.spec.name)?.get(node.id) : undefined;
      return port === undefined ? internal(node, listener) : { host: 'localhost', port };
    },
    logDirs: (node) => [logDir(node)],
    rack: (node) => racks.get(node.id) ?? RACK_TOKEN,
    tls: () => ({ keystoreLocation: COMPOSE_KEYSTORE, keystorePassword: KEYSTORE_PASSWORD_TOKEN, keystoreType: 'PKCS12' }),
  };
  return { placement, hostPorts, problems };
}
