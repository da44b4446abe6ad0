import type { ClusterModel } from '../model/broker-properties.ts';
import type { KubernetesNames } from '../model/kubernetes-names.ts';
import type { ExternalListenerPlan } from '../model/placement-kubernetes.ts';
import type { Placement } from '../model/placement.ts';
import type { ClusterIdentity, RunningQuorum } from '../model/quorum.ts';
import type { KafkaCluster } from '../api/kafka-cluster.ts';
import type { KafkaTopic } from '../api/kafka-topic.ts';
import type { KafkaUser } from '../api/kafka-user.ts';
import type { KubernetesSpec } from '../api/kubernetes.ts';
import { CLUSTER_LABEL } from '../api/common.ts';

/** A Kubernetes object as plain data (what `kubectl apply -f` reads). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The spec a cluster was last rendered (and applied) from: `kafkaplane render --previous <file>`. */
export interface PreviousSpec {
  cluster: KafkaCluster;
  topics: readonly KafkaTopic[];
  users: readonly KafkaUser[];
}

/** What to render: one cluster and the topics and users that belong to it. */
export interface RenderInput {
  cluster: KafkaCluster;
  topics: readonly KafkaTopic[];
  users: readonly KafkaUser[];
  /** Overrides metadata.namespace (default "default"). */
  namespace?: string;
  /** The spec's file name, for error messages. */
  source?: string;
  /**
   * Who applies the objects. `kubectl` (the default): the StatefulSet controller rolls the pods when their config
   * hash changes. `operator`: the operator decides restarts (updateStrategy OnDelete, src/operator/controllers/cluster/
   * DESIGN.md) and applies cluster-wide dynamic broker configs without one, so they stay out of the config hash.
   */
  mode?: 'kubectl' | 'operator';
  /**
   * The quorum of the cluster as it runs, when the caller can see it (the operator reads it from the live ConfigMap).
   * Kept when the spec sets no spec.quorum.mode; an explicit mode that would flip it is refused. Without it (a plain
   * `kafkaplane render`), an unset mode defaults by version and the pods refuse to start in the other mode.
   */
  running?: RunningQuorum | undefined;
  /** The spec the running cluster was rendered from (`render --previous`): what a change cannot do is warned about. */
  previous?: PreviousSpec;
  /** The Strimzi release the strimzi format targets (src/render/strimzi-releases.ts; default DEFAULT_STRIMZI_VERSION). */
  strimziVersion?: string;
}

/** Everything the Kubernetes renderers share, computed once from the input. */
export interface RenderContext {
  input: RenderInput;
  cluster: KafkaCluster;
  model: ClusterModel;
  settings: KubernetesSpec;
  names: KubernetesNames;
  external: ExternalListenerPlan[];
  placement: Placement;
  identity: ClusterIdentity;
  image: string;
}

/** The uid and gid of "appuser" in the official apache/kafka image (docker/jvm/Dockerfile: adduser on Alpine). */
export const KAFKA_UID = 1000;

/**
 * The recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/): `name` is
 * the application an object belongs to (kafka, kafka-exporter, …), `instance` and `part-of` the Kafka cluster it is
 * part of, `managed-by` the tool that wrote it, `version` the application's version when there is one to state
 * (the Kafka version for Kafka's own objects; the exporter's image decides its version, so it gets none).
 */
export function recommendedLabels(options: { cluster: string; name: string; component: string; version: string | undefined }): Record<string, string> {
  return {
    'app.kubernetes.io/name': options.name,
    'app.kubernetes.io/instance': options.cluster,
    ...(options.version !== undefined ? { 'app.kubernetes.io/version': options.version } : {}),
    'app.kubernetes.io/component': options.component,
    'app.kubernetes.io/part-of': options.cluster,
    'app.kubernetes.io/managed-by': 'kafkaplane',
  };
}

/** Labels of one object of the cluster; `version: false` for objects that are not Kafka (kafka_exporter). */
export function standardLabels(ctx: Pick<RenderContext, 'names' | 'cluster'>, name: string, component: string, options: { version?: boolean } = {}): Record<string, string> {
  return {
    ...recommendedLabels({ cluster: ctx.names.cluster, name, component, version: options.version === false ? undefined : ctx.cluster.spec.version }),
    [CLUSTER_LABEL]: ctx.names.cluster,
  };
}

export function clusterLabels(ctx: Pick<RenderContext, 'names' | 'cluster'>, component: string): Record<string, string> {
  return standardLabels(ctx, 'kafka', component);
}

/**
 * Selects every Kafka node (pod) of the cluster, whatever its pool: kafkaplane's own cluster label, which no other
 * chart sets — `app.kubernetes.io/name=kafka,app.kubernetes.io/instance=<release>` alone is also what the Bitnami chart
 * puts on its pods, so a Bitnami release of the same name in the namespace would be selected too. name=kafka keeps the
 * cluster's other pods (kafka_exporter, the topics Job) out. Not `app.kubernetes.io/managed-by`: the operator sets it
 * to kafkaplane-operator on the objects it applies. (Selectors of kafkaplane 0.1 renders: see docs/render.md,
 * "Upgrading from name/instance selectors" — a StatefulSet's selector cannot change in place.)
 */
export function nodeSelectorLabels(names: KubernetesNames): Record<string, string> {
  return { 'app.kubernetes.io/name': 'kafka', [CLUSTER_LABEL]: names.cluster };
}

/** nodeSelectorLabels as a label selector string, for list calls. */
export function nodeSelector(names: KubernetesNames): string {
  return Object.entries(nodeSelectorLabels(names))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * Labels of a pool's volumeClaimTemplate: unchanged from earlier renders, because a StatefulSet's
 * volumeClaimTemplates cannot change either (the PVCs it made keep them).
 */
export function claimTemplateLabels(names: KubernetesNames, pool: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': names.cluster, [POOL_LABEL]: pool };
}

export const POOL_LABEL = 'kafkaplane.io/pool';
export const BROKER_LABEL = 'kafkaplane.io/broker';
export const CONTROLLER_LABEL = 'kafkaplane.io/controller';

/** A StatefulSet's selector is immutable: only labels that never change for a pool. */
export function poolSelectorLabels(names: KubernetesNames, pool: string): Record<string, string> {
  return { ...nodeSelectorLabels(names), [POOL_LABEL]: pool };
}

export function meta(ctx: RenderContext, name: string, labels: Record<string, string>, annotations?: Record<string, string>): ObjectMeta {
  return {
    name,
    namespace: ctx.names.namespace,
    labels,
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** Metadata of a cluster-scoped object (ClusterRole, ClusterRoleBinding): no namespace. */
export function clusterScopedMeta(name: string, labels: Record<string, string>): ObjectMeta {
  return { name, labels };
}

/** Restricted Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted). */
export function podSecurityContext(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    // Skip the recursive chown of a large data volume on every start once ownership is right.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The pod basics every pod render writes besides the brokers' (topics Job, exporter, console): no API token, no
 * service links, the restricted security context under `uid` with the cluster template's pod securityContext on top
 * (e.g. OpenShift: no fixed uid), and the image pull Secrets.
 */
export function auxiliaryPodBasics(ctx: RenderContext, uid: number): Record<string, unknown> {
  const { settings } = ctx;
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: overrideFields(podSecurityContext(uid), settings.template?.pod?.securityContext),
    ...(settings.imagePullSecrets.length > 0 ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** kafkaplane's defaults with the override's fields on top; a null field removes the default (e.g. runAsUser on OpenShift). */
export function overrideFields(defaults: Record<string, unknown>, override: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(override ?? {})) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * NODE_OPTIONS of the long-running kafkaplane containers (the operator, the console): V8's young generation grows to
 * 3 × 32 MiB by default; capped (semi-spaces of 4 MiB) their RSS is 25-100 MiB lower with no measurable cost
 * (BENCHMARKS.md: bench:operator, bench:console). A V8 heap flag, so it can only be given at start.
 */
export const KAFKAPLANE_NODE_OPTIONS = '--max-semi-space-size=4';

/**
 * V8 flags Node refuses in NODE_OPTIONS, applied by bin/kafkaplane.js from KAFKAPLANE_V8_FLAGS before any code loads.
 * The operator's and the console's Deployments set --optimize-for-size: the operator 114 MiB instead of 129–132 MiB
 * after a 300-topic burst (Ready latency the same, idle CPU ~1 % more in the bench's never-Ready cluster), the console
 * 141 MiB instead of 183–212 MiB at 10,000 partitions / 500 groups with pages as fast (BENCHMARKS.md).
 */
export const KAFKAPLANE_V8_FLAGS = '--optimize-for-size';

export const CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
} as const;

/** Shell single-quoting: safe for any value in a generated script. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.,:/=@%+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
