import { join, relative, resolve } from 'node:path';
import type { RenderReport } from '../commands/render.ts';
import type { Printer } from '../declare.ts';
import { writeStderrLine } from '../output.ts';

export const renderPrinter: Printer<RenderReport> = {
  json(r, io) {
    if (!r.written) {
      // A v1 List: `kafkaplane render -o json -f cluster.yaml | kubectl apply -f -` works as well as the YAML.
      return Array.isArray(r.result.objects) ? { apiVersion: 'v1', kind: 'List', items: r.result.objects } : r.result.objects;
    }
    for (const warning of r.written.warnings) writeStderrLine(io, `warning: ${warning}`);
    return {
      format: r.result.format,
      cluster: r.cluster,
      outDir: resolve(r.written.outDir),
      files: r.result.files.map((f) => f.path),
      removed: r.written.removed.map((p) => relative(resolve(r.written!.outDir), p)),
      warnings: [...r.result.warnings, ...r.written.warnings],
    };
  },
  text(r, io) {
    if (!r.written) {
      io.stdout.write(r.result.files[0]!.content);
      return;
    }
    const { outDir, paths, removed, warnings } = r.written;
    for (const warning of warnings) writeStderrLine(io, `warning: ${warning}`);
    if (io.quiet) return;
    const next =
      r.format === 'kustomize'
        ? `kubectl kustomize ${join(outDir, 'overlays', 'prod')} | kubectl apply --server-side -f -`
        : r.format === 'compose'
          ? `docker compose -f ${paths[0]} up -d`
          : `kubectl apply --server-side -f ${paths[0]}`;
    const stale =
      removed.length > 0 ? `removed ${removed.length} file${removed.length === 1 ? '' : 's'} of the previous render that this one does not produce:\n${removed.map((p) => `  ${p}`).join('\n')}\n` : '';
    io.stdout.write(`wrote ${paths.length} file${paths.length === 1 ? '' : 's'} for cluster ${r.cluster} (${r.format}):\n${paths.map((w) => `  ${w}`).join('\n')}\n${stale}next: ${next}\n`);
  },
};
