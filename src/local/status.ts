import { errorMessage } from '../errors.ts';
import { type ClusterDescription, type QuorumDescription, describeCluster, describeQuorum } from '../kafka/cluster.ts';
import { withAdmin } from '../kafka/admin-session.ts';
import { nodeListeners } from '../model/broker-properties.ts';
import { type ClientBootstrap, type LocalCluster, adminConnection, clientBootstraps } from './local-cluster.ts';
import { type LocateOptions, locate } from './locate.ts';
import { type NodeHealth, nodeHealth } from './node-health.ts';
import { runningPid } from './node-process.ts';

export interface NodeStatus {
  id: number;
  pool: string;
  roles: string[];
  pid: number | null;
  running: boolean;
  /** What the operating system says: running, frozen (SIGSTOP: up but answering nothing) or stopped. */
  state: NodeHealth['state'];
  /** The disk of the node's data directory. */
  disk: NodeHealth['disk'];
  /** Why the node stopped or is failing, from its log (the disk is full, a port is in use, …); null when fine. */
  problem: string | null;
  listeners: { name: string; port: number }[];
  /** Registered with the controller as a live broker (brokers only; null when unknown). */
  registered: boolean | null;
  /** Role in the KRaft quorum, when known. */
  quorum: 'leader' | 'voter' | 'observer' | null;
  logFile: string;
}

export interface StatusResult {
  name: string;
  stateDir: string;
  clusterId: string;
  kafkaVersion: string;
  running: boolean;
  healthy: boolean;
  bootstrap: string;
  listeners: ClientBootstrap[];
  nodes: NodeStatus[];
  quorum: { leaderId: number; leaderEpoch: number; highWatermark: string; voters: { id: number; lag: string }[] } | null;
  error: string | null;
}

type Live = { cluster: ClusterDescription; quorum: QuorumDescription };

/** Each node's process, ports and (with what Kafka said) registration and quorum role. */
export async function nodeStatuses(local: LocalCluster, live?: Live): Promise<NodeStatus[]> {
  const { layout, model, placement } = local;
  return Promise.all(
    model.nodes.map(async (node) => {
      const pid = await runningPid(layout, node.id);
      const health = await nodeHealth(local, node.id, pid);
      let quorumRole: NodeStatus['quorum'] = null;
      if (live) {
        if (live.quorum.leaderId === node.id) quorumRole = 'leader';
        else if (live.quorum.voters.some((v) => v.id === node.id)) quorumRole = 'voter';
        else if (live.quorum.observers.some((v) => v.id === node.id)) quorumRole = 'observer';
      }
      return {
        id: node.id,
        pool: node.pool,
        roles: node.roles,
        pid: pid ?? null,
        running: pid !== undefined,
        state: health.state,
        disk: health.disk,
        problem: health.problem,
        listeners: nodeListeners(model, node).map((l) => ({ name: l.name, port: placement.port(node, l) })),
        registered: live && node.broker ? live.cluster.brokers.some((b) => b.id === node.id) : null,
        quorum: quorumRole,
        logFile: layout.logFile(node.id),
      };
    }),
  );
}

/** Nodes, pids, ports, roles, quorum and health. Reads only: never writes to the state directory. */
export async function status(options: LocateOptions): Promise<StatusResult> {
  const local = await locate(options);
  let live: Live | undefined;
  let error: string | null = null;
  // Whether any JVM runs decides whether Kafka is asked; the full node statuses (disk, log) are read once, below.
  const pids = await Promise.all(local.model.nodes.map((n) => runningPid(local.layout, n.id)));
  if (pids.some((pid) => pid !== undefined)) {
    try {
      live = await withAdmin(adminConnection(local, 5_000), async (admin) => ({ cluster: await describeCluster(admin), quorum: await describeQuorum(admin) }));
    } catch (e) {
      error = errorMessage(e);
    }
  }
  const nodes = await nodeStatuses(local, live);
  const listeners = clientBootstraps(local);
  const healthy = live !== undefined && nodes.every((n) => n.state === 'running' && n.problem === null && (n.registered ?? true)) && live.quorum.leaderId >= 0;
  const leader = live?.quorum.voters.find((v) => v.id === live.quorum.leaderId);
  return {
    name: local.state.name,
    stateDir: local.layout.dir,
    clusterId: local.state.identity.clusterId,
    kafkaVersion: local.state.kafkaVersion,
    running: nodes.some((n) => n.running),
    healthy,
    bootstrap: listeners[0]!.bootstrap,
    listeners,
    nodes,
    quorum: live
      ? {
          leaderId: live.quorum.leaderId,
          leaderEpoch: live.quorum.leaderEpoch,
          highWatermark: String(live.quorum.highWatermark),
          voters: live.quorum.voters.map((v) => ({ id: v.id, lag: String((leader?.logEndOffset ?? v.logEndOffset) - v.logEndOffset) })),
        }
      : null,
    error,
  };
}
