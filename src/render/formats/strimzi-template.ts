import type { KafkaCluster } from '../../api/kafka-cluster.ts';
import type { KubernetesSpec } from '../../api/kubernetes.ts';
import type { PodTemplate } from '../../api/pod-template.ts';
import { RESERVED, poolTemplate } from '../pod-template.ts';

/**
 * kafkaplane's pod templates (spec.kubernetes.template, spec.nodePools[].template, plus spec.kubernetes.pod and
 * imagePullSecrets, which render merges into the same pod) as Strimzi's `template` (issue 13): the cluster's onto the
 * Kafka resource's spec.kafka.template, a pool's onto its KafkaNodePool's spec.template, probe timings onto
 * spec.kafka.livenessProbe/readinessProbe. Pure. Everything Strimzi cannot express is left out with a warning naming
 * the spec path and what to do; nothing is dropped silently.
 *
 * Strimzi does not merge the two templates: a KafkaNodePool's spec.template replaces the Kafka's as a whole
 * (KafkaPool.fromCrd). So a pool with a template of its own gets the whole merged template, as render applies it
 * (src/render/pod-template.ts poolTemplate), and pools without one use the Kafka's.
 * Fields checked against Strimzi's model classes (PodTemplate, ContainerTemplate, ContainerEnvVar, AdditionalVolume,
 * KafkaNodePoolTemplate, Probe) and its TemplateUtils, 0.46.0 to 1.2.0.
 */

type Obj = Record<string, unknown>;

export interface StrimziTemplates {
  /** spec.kafka.template of the Kafka resource (undefined: nothing to set). */
  kafka: Obj | undefined;
  /** spec.template of each KafkaNodePool, by pool index (undefined: the pool uses the Kafka's). */
  pools: (Obj | undefined)[];
  /** spec.kafka.livenessProbe and readinessProbe. */
  probes: { livenessProbe?: Obj; readinessProbe?: Obj };
  warnings: string[];
}

/** Volume names Strimzi's Kafka pods already have (KafkaCluster, VolumeUtils): an additional volume of that name is refused. */
export const STRIMZI_VOLUMES = new Set(['data', 'strimzi-tmp', 'cluster-ca', 'broker-certs', 'client-ca-cert', 'kafka-metrics-and-logging', 'ready-files', 'rack-volume']);
/**
 * kafkaplane pod labels that Strimzi's Kafka pods carry with the same value (Labels.generateDefaultLabels: name kafka,
 * instance the cluster's name); a selector on kafkaplane's other labels matches no Strimzi pod.
 */
const SHARED_LABELS = new Set(['app.kubernetes.io/name', 'app.kubernetes.io/instance']);
/** Strimzi mounts additional volumes only under this path (TemplateUtils.ALLOWED_MOUNT_PATH, a prefix test). */
export const STRIMZI_MOUNT_PREFIX = '/mnt';
/** Environment variables Strimzi's Kafka container sets itself: a template's variable of that name is ignored (ContainerUtils). */
const STRIMZI_ENV = new Set(['KAFKA_HEAP_OPTS', 'KAFKA_JVM_PERFORMANCE_OPTS', 'KAFKA_JMX_EXPORTER_ENABLED', 'KAFKA_JMX_ENABLED', 'KAFKA_LOG4J_OPTS', 'EXTERNAL_ADDRESS']);

const numeric = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10));
function atLeast(release: string, min: string): boolean {
  const a = numeric(release);
  const b = numeric(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The volume sources Strimzi takes in additional volumes (AdditionalVolume's oneOf): `image` from 0.47.0. */
export function strimziVolumeSources(release: string): string[] {
  return ['secret', 'configMap', 'emptyDir', 'persistentVolumeClaim', 'csi', ...(atLeast(release, '0.47.0') ? ['image'] : [])];
}

/** kafkaplane's null ("remove kafkaplane's default") has no meaning for Strimzi, which has its own defaults. */
function withoutNulls(o: Obj | undefined): Obj | undefined {
  if (o === undefined) return undefined;
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  return Object.keys(out).length > 0 ? out : undefined;
}

function compact(o: Obj): Obj | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * nodeSelector as required node affinity, exactly: Kubernetes ANDs the two, and ORs the terms, so each term gets the
 * selector's labels as `In` requirements (a new single term when there is none).
 */
export function nodeSelectorAffinity(affinity: Obj | undefined, nodeSelector: Record<string, string> | undefined): Obj | undefined {
  if (!nodeSelector || Object.keys(nodeSelector).length === 0) return affinity;
  const requirements = Object.entries(nodeSelector).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  const nodeAffinity = (affinity?.nodeAffinity ?? {}) as Obj;
  const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution as { nodeSelectorTerms: Obj[] } | undefined;
  const terms = required
    ? required.nodeSelectorTerms.map((t) => ({ ...t, matchExpressions: [...((t.matchExpressions as Obj[] | undefined) ?? []), ...requirements] }))
    : [{ matchExpressions: requirements }];
  return { ...affinity, nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
}

/** Label keys a selector inside affinity or topology spread constraints uses. */
function selectorKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) selectorKeys(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'labelSelector' || k === 'namespaceSelector') && v && typeof v === 'object') {
        const sel = v as { matchLabels?: Record<string, string>; matchExpressions?: { key: string }[] };
        if (k === 'labelSelector') {
          for (const key of Object.keys(sel.matchLabels ?? {})) out.add(key);
          for (const e of sel.matchExpressions ?? []) out.add(e.key);
        }
      } else selectorKeys(v, out);
    }
  }
  return out;
}

interface Source {
  template: PodTemplate;
  /** spec.kubernetes.pod and imagePullSecrets, which render puts in every Kafka pod. */
  settings: KubernetesSpec;
  release: string;
  persistent: boolean;
  /** Where the template is written, for warnings; undefined maps without warning (a merged pool template, whose parts were warned about where they are written). */
  at: string | undefined;
  warn: (message: string) => void;
  /** Whether the pod's merged securityContext leaves fsGroup unset (null counts as set: removed on purpose). Default: this template's. */
  fsGroupUnset?: boolean;
  /** The volumes the pod ends up with, for the mounts' check (default: this template's own). */
  podVolumes?: Set<string>;
}

/** One template (cluster's, or a pool's merged with the cluster's) as Strimzi's KafkaClusterTemplate / KafkaNodePoolTemplate. */
function mapTemplate(s: Source): Obj | undefined {
  const { template: t, settings, at } = s;
  const warn = (path: string, message: string) => {
    if (at !== undefined) s.warn(`${at}.${path}: ${message}`);
  };
  const pod = t.pod ?? {};
  const k = t.kafkaContainer ?? {};

  const labels = { ...(settings.pod.labels ?? {}), ...(pod.metadata?.labels ?? {}) };
  const annotations = { ...(settings.pod.annotations ?? {}), ...(pod.metadata?.annotations ?? {}) };
  const metadata = compact({ labels: Object.keys(labels).length > 0 ? labels : undefined, annotations: Object.keys(annotations).length > 0 ? annotations : undefined });

  const securityContext = withoutNulls(pod.securityContext as Obj | undefined);
  if (securityContext && s.persistent && (s.fsGroupUnset ?? pod.securityContext?.fsGroup === undefined))
    warn(
      'pod.securityContext',
      "replaces Strimzi's default pod securityContext (fsGroup: 0 with persistent storage, so the broker can write its volume); add fsGroup (0 for Strimzi's images) unless the platform assigns one, e.g. OpenShift's restricted SCC",
    );

  const affinity = nodeSelectorAffinity(pod.affinity as Obj | undefined, pod.nodeSelector ?? settings.pod.nodeSelector);
  const kafkaplaneLabels = [...selectorKeys([pod.affinity, pod.topologySpreadConstraints])].filter((key) => RESERVED.labels.has(key) && !SHARED_LABELS.has(key));
  if (kafkaplaneLabels.length > 0)
    warn(
      'pod (affinity / topologySpreadConstraints)',
      `a labelSelector uses kafkaplane's pod labels (${kafkaplaneLabels.join(', ')}), which Strimzi's pods do not carry; select Strimzi's labels instead (strimzi.io/cluster, strimzi.io/pool-name, strimzi.io/broker-role, strimzi.io/controller-role)`,
    );

  const sources = strimziVolumeSources(s.release);
  const volumes = (pod.volumes ?? []).flatMap((v, i) => {
    const source = Object.keys(v).find((key) => key !== 'name')!;
    if (STRIMZI_VOLUMES.has(v.name)) {
      warn(`pod.volumes[${i}].name`, `Strimzi's Kafka pods already have a volume "${v.name}" (${[...STRIMZI_VOLUMES].join(', ')}) and refuse the resource; left out (with its mounts): rename it`);
      return [];
    }
    if (!sources.includes(source)) {
      warn(`pod.volumes[${i}].${source}`, `Strimzi ${s.release} takes only ${sources.join(', ')} volumes in its template; volume "${v.name}" is left out (with its mounts): use one of those sources`);
      return [];
    }
    const emptyDir = v.emptyDir as Obj | undefined;
    if (source === 'emptyDir' && emptyDir?.sizeLimit !== undefined && !atLeast(s.release, '0.49.0')) {
      warn(
        `pod.volumes[${i}].emptyDir.sizeLimit`,
        `Strimzi ${s.release}'s CRD takes an emptyDir sizeLimit only as an object (fixed in 0.49.0, strimzi#12068); volume "${v.name}" is passed without its size limit: target Strimzi 0.49+ or set it on the KafkaNodePool by hand`,
      );
      const { sizeLimit: _, ...rest } = emptyDir;
      return [{ ...v, emptyDir: rest }];
    }
    return [v];
  });
  const volumeNames = s.podVolumes ?? new Set(volumes.map((v) => v.name));

  pod.containers?.forEach((c, i) => {
    warn(`pod.containers[${i}]`, `Strimzi's template has no extra containers; sidecar "${c.name}" is left out: run it as its own Deployment, or inject it with your platform's admission webhook`);
  });
  pod.initContainers?.forEach((c, i) => {
    warn(
      `pod.initContainers[${i}]`,
      `Strimzi's template has no extra init containers (template.initContainer only tunes Strimzi's own kafka-init); "${c.name}" is left out: do its work in an image built on Strimzi's, or with an admission webhook`,
    );
  });

  const env = (k.env ?? []).flatMap((e, i) => {
    if (e.name.startsWith('STRIMZI_') || STRIMZI_ENV.has(e.name)) {
      warn(`kafkaContainer.env[${i}]`, `Strimzi sets ${e.name} in its Kafka container itself and ignores a template's; left out: use Strimzi's field for it (jvmOptions, metricsConfig, logging)`);
      return [];
    }
    const from = e.valueFrom;
    if (from?.fieldRef || from?.resourceFieldRef) {
      warn(
        `kafkaContainer.env[${i}].valueFrom`,
        `Strimzi's template env takes a value, a secretKeyRef or a configMapKeyRef only; ${e.name} (${from.fieldRef ? 'fieldRef' : 'resourceFieldRef'}) is left out: pass the value another way`,
      );
      return [];
    }
    // A variable with neither is an empty one for Kubernetes; Strimzi ignores one without a value, so it gets value ''.
    return [from ? { name: e.name, valueFrom: from } : { name: e.name, value: e.value ?? '' }];
  });

  const volumeMounts = (k.volumeMounts ?? []).flatMap((m, i) => {
    if (!m.mountPath.startsWith(STRIMZI_MOUNT_PREFIX)) {
      warn(
        `kafkaContainer.volumeMounts[${i}].mountPath`,
        `Strimzi mounts template volumes only under ${STRIMZI_MOUNT_PREFIX} and refuses the resource otherwise; ${m.mountPath} is left out: mount it under ${STRIMZI_MOUNT_PREFIX}/`,
      );
      return [];
    }
    if (!volumeNames.has(m.name)) {
      warn(`kafkaContainer.volumeMounts[${i}].name`, `volume "${m.name}" is not in the Strimzi pods' template volumes (kafkaplane's own, or left out above); the mount at ${m.mountPath} is left out`);
      return [];
    }
    return [m];
  });

  const podOut = compact({
    metadata,
    imagePullSecrets: settings.imagePullSecrets.length > 0 ? settings.imagePullSecrets.map((name) => ({ name })) : undefined,
    securityContext,
    terminationGracePeriodSeconds: settings.pod.terminationGracePeriodSeconds !== DEFAULT_GRACE ? settings.pod.terminationGracePeriodSeconds : undefined,
    affinity,
    tolerations: pod.tolerations ?? settings.pod.tolerations,
    topologySpreadConstraints: pod.topologySpreadConstraints,
    priorityClassName: pod.priorityClassName ?? settings.pod.priorityClassName,
    volumes: volumes.length > 0 ? volumes : undefined,
  });
  const kafkaContainer = compact({
    env: env.length > 0 ? env : undefined,
    securityContext: withoutNulls(k.securityContext as Obj | undefined),
    volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
  });
  return compact({ pod: podOut, kafkaContainer });
}

/**
 * kafkaplane's default grace period (spec.kubernetes.pod.terminationGracePeriodSeconds); Strimzi's default is 30 s.
 * Only a changed value is passed, as before templates were translated.
 */
const DEFAULT_GRACE = 120;

const PROBES = [
  ['readiness', 'readinessProbe'],
  ['liveness', 'livenessProbe'],
] as const;

export function strimziTemplates(cluster: KafkaCluster, settings: KubernetesSpec, release: string): StrimziTemplates {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const pools = cluster.spec.nodePools;
  const persistent = (i: number) => pools[i]!.storage.type === 'persistent-claim';
  const clusterTemplate = settings.template ?? {};
  const kafka = mapTemplate({ template: clusterTemplate, settings, release, persistent: pools.some((_, i) => persistent(i)), at: 'spec.kubernetes.template', warn });
  const poolTemplates = pools.map((pool, i) => {
    if (pool.template === undefined) return undefined;
    // The output is the whole merged template (Strimzi does not merge); warnings name where the pool writes a field.
    const mapped = mapTemplate({ template: poolTemplate(cluster, pool), settings, release, persistent: persistent(i), at: undefined, warn });
    const podVolumes = new Set((((mapped?.pod as Obj | undefined)?.volumes as { name: string }[] | undefined) ?? []).map((v) => v.name));
    const fsGroupUnset = poolTemplate(cluster, pool).pod?.securityContext?.fsGroup === undefined;
    mapTemplate({ template: pool.template, settings: ownSettings(settings), release, persistent: persistent(i), at: `spec.nodePools[${i}].template`, warn, podVolumes, fsGroupUnset });
    return mapped;
  });

  // Probes: Strimzi has one liveness and one readiness probe for all pools, and no startup probe.
  const probes: StrimziTemplates['probes'] = {};
  const merged = pools.map((pool) => poolTemplate(cluster, pool).probes);
  for (const [ours, theirs] of PROBES) {
    const timings = merged.map((p) => p?.[ours]);
    const same = timings.every((t) => JSON.stringify(t) === JSON.stringify(timings[0]));
    const chosen = same ? timings[0] : clusterTemplate.probes?.[ours];
    if (chosen) probes[theirs] = { ...chosen };
    if (!same)
      timings.forEach((t, i) => {
        if (JSON.stringify(t) !== JSON.stringify(chosen))
          warn(
            `spec.nodePools[${i}].template.probes.${ours}: Strimzi has one ${theirs} for all pools (spec.kafka.${theirs}); pool ${pools[i]!.name}'s timings ${JSON.stringify(t ?? {})} are left out for ${JSON.stringify(chosen ?? {})}: give every pool the same, or set them at spec.kubernetes.template.probes.${ours}`,
          );
      });
  }
  const startupAt = [
    ...(clusterTemplate.probes?.startup ? ['spec.kubernetes.template.probes.startup'] : []),
    ...pools.flatMap((p, i) => (p.template?.probes?.startup ? [`spec.nodePools[${i}].template.probes.startup`] : [])),
  ];
  for (const at of startupAt)
    warn(`${at}: Strimzi's Kafka pods have no startup probe; left out: give a recovering broker time with spec.kafka.livenessProbe's initialDelaySeconds/failureThreshold instead`);

  return { kafka, pools: poolTemplates, probes, warnings };
}

/** A pool's own template is checked without the cluster-wide settings, which belong to spec.kubernetes.pod. */
function ownSettings(settings: KubernetesSpec): KubernetesSpec {
  return { ...settings, imagePullSecrets: [], pod: { ...settings.pod, labels: undefined, annotations: undefined, nodeSelector: undefined, tolerations: undefined, priorityClassName: undefined } };
}
