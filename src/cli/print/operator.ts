// Printers of `operator install` and `operator run`.
import { stringify } from 'yaml';
import type { OperatorInstallReport } from '../commands/operator-install.ts';
import type { OperatorRunReport } from '../commands/operator-run.ts';
import type { Printer } from '../declare.ts';
import { writeNote } from '../output.ts';

export const operatorInstallPrinter: Printer<OperatorInstallReport> = {
  // A v1 List: `kafkaplane operator install -o json | kubectl apply --server-side -f -` works as well as the YAML.
  json: (r) => (r.applied ? { applied: r.applied } : { apiVersion: 'v1', kind: 'List', items: r.objects }),
  text(r, io) {
    if (r.applied) {
      for (const a of r.applied) io.stdout.write(`${a.kind.toLowerCase()}/${a.name}${a.namespace ? ` (${a.namespace})` : ''} ${a.changed ? 'applied' : 'unchanged'}\n`);
      return;
    }
    io.stdout.write(r.objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'));
  },
};

export const operatorRunPrinter: Printer<OperatorRunReport> = {
  text: (r, io) => writeNote(io, `kafkaplane operator stopped after ${r.reconciles} reconcile${r.reconciles === 1 ? '' : 's'}`),
};
