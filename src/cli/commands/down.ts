import { down } from '../../local/down.ts';
import { type Io, printJson, progress } from '../output.ts';
import { type LocateFlags, locateOptions } from './status.ts';

export async function runDown(flags: LocateFlags & { purge?: boolean; timeout?: number }, io: Io): Promise<number> {
  const bar = progress(io);
  const result = await down({
    ...(await locateOptions(flags)),
    purge: flags.purge ?? false,
    ...(flags.timeout !== undefined ? { graceMs: flags.timeout * 1000 } : {}),
    onEvent: (e) => bar.line(e.type === 'download' ? '' : e.message),
  });
  if (io.format === 'json') printJson(io, result);
  else {
    const stopped = result.nodes.filter((n) => n.result !== 'not-running');
    const late = result.nodes.filter((n) => n.result === 'killed' && n.reason !== 'no-quorum');
    const stranded = result.nodes.filter((n) => n.result === 'killed' && n.reason === 'no-quorum');
    const nodes = (list: typeof late) => `${list.length > 1 ? 'nodes' : 'node'} ${list.map((n) => n.id).join(', ')}`;
    io.stdout.write(
      `cluster "${result.name}": ${stopped.length === 0 ? 'was not running' : `stopped ${stopped.length} node${stopped.length === 1 ? '' : 's'}`}` +
        `${late.length > 0 ? ` (${nodes(late)} did not shut down within the grace period and ${late.length > 1 ? 'were' : 'was'} killed)` : ''}` +
        `${stranded.length > 0 ? ` (${nodes(stranded)} waited for a controller quorum that had shut down and ${stranded.length > 1 ? 'were' : 'was'} killed; logs are recovered at the next start)` : ''}` +
        `${result.purged ? `; deleted ${result.stateDir}` : `; data kept in ${result.stateDir}`}\n`,
    );
  }
  return 0;
}
