import { join } from 'node:path';
import { KafkaplaneError } from '../errors.ts';
import { jvmOptions } from '../model/jvm.ts';
import { explainDeath } from '../model/local-rules.ts';
import type { ClusterNode } from '../model/nodes.ts';
import type { Distribution } from './distribution.ts';
import type { LocalCluster } from './local-cluster.ts';
import { loggingConfig } from './logging.ts';
import { metricsAgentFlag } from './metrics-agent.ts';
import { isOurProcess, readPid, removePidFile, startDetached, stopProcess, tailLines } from './processes.ts';
import type { StateLayout } from './state.ts';

/** The pid of a node's JVM when it runs (checked against the command-line marker, so a recycled pid never counts). */
export async function runningPid(layout: StateLayout, id: number): Promise<number | undefined> {
  const pid = await readPid(layout.pidFile(id));
  return pid && (await isOurProcess(pid)) ? pid.pid : undefined;
}

/** Starts one node's JVM (kafka.Kafka server.properties), detached, logging to its log directory. */
export async function startNode(local: LocalCluster, node: ClusterNode, java: string, distribution: Distribution, metricsAgentJar?: string): Promise<number> {
  const { layout, model } = local;
  const pool = model.cluster.spec.nodePools.find((p) => p.name === node.pool)!;
  const nodeLogging = loggingConfig(distribution.logging, layout.logFile(node.id));
  const marker = `-Dkafkaplane.node=${layout.nodeDir(node.id)}`;
  const agent = metricsAgentJar ? [await metricsAgentFlag(local, node, metricsAgentJar)] : [];
  return startDetached({
    command: java,
    args: [
      ...jvmOptions(pool, 'local', local.heap),
      ...agent,
      `${nodeLogging.jvmFlag}${join(layout.nodeDir(node.id), nodeLogging.fileName)}`,
      `-Dkafka.logs.dir=${join(layout.nodeDir(node.id), 'logs')}`,
      marker,
      '-cp',
      distribution.classpath,
      'kafka.Kafka',
      layout.propertiesFile(node.id),
    ],
    outputFile: layout.stdoutFile(node.id),
    pidFile: layout.pidFile(node.id),
    marker,
    cwd: layout.nodeDir(node.id),
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; the pid file goes either way. */
export async function stopNode(layout: StateLayout, id: number, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = await readPid(layout.pidFile(id));
  if (!pid) return 'not-running';
  const result = await stopProcess(pid, graceMs);
  await removePidFile(layout.pidFile(id));
  return result;
}

/** The error for a node that exited while starting: what its log says, its last lines, and where the rest is. */
export async function nodeDied(local: LocalCluster, node: ClusterNode): Promise<KafkaplaneError> {
  const { layout } = local;
  const log = await tailLines(layout.logFile(node.id), 30);
  const stdout = await tailLines(layout.stdoutFile(node.id), 15);
  const lines = [...log, ...stdout.map((l) => `[stdout] ${l}`)];
  const reason = explainDeath(lines.join('\n'));
  return new KafkaplaneError(
    'NODE_DIED',
    `node ${node.id} of cluster "${local.state.name}" exited during start${reason ? `: ${reason}` : ''}\nlast lines of ${layout.logFile(node.id)}:\n${lines.map((l) => `  ${l}`).join('\n')}`,
    {
      hint: `the whole log is in ${layout.logFile(node.id)} (JVM output in ${layout.stdoutFile(node.id)})`,
    },
  );
}

/** Fails with the node's log when any of `nodes` is not running. */
export async function assertAlive(local: LocalCluster, nodes: readonly ClusterNode[]): Promise<void> {
  for (const node of nodes) {
    if ((await runningPid(local.layout, node.id)) === undefined) throw await nodeDied(local, node);
  }
}
