import { changedByApply } from '../../operator/kube/apply.ts';
import { DEFAULT_OPERATOR_IMAGE, renderOperator } from '../../render/operator.ts';
import type { KubeObject } from '../../render/objects.ts';
import { KafkaplaneError } from '../../errors.ts';

export interface OperatorInstallFlags {
  namespace?: string;
  watchNamespace?: string;
  allNamespaces?: boolean;
  image?: string;
  topicDeletion?: 'delete' | 'keep';
  apply?: boolean;
  kubeconfig?: string;
}

export interface OperatorInstallReport {
  objects: KubeObject[];
  /** With --apply: what the apiserver stored. */
  applied?: { kind: string; name: string; namespace?: string; changed: boolean }[];
}

/**
 * `kafkaplane operator install`: the operator's CRDs, ServiceAccount, RBAC and Deployment (src/render/operator.ts,
 * the same objects as the Helm chart) — printed, or with --apply applied (server-side apply).
 */
export async function operatorInstall(flags: OperatorInstallFlags): Promise<OperatorInstallReport> {
  if (flags.watchNamespace !== undefined && flags.allNamespaces) throw new KafkaplaneError('BAD_FLAGS', '--watch-namespace and --all-namespaces exclude each other');
  const namespace = flags.namespace ?? 'kafkaplane-system';
  const objects = renderOperator({
    namespace,
    watchNamespace: flags.allNamespaces ? undefined : (flags.watchNamespace ?? namespace),
    image: flags.image ?? DEFAULT_OPERATOR_IMAGE,
    topicDeletion: flags.topicDeletion ?? 'delete',
  });
  if (!flags.apply) return { objects };
  const { kubeClient } = await import('../../operator/kubeconfig.ts');
  const client = await kubeClient(flags.kubeconfig);
  const applied: NonNullable<OperatorInstallReport['applied']> = [];
  for (const object of objects) {
    const before = await client.get(object.kind, object.metadata.namespace, object.metadata.name);
    const after = await client.apply(object as never);
    applied.push({
      kind: object.kind,
      name: object.metadata.name,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
      changed: changedByApply(before, after),
    });
  }
  return { objects, applied };
}
