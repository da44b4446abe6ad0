import type { KafkaListener } from './listeners.ts';
import type { ClusterNode } from './nodes.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface TlsMaterial {
  keystoreLocation: string;
  keystorePassword: string;
  keystoreType: 'PKCS12';
  /** What a node trusts when it connects to another node over TLS (spec.internalTls); same password as the keystore. */
  truststoreLocation?: string;
}

/**
 * Where nodes live. The model turns a spec into broker properties for any placement; the local runtime and the
 * Kubernetes renderer differ only here (addresses, ports, directories), so one function decides every broker's
 * configuration.
 */
export interface Placement {
  kind: 'local' | 'kubernetes' | 'compose';
  /** Host a listener binds to; '' binds every interface. */
  bindHost(node: ClusterNode): string;
  /** Port a listener binds to on this node. */
  port(node: ClusterNode, listener: KafkaListener): number;
  /** Address other nodes use for this node's replication and controller listeners. */
  internalEndpoint(node: ClusterNode, listener: KafkaListener): Endpoint;
  /** Address clients are told to use for this node on a client listener (advertised.listeners). */
  advertisedEndpoint(node: ClusterNode, listener: KafkaListener): Endpoint;
  logDirs(node: ClusterNode): string[];
  /** broker.rack, when the spec asks for rack awareness. */
  rack(node: ClusterNode): string | undefined;
  /** Keystore for TLS listeners; undefined when the placement cannot provide one. */
  tls(node: ClusterNode): TlsMaterial | undefined;
  /** Keystore and truststore of the REPLICATION and CONTROLLER listeners (spec.internalTls) when not tls()'s. */
  internalTls?(node: ClusterNode): TlsMaterial | undefined;
  /**
   * The password of INTERNAL_USER on a secured cluster's own listeners: the value locally, a token the container
   * fills in from a Secret on Kubernetes; undefined when the placement has none.
   */
  internalPassword(): string | undefined;
}

export interface LocalPlacementOptions {
  /** First port of the plan; the listener in slot k (see KafkaListener.slot) of node i listens on portBase + 100·k + i. */
  portBase: number;
  /** Per-node data directory: `${dataDir(node)}` holds the log dirs. */
  dataDir: (node: ClusterNode) => string;
  /** How many simulated racks nodes are spread over when the spec enables rack awareness. */
  racks?: number;
  tls?: (node: ClusterNode) => TlsMaterial | undefined;
  /** The internal listeners' password (kept in the cluster's state directory). */
  internalPassword?: string;
}

export const LOCAL_HOST = '127.0.0.1';
/** Ports between listeners of the plan: room for 100 nodes. */
export const PORT_STRIDE = 100;

/**
 * One machine: every node on 127.0.0.1, each listener in its own block of ports (client listener 0 of a 3-node
 * cluster on 9092-9094, replication on 9192-9194, controllers on 9292-9294, a second client listener on 9392-9394).
 */
export function localPlacement(options: LocalPlacementOptions): Placement {
  const port = (node: ClusterNode, listener: KafkaListener) => options.portBase + PORT_STRIDE * listener.slot + node.index;
  return {
    kind: 'local',
    bindHost: () => LOCAL_HOST,
    port,
    internalEndpoint: (node, listener) => ({ host: LOCAL_HOST, port: port(node, listener) }),
    advertisedEndpoint: (node, listener) => ({ host: LOCAL_HOST, port: port(node, listener) }),
    logDirs: (node) => [`${options.dataDir(node)}`],
    rack: (node) => `rack-${node.index % (options.racks ?? 3)}`,
    tls: (node) => options.tls?.(node),
    internalPassword: () => options.internalPassword,
  };
}

/**
 * The JMX exporter agent's port of a local node (`up --monitoring`): a slot of its own after every listener's, so
 * adding or removing a client listener never moves it.
 */
export const METRICS_SLOT = 9;

export function localMetricsPort(portBase: number, node: ClusterNode): number {
  return portBase + PORT_STRIDE * METRICS_SLOT + node.index;
}

/** Every port a local cluster will bind, so `up` can check them all before starting anything. */
export function localPorts(placement: Placement, nodes: readonly ClusterNode[], listenersOf: (node: ClusterNode) => KafkaListener[]): { node: ClusterNode; listener: KafkaListener; port: number }[] {
  return nodes.flatMap((node) => listenersOf(node).map((listener) => ({ node, listener, port: placement.port(node, listener) })));
}

/**
 * Why a local port plan cannot work: more nodes than a block of PORT_STRIDE ports holds (their ports would overlap
 * the next listener's), or ports beyond 65535. Empty when it fits.
 */
export function localPortPlanProblems(
  model: { nodes: readonly ClusterNode[]; listeners: { client: readonly KafkaListener[]; replication: KafkaListener; controller: KafkaListener } },
  portBase: number,
  options: { monitoring?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const lastIndex = Math.max(...model.nodes.map((n) => n.index));
  if (lastIndex >= PORT_STRIDE) problems.push(`${model.nodes.length} nodes (port index up to ${lastIndex}) do not fit the local port plan, which gives each listener a block of ${PORT_STRIDE} ports`);
  const listeners = [...model.listeners.client, model.listeners.replication, model.listeners.controller];
  const highestSlot = Math.max(...listeners.map((l) => l.slot));
  const highest = portBase + PORT_STRIDE * highestSlot + lastIndex;
  if (highest > 65535) {
    const top = listeners.find((l) => l.slot === highestSlot)!;
    problems.push(`listener ${top.name} would need ports up to ${highest} with port base ${portBase} (the highest port is 65535)`);
  }
  if (highestSlot >= METRICS_SLOT)
    problems.push(`${listeners.length} listeners reach the port block of the metrics agents (slot ${METRICS_SLOT}); run at most ${METRICS_SLOT - 2} client listeners locally`);
  const metricsTop = portBase + PORT_STRIDE * METRICS_SLOT + lastIndex;
  if (options.monitoring && metricsTop > 65535) problems.push(`the metrics agents would need ports up to ${metricsTop} with port base ${portBase} (the highest port is 65535)`);
  return problems;
}
