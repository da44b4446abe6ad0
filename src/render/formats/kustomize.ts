import type { KubernetesRender } from '../kubernetes.ts';
import { poolSelectorLabels } from '../objects.ts';
import { poolTemplate } from '../pod-template.ts';
import { zoneSpread } from '../statefulset.ts';
import { toYaml } from './yaml.ts';

/** A file to write, relative to the output directory. */
export interface RenderedFile {
  path: string;
  content: string;
}

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

const BASE_NOTE = [
  ' Rendered by kafkaplane; change the spec and render again rather than editing these files.',
  ' Do not set namespace, namePrefix or nameSuffix here or in an overlay: pod and Service DNS names are part of',
  " every broker's configuration (ConfigMap), so renamed objects would advertise addresses that do not exist.",
  ' Safe to patch in overlays: labels, annotations, CPU, nodeSelector, tolerations, affinity, priorityClassName.',
  ' Not safe: replicas, memory (the heap is computed from it), ports, storage size (volumeClaimTemplates are immutable).',
].join('\n');

function fileName(kind: string, name: string): string {
  return `${kind.toLowerCase()}-${name}.yaml`;
}

/**
 * A Kustomize layout: base/ with one file per object, overlays/dev (small CPU requests for shared dev clusters) and
 * overlays/prod (strictly one Kafka node per Kubernetes node). Build with `kubectl kustomize overlays/prod`.
 */
export function renderKustomize(rendered: KubernetesRender, header: string): RenderedFile[] {
  const { objects, context } = rendered;
  const files: RenderedFile[] = [];
  const resources: string[] = [];
  for (const object of objects) {
    const name = fileName(object.kind, object.metadata.name);
    resources.push(name);
    files.push({ path: `base/${name}`, content: toYaml(object, header) });
  }
  files.unshift({ path: 'base/kustomization.yaml', content: toYaml({ ...KUSTOMIZATION, resources }, BASE_NOTE) });

  const statefulSets = context.cluster.spec.nodePools.map((pool) => ({ pool, name: context.names.statefulSet(pool.name) }));
  const overlay = (environment: string, patches: unknown[], note: string) => ({
    path: `overlays/${environment}/kustomization.yaml`,
    content: toYaml(
      {
        ...KUSTOMIZATION,
        resources: ['../../base'],
        // Object labels only: selectors are immutable and pod template labels would roll every pod.
        labels: [{ pairs: { 'kafkaplane.io/environment': environment }, includeSelectors: false }],
        patches,
      },
      note,
    ),
  });
  files.push(
    overlay(
      'dev',
      statefulSets.map(({ name }) => ({
        patch: toYaml({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name, namespace: context.names.namespace },
          spec: { template: { spec: { containers: [{ name: 'kafka', resources: { requests: { cpu: '100m' } } }] } } },
        }),
      })),
      ` dev: ${BASE_NOTE.split('\n')[0]!.trim()}\n Shares a small cluster: CPU requests of 100m (memory stays: the heap depends on it).`,
    ),
  );
  // The prod rules, except where a pool's own template chose: its podAntiAffinity or topologySpreadConstraints stay.
  const rack = context.cluster.spec.rack !== undefined;
  const prod = statefulSets.flatMap(({ name, pool }) => {
    const own = poolTemplate(context.cluster, pool).pod;
    const podSpec = {
      ...(own?.affinity?.podAntiAffinity
        ? {}
        : {
            affinity: {
              podAntiAffinity: {
                $patch: 'replace',
                requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: poolSelectorLabels(context.names, pool.name) }, topologyKey: 'kubernetes.io/hostname' }],
              },
            },
          }),
      // With spec.rack: never more than one Kafka node of a pool more in one zone than in another, so losing a zone
      // loses at most a third of a 3-zone pool's replicas.
      ...(rack && !own?.topologySpreadConstraints ? { topologySpreadConstraints: [{ $patch: 'replace' }, zoneSpread(context, pool.name, 'DoNotSchedule')] } : {}),
    };
    if (Object.keys(podSpec).length === 0) return [];
    return [{ patch: toYaml({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: context.names.namespace }, spec: { template: { spec: podSpec } } }) }];
  });
  files.push(
    overlay(
      'prod',
      prod,
      [
        ` prod: never two Kafka nodes of a pool on one Kubernetes node (seed 004: anti-affinity by hostname)${rack ? ', and pools spread over zones strictly (DoNotSchedule)' : ''}.`,
        ` Needs at least as many schedulable nodes as the largest pool has replicas${rack ? ', in as many zones as the pools need to stay balanced' : ''}.`,
        ' A pool whose pod template sets its own podAntiAffinity or topologySpreadConstraints keeps them.',
      ].join('\n'),
    ),
  );
  return files;
}
