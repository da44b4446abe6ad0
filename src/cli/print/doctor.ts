import type { Finding } from '../../ops/diagnosis.ts';
import type { DoctorReport } from '../commands/doctor.ts';
import type { Printer } from '../declare.ts';
import { cliHint } from '../hints.ts';

const LABEL: Record<Finding['severity'], string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO', ok: 'OK' };
const ORDER: Record<Finding['severity'], number> = { critical: 0, warning: 1, info: 2, ok: 3 };

export const doctorPrinter: Printer<DoctorReport> = {
  // Fixes are hints: in the CLI's words (flags, kafkaplane commands) in JSON too.
  json: (r) => ({ ...r, findings: r.findings.map((f) => ({ ...f, fix: cliHint(f.fix) ?? null })) }),
  text(r, io) {
    // Root causes first (worst first), each followed by the findings it explains; their fix is the cause's.
    const known = new Set(r.findings.flatMap((f) => (f.id ? [f.id] : [])));
    const isSymptom = (f: Finding) => f.causedBy !== undefined && known.has(f.causedBy);
    const sorted = r.findings.filter((f) => !isSymptom(f)).sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
    const lines = [`kafkaplane doctor: ${r.bootstrap.join(',')}${r.clusterId ? ` (cluster ${r.clusterId})` : ''}`, ''];
    for (const f of sorted) {
      lines.push(`${LABEL[f.severity].padEnd(9)}${f.title}`);
      for (const d of f.detail) lines.push(`         ${d}`);
      if (f.fix && f.severity !== 'ok') lines.push(`         fix: ${cliHint(f.fix)}`);
      const symptoms = f.id ? r.findings.filter((s) => s.causedBy === f.id) : [];
      if (symptoms.length > 0) lines.push(`         because of this (fixed by the fix above):`);
      for (const s of symptoms) {
        lines.push(`           - ${s.title}`);
        for (const d of s.detail) lines.push(`             ${d}`);
      }
    }
    const count = (s: Finding['severity']) => r.findings.filter((f) => f.severity === s).length;
    lines.push('', `${count('critical')} critical, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('ok')} ok`);
    io.stdout.write(`${lines.join('\n')}\n`);
  },
  exitCode: (r) => r.exitCode,
};
