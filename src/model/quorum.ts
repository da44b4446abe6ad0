import { INTERNAL_USER, type KafkaListener, usesSasl, usesTls } from './listeners.ts';
import type { ClusterNode } from './nodes.ts';
import type { Endpoint, Placement, TlsMaterial } from './placement.ts';

/**
 * KIP-853 dynamic quorum (controller.quorum.bootstrap.servers; voters recorded in the metadata log so controllers
 * can be added and removed later) for Kafka 4.1+, where it is the documented default; static voters
 * (controller.quorum.voters) before that. https://cwiki.apache.org/confluence/display/KAFKA/KIP-853%3A+KRaft+Controller+Membership+Changes
 */
export type QuorumMode = 'dynamic' | 'static';

export function quorumMode(kafkaVersion: string): QuorumMode {
  const [major = 0, minor = 0] = kafkaVersion.split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 1) ? 'dynamic' : 'static';
}

/** What a running cluster's quorum is, as whoever applies the spec can see it (local state, live ConfigMap). */
export interface RunningQuorum {
  mode: QuorumMode;
  /**
   * The finalized kraft.version, when known. A static cluster whose kraft.version was upgraded to 1
   * (kafka-features.sh upgrade --feature kraft.version=1, Kafka ≥ 4.1) may switch its configuration to dynamic.
   */
  kraftVersion?: number | undefined;
}

/**
 * Why the spec's explicit quorum mode cannot be applied to a running cluster, or undefined when it can (no explicit
 * mode: the running mode is kept). Pure: the local runtime, render and the operator give the same answer.
 */
export function quorumModeConflict(wanted: QuorumMode | undefined, running: RunningQuorum): string | undefined {
  if (wanted === undefined || wanted === running.mode) return undefined;
  if (wanted === 'dynamic') {
    if ((running.kraftVersion ?? 0) >= 1) return undefined;
    return 'is dynamic, but the running cluster has a static quorum (controller.quorum.voters, kraft.version 0): controllers restarted with controller.quorum.bootstrap.servers on that metadata log come back as non-voters and the quorum is lost. Remove spec.quorum.mode (the cluster keeps its mode) or set it to static. To move to a dynamic quorum, first upgrade the metadata log on the running cluster (Kafka ≥ 4.1: kafka-features.sh --bootstrap-controller <controller>:9090 upgrade --feature kraft.version=1), then set dynamic (docs/render.md, "Quorum mode")';
  }
  return 'is static, but the running cluster has a dynamic quorum (kraft.version 1), which Kafka cannot downgrade. Remove spec.quorum.mode (the cluster keeps its mode) or set it to dynamic';
}

/** What a cluster must keep for its whole life: written once at creation, needed to format and to start. */
export interface ClusterIdentity {
  /** Kafka's cluster id: 16 random bytes, base64url without padding (StorageTool random-uuid). */
  clusterId: string;
  /** Metadata directory id of every controller (dynamic quorum), keyed by node id. */
  directoryIds: Record<string, string>;
}

export interface Voter {
  node: ClusterNode;
  endpoint: Endpoint;
}

export function voters(controllerNodes: readonly ClusterNode[], controller: KafkaListener, placement: Placement): Voter[] {
  return controllerNodes.map((node) => ({ node, endpoint: placement.internalEndpoint(node, controller) }));
}

export function quorumProperties(mode: QuorumMode, quorum: readonly Voter[]): Record<string, string> {
  if (mode === 'dynamic') {
    return { 'controller.quorum.bootstrap.servers': quorum.map((v) => `${v.endpoint.host}:${v.endpoint.port}`).join(',') };
  }
  return { 'controller.quorum.voters': quorum.map((v) => `${v.node.id}@${v.endpoint.host}:${v.endpoint.port}`).join(',') };
}

/**
 * Arguments for `kafka.tools.StorageTool` that format one node's storage. With a dynamic quorum every controller is
 * formatted with the same --initial-controllers list (id@host:port:directoryId), so the first election needs no
 * extra step; brokers need no quorum flag.
 */
export function formatArguments(options: { mode: QuorumMode; identity: ClusterIdentity; node: ClusterNode; quorum: readonly Voter[]; propertiesFile: string }): string[] {
  const args = ['format', '--cluster-id', options.identity.clusterId, '--config', options.propertiesFile];
  if (options.mode === 'dynamic' && options.node.controller) {
    const initial = options.quorum.map((v) => {
      const directoryId = options.identity.directoryIds[String(v.node.id)];
      if (directoryId === undefined) throw new Error(`no directory id for controller ${v.node.id}`);
      return `${v.node.id}@${v.endpoint.host}:${v.endpoint.port}:${directoryId}`;
    });
    args.push('--initial-controllers', initial.join(','));
  }
  return args;
}

/**
 * Admin client settings for Kafka's tools (kafka-features.sh, kafka-cluster.sh, kafka-metadata-quorum.sh with
 * --bootstrap-controller) run by a node against the other controllers before it starts: the controller listener's
 * security (SASL/PLAIN as the internal user on a secured cluster) and short timeouts, so an unreachable quorum is an
 * answer in seconds, not a minute.
 */
export function quorumClientProperties(controller: KafkaListener, internalPassword: string | undefined, tls?: TlsMaterial): Record<string, string> {
  const props: Record<string, string> = { 'security.protocol': controller.securityProtocol, 'request.timeout.ms': '3000', 'default.api.timeout.ms': '5000' };
  if (usesSasl(controller.securityProtocol)) {
    if (internalPassword === undefined) throw new Error('the controller listener authenticates, but there is no internal password');
    props['sasl.mechanism'] = 'PLAIN';
    props['sasl.jaas.config'] = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${INTERNAL_USER}" password="${internalPassword}";`;
  }
  if (usesTls(controller.securityProtocol)) {
    // spec.internalTls: the controllers require a client certificate; the node presents its own.
    if (tls?.truststoreLocation === undefined) throw new Error('the controller listener uses TLS, but there is no keystore and truststore');
    Object.assign(props, sslClientProperties(tls));
  }
  return props;
}

/** Client-side SSL settings of a Kafka client that presents the certificate in `tls` and trusts its truststore. */
export function sslClientProperties(tls: TlsMaterial): Record<string, string> {
  return {
    'ssl.keystore.location': tls.keystoreLocation,
    'ssl.keystore.password': tls.keystorePassword,
    'ssl.keystore.type': tls.keystoreType,
    'ssl.truststore.location': tls.truststoreLocation ?? tls.keystoreLocation,
    'ssl.truststore.password': tls.keystorePassword,
    'ssl.truststore.type': tls.keystoreType,
  };
}
