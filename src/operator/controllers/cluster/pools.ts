import { nodeIdRanges } from '../../../api/kafka-cluster.ts';
import type { PoolSize } from '../../../ops/scale-down.ts';
import { BROKER_LABEL, CONTROLLER_LABEL, POOL_LABEL, type RenderContext, nodeSelector } from '../../../render/objects.ts';
import type { ControllerContext } from '../../controller.ts';
import { OWNER_ANNOTATION, ownerKey } from '../../kube/apply.ts';
import type { KubeObject } from '../../kube/client.ts';
import { collectionPath } from '../../kube/resources.ts';

type StatefulSet = KubeObject & { spec?: { replicas?: number; template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } };

/**
 * Every pool's size now and as the spec wants it — pools the spec dropped included (desired 0: applying would prune
 * their StatefulSet, which removes their nodes just like shrinking). A dropped pool's first node id is read from its
 * pods' KAFKAPLANE_NODE_ID_OFFSET, its roles from its labels.
 */
export async function poolSizes(ctx: ControllerContext, render: RenderContext, owner: KubeObject): Promise<PoolSize[]> {
  const selector = nodeSelector(render.names);
  const list = await ctx.client.request<{ items: StatefulSet[] }>('GET', `${collectionPath('StatefulSet', render.names.namespace)}?labelSelector=${encodeURIComponent(selector)}`);
  const mine = list.items.filter((s) => s.metadata.annotations?.[OWNER_ANNOTATION] === ownerKey(owner));
  const ranges = nodeIdRanges(render.cluster.spec.nodePools);
  const sizes: PoolSize[] = render.cluster.spec.nodePools.map((pool, i) => ({
    pool: pool.name,
    start: ranges[i]!.start,
    current: mine.find((s) => s.metadata.name === render.names.statefulSet(pool.name))?.spec?.replicas,
    desired: pool.replicas,
    broker: pool.roles.includes('broker'),
    controller: pool.roles.includes('controller'),
  }));
  for (const sts of mine) {
    const pool = sts.metadata.labels?.[POOL_LABEL];
    if (pool === undefined || render.cluster.spec.nodePools.some((p) => render.names.statefulSet(p.name) === sts.metadata.name)) continue;
    const offset = sts.spec?.template?.spec?.containers?.[0]?.env?.find((e) => e.name === 'KAFKAPLANE_NODE_ID_OFFSET')?.value;
    sizes.push({
      pool,
      start: Number(offset ?? 0),
      current: sts.spec?.replicas ?? 0,
      desired: 0,
      broker: sts.metadata.labels?.[BROKER_LABEL] === 'true',
      controller: sts.metadata.labels?.[CONTROLLER_LABEL] === 'true',
    });
  }
  return sizes;
}
