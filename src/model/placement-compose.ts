import type { SpecProblem } from '../errors.ts';
import { CONTROLLER_PORT, type KafkaCluster, type Listener, REPLICATION_PORT } from '../api/kafka-cluster.ts';
import type { KafkaListener } from './listeners.ts';
import { type ClusterNode, brokers, planNodes } from './nodes.ts';
import type { Endpoint, Placement } from './placement.ts';
import { INTERNAL_PASSWORD_TOKEN, KEYSTORE_PASSWORD_TOKEN, RACK_TOKEN, logDir, planExternalListeners } from './placement-kubernetes.ts';

/** A node's compose service and hostname: "<pool>-<ordinal>", e.g. dual-0, broker-2. */
export function composeService(node: Pick<ClusterNode, 'pool' | 'ordinal'>): string {
  return `${node.pool}-${node.ordinal}`;
}

export const COMPOSE_KEYSTORE = '/run/secrets/kafka-keystore';
export const COMPOSE_KEYSTORE_PASSWORD_FILE = '/run/secrets/kafka-keystore-password';
export const COMPOSE_INTERNAL_PASSWORD_FILE = '/run/secrets/kafka-internal-password';
/** docker compose has no zones: brokers are spread over this many simulated racks, like the local runtime. */
export const COMPOSE_RACKS = 3;

/** Published ports bind the docker host's loopback only: a compose cluster is for the machine it runs on. */
export const COMPOSE_HOST_IP = '127.0.0.1';

export interface ComposePlan {
  /**
   * The cluster as compose runs it: the spec, plus — when the first client listener is internal — a twin of it for
   * clients on the docker host (see composeHostListener).
   */
  cluster: KafkaCluster;
  placement: Placement;
  /** Host ports published per listener: listener name → node id → port on the docker host. */
  hostPorts: Map<string, Map<number, number>>;
  problems: SpecProblem[];
}

/**
 * The docker host's own listener (seed 000: `kcat -b localhost:9092` must work). A listener advertises one address
 * per broker, but containers reach a broker by its service name and the host reaches it as localhost:<published
 * port>, so one listener cannot serve both — the official image's compose examples use two (PLAINTEXT for other
 * containers, PLAINTEXT_HOST advertised as localhost). The first client listener keeps its name, port and service-name
 * address for containers; its twin "<name>_host", with the same security, listens on a port of its own inside the
 * container and is published on the docker host as the first listener's port + the broker's position in node-id
 * order (9092, 9093, …), advertised as localhost. An external first listener is already published; it needs no twin.
 */
export function composeHostListener(cluster: KafkaCluster): Listener | undefined {
  const first = cluster.spec.listeners[0];
  if (first === undefined || first.type !== 'internal') return undefined;
  const taken = new Set<number>([CONTROLLER_PORT, REPLICATION_PORT, ...cluster.spec.listeners.map((l) => l.port)]);
  let port = first.port + 10000 <= 65535 ? first.port + 10000 : first.port - 10000;
  while (taken.has(port)) port++;
  // Not a spec listener name (those have no "_"), so it cannot clash with one; Kafka upper-cases it to <NAME>_HOST.
  return { ...first, name: `${first.name}_host`, port, configuration: undefined };
}

/**
 * One docker host: every node a container on the compose network, reachable by its service name. Internal
 * listeners advertise that name (for other containers); the host listener above and nodeport and loadbalancer
 * listeners are published on the docker host's loopback and advertise localhost:<host port> — the first listener's
 * port + position for the host listener, the node port for nodeport listeners, the listener port + the broker's
 * position in node-id order for loadbalancer listeners (every broker needs its own host port).
 */
export function composePlan(declared: KafkaCluster): ComposePlan {
  const host = composeHostListener(declared);
  const cluster: KafkaCluster = host ? { ...declared, spec: { ...declared.spec, listeners: [...declared.spec.listeners, host] } } : declared;
  const { plans, problems } = planExternalListeners(declared, { requireHosts: false });
  const brokerNodes = brokers(planNodes(cluster)).sort((a, b) => a.id - b.id);
  const hostPorts = new Map<string, Map<number, number>>();
  const used = new Map<number, string>();
  const publish = (listener: string, shownAs: string, index: number, portOf: (position: number, node: ClusterNode) => number | undefined) => {
    const ports = new Map<number, number>();
    brokerNodes.forEach((node, position) => {
      const port = portOf(position, node);
      if (port === undefined) return; // already reported by planExternalListeners
      const what = `listener ${shownAs} broker ${node.id}`;
      const other = used.get(port);
      if (port > 65535) {
        problems.push({ path: `spec.listeners[${index}].port`, message: `docker compose would publish ${what} on host port ${port}, above 65535; lower the listener port` });
      } else if (other !== undefined) {
        problems.push({
          path: `spec.listeners[${index}].port`,
          message: `docker compose would publish ${what} and ${other} on the same host port ${port}; change the listener ports so their ranges (port … port + brokers − 1) do not overlap`,
        });
      } else used.set(port, what);
      ports.set(node.id, port);
    });
    hostPorts.set(listener, ports);
  };
  const first = declared.spec.listeners[0]!;
  if (host) publish(host.name, `${first.name} (for the docker host)`, 0, (position) => first.port + position);
  for (const plan of plans)
    publish(plan.listener.name, plan.listener.name, plan.index, (position, node) => (plan.type === 'nodeport' ? plan.brokers.get(node.id)?.nodePort : plan.listener.port + position));
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
    internalPassword: () => INTERNAL_PASSWORD_TOKEN,
  };
  return { cluster, placement, hostPorts, problems };
}
