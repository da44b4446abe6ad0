import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KafkaplaneError, action, hint } from '../errors.ts';
import { type LocalState, parseLocalState } from '../model/local-state.ts';
import { stateRoot } from './paths.ts';

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

/** The stored state, parsed (older schemas migrated); undefined when the directory has none. */
export async function readState(layout: StateLayout): Promise<LocalState | undefined> {
  if (!existsSync(layout.stateFile)) return undefined;
  const wayOut = hint`restore ${layout.stateFile} from a backup, or run \`${action('purge')}\` (with the same state directory) to stop whatever still runs from ${layout.dir} and delete it`;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(layout.stateFile, 'utf8'));
  } catch (error) {
    throw new KafkaplaneError('STATE_UNREADABLE', `cannot read the cluster state in ${layout.stateFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, hint: wayOut });
  }
  const parsed = parseLocalState(json);
  if ('state' in parsed) return parsed.state;
  if (parsed.problem.kind === 'schema') {
    throw new KafkaplaneError('STATE_SCHEMA', `${layout.stateFile} was written by a different kafkaplane version (state schema ${String(parsed.problem.found)}); this version reads schemas 1 and 2`, {
      hint: 'use the kafkaplane version that created the cluster, or start over in another state directory',
    });
  }
  throw new KafkaplaneError('STATE_UNREADABLE', `the cluster state in ${layout.stateFile} is damaged:\n${parsed.problem.problems.map((p) => `  - ${p}`).join('\n')}`, { hint: wayOut });
}

export async function writeState(layout: StateLayout, state: LocalState): Promise<void> {
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
