// `kafkaplane doctor`: seed 004's troubleshooting checklist, automated. Facts are gathered in src/kafka/health.ts and
// judged by the pure diagnoseCluster (src/ops/diagnosis.ts); the exit code is the worst finding.
import { readFile } from 'node:fs/promises';
import type { LocalListener } from '../../kafka/health.ts';
import { type Finding, type LocalNodeFact, diagnoseCluster, doctorExitCode, worstSeverity } from '../../ops/diagnosis.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, progress } from '../output.ts';

export interface DoctorFlags extends ConnectionFlags {
  bootstrapServer?: string;
  /** Seconds between the two consumer-lag samples (0: one sample). */
  lagInterval?: number;
  /** Warnings fail too (exit 1), for gates that want a clean bill of health. */
  strict?: boolean;
  /** TLS certificates expiring within this many days are a warning. */
  certWarnDays?: number;
}

export interface DoctorReport {
  bootstrap: string[];
  clusterId: string | null;
  worst: ReturnType<typeof worstSeverity>;
  exitCode: number;
  findings: Finding[];
}

export async function doctor(flags: DoctorFlags, io: Io): Promise<DoctorReport> {
  const config = await resolveConnection(flags);
  const isLocal = flags.bootstrap === undefined && flags.bootstrapServer === undefined && flags.commandConfig === undefined;
  const p = progress(io);
  let local: { name: string; nodes: LocalNodeFact[]; listeners: LocalListener[] } | null = null;
  if (isLocal) {
    const [{ clientBootstraps }, { locate }, { status }] = await Promise.all([import('../../local/local-cluster.ts'), import('../../local/locate.ts'), import('../../local/status.ts')]);
    const where = { ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.stateDir ? { stateDir: flags.stateDir } : {}) };
    const found = await status(where);
    // doctor connects through the internal REPLICATION listener; clients use these, so each is checked on its own.
    const cluster = await locate(where);
    const ca = cluster.tls ? await readFile(cluster.tls.caFile, 'utf8').catch(() => undefined) : undefined;
    const nodeIds = cluster.model.nodes.filter((n) => n.broker).map((n) => n.id);
    const listeners = clientBootstraps(cluster).map((l) => ({ name: l.name, securityProtocol: l.securityProtocol, bootstrap: l.bootstrap.split(','), nodeIds, ...(ca !== undefined ? { ca } : {}) }));
    local = {
      name: found.name,
      nodes: found.nodes.map((n) => ({ id: n.id, roles: n.roles, running: n.running, state: n.state, problem: n.problem, disk: n.disk, logFile: n.logFile })),
      listeners,
    };
  }
  const { gatherDoctorFacts } = await import('../../kafka/health.ts');
  try {
    const facts = await gatherDoctorFacts(config, {
      lagSampleMs: (flags.lagInterval ?? 5) * 1000,
      local,
      ...(isLocal ? { connectedVia: 'the internal REPLICATION listener' } : {}),
      progress: (m) => p.update(`doctor: ${m}…`),
    });
    const findings = diagnoseCluster(facts, flags.certWarnDays !== undefined ? { certificateWarnDays: flags.certWarnDays } : {});
    return {
      bootstrap: config.bootstrap,
      clusterId: facts.cluster?.clusterId ?? null,
      worst: worstSeverity(findings),
      exitCode: doctorExitCode(findings, { strict: flags.strict === true }),
      findings,
    };
  } finally {
    p.done();
  }
}
