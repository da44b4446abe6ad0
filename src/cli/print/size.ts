import { bits, bytes, rate } from '../../ops/sizing.ts';
import type { SizeReport } from '../commands/size.ts';
import type { Printer } from '../declare.ts';
import { cliHint } from '../hints.ts';
import { formatTable } from '../output.ts';

const notes = (r: SizeReport) => r.plan.notes.map((n) => cliHint(n)!);

export const sizePrinter: Printer<SizeReport> = {
  json: (r) => ({ input: r.input, plan: { ...r.plan, notes: notes(r) }, ...(r.spec ? { spec: { cluster: r.spec.cluster, ...r.spec.sizing, comparison: r.spec.comparison } } : {}) }),
  text(r, io) {
    const { input, plan } = r;
    const p = plan.perBroker;
    const lines: string[] = [];
    lines.push(`Sizing for ${rate(input.writeBytesPerSec)} in, ${rate(input.readBytesPerSec)} out, replication factor ${input.replicationFactor}, ${r.retention} retention (seed 000's rules)`, '');
    lines.push(
      formatTable(
        ['RESOURCE', 'PER BROKER', 'CLUSTER'],
        [
          ['brokers', '', String(plan.brokers)],
          ['disk', bytes(p.diskBytes), bytes(plan.cluster.storageWithHeadroomBytes)],
          ['memory', `${bytes(p.memoryBytes)} (heap ${bytes(p.heapBytes)} + page cache ${bytes(p.pageCacheBytes)})`, bytes(p.memoryBytes * plan.brokers)],
          ['network', `${rate(p.networkBytesPerSec)} (${bits(p.networkBytesPerSec)})`, `${rate(plan.cluster.networkBytesPerSec)} (${bits(plan.cluster.networkBytesPerSec)})`],
          ...(p.partitionReplicas !== undefined ? [['partition replicas', String(p.partitionReplicas), String(plan.cluster.partitionReplicas)]] : []),
        ],
      ).trimEnd(),
      '',
      'How:',
      ...plan.reasoning.map((line) => `  - ${line}`),
    );
    if (plan.notes.length > 0) lines.push('', 'Notes:', ...notes(r).map((n) => `  - ${n}`));
    if (r.spec) {
      lines.push(
        '',
        `Spec ${r.spec.file} (cluster "${r.spec.cluster}"):`,
        formatTable(
          ['RESOURCE', 'SPEC', 'NEEDED', 'VERDICT'],
          r.spec.comparison.map((c) => [c.resource, c.spec, c.needed, c.verdict]),
        ).trimEnd(),
      );
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  },
  exitCode: (r) => (r.spec?.comparison.some((c) => c.verdict !== 'ok') ? 1 : 0),
};
