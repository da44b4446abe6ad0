import { renderCompose } from './formats/compose.ts';
import { type RenderedFile, renderKustomize } from './formats/kustomize.ts';

export type { RenderedFile };
import { renderStrimzi } from './formats/strimzi.ts';
import { DEFAULT_STRIMZI_VERSION } from './strimzi-releases.ts';
import { toMultiDocYaml, toYaml } from './formats/yaml.ts';
import { renderKubernetes } from './kubernetes.ts';
import { RenderError } from './errors.ts';
import type { KubeObject, RenderInput } from './objects.ts';

export const RENDER_FORMATS = ['yaml', 'kustomize', 'compose', 'strimzi'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export interface RenderResult {
  format: RenderFormat;
  files: RenderedFile[];
  /** The rendered objects as data: Kubernetes objects, or the compose file. */
  objects: KubeObject[] | Record<string, unknown>;
  /** What the output cannot do, for the user to read. */
  warnings: string[];
}

function header(input: RenderInput, format: RenderFormat, namespace: string): string {
  const { cluster } = input;
  const target = format === 'strimzi' ? `, for Strimzi ${input.strimziVersion ?? DEFAULT_STRIMZI_VERSION}` : '';
  return ` Rendered by \`kafkaplane render --format ${format}\` from KafkaCluster ${namespace}/${cluster.metadata.name} (Kafka ${cluster.spec.version}${target}).\n Do not edit: change the spec and render again (docs/render.md).`;
}

/**
 * spec.internalTls runs on the local runtime, maps onto Strimzi (whose replication and controller listeners always
 * use mutual TLS) and renders for Kubernetes with cert-manager Certificates (render/cert-manager.ts). docker compose
 * has no certificate issuer: it refuses rather than render nodes that cannot connect.
 */
function refuseInternalTls(input: RenderInput, format: RenderFormat): void {
  if (!input.cluster.spec.internalTls || format !== 'compose') return;
  throw new RenderError(input.source ?? `KafkaCluster ${input.cluster.metadata.name}`, `--format ${format}`, [
    {
      path: 'spec.internalTls',
      message: `TLS between nodes is not rendered for --format compose (no issuer writes the nodes' certificates there): remove spec.internalTls for compose, run the cluster with \`kafkaplane up\` (its own CA), or render --format yaml|kustomize (cert-manager issues the certificates) or strimzi`,
    },
  ]);
}

/**
 * Renders one cluster, with its topics and users, into `format`. Pure: the same input gives byte-identical files;
 * nothing is written here (the CLI writes the files once everything rendered).
 */
export function renderFormat(input: RenderInput, format: RenderFormat): RenderResult {
  const namespace = input.namespace ?? input.cluster.metadata.namespace ?? 'default';
  const name = input.cluster.metadata.name;
  refuseInternalTls(input, format);
  switch (format) {
    case 'yaml': {
      const rendered = renderKubernetes(input);
      return { format, files: [{ path: `${name}.yaml`, content: toMultiDocYaml(rendered.objects, header(input, format, namespace)) }], objects: rendered.objects, warnings: rendered.warnings };
    }
    case 'kustomize': {
      const rendered = renderKubernetes(input);
      return { format, files: renderKustomize(rendered, header(input, format, namespace)), objects: rendered.objects, warnings: rendered.warnings };
    }
    case 'compose': {
      const rendered = renderCompose(input);
      return { format, files: [{ path: 'compose.yaml', content: toYaml(rendered.compose, header(input, format, namespace)) }], objects: rendered.compose, warnings: rendered.warnings };
    }
    case 'strimzi': {
      const rendered = renderStrimzi(input);
      return { format, files: [{ path: `${name}.strimzi.yaml`, content: toMultiDocYaml(rendered.objects, header(input, format, namespace)) }], objects: rendered.objects, warnings: rendered.warnings };
    }
  }
}
