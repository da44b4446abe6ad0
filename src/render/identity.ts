import { createHash } from 'node:crypto';
import type { ClusterModel } from '../model/broker-properties.ts';
import { controllers } from '../model/nodes.ts';
import type { ClusterIdentity } from '../model/quorum.ts';
import type { KubernetesSpec } from '../api/kubernetes.ts';

/**
 * A Kafka Uuid (16 bytes, base64url without padding, as StorageTool random-uuid prints it) derived from `seed` with
 * SHA-256, so rendering the same spec twice gives the same ids — render is pure and must be reproducible. Like
 * StorageTool, ids whose text starts with "-" and Kafka's reserved all-zero / one values are skipped.
 */
export function derivedKafkaUuid(seed: string): string {
  for (let attempt = 0; ; attempt++) {
    const bytes = createHash('sha256')
      .update(attempt === 0 ? seed : `${seed}#${attempt}`)
      .digest()
      .subarray(0, 16);
    const text = bytes.toString('base64url');
    const reserved = bytes.every((b, i) => b === 0 || (i === 15 && b === 1));
    if (!text.startsWith('-') && !reserved) return text;
  }
}

/**
 * The cluster id and the controllers' directory ids (KIP-853 dynamic quorum). Unless spec.kubernetes.identity sets
 * them, they are derived from "<namespace>/<name>": the same cluster always renders the same ids, and two clusters
 * differ. They are not secrets (anyone with the spec can derive them); what matters is that they never change for a
 * cluster with data, which determinism guarantees as long as namespace and name stay the same.
 */
export function clusterIdentity(model: ClusterModel, settings: KubernetesSpec, namespace: string): ClusterIdentity {
  const key = `${namespace}/${model.cluster.metadata.name}`;
  const clusterId = settings.identity?.clusterId ?? derivedKafkaUuid(`kafkaplane cluster id ${key}`);
  const directoryIds: Record<string, string> = {};
  if (model.quorumMode === 'dynamic') {
    for (const node of controllers(model.nodes)) {
      directoryIds[String(node.id)] = settings.identity?.directoryIds?.[String(node.id)] ?? derivedKafkaUuid(`kafkaplane directory id ${key} node ${node.id}`);
    }
  }
  return { clusterId, directoryIds };
}
