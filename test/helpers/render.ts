import { type RenderFormat, type RenderResult, renderFormat } from '../../src/render/index.ts';
import { type KubeObject, POOL_LABEL, type RenderInput } from '../../src/render/objects.ts';
import type { SpecFile } from '../../src/api/load.ts';
import { example } from './spec.ts';
import { DEFAULT_STRIMZI_VERSION, STRIMZI_RELEASES, type StrimziVersion } from '../../src/render/strimzi-releases.ts';

export const EXAMPLES = ['seed-002-combined.yaml', 'seed-003-dedicated.yaml', 'topics-users.yaml', 'external-access.yaml', 'pod-templates.yaml'] as const;

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

/**
 * The examples pin Kafka 4.1.2, which no Strimzi release in the table runs (only Strimzi 1.0.x, not on Maven Central,
 * does): for the strimzi format they are rendered for a Strimzi release (default: kafkaplane's default release) at that
 * release's default Kafka version, as a Strimzi user would set spec.version.
 */
export function strimziInput(input: RenderInput, strimziVersion: StrimziVersion = DEFAULT_STRIMZI_VERSION): RenderInput {
  const version = STRIMZI_RELEASES[strimziVersion].defaultKafkaVersion;
  return { ...input, strimziVersion, cluster: { ...input.cluster, spec: { ...input.cluster.spec, version } } };
}

/** An example rendered in a format; with the strimzi format, for `strimziVersion` (default: the default release). */
export function renderExample(name: string, format: RenderFormat, strimziVersion?: StrimziVersion): RenderResult {
  const input = renderInput(example(name), `examples/${name}`);
  return renderFormat(format === 'strimzi' ? strimziInput(input, strimziVersion) : input, format);
}

/** Every node's files as the pods get them: the pools' ConfigMaps (named by content hash) merged. */
export function nodeFilesOf(objects: readonly KubeObject[]): Record<string, string> {
  return Object.assign({}, ...objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[POOL_LABEL] !== undefined).map((o) => o.data as Record<string, string>));
}
