import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KafkaplaneError } from '../../errors.ts';
import { type RenderFormat, type RenderResult, renderFormat } from '../../render/index.ts';
import type { KafkaCluster } from '../../spec/kafka-cluster.ts';
import type { Spec } from '../../spec/load.ts';
import { type Io, printJson } from '../output.ts';
import { readSpecFile } from '../spec-file.ts';

export interface RenderFlags {
  file: string;
  format: RenderFormat;
  outDir?: string;
  cluster?: string;
  namespace?: string;
}

function pickCluster(spec: Spec, name: string | undefined, source: string): KafkaCluster {
  const names = spec.clusters.map((c) => c.metadata.name);
  if (name !== undefined) {
    const found = spec.clusters.find((c) => c.metadata.name === name);
    if (!found) throw new KafkaplaneError('NO_SUCH_CLUSTER', `${source} has no KafkaCluster named "${name}" (it has: ${names.join(', ') || 'none'})`, { exitCode: 2 });
    return found;
  }
  if (spec.clusters.length === 1) return spec.clusters[0]!;
  if (spec.clusters.length === 0) {
    throw new KafkaplaneError('NO_CLUSTER', `${source} defines no KafkaCluster, so there is nothing to render`, { exitCode: 2, hint: 'render the file that holds the KafkaCluster (its KafkaTopic and KafkaUser documents may live beside it)' });
  }
  throw new KafkaplaneError('AMBIGUOUS_CLUSTER', `${source} defines ${spec.clusters.length} clusters (${names.join(', ')}); say which with --cluster`, { exitCode: 2 });
}

/** Writes every file of a render (each through a temporary file and a rename, so no file is ever half-written). */
async function writeFiles(outDir: string, result: RenderResult): Promise<string[]> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new KafkaplaneError('OUT_DIR_NOT_A_DIRECTORY', `--out-dir ${outDir} exists and is not a directory`, { exitCode: 2 });
  }
  const written: string[] = [];
  for (const file of result.files) {
    const target = join(outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}`;
    await writeFile(temporary, file.content);
    await rename(temporary, target);
    written.push(target);
  }
  return written;
}

/**
 * kafkaplane render: the spec as Kubernetes manifests (multi-document YAML or a Kustomize tree), a docker compose
 * file or Strimzi resources. Everything is rendered in memory first; a spec that cannot be rendered writes nothing.
 */
export async function runRender(flags: RenderFlags, io: Io): Promise<number> {
  const spec = await readSpecFile(flags.file);
  const cluster = pickCluster(spec, flags.cluster, flags.file);
  const mine = (owner: string | undefined) => owner === undefined || owner === cluster.metadata.name;
  const result = renderFormat(
    {
      cluster,
      topics: spec.topics.filter((t) => mine(t.cluster)).map((t) => t.topic),
      users: spec.users.filter((u) => mine(u.cluster)).map((u) => u.user),
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      source: flags.file,
    },
    flags.format,
  );
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);

  if (flags.outDir === undefined) {
    if (result.files.length !== 1) {
      throw new KafkaplaneError('NEEDS_OUT_DIR', `--format ${flags.format} writes a directory tree (${result.files.length} files: base/ and overlays/)`, {
        exitCode: 2,
        hint: `pass --out-dir <dir>, then: kubectl kustomize <dir>/overlays/prod | kubectl apply -f -`,
      });
    }
    if (io.format === 'json') {
      // A v1 List: `kafkaplane render -o json -f cluster.yaml | kubectl apply -f -` works as well as the YAML.
      printJson(io, Array.isArray(result.objects) ? { apiVersion: 'v1', kind: 'List', items: result.objects } : result.objects);
    } else {
      io.stdout.write(result.files[0]!.content);
    }
    return 0;
  }

  const written = await writeFiles(flags.outDir, result);
  if (io.format === 'json') {
    printJson(io, { format: result.format, cluster: cluster.metadata.name, outDir: resolve(flags.outDir), files: result.files.map((f) => f.path), warnings: result.warnings });
  } else if (!io.quiet) {
    const next =
      flags.format === 'kustomize'
        ? `kubectl kustomize ${join(flags.outDir, 'overlays', 'prod')} | kubectl apply --server-side -f -`
        : flags.format === 'compose'
          ? `docker compose -f ${written[0]} up -d`
          : `kubectl apply --server-side -f ${written[0]}`;
    io.stdout.write(`wrote ${written.length} file${written.length === 1 ? '' : 's'} for cluster ${cluster.metadata.name} (${flags.format}):\n${written.map((w) => `  ${w}`).join('\n')}\nnext: ${next}\n`);
  }
  return 0;
}
