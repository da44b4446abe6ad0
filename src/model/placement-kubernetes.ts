import type { KafkaCluster, Listener, NODE_ADDRESS_TYPES } from '../api/kafka-cluster.ts';
import type { SpecProblem } from '../errors.ts';
import type { KubernetesNames } from './kubernetes-names.ts';
import type { KafkaListener } from './listeners.ts';
import { type ClusterNode, brokers, planNodes } from './nodes.ts';
import type { Endpoint, Placement, TlsMaterial } from './placement.ts';

/**
 * Values only a running pod knows (its node's IP, its zone) or that live in Secrets (ids, passwords) appear in the
 * rendered broker properties as @KAFKAPLANE_<NAME>@ tokens. The pod's entrypoint replaces each token with the
 * environment variable KAFKAPLANE_<NAME> (downward API, secretKeyRef, or a file an init container wrote) before
 * Kafka reads the file, and refuses to start if one is left. Everything else is decided here, by the same function the local runtime uses.
 */
export function runtimeToken(name: string): string {
  return `@KAFKAPLANE_${name}@`;
}
export const HOST_IP_TOKEN = runtimeToken('HOST_IP');
/** The node's address of the listener's preferredNodePortAddressType, written by the node-address init container. */
export const NODE_ADDRESS_TOKEN = runtimeToken('NODE_ADDRESS');
export const RACK_TOKEN = runtimeToken('RACK');
export const CLUSTER_ID_TOKEN = runtimeToken('CLUSTER_ID');
export const KEYSTORE_PASSWORD_TOKEN = runtimeToken('TLS_KEYSTORE_PASSWORD');
/** The internal listeners' password (a secured cluster's REPLICATION and CONTROLLER), from a Secret. */
export const INTERNAL_PASSWORD_TOKEN = runtimeToken('INTERNAL_PASSWORD');
export function directoryIdToken(nodeId: number): string {
  return runtimeToken(`DIRECTORY_ID_${nodeId}`);
}

/** The official image declares /var/lib/kafka/data as a volume; each node keeps its log dir in a subdirectory (no lost+found in it). */
export const DATA_DIR = '/var/lib/kafka/data';
export const TLS_DIR = '/etc/kafkaplane/tls';
export const KEYSTORE_FILE = 'keystore.p12';
/**
 * spec.internalTls: the Secret cert-manager writes for the nodes (keystore.p12, truststore.p12, ca.crt), mounted here.
 * cert-manager encrypts the PKCS12 files with this literal password (Certificate keystores.pkcs12.password). It is not a
 * secret: the same Secret holds tls.key unencrypted, so access to the Secret is what protects the key.
 */
export const NODE_TLS_DIR = '/etc/kafkaplane/node-tls';
export const NODE_KEYSTORE_PASSWORD = 'kafkaplane-pkcs12';
export const TRUSTSTORE_FILE = 'truststore.p12';
/** kafkaplane's own client certificate (topics Job, exporter) for the internal listeners, mounted here. */
export const CLIENT_TLS_DIR = '/etc/kafkaplane/client-tls';

/** The PKCS12 files cert-manager writes into a Secret mounted at `dir`. */
export function certManagerStores(dir: string): TlsMaterial {
  return { keystoreLocation: `${dir}/${KEYSTORE_FILE}`, keystorePassword: NODE_KEYSTORE_PASSWORD, keystoreType: 'PKCS12', truststoreLocation: `${dir}/${TRUSTSTORE_FILE}` };
}

export function logDir(node: Pick<ClusterNode, 'id'>): string {
  return `${DATA_DIR}/kafka-log-${node.id}`;
}

/** How one broker is reached on one external listener. */
export interface ExternalBroker {
  nodeId: number;
  /**
   * The advertised host; undefined means an address of the Kubernetes node the pod runs on (nodeport only): the
   * plan's addressType from the node's status, or its IP as the pod sees it (status.hostIP).
   */
  host: string | undefined;
  /** The advertised port. */
  port: number;
  /** The Service's nodePort (nodeport listeners). */
  nodePort: number | undefined;
  annotations: Record<string, string>;
}

export interface ExternalListenerPlan {
  listener: Listener;
  /** Index in spec.listeners, for error paths. */
  index: number;
  type: 'nodeport' | 'loadbalancer';
  bootstrap: { nodePort: number | undefined; annotations: Record<string, string> };
  /** nodeport: the node address type brokers without a host advertise (undefined: status.hostIP). */
  addressType: (typeof NODE_ADDRESS_TYPES)[number] | undefined;
  /** Keyed by node id, one per broker. */
  brokers: Map<number, ExternalBroker>;
}

/**
 * The address of every broker on every nodeport / loadbalancer listener — one Service per broker, and the
 * advertised.listeners entry that points at it (seed 004's first troubleshooting item: advertised.listeners must be
 * an address the client can reach).
 *
 * - nodeport: advertised host = brokers[].advertisedHost, else advertisedHostTemplate, else the IP of the node the
 *   pod runs on (downward API status.hostIP); advertised port = brokers[].advertisedPort, else the broker's node
 *   port. A node port must be known when rendering (the pod cannot read its Service): brokers[].nodePort, or by
 *   default bootstrap.nodePort + 1 + the broker's position in node-id order.
 * - loadbalancer: a cloud assigns the address after the Service exists, which a pure render cannot know, so the
 *   spec must name it: brokers[].advertisedHost or advertisedHostTemplate (a DNS name you point at each broker's
 *   LoadBalancer); advertised port = brokers[].advertisedPort, else the listener port.
 *
 * `requireHosts: false` skips the loadbalancer host rule (docker compose publishes everything on localhost).
 */
export function planExternalListeners(cluster: KafkaCluster, options: { requireHosts: boolean } = { requireHosts: true }): { plans: ExternalListenerPlan[]; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const plans: ExternalListenerPlan[] = [];
  const brokerNodes = brokers(planNodes(cluster)).sort((a, b) => a.id - b.id);
  const usedNodePorts = new Map<number, string>();
  const claim = (port: number | undefined, what: string, path: string) => {
    if (port === undefined) return;
    const other = usedNodePorts.get(port);
    if (other !== undefined) problems.push({ path, message: `node port ${port} (${what}) is also used by ${other}; every node port must be unique in a Kubernetes cluster` });
    else usedNodePorts.set(port, what);
  };

  cluster.spec.listeners.forEach((listener, index) => {
    if (listener.type === 'internal') return;
    const base = `spec.listeners[${index}]`;
    const config = listener.configuration;
    const bootstrapNodePort = listener.type === 'nodeport' ? config?.bootstrap?.nodePort : undefined;
    claim(bootstrapNodePort, `listener ${listener.name} bootstrap`, `${base}.configuration.bootstrap.nodePort`);
    const template = config?.advertisedHostTemplate;
    const missingPort: number[] = [];
    const missingHost: number[] = [];
    const planned = new Map<number, ExternalBroker>();
    brokerNodes.forEach((node, position) => {
      const override = config?.brokers?.find((b) => b.broker === node.id);
      let nodePort: number | undefined;
      if (listener.type === 'nodeport') {
        nodePort = override?.nodePort ?? (bootstrapNodePort === undefined ? undefined : bootstrapNodePort + 1 + position);
        if (nodePort === undefined) missingPort.push(node.id);
        else if (nodePort > 32767) {
          problems.push({
            path: `${base}.configuration.bootstrap.nodePort`,
            message: `broker ${node.id} would get node port ${nodePort} (bootstrap.nodePort + ${1 + position}), above the node port range (30000-32767); lower bootstrap.nodePort or set configuration.brokers[].nodePort`,
          });
        } else claim(nodePort, `listener ${listener.name} broker ${node.id}`, override?.nodePort !== undefined ? `${base}.configuration.brokers` : `${base}.configuration.bootstrap.nodePort`);
      }
      const host = override?.advertisedHost ?? template?.replaceAll('{nodeId}', String(node.id));
      if (host === undefined && listener.type === 'loadbalancer' && options.requireHosts) missingHost.push(node.id);
      planned.set(node.id, {
        nodeId: node.id,
        host,
        port: override?.advertisedPort ?? (listener.type === 'nodeport' ? (nodePort ?? 0) : listener.port),
        nodePort,
        annotations: override?.annotations ?? {},
      });
    });
    if (missingPort.length > 0) {
      problems.push({
        path: `${base}.configuration`,
        message: `nodeport listener "${listener.name}" needs a node port for broker${missingPort.length > 1 ? 's' : ''} ${missingPort.join(', ')}: clients are told each broker's port in advertised.listeners, so it must be known when rendering. Set configuration.bootstrap.nodePort (brokers then get the next ports in node-id order) or configuration.brokers[{broker, nodePort}]`,
      });
    }
    if (missingHost.length > 0) {
      problems.push({
        path: `${base}.configuration.advertisedHostTemplate`,
        message: `loadbalancer listener "${listener.name}" needs the address clients use for broker${missingHost.length > 1 ? 's' : ''} ${missingHost.join(', ')}: the cloud assigns LoadBalancer addresses after the Services exist, so render cannot know them. Set advertisedHostTemplate (e.g. "kafka-{nodeId}.example.com", a DNS name pointed at each broker's LoadBalancer) or configuration.brokers[].advertisedHost`,
      });
    }
    const addressType = config?.preferredNodePortAddressType;
    if (addressType !== undefined && listener.type !== 'nodeport') {
      problems.push({
        path: `${base}.configuration.preferredNodePortAddressType`,
        message: `only nodeport listeners advertise a Kubernetes node's address; "${listener.name}" is a ${listener.type} listener: remove preferredNodePortAddressType, or use advertisedHostTemplate / brokers[].advertisedHost`,
      });
    }
    const other = plans.find((p) => p.addressType !== undefined && p.addressType !== addressType);
    if (addressType !== undefined && other) {
      problems.push({
        path: `${base}.configuration.preferredNodePortAddressType`,
        message: `each pod learns one address of its node: listener "${listener.name}" asks for ${addressType}, listener "${other.listener.name}" for ${other.addressType}; use one type, or advertisedHostTemplate for the other listener`,
      });
    }
    plans.push({
      listener,
      index,
      type: listener.type,
      addressType: listener.type === 'nodeport' ? addressType : undefined,
      bootstrap: { nodePort: bootstrapNodePort, annotations: config?.bootstrap?.annotations ?? {} },
      brokers: planned,
    });
  });
  return { plans, problems };
}

/**
 * Where nodes live on Kubernetes: one pod per node, listeners on their spec ports on every interface, other nodes and
 * internal clients reach a pod by its stable DNS name (headless Service), external clients by the plan above.
 */
/**
 * `clientTlsFromNodeCertificate`: spec.internalTls without kubernetes.tls.secretName — the client TLS listeners serve
 * the cert-manager node certificate too (its SANs carry the bootstrap and external names), so no other Secret is needed.
 */
export function clientTlsFromNodeCertificate(cluster: KafkaCluster, settings: { tls: { secretName?: string | undefined } }): boolean {
  return cluster.spec.internalTls && settings.tls.secretName === undefined;
}

export function kubernetesPlacement(names: KubernetesNames, external: readonly ExternalListenerPlan[], options: { clientTlsFromNodeCertificate?: boolean } = {}): Placement {
  const internal = (node: ClusterNode, listener: KafkaListener): Endpoint => ({ host: names.podAddress(node), port: listener.port });
  return {
    kind: 'kubernetes',
    bindHost: () => '',
    port: (_node, listener) => listener.port,
    internalEndpoint: internal,
    advertisedEndpoint: (node, listener) => {
      const plan = external.find((p) => p.listener.name === listener.spec?.name);
      const broker = plan?.brokers.get(node.id);
      if (!broker) return internal(node, listener);
      return { host: broker.host ?? (plan!.addressType ? NODE_ADDRESS_TOKEN : HOST_IP_TOKEN), port: broker.port };
    },
    logDirs: (node) => [logDir(node)],
    // The zone label of the Kubernetes node, which only the running pod can learn (see render/rack.ts).
    rack: () => RACK_TOKEN,
    tls: () =>
      options.clientTlsFromNodeCertificate ? certManagerStores(NODE_TLS_DIR) : { keystoreLocation: `${TLS_DIR}/${KEYSTORE_FILE}`, keystorePassword: KEYSTORE_PASSWORD_TOKEN, keystoreType: 'PKCS12' },
    internalTls: () => certManagerStores(NODE_TLS_DIR),
    internalPassword: () => INTERNAL_PASSWORD_TOKEN,
  };
}
