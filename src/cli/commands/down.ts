import { type DownResult, down as stopCluster } from '../../local/down.ts';
import { type LocateFlags, locateRequest } from '../locate.ts';
import { type Io, progress } from '../output.ts';

/** `kafkaplane down`: a controlled shutdown of the local cluster (its steps on stderr as they happen). */
export async function down(flags: LocateFlags & { purge?: boolean; timeout?: number }, io: Io): Promise<DownResult> {
  const bar = progress(io);
  return stopCluster({
    ...(await locateRequest(flags)),
    purge: flags.purge ?? false,
    ...(flags.timeout !== undefined ? { graceMs: flags.timeout * 1000 } : {}),
    onEvent: (e) => bar.line(e.type === 'download' ? '' : e.message),
  });
}
