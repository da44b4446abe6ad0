import { heapSize, jvmOptions } from '../model/jvm.ts';
import { type KafkaListener, usesSasl } from '../model/listeners.ts';
import { nodeListeners } from '../model/broker-properties.ts';
import { DATA_DIR, TLS_DIR, KEYSTORE_FILE, NODE_TLS_DIR, clientTlsFromNodeCertificate } from '../model/placement-kubernetes.ts';
import { type NodePool, nodeIdRanges } from '../api/kafka-cluster.ts';
import { CLUSTER_ID_KEY, directoryIdKey } from './cluster-config.ts';
import { CONFIG_DIR, ENTRYPOINT_FILE, RUN_DIR } from './entrypoint.ts';
import { KAFKA_SERVER_EXTRA_ARGS, LOGS_SIZE_LIMIT, logConfig } from './logging.ts';
import { AGENT_DIR, METRICS_DIR, METRICS_PORT_NAME, metricsJavaagent, jmxDownloadContainer } from './monitoring.ts';
import { NODE_ADDRESS_FILE, nodeAddressInitContainer, nodeAddressType } from './node-address.ts';
import { RACK_FILE, rackInitContainer, rackTokenVolume } from './rack.ts';
import { poolResources } from './resources.ts';
import { kafkaProbes } from './probes.ts';
import { poolTemplate } from './pod-template.ts';
import {
  BROKER_LABEL,
  CONTAINER_SECURITY_CONTEXT,
  CONTROLLER_LABEL,
  KAFKA_UID,
  type KubeObject,
  POOL_LABEL,
  type RenderContext,
  claimTemplateLabels,
  clusterLabels,
  meta,
  overrideFields,
  podSecurityContext,
  poolSelectorLabels,
} from './objects.ts';

/** app.kubernetes.io/component of a pool's pods: broker, controller or broker-controller. */
export function poolComponent(pool: NodePool): string {
  return [...(pool.roles.includes('broker') ? ['broker'] : []), ...(pool.roles.includes('controller') ? ['controller'] : [])].join('-');
}

export function poolLabels(ctx: RenderContext, pool: NodePool): Record<string, string> {
  return {
    ...clusterLabels(ctx, poolComponent(pool)),
    [POOL_LABEL]: pool.name,
    ...(pool.roles.includes('broker') ? { [BROKER_LABEL]: 'true' } : {}),
    ...(pool.roles.includes('controller') ? { [CONTROLLER_LABEL]: 'true' } : {}),
  };
}

/** Kubernetes' port name for a listener (an IANA service name: at most 15 characters). */
export function portName(listener: KafkaListener): string {
  return listener.spec?.name ?? listener.name.toLowerCase();
}

function poolListeners(ctx: RenderContext, pool: NodePool): KafkaListener[] {
  const node = ctx.model.nodes.find((n) => n.pool === pool.name);
  if (node) return nodeListeners(ctx.model, node);
  // A pool scaled to 0 still gets a complete StatefulSet.
  const broker = pool.roles.includes('broker');
  return [...(broker ? [...ctx.model.listeners.client, ctx.model.listeners.replication] : []), ...(pool.roles.includes('controller') ? [ctx.model.listeners.controller] : [])];
}

function env(ctx: RenderContext, pool: NodePool, offset: number): Record<string, unknown>[] {
  const { settings, names, model } = ctx;
  const broker = pool.roles.includes('broker');
  const controller = pool.roles.includes('controller');
  const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name: names.identitySecret, key } } });
  const vars: Record<string, unknown>[] = [
    { name: 'KAFKAPLANE_NODE_ID_OFFSET', value: String(offset) },
    { name: 'KAFKAPLANE_CLUSTER_ID', ...secretRef(CLUSTER_ID_KEY) },
  ];
  if (controller && model.quorumMode === 'dynamic') {
    for (const id of Object.keys(ctx.identity.directoryIds)) vars.push({ name: `KAFKAPLANE_DIRECTORY_ID_${id}`, ...secretRef(directoryIdKey(Number(id))) });
  }
  if (broker && nodeAddressType(ctx)) {
    // nodeport listeners with preferredNodePortAddressType: the node's address, written by the node-address init container.
    vars.push({ name: 'KAFKAPLANE_NODE_ADDRESS_FILE', value: NODE_ADDRESS_FILE });
  }
  if (broker && ctx.external.some((plan) => plan.addressType === undefined && [...plan.brokers.values()].some((b) => b.host === undefined))) {
    // nodeport listeners without an explicit host advertise the IP of the node the pod runs on.
    vars.push({ name: 'KAFKAPLANE_HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  }
  if (broker && ctx.cluster.spec.rack) {
    // broker.rack = the zone of the Kubernetes node, written by the rack init container (render/rack.ts).
    vars.push({ name: 'KAFKAPLANE_RACK_FILE', value: RACK_FILE });
  }
  if (usesSasl(model.listeners.replication.securityProtocol)) {
    // The internal listeners' SASL/PLAIN password (model/broker-properties.ts internalSasl).
    vars.push({ name: 'KAFKAPLANE_INTERNAL_PASSWORD', valueFrom: { secretKeyRef: { name: names.internalPassword.name, key: names.internalPassword.key } } });
  }
  if (broker && model.listeners.client.some((l) => l.spec?.tls) && !clientTlsFromNodeCertificate(ctx.cluster, settings)) {
    const ref = settings.tls.passwordSecret ?? { name: names.tlsPasswordSecret, key: 'password' };
    vars.push({ name: 'KAFKAPLANE_TLS_KEYSTORE_PASSWORD', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
  }
  // kafka-run-class.sh reads these: heap, then Kafka's own GC flags and the pool's options (model/jvm.ts).
  const options = jvmOptions(pool, 'kubernetes');
  const heap = heapSize(pool, 'kubernetes');
  vars.push({ name: 'KAFKA_HEAP_OPTS', value: `-Xms${heap} -Xmx${heap}` });
  vars.push({ name: 'KAFKA_JVM_PERFORMANCE_OPTS', value: options.filter((o) => !o.startsWith('-Xms') && !o.startsWith('-Xmx')).join(' ') });
  // Logs to stdout only, no GC log file (render/logging.ts).
  vars.push({ name: 'KAFKA_LOG4J_OPTS', value: logConfig(ctx.cluster.spec.version).log4jOpts });
  vars.push({ name: 'EXTRA_ARGS', value: KAFKA_SERVER_EXTRA_ARGS });
  if (settings.monitoring.enabled) vars.push({ name: 'KAFKA_OPTS', value: metricsJavaagent(settings) });
  return vars;
}

function affinity(ctx: RenderContext, pool: NodePool): Record<string, unknown> {
  const term = { labelSelector: { matchLabels: poolSelectorLabels(ctx.names, pool.name) }, topologyKey: 'kubernetes.io/hostname' };
  // Seed 004: one Kafka node per Kubernetes node, so losing a machine loses one replica.
  return ctx.settings.pod.spread === 'required'
    ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
    : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
}

/**
 * A pod counts as available only this long after it became ready (the PodDisruptionBudget counts available pods): a
 * drain does not take the next node while a restarted broker's followers may still be catching up. Rolls do not rely
 * on it: they wait for the ISR itself (src/ops/roll.ts).
 */
export const MIN_READY_SECONDS = 30;

/** With spec.rack, a pool's pods spread evenly over the zones (the topology key), so losing a zone loses few replicas. */
export function zoneSpread(ctx: RenderContext, pool: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway'): Record<string, unknown> {
  return { maxSkew: 1, topologyKey: ctx.cluster.spec.rack!.topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: poolSelectorLabels(ctx.names, pool) } };
}

export function renderStatefulSet(ctx: RenderContext, pool: NodePool, configHash: string, configMapName: string): KubeObject {
  const { names, settings, cluster } = ctx;
  const poolIndex = cluster.spec.nodePools.indexOf(pool);
  const offset = nodeIdRanges(cluster.spec.nodePools)[poolIndex]!.start;
  const labels = poolLabels(ctx, pool);
  const broker = pool.roles.includes('broker');
  const listeners = poolListeners(ctx, pool);
  const tls = broker && ctx.model.listeners.client.some((l) => l.spec?.tls) && !clientTlsFromNodeCertificate(cluster, settings);
  const internalTls = cluster.spec.internalTls;
  const monitoring = settings.monitoring.enabled;
  const download = monitoring && settings.monitoring.jmxExporter.agentPath === undefined;
  const persistent = pool.storage.type === 'persistent-claim';
  const rack = broker && cluster.spec.rack !== undefined;
  const addressType = broker ? nodeAddressType(ctx) : undefined;
  const template = poolTemplate(cluster, pool);
  const initContainers = [
    ...(rack ? [rackInitContainer(ctx)] : []),
    ...(addressType ? [nodeAddressInitContainer(ctx, addressType)] : []),
    ...(download ? [jmxDownloadContainer(settings)] : []),
    ...(template.pod?.initContainers ?? []),
  ];

  const volumeMounts: Record<string, unknown>[] = [
    { name: 'data', mountPath: DATA_DIR },
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'run', mountPath: RUN_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'logs', mountPath: '/opt/kafka/logs' },
    ...(tls ? [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }] : []),
    ...(internalTls ? [{ name: 'node-tls', mountPath: NODE_TLS_DIR, readOnly: true }] : []),
    ...(monitoring ? [{ name: 'metrics-config', mountPath: METRICS_DIR, readOnly: true }] : []),
    ...(download ? [{ name: 'jmx-exporter', mountPath: AGENT_DIR, readOnly: true }] : []),
    ...(template.kafkaContainer?.volumeMounts ?? []),
  ];
  const volumes: Record<string, unknown>[] = [
    ...(persistent ? [] : [{ name: 'data', emptyDir: { sizeLimit: pool.storage.size } }]),
    { name: 'config', configMap: { name: configMapName } },
    { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    { name: 'tmp', emptyDir: {} },
    { name: 'logs', emptyDir: { sizeLimit: LOGS_SIZE_LIMIT } },
    ...(rack || addressType ? [rackTokenVolume()] : []),
    ...(tls ? [{ name: 'tls', secret: { secretName: names.tlsSecret, items: [{ key: settings.tls.keystoreKey, path: KEYSTORE_FILE }] } }] : []),
    // spec.internalTls: keystore.p12 and truststore.p12 that cert-manager writes (render/cert-manager.ts).
    ...(internalTls ? [{ name: 'node-tls', secret: { secretName: names.certManager.nodeSecret } }] : []),
    ...(monitoring ? [{ name: 'metrics-config', configMap: { name: names.metricsConfigMap } }] : []),
    ...(download ? [{ name: 'jmx-exporter', emptyDir: {} }] : []),
    ...(template.pod?.volumes ?? []),
  ];
  const container: Record<string, unknown> = {
    name: 'kafka',
    image: ctx.image,
    imagePullPolicy: settings.imagePullPolicy,
    // The image's own launcher (KIP-975) builds server.properties from KAFKA_* variables and formats storage on every
    // start; kafkaplane's entrypoint uses the model's properties instead (docs/render.md).
    command: ['/bin/sh', `${CONFIG_DIR}/${ENTRYPOINT_FILE}`],
    env: [...env(ctx, pool, offset), ...(template.kafkaContainer?.env ?? [])],
    ports: [
      ...listeners.map((l) => ({ name: portName(l), containerPort: l.port, protocol: 'TCP' })),
      ...(monitoring ? [{ name: METRICS_PORT_NAME, containerPort: settings.monitoring.port, protocol: 'TCP' }] : []),
    ],
    resources: poolResources(pool),
    securityContext: overrideFields(CONTAINER_SECURITY_CONTEXT, template.kafkaContainer?.securityContext),
    ...kafkaProbes(ctx, pool, template),
    volumeMounts,
  };

  const priorityClassName = template.pod?.priorityClassName ?? settings.pod.priorityClassName;
  const nodeSelector = template.pod?.nodeSelector ?? settings.pod.nodeSelector;
  const tolerations = template.pod?.tolerations ?? settings.pod.tolerations;
  const spread = template.pod?.topologySpreadConstraints ?? (cluster.spec.rack ? [zoneSpread(ctx, pool.name, settings.pod.spread === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway')] : undefined);
  const podSpec: Record<string, unknown> = {
    serviceAccountName: names.serviceAccount,
    // Kafka never talks to the Kubernetes API (with spec.rack, only the rack init container gets a token).
    automountServiceAccountToken: false,
    // Service links inject KAFKA_PORT-style variables that the image would turn into bogus properties (reference §2).
    enableServiceLinks: false,
    terminationGracePeriodSeconds: settings.pod.terminationGracePeriodSeconds,
    securityContext: overrideFields(podSecurityContext(KAFKA_UID), template.pod?.securityContext),
    ...(settings.imagePullSecrets.length > 0 ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...(priorityClassName ? { priorityClassName } : {}),
    ...(nodeSelector ? { nodeSelector } : {}),
    ...(tolerations ? { tolerations } : {}),
    // A template's nodeAffinity, podAffinity or podAntiAffinity replaces that part of kafkaplane's (src/api/pod-template.ts).
    affinity: { ...affinity(ctx, pool), ...template.pod?.affinity },
    ...(spread ? { topologySpreadConstraints: spread } : {}),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: [container, ...(template.pod?.containers ?? [])],
    volumes,
  };

  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(ctx, names.statefulSet(pool.name), labels),
    spec: {
      serviceName: names.headlessService(pool.name),
      replicas: pool.replicas,
      // All pods start together: a KRaft quorum needs a majority of controllers up before any of them is ready, so
      // OrderedReady would wait forever for pod 0.
      podManagementPolicy: 'Parallel',
      // Pods are restarted one at a time across ALL pools, only when Kafka allows (src/ops/roll.ts), by the operator
      // or `kafkaplane restart --kubernetes` — not by each pool's StatefulSet controller on its own, which would take a
      // broker and a controller (or two zones) down together. OnDelete: a changed template waits for that roll.
      updateStrategy: { type: 'OnDelete' },
      minReadySeconds: MIN_READY_SECONDS,
      selector: { matchLabels: poolSelectorLabels(names, pool.name) },
      ...(persistent ? { persistentVolumeClaimRetentionPolicy: { whenDeleted: pool.storage.deleteClaim ? 'Delete' : 'Retain', whenScaled: 'Retain' } } : {}),
      template: {
        metadata: {
          labels: { ...(settings.pod.labels ?? {}), ...(template.pod?.metadata?.labels ?? {}), ...labels },
          annotations: { ...(settings.pod.annotations ?? {}), ...(template.pod?.metadata?.annotations ?? {}), 'kafkaplane.io/config-hash': configHash },
        },
        spec: podSpec,
      },
      ...(persistent
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: 'data', labels: claimTemplateLabels(names, pool.name) },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  ...(pool.storage.class ? { storageClassName: pool.storage.class } : {}),
                  resources: { requests: { storage: pool.storage.size } },
                },
              },
            ],
          }
        : {}),
    },
  };
}
