import { usesSasl } from '../model/listeners.ts';
import { brokerProperties } from '../model/broker-properties.ts';
import { shortHash } from '../model/kubernetes-names.ts';
import { controllers } from '../model/nodes.ts';
import { CLUSTER_ID_TOKEN, directoryIdToken } from '../model/placement-kubernetes.ts';
import type { Placement, TlsMaterial } from '../model/placement.ts';
import { formatProperties, parseProperties } from '../model/properties-format.ts';
import { restartRelevant } from '../ops/config-change.ts';
import { type ClusterIdentity, formatArguments, quorumClientProperties, voters } from '../model/quorum.ts';
import type { ClusterModel } from '../model/broker-properties.ts';
import { ENTRYPOINT, ENTRYPOINT_FILE, QUORUM_CLIENT_FILE, RUN_DIR, formatArgsFile, nodePropertiesFile } from './entrypoint.ts';
import { PROBE_FILE, PROBE_SCRIPT } from './probes.ts';
import { logConfig } from './logging.ts';
import { type KubeObject, POOL_LABEL, type RenderContext, clusterLabels, meta } from './objects.ts';

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

/** The keystore and truststore a node uses on the internal listeners (spec.internalTls), for its own tools too. */
function internalStores(model: ClusterModel, placement: Placement): TlsMaterial | undefined {
  const node = model.nodes[0];
  if (!model.cluster.spec.internalTls || node === undefined) return undefined;
  return placement.internalTls?.(node) ?? placement.tls(node);
}

/**
 * Every node's files, keyed by file name: node-<id>.properties (the broker properties from the model — the one
 * function that decides them, shared with the local runtime) and node-<id>.format-args (kafka-storage.sh format
 * arguments, one per line, from the model's formatArguments), plus the entrypoint and the logging configuration.
 */
export function nodeFiles(model: ClusterModel, placement: Placement, clusterName: string): Record<string, string> {
  const log = logConfig(model.cluster.spec.version);
  const files: Record<string, string> = { [ENTRYPOINT_FILE]: ENTRYPOINT, [PROBE_FILE]: PROBE_SCRIPT, [log.file]: log.content };
  const secured = usesSasl(model.listeners.controller.securityProtocol);
  files[QUORUM_CLIENT_FILE] = formatProperties(
    quorumClientProperties(model.listeners.controller, secured ? placement.internalPassword() : undefined, internalStores(model, placement)),
    `Kafka's tools against the controllers, run by ${ENTRYPOINT_FILE} before Kafka starts (quorum mode and lost-disk checks).`,
  );
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

/** Every node's files (nodeFiles) in one object: what the pools' ConfigMaps are cut from. Not applied itself. */
export function renderConfigMap(ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ctx, ctx.names.configMap, clusterLabels(ctx, 'config')),
    data: nodeFiles(ctx.model, ctx.placement, ctx.names.cluster),
  };
}

/**
 * One pool's ConfigMap: the files its pods read (poolConfigFiles), named by the pool's config hash. A changed config
 * is a new object, never an update of the one running pods mount: a pod that restarts before its turn in a roll
 * (a crash, an eviction of a container) reads the config it was started with. The old ConfigMaps are left behind by
 * `kubectl apply`; who deletes them: docs/render.md ("Old ConfigMaps"). In operator mode the hash leaves out the
 * values of cluster-wide dynamic configs, so such a change updates the ConfigMap in place and restarts nothing.
 */
export function renderPoolConfigMap(ctx: RenderContext, all: KubeObject, pool: string, configHash: string): KubeObject {
  const data = all.data as Record<string, string>;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ctx, ctx.names.poolConfigMap(pool, configHash), { ...clusterLabels(ctx, 'config'), [POOL_LABEL]: pool }),
    data: Object.fromEntries(poolConfigFiles(ctx.model, pool).map((file) => [file, data[file]!])),
  };
}

/** The ConfigMap files the pods of one pool read: the entrypoint, the logging configuration and their own nodes' files. */
export function poolConfigFiles(model: ClusterModel, pool: string): string[] {
  const nodeIds = model.nodes.filter((n) => n.pool === pool).map((n) => n.id);
  return [ENTRYPOINT_FILE, PROBE_FILE, QUORUM_CLIENT_FILE, logConfig(model.cluster.spec.version).file, ...nodeIds.flatMap((id) => [nodePropertiesFile(id), formatArgsFile(id)])];
}

/**
 * Pods roll when what they read changes: the hash goes into the pool's pod template annotations. One hash per pool,
 * over only that pool's files (and the metrics rules its JVMs load), so adding brokers or changing one pool's
 * settings does not restart the pools whose files stayed the same — above all the controllers. A StatefulSet has one
 * pod template, so a change to any node file of a pool rolls the whole pool, one pod at a time (docs/render.md).
 */
export function poolConfigHash(ctx: RenderContext, configMap: KubeObject, pool: string, metricsConfigMap: KubeObject | undefined): string {
  const data = configMap.data as Record<string, string>;
  const operator = ctx.input.mode === 'operator';
  // With the operator, cluster-wide dynamic values are applied live (incrementalAlterConfigs): they do not restart.
  const content = (file: string) => (operator && /^node-\d+\.properties$/.test(file) ? JSON.stringify(restartRelevant(parseProperties(data[file] ?? ''))) : data[file]);
  const files = poolConfigFiles(ctx.model, pool).map((file) => [file, content(file)]);
  return shortHash(JSON.stringify({ files, metrics: metricsConfigMap?.data ?? null }), 16);
}

export function renderIdentitySecret(ctx: RenderContext): KubeObject {
  const data: Record<string, string> = { [CLUSTER_ID_KEY]: ctx.identity.clusterId };
  for (const [id, directoryId] of Object.entries(ctx.identity.directoryIds)) data[directoryIdKey(Number(id))] = directoryId;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(ctx, ctx.names.identitySecret, clusterLabels(ctx, 'identity'), {
      'kafkaplane.io/note': ctx.settings.identity?.clusterId
        ? 'cluster id from spec.kubernetes.identity; it must never change once the cluster has data'
        : `ids derived from a hash of ${ctx.names.namespace}/${ctx.names.cluster} (reproducible render); set spec.kubernetes.identity to choose them; they must never change once the cluster has data`,
    }),
    type: 'Opaque',
    stringData: data,
  };
}
