import { setTimeout as sleep } from 'node:timers/promises';
import { type StatefulSetSpecView, decideStatefulSetChange } from '../../../ops/statefulset-change.ts';
import type { KubeObject as RenderedObject } from '../../../render/objects.ts';
import type { ControllerContext } from '../../controller.ts';
import type { KubeObject } from '../../kube/client.ts';

/** How long one reconcile waits for the garbage collector to orphan the pods and remove the StatefulSet. */
const GONE_TIMEOUT_MS = 60_000;
const POLL_MS = 500;

export type StatefulSetStep = { kind: 'ready'; replaced: string[] } | { kind: 'refused'; reason: string } | { kind: 'waiting'; reason: string };

/**
 * Before the apply: StatefulSets whose immutable fields the render changes (`decideStatefulSetChange`). A changed
 * selector (older kafkaplane releases selected on name/instance), serviceName or podManagementPolicy: the live one is
 * deleted with propagationPolicy Orphan (pods and PVCs stay, Kafka keeps serving), and once it is gone the apply
 * creates the new one, which adopts the pods. A changed volumeClaimTemplate: refused before anything is applied.
 */
export async function replaceImmutableStatefulSets(ctx: ControllerContext, owner: KubeObject, objects: readonly RenderedObject[]): Promise<StatefulSetStep> {
  const plans: { object: RenderedObject; live: KubeObject; fields: string[] }[] = [];
  for (const object of objects.filter((o) => o.kind === 'StatefulSet')) {
    const live = await ctx.client.get('StatefulSet', object.metadata.namespace, object.metadata.name);
    const change = decideStatefulSetChange(object.metadata.name, live?.spec as StatefulSetSpecView | undefined, object.spec as StatefulSetSpecView);
    if (change.kind === 'refused') return change;
    if (change.kind === 'replace' && live) plans.push({ object, live, fields: change.fields });
  }
  const replaced: string[] = [];
  for (const { object, live, fields } of plans) {
    const { namespace, name } = object.metadata;
    await ctx.event(
      owner,
      'Normal',
      'ReplacingStatefulSet',
      `StatefulSet ${name}: ${fields.join(', ')} cannot change in place; deleting it with propagationPolicy Orphan (its pods and volumes stay) and creating it again, which adopts the pods`,
    );
    await ctx.client.delete('StatefulSet', namespace, name, { propagationPolicy: 'Orphan', ...(live.metadata.uid ? { preconditionUid: live.metadata.uid } : {}) });
    const deadline = Date.now() + GONE_TIMEOUT_MS;
    while ((await ctx.client.get('StatefulSet', namespace, name))?.metadata.uid === live.metadata.uid) {
      if (Date.now() > deadline) {
        return {
          kind: 'waiting',
          reason: `StatefulSet ${name} was deleted with propagationPolicy Orphan but is still there after ${GONE_TIMEOUT_MS / 1000} s (the garbage collector of kube-controller-manager removes the orphan finalizer); the operator applies the new one once it is gone`,
        };
      }
      await sleep(POLL_MS);
    }
    ctx.log('info', 'StatefulSet replaced (orphan)', { statefulSet: `${namespace}/${name}`, fields });
    replaced.push(name);
  }
  return { kind: 'ready', replaced };
}
