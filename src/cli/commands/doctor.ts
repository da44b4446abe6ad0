// `kafkaplane doctor`: seed 004's troubleshooting checklist, automated. Facts are gathered in src/kafka/health.ts and
// judged by the pure diagnoseCluster (src/ops/diagnosis.ts); the exit code is the worst finding.
import { readFile } from 'node:fs/promises';
import type { LocalListener } from '../../kafka/health.ts';
import { type Finding, diagnoseCluster, doctorExitCode, worstSeverity } from '../../ops/diagnosis.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, printJson, progress } from '../output.ts';

export interface DoctorFlags extends ConnectionFlags {
  bootstrapServer?: string;
  /** Seconds between the two consumer-lag samples (0: one sample). */
  lagInterval?: number;
  /** Warnings fail too (exit 1), for gates that want a clean bill of health. */
  strict?: boolean;
}

const LABEL: Record<Finding['severity'], string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO', ok: 'OK' };
const ORDER: Record<Finding['severity'], number> = { critical: 0, warning: 1, info: 2, ok: 3 };

export async function runDoctor(flags: DoctorFlags, io: Io): Promise<number> {
  const config = await resolveConnection(flags);
  const isLocal = flags.bootstrap === undefined && flags.bootstrapServer === undefined && flags.commandConfig === undefined;
  const p = progress(io);
  let local: { name: string; nodes: { id: number; roles: string[]; running: boolean; logFile: string }[]; listeners: LocalListener[] } | null = null;
  if (isLocal) {
    const [{ clientBootstraps }, { locate }, { status }] = await Promise.all([import('../../local/local-cluster.ts'), import('../../local/locate.ts'), import('../../local/status.ts')]);
    const where = { ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.stateDir ? { stateDir: flags.stateDir } : {}) };
    const found = await status(where);
    // doctor connects through the internal REPLICATION listener; clients use these, so each is checked on its own.
    const cluster = await locate(where);
    const ca = cluster.tls ? await readFile(cluster.tls.caFile, 'utf8').catch(() => undefined) : undefined;
    const listeners = clientBootstraps(cluster).map((l) => ({ name: l.name, securityProtocol: l.securityProtocol, bootstrap: l.bootstrap.split(','), ...(ca !== undefined ? { ca } : {}) }));
    local = { name: found.name, nodes: found.nodes.map((n) => ({ id: n.id, roles: n.roles, running: n.running, logFile: n.logFile })), listeners };
  }
  const { gatherDoctorFacts } = await import('../../kafka/health.ts');
  const facts = await gatherDoctorFacts(config, {
    lagSampleMs: (flags.lagInterval ?? 5) * 1000,
    local,
    ...(isLocal ? { connectedVia: 'the internal REPLICATION listener' } : {}),
    progress: (m) => p.update(`doctor: ${m}…`),
  });
  p.done();
  const findings = diagnoseCluster(facts);
  const exitCode = doctorExitCode(findings, { strict: flags.strict === true });
  if (io.format === 'json') {
    printJson(io, { bootstrap: config.bootstrap, clusterId: facts.cluster?.clusterId ?? null, worst: worstSeverity(findings), exitCode, findings });
    return exitCode;
  }
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const lines = [`kafkaplane doctor: ${config.bootstrap.join(',')}${facts.cluster?.clusterId ? ` (cluster ${facts.cluster.clusterId})` : ''}`, ''];
  for (const f of sorted) {
    lines.push(`${LABEL[f.severity].padEnd(9)}${f.title}`);
    for (const d of f.detail) lines.push(`         ${d}`);
    if (f.fix && f.severity !== 'ok') lines.push(`         fix: ${f.fix}`);
  }
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  lines.push('', `${count('critical')} critical, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('ok')} ok`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
}
