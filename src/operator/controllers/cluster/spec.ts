import { stringify } from 'yaml';
import type { KafkaCluster } from '../../../api/kafka-cluster.ts';
import { parseSpec } from '../../../api/load.ts';
import { ProblemsError, type SpecProblem } from '../../../errors.ts';
import type { KubeObject } from '../../kube/client.ts';

export type ParsedCluster = { ok: true; cluster: KafkaCluster } | { ok: false; problems: readonly SpecProblem[] };

/**
 * The KafkaCluster as the CLI would read it from a file: the same schema and cross-field rules (api/load.ts), on the
 * fields a user writes (the apiserver's metadata — uid, managedFields, … — and the status are not part of the spec).
 */
export function parseClusterObject(object: KubeObject): ParsedCluster {
  const { name, namespace, labels, annotations } = object.metadata;
  const document = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...(object.spec === undefined ? {} : { spec: object.spec }),
  };
  try {
    const parsed = parseSpec(stringify(document), `KafkaCluster ${namespace}/${name}`);
    return { ok: true, cluster: parsed.clusters[0]! };
  } catch (error) {
    if (error instanceof ProblemsError) return { ok: false, problems: error.problems };
    throw error;
  }
}

/** Problems as one condition message: `spec.x: why; spec.y: why`. */
export function problemsMessage(problems: readonly SpecProblem[]): string {
  return problems.map((p) => `${p.path || '(document)'}: ${p.message}`).join('; ');
}
