import { listLocalClusters } from '../../local/locate.ts';
import { type StatusResult, status } from '../../local/status.ts';
import { type Io, formatTable, printJson } from '../output.ts';
import { readSpecFile } from '../spec-file.ts';

export interface LocateFlags {
  file?: string;
  cluster?: string;
  stateDir?: string;
}

export async function specClusterName(flags: LocateFlags): Promise<string | undefined> {
  if (flags.file === undefined || flags.cluster !== undefined) return undefined;
  const spec = await readSpecFile(flags.file);
  return spec.clusters.length === 1 ? spec.clusters[0]!.metadata.name : undefined;
}

export async function locateOptions(flags: LocateFlags) {
  const specCluster = await specClusterName(flags);
  return {
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    ...(flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {}),
    ...(specCluster !== undefined ? { specCluster } : {}),
  };
}

export async function runStatus(flags: LocateFlags & { all?: boolean }, io: Io): Promise<number> {
  if (flags.all) {
    const names = await listLocalClusters();
    const results = await Promise.all(names.map((name) => status({ cluster: name })));
    if (io.format === 'json') printJson(io, results);
    else io.stdout.write(results.length === 0 ? 'no local clusters\n' : formatTable(['CLUSTER', 'VERSION', 'NODES', 'HEALTHY', 'BOOTSTRAP'], results.map((r) => [r.name, r.kafkaVersion, `${r.nodes.filter((n) => n.running).length}/${r.nodes.length}`, r.healthy ? 'yes' : 'no', r.bootstrap])));
    return results.every((r) => r.healthy) ? 0 : 1;
  }
  const result = await status(await locateOptions(flags));
  if (io.format === 'json') printJson(io, result);
  else io.stdout.write(describeStatus(result));
  return result.healthy ? 0 : 1;
}

export function describeStatus(r: StatusResult): string {
  const state = r.healthy ? 'healthy' : r.running ? 'degraded' : 'stopped';
  const lines = [`cluster "${r.name}" (Kafka ${r.kafkaVersion}, id ${r.clusterId}): ${state}`, ''];
  lines.push(
    formatTable(
      ['NODE', 'ROLES', 'STATE', 'PID', 'BROKER', 'QUORUM', 'PORTS'],
      r.nodes.map((n) => [
        n.id,
        n.roles.join(','),
        n.running ? 'running' : 'stopped',
        n.pid,
        n.registered === null ? '-' : n.registered ? 'registered' : 'not registered',
        n.quorum,
        n.listeners.map((l) => `${l.name}:${l.port}`).join(' '),
      ]),
    ).trimEnd(),
  );
  lines.push('');
  if (r.quorum) lines.push(`quorum: leader ${r.quorum.leaderId}, epoch ${r.quorum.leaderEpoch}, high watermark ${r.quorum.highWatermark}, voter lag ${r.quorum.voters.map((v) => `${v.id}:${v.lag}`).join(' ')}`);
  if (r.error) lines.push(`could not query the cluster: ${r.error}`);
  for (const l of r.listeners) lines.push(`bootstrap (${l.name}, ${l.securityProtocol}): ${l.bootstrap}`);
  lines.push(`state: ${r.stateDir}`);
  return `${lines.join('\n')}\n`;
}
