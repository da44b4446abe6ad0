import type { KafkaCluster, NodePool } from '../api/kafka-cluster.ts';
import type { PodTemplate } from '../api/pod-template.ts';
import type { SpecProblem } from '../errors.ts';
import { CLUSTER_LABEL } from '../api/common.ts';
import { DATA_DIR, NODE_TLS_DIR, TLS_DIR } from '../model/placement-kubernetes.ts';
import { CONFIG_DIR, RUN_DIR } from './entrypoint.ts';
import { AGENT_DIR, METRICS_DIR } from './monitoring.ts';
import { BROKER_LABEL, CONTROLLER_LABEL, POOL_LABEL } from './objects.ts';
import { TOKEN_VOLUME } from './rack.ts';

/**
 * Pod template overrides (spec.kubernetes.template, spec.nodePools[].template; src/api/pod-template.ts) applied to
 * what render builds. Pure: the same spec gives the same objects, for `kafkaplane render` and the operator alike.
 */

/** Later lists override earlier ones by key (name, or a mount's path); order: first appearance. */
function mergeBy<K extends string, T extends Record<K, string>>(key: K, ...lists: (readonly T[] | undefined)[]): T[] | undefined {
  if (lists.every((l) => l === undefined)) return undefined;
  const out = new Map<string, T>();
  for (const list of lists) for (const item of list ?? []) out.set(item[key], item);
  return [...out.values()];
}
const mergeByName = <T extends { name: string }>(...lists: (readonly T[] | undefined)[]) => mergeBy('name', ...lists);

function mergeObjects<T extends object>(base: T | undefined, over: T | undefined): T | undefined {
  if (base === undefined) return over;
  if (over === undefined) return base;
  return { ...base, ...over };
}

/** The pool's template: its own fields over the cluster's, field by field; named lists merge by name. */
export function poolTemplate(cluster: KafkaCluster, pool: NodePool): PodTemplate {
  const c = cluster.spec.kubernetes?.template ?? {};
  const p = pool.template ?? {};
  const cp = c.pod ?? {};
  const pp = p.pod ?? {};
  const ck = c.kafkaContainer ?? {};
  const pk = p.kafkaContainer ?? {};
  const probes =
    c.probes || p.probes
      ? {
          startup: mergeObjects(c.probes?.startup, p.probes?.startup),
          readiness: mergeObjects(c.probes?.readiness, p.probes?.readiness),
          liveness: mergeObjects(c.probes?.liveness, p.probes?.liveness),
        }
      : undefined;
  return dropUndefined({
    pod: dropUndefined({
      metadata:
        cp.metadata || pp.metadata ? { labels: mergeObjects(cp.metadata?.labels, pp.metadata?.labels), annotations: mergeObjects(cp.metadata?.annotations, pp.metadata?.annotations) } : undefined,
      securityContext: mergeObjects(cp.securityContext, pp.securityContext),
      affinity: mergeObjects(cp.affinity, pp.affinity),
      tolerations: pp.tolerations ?? cp.tolerations,
      topologySpreadConstraints: pp.topologySpreadConstraints ?? cp.topologySpreadConstraints,
      priorityClassName: pp.priorityClassName ?? cp.priorityClassName,
      nodeSelector: pp.nodeSelector ?? cp.nodeSelector,
      volumes: mergeByName(cp.volumes, pp.volumes),
      containers: mergeByName(cp.containers, pp.containers),
      initContainers: mergeByName(cp.initContainers, pp.initContainers),
    }),
    kafkaContainer: dropUndefined({
      env: mergeByName(ck.env, pk.env),
      volumeMounts: mergeBy('mountPath', ck.volumeMounts, pk.volumeMounts),
      securityContext: mergeObjects(ck.securityContext, pk.securityContext),
    }),
    probes,
  }) as PodTemplate;
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0))) as T;
}

/** What kafkaplane's own Kafka pods use (render/statefulset.ts), which a template must not take over. */
export const RESERVED = {
  env(name: string): string | undefined {
    if (name.startsWith('KAFKAPLANE_')) return 'the KAFKAPLANE_ variables carry what the entrypoint fills in at run time';
    const owned: Record<string, string> = {
      KAFKA_HEAP_OPTS: 'set spec.nodePools[].jvm.heap',
      KAFKA_JVM_PERFORMANCE_OPTS: 'set spec.nodePools[].jvm.options',
      KAFKA_OPTS: 'it loads the metrics agent; add JVM options with spec.nodePools[].jvm.options',
      KAFKA_LOG4J_OPTS: 'kafkaplane logs to stdout (docs/render.md, logging)',
      EXTRA_ARGS: 'kafkaplane logs to stdout (docs/render.md, logging)',
    };
    return owned[name];
  },
  volumes: new Set(['data', 'config', 'run', 'tmp', 'logs', 'tls', 'node-tls', 'metrics-config', 'jmx-exporter', TOKEN_VOLUME]),
  mountPaths: new Set([DATA_DIR, CONFIG_DIR, RUN_DIR, '/tmp', '/opt/kafka/logs', TLS_DIR, NODE_TLS_DIR, METRICS_DIR, AGENT_DIR]),
  containers: new Set(['kafka', 'rack', 'jmx-exporter']),
  labels: new Set([
    'app.kubernetes.io/name',
    'app.kubernetes.io/instance',
    'app.kubernetes.io/version',
    'app.kubernetes.io/component',
    'app.kubernetes.io/part-of',
    'app.kubernetes.io/managed-by',
    CLUSTER_LABEL,
    POOL_LABEL,
    BROKER_LABEL,
    CONTROLLER_LABEL,
  ]),
};
type ReservedNames = typeof RESERVED;

/** Every problem of the cluster's and the pools' templates at once, with spec paths. */
export function templateProblems(cluster: KafkaCluster, reserved: ReservedNames = RESERVED): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const check = (t: PodTemplate | undefined, at: string) => {
    if (!t) return;
    t.kafkaContainer?.env?.forEach((e, i) => {
      const why = reserved.env(e.name);
      if (why) problems.push({ path: `${at}.kafkaContainer.env[${i}].name`, message: `${e.name} is set by kafkaplane: ${why}` });
    });
    t.pod?.volumes?.forEach((v, i) => {
      if (reserved.volumes.has(v.name))
        problems.push({ path: `${at}.pod.volumes[${i}].name`, message: `volume "${v.name}" is kafkaplane's own (${[...reserved.volumes].join(', ')}); pick another name` });
    });
    t.kafkaContainer?.volumeMounts?.forEach((m, i) => {
      if (reserved.mountPaths.has(m.mountPath) || [...reserved.mountPaths].some((p) => m.mountPath.startsWith(`${p}/`)))
        problems.push({
          path: `${at}.kafkaContainer.volumeMounts[${i}].mountPath`,
          message: `${m.mountPath} is (inside) a directory kafkaplane mounts (${[...reserved.mountPaths].join(', ')}); mount elsewhere`,
        });
    });
    [...(t.pod?.containers ?? []).map((c, i) => [c, `containers[${i}]`] as const), ...(t.pod?.initContainers ?? []).map((c, i) => [c, `initContainers[${i}]`] as const)].forEach(([c, where]) => {
      if (reserved.containers.has(c.name))
        problems.push({ path: `${at}.pod.${where}.name`, message: `container "${c.name}" is kafkaplane's own (${[...reserved.containers].join(', ')}); pick another name` });
    });
    for (const key of Object.keys(t.pod?.metadata?.labels ?? {})) {
      if (reserved.labels.has(key)) problems.push({ path: `${at}.pod.metadata.labels["${key}"]`, message: 'is set by kafkaplane (the StatefulSet selector and Services use it); pick another label' });
    }
  };
  check(cluster.spec.kubernetes?.template, 'spec.kubernetes.template');
  cluster.spec.nodePools.forEach((pool, i) => {
    check(pool.template, `spec.nodePools[${i}].template`);
    // A mount must name a volume of the pod: kafkaplane's or the template's.
    const merged = poolTemplate(cluster, pool);
    const volumes = new Set([...reserved.volumes, ...(merged.pod?.volumes ?? []).map((v) => v.name)]);
    merged.kafkaContainer?.volumeMounts?.forEach((m) => {
      if (!volumes.has(m.name))
        problems.push({
          path: `spec.nodePools[${i}].template (with spec.kubernetes.template)`,
          message: `kafkaContainer.volumeMounts names volume "${m.name}", which pool ${pool.name}'s pods do not have; add it to template.pod.volumes`,
        });
    });
  });
  return problems;
}
