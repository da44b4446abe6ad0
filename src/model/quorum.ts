import type { KafkaListener } from './listeners.ts';
import type { ClusterNode } from './nodes.ts';
import type { Endpoint, Placement } from './placement.ts';

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
