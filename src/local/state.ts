import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KafkaplaneError } from '../errors.ts';
import type { ClusterIdentity, QuorumMode } from '../model/quorum.ts';
import type { KafkaCluster, NodeRole } from '../api/kafka-cluster.ts';
import { stateRoot } from './paths.ts';

/** What a local cluster keeps between `up`s: identity, node layout and port plan never change for existing data. */
export interface ClusterState {
  schema: 1;
  name: string;
  kafkaVersion: string;
  /** The quorum the cluster was formatted with; kept across upgrades. */
  quorumMode: QuorumMode;
  identity: ClusterIdentity;
  portBase: number;
  /**
   * `portIndex` is the node's place in the local port plan (port = base + 100·slot + portIndex), fixed when the
   * node is first created: growing one pool must not move the ports of another pool's nodes (a controller's address
   * is part of the quorum). Missing in states written before it existed: then the node's position in the cluster.
   */
  nodes: { id: number; pool: string; roles: NodeRole[]; formatted: boolean; portIndex?: number }[];
  /** The spec as last applied (defaults filled in). */
  spec: KafkaCluster;
}

export interface StateLayout {
  dir: string;
  stateFile: string;
  nodeDir(id: number): string;
  dataDir(id: number): string;
  propertiesFile(id: number): string;
  logFile(id: number): string;
  stdoutFile(id: number): string;
  pidFile(id: number): string;
  userPasswordFile(user: string): string;
  /** The password of a secured cluster's internal listeners (REPLICATION, CONTROLLER), mode 0600. */
  internalPasswordFile: string;
}

export function defaultStateDir(clusterName: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateRoot(env), 'clusters', clusterName);
}

export function stateLayout(dir: string): StateLayout {
  const root = resolve(dir);
  const nodeDir = (id: number) => join(root, 'nodes', String(id));
  return {
    dir: root,
    stateFile: join(root, 'cluster.json'),
    nodeDir,
    dataDir: (id) => join(nodeDir(id), 'data'),
    propertiesFile: (id) => join(nodeDir(id), 'server.properties'),
    logFile: (id) => join(nodeDir(id), 'logs', 'server.log'),
    stdoutFile: (id) => join(nodeDir(id), 'stdout.log'),
    pidFile: (id) => join(nodeDir(id), 'pid'),
    userPasswordFile: (user) => join(root, 'users', `${user}.password`),
    internalPasswordFile: join(root, 'internal.password'),
  };
}

export async function readState(layout: StateLayout): Promise<ClusterState | undefined> {
  if (!existsSync(layout.stateFile)) return undefined;
  let state: ClusterState;
  try {
    state = JSON.parse(await readFile(layout.stateFile, 'utf8')) as ClusterState;
  } catch (error) {
    throw new KafkaplaneError('STATE_UNREADABLE', `cannot read the cluster state in ${layout.stateFile}`, {
      cause: error,
      hint: 'the file is damaged; restore it, or remove the state directory (kafkaplane down --purge) to start over',
    });
  }
  if (state.schema !== 1) {
    throw new KafkaplaneError('STATE_SCHEMA', `${layout.stateFile} was written by a different kafkaplane version (schema ${String(state.schema)})`);
  }
  return state;
}

export async function writeState(layout: StateLayout, state: ClusterState): Promise<void> {
  await mkdir(layout.dir, { recursive: true });
  const tmp = `${layout.stateFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, layout.stateFile);
}

/** The git work tree that contains `dir`, if any: cluster data must not land in a checkout by accident. */
export function enclosingGitCheckout(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    if (existsSync(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
