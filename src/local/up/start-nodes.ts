import type { ClusterNode } from '../../model/nodes.ts';
import type { Distribution } from '../distribution.ts';
import type { Emit } from '../events.ts';
import { throwIfInterrupted } from '../interrupt.ts';
import type { LocalCluster } from '../local-cluster.ts';
import { startNode, stopNode } from '../node-process.ts';
import { waitQuorumLeader } from '../readiness.ts';

/**
 * Step 5 of `up`: start the nodes that are not running, in waves — dedicated controllers first, and only once they
 * have elected a leader, the brokers. A broker-only node is a quorum observer that finds the leader through
 * controller.quorum.bootstrap.servers; started into an election it can stick to a candidate that never won and give
 * up registering (initial.broker.registration.timeout.ms). Controllers before brokers is also Strimzi's roll order.
 *
 * `started` receives each node id as its JVM starts, so the caller can stop them if anything fails later.
 */
export async function startWaves(
  local: LocalCluster,
  toStart: readonly ClusterNode[],
  runtime: { java: { bin: string; version: string }; distribution: Distribution; metricsAgent?: string | undefined },
  deadline: number,
  emit: Emit,
  signal: AbortSignal | undefined,
  started: number[],
): Promise<void> {
  const waves = [toStart.filter((n) => n.controller && !n.broker), toStart.filter((n) => n.broker)];
  for (const [i, wave] of waves.entries()) {
    if (wave.length === 0) continue;
    emit({ type: 'step', message: `starting ${describeWave(wave)} (Kafka ${runtime.distribution.version}, ${runtime.java.bin} ${runtime.java.version})` });
    for (const node of wave) {
      throwIfInterrupted(signal, 'while starting the nodes');
      await startNode(local, node, runtime.java.bin, runtime.distribution, runtime.metricsAgent);
      started.push(node.id);
    }
    if (i === 0 && waves[1]!.length > 0) await waitQuorumLeader(local, deadline, emit, signal);
  }
}

/** Stops the nodes this attempt started (after a failure or Ctrl-C). */
export async function stopStarted(local: LocalCluster, started: readonly number[], emit: Emit): Promise<void> {
  if (started.length === 0) return;
  emit({ type: 'step', message: `stopping node${started.length > 1 ? 's' : ''} ${started.join(', ')} started by this attempt` });
  await Promise.all(started.map((id) => stopNode(local.layout, id, 5_000)));
}

function describeWave(nodes: readonly ClusterNode[]): string {
  const kind = nodes.every((n) => n.controller && !n.broker) ? 'controller' : 'node';
  return `${kind}${nodes.length > 1 ? 's' : ''} ${nodes.map((n) => n.id).join(', ')}`;
}
