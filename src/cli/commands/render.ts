import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { KafkaplaneError } from '../../errors.ts';
import { type RenderFormat, type RenderResult, renderFormat } from '../../render/index.ts';
import { selectCluster } from '../../api/select-cluster.ts';
import { type Io, writeStderrLine } from '../output.ts';
import { readSpecFile } from '../spec-file.ts';

export interface RenderFlags {
  file: string;
  format: RenderFormat;
  outDir?: string;
  cluster?: string;
  namespace?: string;
  /** The spec the running cluster was rendered from, to warn about what applying the change cannot do. */
  previous?: string;
  strimziVersion?: string;
}

/**
 * What a render wrote into an --out-dir, kept there so the next render into the same directory can remove the
 * files it no longer produces (an old job-<hash>.yaml would otherwise stay, and `kubectl apply -f dir/` would apply
 * it again). Only files listed here are ever removed, and only while they still hold what kafkaplane wrote (a file
 * someone edited since is left, with a warning). JSON, but without a .json extension: `kubectl apply -f dir/` reads
 * every .json, .yaml and .yml file of a directory and would take it for a Kubernetes object.
 */
export const RENDER_MANIFEST = '.kafkaplane-render';

interface RenderManifest {
  kind: 'KafkaplaneRender';
  format: string;
  cluster: string;
  /** Relative paths and the SHA-256 of the content kafkaplane wrote. */
  files: { path: string; sha256: string }[];
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

async function readManifest(outDir: string): Promise<RenderManifest | undefined> {
  const text = await readFile(join(outDir, RENDER_MANIFEST), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  try {
    const manifest = JSON.parse(text) as RenderManifest;
    if (manifest.kind === 'KafkaplaneRender' && Array.isArray(manifest.files)) return manifest;
  } catch {
    // not ours, or damaged: fall through
  }
  throw new KafkaplaneError('BAD_RENDER_MANIFEST', `${join(outDir, RENDER_MANIFEST)} is not a kafkaplane render manifest`, {
    exitCode: 2,
    hint: 'it records what the previous render wrote, so stale files can be removed; delete it (and any stale files yourself) or pick another --out-dir',
  });
}

/** A manifest path kafkaplane may touch: relative, inside outDir, not the manifest itself. */
function insideOutDir(outDir: string, path: string): string | undefined {
  if (typeof path !== 'string' || path === '' || isAbsolute(path)) return undefined;
  const target = resolve(outDir, path);
  const rel = relative(resolve(outDir), target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel === RENDER_MANIFEST) return undefined;
  return target;
}

async function writeAtomically(target: string, content: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, target);
}

/**
 * Writes every file of a render (each through a temporary file and a rename, so no file is ever half-written), then
 * removes the files of the previous render into this directory that this one did not produce, and records what it
 * wrote. Returns the written paths, the removed ones and warnings.
 */
async function writeFiles(outDir: string, result: RenderResult, cluster: string): Promise<{ written: string[]; removed: string[]; warnings: string[] }> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new KafkaplaneError('OUT_DIR_NOT_A_DIRECTORY', `--out-dir ${outDir} exists and is not a directory`);
  }
  const previous = existing ? await readManifest(outDir) : undefined;
  const written: string[] = [];
  for (const file of result.files) {
    const target = join(outDir, file.path);
    await writeAtomically(target, file.content);
    written.push(target);
  }
  const removed: string[] = [];
  const warnings: string[] = [];
  const current = new Set(result.files.map((f) => resolve(outDir, f.path)));
  for (const old of previous?.files ?? []) {
    const target = insideOutDir(outDir, old.path);
    if (target === undefined || current.has(target)) continue;
    const content = await readFile(target).catch(() => undefined);
    if (content === undefined) continue; // already gone
    if (sha256(content) !== old.sha256) {
      warnings.push(`left ${target}: a previous render wrote it, this one does not, but it was changed since, so it is not removed`);
      continue;
    }
    await rm(target);
    removed.push(target);
    // Directories the previous render created and that are empty now (never outDir itself; rmdir refuses non-empty ones).
    for (let dir = dirname(target); insideOutDir(outDir, relative(outDir, dir)) !== undefined; dir = dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }
  const manifest: RenderManifest = { kind: 'KafkaplaneRender', format: result.format, cluster, files: result.files.map((f) => ({ path: f.path, sha256: sha256(f.content) })) };
  await writeAtomically(join(outDir, RENDER_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { written, removed, warnings };
}

export interface RenderReport {
  format: RenderFormat;
  cluster: string;
  result: RenderResult;
  /** With --out-dir: what was written and removed, and warnings about files left in place. */
  written?: { outDir: string; paths: string[]; removed: string[]; warnings: string[] };
}

/**
 * kafkaplane render: the spec as Kubernetes manifests (multi-document YAML or a Kustomize tree), a docker compose
 * file or Strimzi resources. Everything is rendered in memory first; a spec that cannot be rendered writes nothing.
 */
export async function render(flags: RenderFlags, io: Io): Promise<RenderReport> {
  const spec = await readSpecFile(flags.file);
  const cluster = selectCluster(spec, flags.cluster, flags.file, {
    nothingTo: 'render',
    hint: 'render the file that holds the KafkaCluster (its KafkaTopic and KafkaUser documents may live beside it)',
  });
  const mine = (owner: string | undefined) => owner === undefined || owner === cluster.metadata.name;
  const previous = flags.previous === undefined ? undefined : await readSpecFile(flags.previous);
  const result = renderFormat(
    {
      cluster,
      topics: spec.topics.filter((t) => mine(t.cluster)).map((t) => t.topic),
      users: spec.users.filter((u) => mine(u.cluster)).map((u) => u.user),
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      ...(previous && flags.previous !== undefined
        ? {
            previous: {
              cluster: selectCluster(previous, cluster.metadata.name, flags.previous),
              topics: previous.topics.filter((t) => mine(t.cluster)).map((t) => t.topic),
              users: previous.users.filter((u) => mine(u.cluster)).map((u) => u.user),
            },
          }
        : {}),
      ...(flags.strimziVersion !== undefined ? { strimziVersion: flags.strimziVersion } : {}),
      source: flags.file,
    },
    flags.format,
  );
  // Said at once, before anything is written or refused (they are about the spec, whatever happens next).
  for (const warning of result.warnings) writeStderrLine(io, `warning: ${warning}`);
  const report: RenderReport = { format: flags.format, cluster: cluster.metadata.name, result };
  if (flags.outDir === undefined) {
    if (result.files.length !== 1) {
      throw new KafkaplaneError('NEEDS_OUT_DIR', `--format ${flags.format} writes a directory tree (${result.files.length} files: base/ and overlays/)`, {
        hint: `pass --out-dir <dir>, then: kubectl kustomize <dir>/overlays/prod | kubectl apply -f -`,
      });
    }
    return report;
  }
  const { written, removed, warnings } = await writeFiles(flags.outDir, result, cluster.metadata.name);
  return { ...report, written: { outDir: flags.outDir, paths: written, removed, warnings } };
}
