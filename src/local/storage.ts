import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaplaneError, action, hint } from '../errors.ts';
import { parseProperties } from '../model/properties-format.ts';

/**
 * A Kafka Uuid as StorageTool random-uuid prints it: 16 random bytes, base64url without padding. Kafka rejects ids
 * whose text starts with "-" (they read like command-line flags) and the two reserved values, so we redraw those.
 */
export function randomKafkaUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const text = bytes.toString('base64url');
    const reserved = bytes.every((b, i) => b === 0 || (i === 15 && b === 1));
    if (!text.startsWith('-') && !reserved) return text;
  }
}

export interface MetaProperties {
  clusterId: string | undefined;
  nodeId: number | undefined;
  directoryId: string | undefined;
}

/** meta.properties of a formatted log dir; undefined when the directory was never formatted. */
export async function readMetaProperties(logDir: string): Promise<MetaProperties | undefined> {
  const file = join(logDir, 'meta.properties');
  if (!existsSync(file)) return undefined;
  const props = parseProperties(await readFile(file, 'utf8'));
  return {
    clusterId: props['cluster.id'],
    nodeId: props['node.id'] === undefined ? undefined : Number(props['node.id']),
    directoryId: props['directory.id'],
  };
}

/**
 * Refuses to start a node whose storage belongs to another cluster. Kafka would fail with INCONSISTENT_CLUSTER_ID
 * only after the JVM starts; we say which directory and what to do before anything runs.
 */
export function checkMetaProperties(meta: MetaProperties, expected: { clusterId: string; nodeId: number; logDir: string; stateFile: string }): void {
  if (meta.clusterId !== expected.clusterId) {
    throw new KafkaplaneError(
      'INCONSISTENT_CLUSTER_ID',
      `${expected.logDir} was formatted for cluster id ${meta.clusterId ?? '(none)'}, but this cluster's id is ${expected.clusterId} (from ${expected.stateFile}); Kafka would refuse to start with INCONSISTENT_CLUSTER_ID`,
      {
        hint: hint`the data and the cluster state come from different clusters (a copied or mixed-up state directory). Restore the matching cluster.json, or remove the state directory (${action('purge')}) to start over — that deletes the data`,
      },
    );
  }
  if (meta.nodeId !== undefined && meta.nodeId !== expected.nodeId) {
    throw new KafkaplaneError('NODE_ID_MISMATCH', `${expected.logDir} belongs to node ${meta.nodeId}, not node ${expected.nodeId}`, {
      hint: hint`node directories were moved or renamed; put them back, or start over with ${action('purge')}`,
    });
  }
}

/** Runs kafka.tools.StorageTool with `args`; resolves its output, rejects with it on failure. */
export async function runStorageTool(options: { java: string; classpath: string; loggingFlag: string; args: string[]; cwd: string }): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      options.java,
      // A short-lived tool: client compiler only, small heap, serial GC — starts faster than the server flags.
      ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', options.loggingFlag, '-cp', options.classpath, 'kafka.tools.StorageTool', ...options.args],
      { cwd: options.cwd, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 },
    );
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new KafkaplaneError('FORMAT_FAILED', `formatting storage failed (kafka.tools.StorageTool ${options.args.join(' ')}):\n${output || e.message}`, { cause: error });
  }
}
