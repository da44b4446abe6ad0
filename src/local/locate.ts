import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaplaneError, action, hint, setting } from '../errors.ts';
import { type LocalCluster, openLocalCluster } from './local-cluster.ts';
import { type StateLayout, defaultStateDir, enclosingGitCheckout, readState, stateLayout } from './state.ts';

export interface LocateOptions {
  cluster?: string | undefined;
  stateDir?: string | undefined;
  /** The cluster named by a spec file the user gave, used when `cluster` is not set. */
  specCluster?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/** Where an existing cluster keeps its state: the state dir given, else the named cluster's, else the only one. */
export async function locateLayout(options: LocateOptions): Promise<StateLayout> {
  const env = options.env ?? process.env;
  if (options.stateDir !== undefined) return stateLayout(options.stateDir);
  return stateLayout(defaultStateDir(options.cluster ?? options.specCluster ?? (await onlyCluster(env)), env));
}

/** Finds an existing local cluster and reads its state; creates and changes nothing. */
export async function locate(options: LocateOptions): Promise<LocalCluster> {
  const layout = await locateLayout(options);
  const state = await readState(layout);
  if (!state) throw new KafkaplaneError('NO_CLUSTER_STATE', `no local cluster in ${layout.dir}`, { hint: hint`start one with \`${action('up', '-f cluster.yaml')}\`` });
  return openLocalCluster(layout, state);
}

/** The state directory for a new or existing cluster of this name; refuses one inside a git checkout unless allowed. */
export function resolveLayout(clusterName: string, options: { stateDir?: string | undefined; allowStateInCheckout?: boolean | undefined; env?: NodeJS.ProcessEnv | undefined }): StateLayout {
  if (options.stateDir !== undefined && !options.allowStateInCheckout) {
    const checkout = enclosingGitCheckout(options.stateDir);
    if (checkout !== undefined) {
      throw new KafkaplaneError(
        'STATE_IN_CHECKOUT',
        `the state directory ${options.stateDir} is inside the git checkout ${checkout}; cluster data (gigabytes of logs) does not belong in a repository`,
        {
          hint: hint`pick a directory outside the checkout, leave ${setting('stateDir')} out to use the per-user default, or pass ${setting('allowStateInCheckout')} if you really mean it`,
        },
      );
    }
  }
  return stateLayout(options.stateDir ?? defaultStateDir(clusterName, options.env ?? process.env));
}

/** Names of the clusters in the per-user state root. */
export async function listLocalClusters(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const root = join(defaultStateDir('x', env), '..');
  try {
    const names = await readdir(root);
    return names.filter((n) => existsSync(join(root, n, 'cluster.json'))).sort();
  } catch {
    return [];
  }
}

async function onlyCluster(env: NodeJS.ProcessEnv): Promise<string> {
  const names = await listLocalClusters(env);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new KafkaplaneError('NO_CLUSTER_STATE', 'there is no local cluster', { hint: hint`start one with \`${action('up', '-f cluster.yaml')}\`` });
  throw new KafkaplaneError('AMBIGUOUS_CLUSTER', `there are ${names.length} local clusters (${names.join(', ')}); say which`, {
    hint: hint`name one with ${setting('cluster', '<name>')} or ${setting('file', '<spec>')}`,
  });
}

/** The log file of one node, or of every node. */
export async function logFiles(options: LocateOptions & { node?: number }): Promise<{ id: number; file: string }[]> {
  const local = await locate(options);
  const ids = local.model.nodes.map((n) => n.id);
  if (options.node !== undefined && !ids.includes(options.node)) {
    throw new KafkaplaneError('NO_SUCH_NODE', `cluster "${local.state.name}" has no node ${options.node} (nodes: ${ids.join(', ')})`);
  }
  return (options.node === undefined ? ids : [options.node]).map((id) => ({ id, file: local.layout.logFile(id) }));
}
