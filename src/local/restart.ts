import type { Admin } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaplaneError, action, errorMessage, hint, setting } from '../errors.ts';
import { withAdmin } from '../kafka/admin-session.ts';
import { describeCluster, describeQuorum } from '../kafka/cluster.ts';
import { checkAddress } from '../kafka/reachability.ts';
import { describeTopics } from '../kafka/topics.ts';
import { nodeListeners } from '../model/broker-properties.ts';
import type { ClusterNode } from '../model/nodes.ts';
import { type RollDecision, type RollNode, type RollObservation, blockers, decideRestart, rollOrder } from '../ops/roll.ts';
import { resolveDistribution } from './distribution.ts';
import type { Emit } from './events.ts';
import { findJava } from './java.ts';
import { type LocalCluster, adminConnection } from './local-cluster.ts';
import { type LocateOptions, locate } from './locate.ts';
import { metricsAgent } from './metrics-agent.ts';
import { runningPid, startNode, stopNode } from './node-process.ts';

export interface RestartOptions extends LocateOptions {
  /** Only these nodes (default: every node). */
  nodes?: number[];
  /** Print the plan and why each node would wait; restart nothing. */
  dryRun?: boolean;
  /** Give up when the roll has not finished in this long. */
  timeoutMs?: number;
  /** Grace period of each controlled shutdown. */
  graceMs?: number;
  onEvent?: Emit;
}

export interface RestartResult {
  name: string;
  dryRun: boolean;
  /** The order the nodes go in, and what holds each back right now. */
  plan: { node: number; roles: string[]; waitingFor: string[] }[];
  restarted: { node: number; reason: string; waitedMs: number; downMs: number }[];
  durationMs: number;
}

const CONTROLLER_FETCH_TIMEOUT_MS = 2_000;

/**
 * `kafkaplane restart`: a rolling restart of the local cluster, one node at a time, driven by the same pure decision
 * the operator's roller uses (src/ops/roll.ts): not-ready nodes first, controllers before brokers, the active
 * controller last; a node goes only when no partition it holds would drop below min.insync.replicas and the quorum
 * keeps a caught-up majority without it, and only after the previous node is back and the ISR has recovered.
 */
export async function restart(options: RestartOptions): Promise<RestartResult> {
  const started = Date.now();
  const local = await locate(options);
  const emit = options.onEvent ?? (() => undefined);
  const ids = new Set(options.nodes ?? local.model.nodes.map((n) => n.id));
  for (const id of ids) {
    if (!local.model.nodes.some((n) => n.id === id))
      throw new KafkaplaneError('NO_SUCH_NODE', `cluster "${local.state.name}" has no node ${id} (nodes: ${local.model.nodes.map((n) => n.id).join(', ')})`);
  }
  const pending = new Set(ids);
  const observe = () => observeRoll(local, pending);
  const first = await observe();
  const plan = rollOrder(first).map((n) => ({ node: n.id, roles: local.model.nodes.find((m) => m.id === n.id)!.roles, waitingFor: n.ready ? blockers(first, n) : [] }));
  if (options.dryRun) return { name: local.state.name, dryRun: true, plan, restarted: [], durationMs: Date.now() - started };

  const [java, distribution] = await Promise.all([findJava(options.env), resolveDistribution(local.state.kafkaVersion, { ...(options.env ? { env: options.env } : {}) })]);
  const agent = local.state.monitoring ? await metricsAgent(options.env ?? process.env) : undefined;
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  const restarted: RestartResult['restarted'] = [];
  let waitingSince = Date.now();
  let lastReason = '';
  for (;;) {
    const decision: RollDecision = await observe().then(decideRestart);
    if (decision.kind === 'done') break;
    if (Date.now() > deadline) {
      throw new KafkaplaneError(
        'NOT_READY',
        `the rolling restart of "${local.state.name}" did not finish in time: node ${decision.node} still waits (${decision.kind === 'wait' ? decision.reasons.join('; ') : 'restarting'}); restarted so far: ${restarted.map((r) => r.node).join(', ') || 'none'}`,
        {
          hint: hint`find out why the cluster does not recover (${action('doctor')}), then run the restart again for the nodes left, or wait longer with ${setting('timeout')}`,
        },
      );
    }
    if (decision.kind === 'wait') {
      const reason = `node ${decision.node} waits: ${decision.reasons.join('; ')}`;
      if (reason !== lastReason) emit({ type: 'waiting', message: reason });
      lastReason = reason;
      await sleep(1_000);
      continue;
    }
    const node = local.model.nodes.find((n) => n.id === decision.node)!;
    emit({ type: 'step', message: `restarting node ${node.id}: ${decision.reason}` });
    const downAt = Date.now();
    await stopNode(local.layout, node.id, options.graceMs ?? 60_000);
    await startNode(local, node, java.bin, distribution, agent);
    pending.delete(node.id);
    await waitBack(local, node, deadline);
    restarted.push({ node: node.id, reason: decision.reason, waitedMs: downAt - waitingSince, downMs: Date.now() - downAt });
    waitingSince = Date.now();
    lastReason = '';
  }
  return { name: local.state.name, dryRun: false, plan, restarted, durationMs: Date.now() - started };
}

/** What the decision needs: every node's readiness, the quorum with catch-up times, every partition with min ISR. */
async function observeRoll(local: LocalCluster, pending: ReadonlySet<number>): Promise<RollObservation> {
  const ready = new Map(await Promise.all(local.model.nodes.map(async (n) => [n.id, await listening(local, n)] as const)));
  try {
    return await withAdmin(adminConnection(local, 5_000), async (admin) => {
      const registered = new Set((await describeCluster(admin)).brokers.map((b) => b.id));
      const quorum = await describeQuorum(admin);
      const partitions = await rollPartitions(admin);
      const voters = new Set(quorum.voters.map((v) => v.id));
      const nodes: RollNode[] = local.model.nodes.map((n) => ({
        id: n.id,
        broker: n.broker,
        controller: n.controller,
        ready: ready.get(n.id)! && (!n.broker || registered.has(n.id)) && (!n.controller || voters.has(n.id)),
        needsRestart: pending.has(n.id),
      }));
      return {
        nodes,
        quorum: { leaderId: quorum.leaderId, voters: quorum.voters.map((v) => ({ id: v.id, lastCaughtUpTimestamp: Number(v.lastCaughtUpTimestamp) })) },
        partitions,
        fetchTimeoutMs: CONTROLLER_FETCH_TIMEOUT_MS,
      };
    });
  } catch (error) {
    // Kafka not answering is itself a reason to wait (a node just restarted may be the one that answers).
    const nodes = local.model.nodes.map((n) => ({ id: n.id, broker: n.broker, controller: n.controller, ready: false, needsRestart: pending.has(n.id) }));
    return {
      nodes,
      quorum: undefined,
      partitions: [{ topic: `(the cluster did not answer: ${errorMessage(error)})`, partition: 0, replicas: [0], isr: [], minIsr: 1 }],
      fetchTimeoutMs: CONTROLLER_FETCH_TIMEOUT_MS,
    };
  }
}

async function rollPartitions(admin: Admin): Promise<RollObservation['partitions']> {
  const described = await describeTopics(admin, () => true);
  return described.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas, isr: p.isr, minIsr: t.minIsr })));
}

/** The node's JVM runs and every listener of it accepts connections. */
async function listening(local: LocalCluster, node: ClusterNode): Promise<boolean> {
  if ((await runningPid(local.layout, node.id)) === undefined) return false;
  const checks = await Promise.all(nodeListeners(local.model, node).map((l) => checkAddress(`${local.placement.internalEndpoint(node, l).host}:${local.placement.port(node, l)}`, 2_000)));
  return checks.every((c) => c.ok);
}

/** Until the restarted node's listeners answer (the roll decision then waits for registration and the ISR). */
async function waitBack(local: LocalCluster, node: ClusterNode, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (await listening(local, node)) return;
    if ((await runningPid(local.layout, node.id)) === undefined)
      throw new KafkaplaneError('NODE_DIED', `node ${node.id} exited after its restart`, { hint: `its log: ${local.layout.logFile(node.id)}` });
    await sleep(500);
  }
}
