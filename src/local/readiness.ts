import type { Admin } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaplaneError, errorMessage, hint, setting } from '../errors.ts';
import { controllerQuorumLeader, describeCluster, describeQuorum } from '../kafka/cluster.ts';
import { withAdmin } from '../kafka/admin-session.ts';
import { withBrokerLink } from '../kafka/broker-link.ts';
import { loadKafka } from '../kafka/client.ts';
import { checkAddress } from '../kafka/reachability.ts';
import { fetchMetadata } from '../kafka/metadata.ts';
import { clusterMetadata, listReassignments } from '../kafka/topics.ts';
import { brokerConnection } from '../kafka/broker-link.ts';
import { nodeListeners } from '../model/broker-properties.ts';
import type { PartitionState } from '../model/partition-health.ts';
import type { Hint } from '../errors.ts';
import { type ReadinessObservation, type ReadinessStep, type ReadinessTargets, decideReady, plural } from '../ops/readiness.ts';
import type { Emit } from './events.ts';
import { type LocalCluster, adminConnection, internalLogin, replicationAddress } from './local-cluster.ts';
import { assertAlive } from './node-process.ts';
import { throwIfInterrupted } from './interrupt.ts';

// The thin observer beside the pure readiness decision (src/ops/readiness.ts, docs/design/readiness.md).

/** How long `up` waits for followers to rejoin the ISR once everything else is ready. */
export const ISR_CATCH_UP_MS = 30_000;

/**
 * Polls until `decideReady` says ready, observing only what it asks for. A node that dies meanwhile fails the wait
 * with its log; so does the deadline, with the last reason and the node logs. Returns the decision's warnings.
 */
export async function waitReady(local: LocalCluster, timeoutMs: number, emit: Emit, signal: AbortSignal | undefined): Promise<Hint[]> {
  const { model, layout } = local;
  const deadline = Date.now() + timeoutMs;
  const targets: ReadinessTargets = { brokerIds: model.nodes.filter((n) => n.broker).map((n) => n.id), controllerIds: model.nodes.filter((n) => n.controller).map((n) => n.id) };
  let last = '';
  const say = (message: string) => {
    if (message !== last) emit({ type: 'waiting', message });
    last = message;
  };
  say(`waiting for ${plural(targets.brokerIds.length, 'broker')} and a quorum of ${targets.controllerIds.length}`);
  let lastError: unknown;
  let catchUpSince: number | undefined;
  while (Date.now() < deadline) {
    throwIfInterrupted(signal, 'while waiting for the cluster to become ready');
    await assertAlive(local, model.nodes);
    try {
      const decision = await withAdmin(adminConnection(local, 3_000), async (admin) => {
        const seen: ReadinessObservation = {};
        for (;;) {
          const d = decideReady(targets, seen, { now: Date.now(), catchUpSince, catchUpMs: ISR_CATCH_UP_MS });
          if (d.kind !== 'observe') return d;
          Object.assign(seen, { [d.step]: await observe(local, admin, d.step, targets) });
        }
      });
      if (decision.kind === 'ready') return decision.warnings;
      catchUpSince = decision.catchUpSince;
      say(decision.reason);
    } catch (error) {
      lastError = error;
      say('waiting for the first broker to accept connections');
    }
    await sleep(300);
  }
  const logs = model.nodes.map((n) => `  node ${n.id}: ${layout.logFile(n.id)}`).join('\n');
  throw new KafkaplaneError(
    'NOT_READY',
    `cluster "${local.state.name}" did not become ready within ${Math.round(timeoutMs / 1000)} s (${last}${lastError ? `; last error: ${errorMessage(lastError)}` : ''})`,
    {
      hint: hint`look at the node logs:\n${logs}\nor wait longer with ${setting('timeout')}`,
    },
  );
}

async function observe<S extends ReadinessStep>(local: LocalCluster, admin: Admin, step: S, targets: ReadinessTargets): Promise<ReadinessObservation[S]> {
  const observations: { [K in ReadinessStep]: () => Promise<ReadinessObservation[K]> } = {
    registeredBrokers: async () => (await describeCluster(admin)).brokers.map((b) => b.id),
    quorum: async () => {
      const quorum = await describeQuorum(admin);
      return { leaderId: quorum.leaderId, voters: quorum.voters.map((v) => v.id) };
    },
    partitions: () => partitionStates(admin),
    closedListeners: () => closedListeners(local),
    partialViews: () => partialViews(local, targets.brokerIds.length),
  };
  return observations[step]() as Promise<ReadinessObservation[S]>;
}

/** Every partition's leader, replicas and ISR, with reassignments in progress (for Kafka's under-replication rule). */
async function partitionStates(admin: Admin): Promise<PartitionState[]> {
  const metadata = await clusterMetadata(admin);
  if (metadata.topics.length === 0) return [];
  const reassignments = await listReassignments(await brokerConnection(admin), await loadKafka(), metadata.topics);
  return metadata.topics.flatMap((t) =>
    t.partitions.map((p) => {
      const r = reassignments.get(`${t.name}\u0000${p.partition}`);
      return { leader: p.leader, replicas: p.replicas, isr: p.isr, ...(r ? { adding: r.adding, removing: r.removing } : {}) };
    }),
  );
}

/** `node 1 REPLICATION 127.0.0.1:9193` for every listener of every node that does not accept a TCP connection. */
async function closedListeners(local: LocalCluster): Promise<string[]> {
  const checks = local.model.nodes.flatMap((node) =>
    nodeListeners(local.model, node).map(async (listener) => {
      const e = local.placement.internalEndpoint(node, listener);
      const check = await checkAddress(`${e.host}:${e.port}`, 2_000);
      return check.ok ? undefined : `node ${node.id} ${listener.name} ${e.host}:${e.port}`;
    }),
  );
  return (await Promise.all(checks)).filter((c): c is string => c !== undefined);
}

/** Each broker whose own metadata lists fewer than `expected` brokers, with how many it sees. */
async function partialViews(local: LocalCluster, expected: number): Promise<{ broker: number; sees: number }[]> {
  const login = internalLogin(local);
  const views = await Promise.all(
    local.model.nodes
      .filter((n) => n.broker)
      .map(async (node) => {
        const address = replicationAddress(local, node);
        const sees = await withBrokerLink({ bootstrap: [address], timeoutMs: 3_000, clientId: 'kafkaplane-local', ...login }, (link, protocol) =>
          fetchMetadata(link, protocol.metadataV12, [], address),
        )
          .then((m) => m.brokers.length)
          .catch(() => 0);
        return { broker: node.id, sees };
      }),
  );
  return views.filter((v) => v.sees < expected);
}

/**
 * Waits until the KRaft quorum has elected a leader, asking the controllers themselves (DescribeQuorum is served on
 * the controller listener, as kafka-metadata-quorum --bootstrap-controller does; KIP-919).
 */
export async function waitQuorumLeader(local: LocalCluster, deadline: number, emit: Emit, signal: AbortSignal | undefined): Promise<void> {
  const controllerNodes = local.model.nodes.filter((n) => n.controller);
  emit({ type: 'waiting', message: `waiting for the ${plural(controllerNodes.length, 'controller')} to elect a leader` });
  while (Date.now() < deadline) {
    throwIfInterrupted(signal, 'while the controllers were electing a leader');
    await assertAlive(local, controllerNodes);
    for (const node of controllerNodes) {
      const endpoint = local.placement.internalEndpoint(node, local.model.listeners.controller);
      const leader = await controllerQuorumLeader(endpoint, 2_000, internalLogin(local)).catch(() => -1);
      if (leader >= 0) return;
    }
    await sleep(300);
  }
}
