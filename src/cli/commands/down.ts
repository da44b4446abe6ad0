import { down } from '../../local/cluster.ts';
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
    const killed = result.nodes.filter((n) => n.result === 'killed');
    io.stdout.write(
      `cluster "${result.name}": ${stopped.length === 0 ? 'was not running' : `stopped ${stopped.length} node${stopped.length === 1 ? '' : 's'}`}` +
        `${killed.length > 0 ? ` (${killed.length > 1 ? 'nodes' : 'node'} ${killed.map((n) => n.id).join(', ')} did not shut down within the grace period and ${killed.length > 1 ? 'were' : 'was'} killed)` : ''}` +
        `${result.purged ? `; deleted ${result.stateDir}` : `; data kept in ${result.stateDir}`}\n`,
    );
  }
  return 0;
}
