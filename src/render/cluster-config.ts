import { brokerProperties } from '../model/broker-properties.ts';
import { shortHash } from '../model/kubernetes-names.ts';
import { controllers } from '../model/nodes.ts';
import { CLUSTER_ID_TOKEN, directoryIdToken } from '../model/placement-kubernetes.ts';
import type { Placement } from '../model/placement.ts';
import { formatProperties } from '../model/properties-format.ts';
import { type ClusterIdentity, formatArguments, voters } from '../model/quorum.ts';
import type { ClusterModel } from '../model/broker-properties.ts';
import { ENTRYPOINT, ENTRYPOINT_FILE, RUN_DIR, formatArgsFile, nodePropertiesFile } from './entrypoint.ts';
import { type KubeObject, type RenderContext, clusterLabels, meta } from './objects.ts';

export const CLUSTER_ID_KEY = 'cluster-id';
export function directoryIdKey(nodeId: number): string {
  return `directory-id-${nodeId}`;
}

/** The identity as the pods see it: tokens their entrypoint replaces with the values from the identity Secret. */
export function tokenIdentity(model: ClusterModel): ClusterIdentity {
  const directoryIds: Record<string, string> = {};
  if (model.quorumMode === 'dynamic') for (const n of controllers(model.nodes)) directoryIds[String(n.id)] = directoryIdToken(n.id);
  return { clusterId: CLUSTER_ID_TOKEN, directoryIds };
}

/**
 * Every node's files, keyed by file name: node-<id>.properties (the broker properties from the model — the one
 * function that decides them, shared with the local runtime) and node-<id>.format-args (kafka-storage.sh format
 * arguments, one per line, from the model's formatArguments), plus the entrypoint.
 */
export function nodeFiles(model: ClusterModel, placement: Placement, clusterName: string): Record<string, string> {
  const files: Record<string, string> = { [ENTRYPOINT_FILE]: ENTRYPOINT };
  const quorum = voters(controllers(model.nodes), model.listeners.controller, placement);
  const identity = tokenIdentity(model);
  for (const node of model.nodes) {
    const props = brokerProperties(model, node, placement);
    files[nodePropertiesFile(node.id)] = formatProperties(
      props,
      `node ${node.id} (pool ${node.pool}) of cluster ${clusterName}, rendered by kafkaplane from the spec.\n@KAFKAPLANE_<NAME>@ tokens are filled in from the environment by ${ENTRYPOINT_FILE} when the container starts.`,
    );
    const args = formatArguments({ mode: model.quorumMode, identity, node, quorum, propertiesFile: `${RUN_DIR}/server.properties` });
    files[formatArgsFile(node.id)] = `${args.join('\n')}\n`;
  }
  return files;
}

export function renderConfigMap(ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ctx, ctx.names.configMap, clusterLabels(ctx.names, 'config')),
    data: nodeFiles(ctx.model, ctx.placement, ctx.names.cluster),
  };
}

/** Pods roll when their configuration changes: the hash goes into the pod template's annotations. */
export function configHash(configMap: KubeObject): string {
  return shortHash(JSON.stringify(configMap.data), 16);
}

export function renderIdentitySecret(ctx: RenderContext): KubeObject {
  const data: Record<string, string> = { [CLUSTER_ID_KEY]: ctx.identity.clusterId };
  for (const [id, directoryId] of Object.entries(ctx.identity.directoryIds)) data[directoryIdKey(Number(id))] = directoryId;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(ctx, ctx.names.identitySecret, clusterLabels(ctx.names, 'identity'), {
      'kafkaplane.io/note': ctx.settings.identity?.clusterId
        ? 'cluster id from spec.kubernetes.identity; it must never change once the cluster has data'
        : `ids derived from a hash of ${ctx.names.namespace}/${ctx.names.cluster} (reproducible render); set spec.kubernetes.identity to choose them; they must never change once the cluster has data`,
    }),
    type: 'Opaque',
    stringData: data,
  };
}
