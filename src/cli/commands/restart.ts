import { type RestartResult, restart as rollCluster } from '../../local/restart.ts';
import { type LocateFlags, locateRequest } from '../locate.ts';
import type { Io } from '../output.ts';
import { upProgress } from '../print/local.ts';

/** `kafkaplane restart`: a rolling restart of the local cluster (or with --dry-run, its plan). */
export async function restart(flags: LocateFlags & { node?: number[]; dryRun?: boolean; timeout: number }, io: Io): Promise<RestartResult> {
  const report = upProgress(io);
  try {
    return await rollCluster({
      ...(await locateRequest(flags)),
      ...(flags.node ? { nodes: flags.node } : {}),
      dryRun: flags.dryRun ?? false,
      timeoutMs: flags.timeout * 1000,
      onEvent: report.event,
    });
  } finally {
    report.done();
  }
}
