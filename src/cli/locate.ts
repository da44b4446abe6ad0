// How the local-cluster commands (down, status, logs) say which cluster they mean.
import { readSpecFile } from './spec-file.ts';

export interface LocateFlags {
  file?: string;
  cluster?: string;
  stateDir?: string;
}

/** The cluster name a spec file gives, when it defines exactly one cluster and --cluster does not name one. */
export async function specClusterName(flags: LocateFlags): Promise<string | undefined> {
  if (flags.file === undefined || flags.cluster !== undefined) return undefined;
  const spec = await readSpecFile(flags.file);
  return spec.clusters.length === 1 ? spec.clusters[0]!.metadata.name : undefined;
}

/** The flags as the local runtime's locate() takes them. */
export async function locateRequest(flags: LocateFlags) {
  const specCluster = await specClusterName(flags);
  return {
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    ...(flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {}),
    ...(specCluster !== undefined ? { specCluster } : {}),
  };
}
