import { statfs } from 'node:fs/promises';
import { explainDeath } from '../model/local-rules.ts';
import type { LocalCluster } from './local-cluster.ts';
import { frozen, tailLines } from './processes.ts';

/**
 * What the operating system says about a local node, beside what Kafka says: whether its JVM runs, is frozen (stopped
 * by SIGSTOP or a debugger: the process exists, its ports accept connections, and nothing answers), how full the disk
 * of its data directory is, and what its log says about why it stopped. `status` and `doctor` name these as causes.
 */
export interface NodeHealth {
  state: 'running' | 'frozen' | 'stopped';
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  /** Why the node stopped or fails, in words, from the end of its log (the disk is full, a port is in use, …). */
  problem: string | null;
}

/** Lines read from the end of a node's log to explain it. */
const LOG_TAIL_LINES = 200;

export async function nodeHealth(local: LocalCluster, id: number, pid: number | undefined): Promise<NodeHealth> {
  const path = local.layout.dataDir(id);
  const disk = await statfs(path).then(
    (s) => ({ path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize }),
    () => null,
  );
  const state = pid === undefined ? 'stopped' : frozen(pid) ? 'frozen' : 'running';
  const problem = state === 'running' && !nearlyFull(disk) ? null : (explainDeath((await tailLines(local.layout.logFile(id), LOG_TAIL_LINES)).join('\n')) ?? null);
  return { state, disk, problem };
}

/** Less than 2 % or 64 MiB free: Kafka fails its log directory at the first write that does not fit. */
export function nearlyFull(disk: NodeHealth['disk']): boolean {
  return disk !== null && disk.totalBytes > 0 && (disk.freeBytes < 64 * 1024 * 1024 || disk.freeBytes / disk.totalBytes < 0.02);
}
