import { listLocalClusters } from '../../local/locate.ts';
import { type StatusResult, status as clusterStatus } from '../../local/status.ts';
import { type LocateFlags, locateRequest } from '../locate.ts';

export type StatusReport = { all: false; cluster: StatusResult } | { all: true; clusters: StatusResult[] };

/** `kafkaplane status`: one local cluster (or with --all every one) with its nodes, quorum and health. */
export async function status(flags: LocateFlags & { all?: boolean }): Promise<StatusReport> {
  if (flags.all) {
    const names = await listLocalClusters();
    return { all: true, clusters: await Promise.all(names.map((name) => clusterStatus({ cluster: name }))) };
  }
  return { all: false, cluster: await clusterStatus(await locateRequest(flags)) };
}
