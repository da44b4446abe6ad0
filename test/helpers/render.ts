import { type RenderFormat, type RenderResult, renderFormat } from '../../src/render/index.ts';
import { type KubeObject, POOL_LABEL, type RenderInput } from '../../src/render/objects.ts';
import type { SpecFile } from '../../src/api/load.ts';
import { example } from './spec.ts';

export const EXAMPLES = ['seed-002-combined.yaml', 'seed-003-dedicated.yaml', 'topics-users.yaml', 'external-access.yaml'] as const;

/** The first cluster of a parsed spec with its topics and users, as render takes it. */
export function renderInput(spec: SpecFile, source = 'spec.yaml'): RenderInput {
  const cluster = spec.clusters[0]!;
  const mine = (owner: string | undefined) => owner === undefined || owner === cluster.metadata.name;
  return {
    cluster,
    topics: spec.topics.filter((t) => mine(t.cluster)).map((t) => t.topic),
    users: spec.users.filter((u) => mine(u.cluster)).map((u) => u.user),
    source,
  };
}

export function renderExample(name: string, format: RenderFormat): RenderResult {
  return renderFormat(renderInput(example(name), `examples/${name}`), format);
}

/** Every node's files as the pods get them: the pools' ConfigMaps (named by content hash) merged. */
export function nodeFilesOf(objects: readonly KubeObject[]): Record<string, string> {
  return Object.assign({}, ...objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[POOL_LABEL] !== undefined).map((o) => o.data as Record<string, string>));
}
