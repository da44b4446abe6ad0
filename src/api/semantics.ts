import { CLUSTER_LABEL } from './common.ts';
import { type KafkaCluster, nodeIdRanges } from './kafka-cluster.ts';
import { type KafkaTopic, kafkaTopicName } from './kafka-topic.ts';
import type { KafkaUser } from './kafka-user.ts';

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/** Rules that span fields (zod checks one field at a time). Paths are relative to the document. */
export function checkCluster(cluster: KafkaCluster, report: Report): void {
  const { spec } = cluster;
  const seenPools = new Map<string, number>();
  spec.nodePools.forEach((pool, i) => {
    const first = seenPools.get(pool.name);
    if (first !== undefined) report(['spec', 'nodePools', i, 'name'], `duplicate pool name "${pool.name}" (also spec.nodePools[${first}])`);
    else seenPools.set(pool.name, i);
    const roles = new Set<string>();
    pool.roles.forEach((role, j) => {
      if (roles.has(role)) report(['spec', 'nodePools', i, 'roles', j], `duplicate role "${role}"`);
      roles.add(role);
    });
    if (pool.storage.type === 'ephemeral' && pool.roles.includes('controller')) {
      // KIP-853: a controller that restarts with an empty metadata log must not come back as the voter it was; with
      // ephemeral storage every restart would be that case (the entrypoint refuses it, docs/render.md).
      report(
        ['spec', 'nodePools', i, 'storage', 'type'],
        'controllers need persistent storage: an ephemeral controller loses the metadata log on every restart and would come back as a voter that forgot what it acknowledged; use persistent-claim (ephemeral is fine for broker-only pools)',
      );
    }
  });
  if (spec.quorum?.mode === 'dynamic' && !atLeast(spec.version, 4, 1)) {
    report(
      ['spec', 'quorum', 'mode'],
      `a dynamic quorum needs Kafka 4.1 or newer (spec.version is ${spec.version}); 4.1 is also the first release that can upgrade an existing static quorum (kafka-features.sh upgrade --feature kraft.version=1). Use static, or upgrade spec.version first`,
    );
  }

  const controllers = countNodes(cluster, 'controller');
  const brokers = countNodes(cluster, 'broker');
  if (controllers === 0) {
    report(['spec', 'nodePools'], 'no controller nodes: a KRaft cluster needs at least one pool with role "controller" and replicas > 0');
  }
  if (brokers === 0) {
    report(['spec', 'nodePools'], 'no broker nodes: a cluster needs at least one pool with role "broker" and replicas > 0');
  }

  const ranges = nodeIdRanges(spec.nodePools);
  ranges.forEach((a, i) => {
    ranges.slice(0, i).forEach((b, j) => {
      if (a.start < b.end && b.start < a.end && a.end > a.start && b.end > b.start) {
        report(
          ['spec', 'nodePools', i, 'nodeIdOffset'],
          `node ids ${a.start}-${a.end - 1} of pool "${a.pool}" overlap ids ${b.start}-${b.end - 1} of pool "${b.pool}" (spec.nodePools[${j}]); set nodeIdOffset so the ranges are disjoint`,
        );
      }
    });
  });
  const brokerIds = new Set<number>();
  spec.nodePools.forEach((pool, i) => {
    const range = ranges[i];
    if (range && pool.roles.includes('broker')) for (let id = range.start; id < range.end; id++) brokerIds.add(id);
  });

  const names = new Map<string, number>();
  const ports = new Map<number, number>();
  spec.listeners.forEach((l, i) => {
    const sameName = names.get(l.name);
    if (sameName !== undefined) report(['spec', 'listeners', i, 'name'], `duplicate listener name "${l.name}" (also spec.listeners[${sameName}])`);
    else names.set(l.name, i);
    const samePort = ports.get(l.port);
    if (samePort !== undefined) report(['spec', 'listeners', i, 'port'], `port ${l.port} is already used by spec.listeners[${samePort}]`);
    else ports.set(l.port, i);
    if (l.type === 'internal' && l.configuration !== undefined) {
      report(['spec', 'listeners', i, 'configuration'], 'only nodeport and loadbalancer listeners take a configuration (external addresses)');
    }
    if (l.configuration?.loadBalancerSourceRanges !== undefined && l.type === 'nodeport') {
      // A NodePort Service ignores it: the node ports stay open to anyone who reaches a node.
      report(
        ['spec', 'listeners', i, 'configuration', 'loadBalancerSourceRanges'],
        'only loadbalancer listeners have load balancers to restrict (this one is nodeport; node ports are open to anyone who reaches a node)',
      );
    }
    l.configuration?.brokers?.forEach((b, j) => {
      if (!brokerIds.has(b.broker)) {
        report(['spec', 'listeners', i, 'configuration', 'brokers', j, 'broker'], `no broker has node id ${b.broker} (broker ids: ${[...brokerIds].join(', ') || 'none'})`);
      }
      if (b.nodePort !== undefined && l.type !== 'nodeport') {
        report(['spec', 'listeners', i, 'configuration', 'brokers', j, 'nodePort'], `nodePort only applies to nodeport listeners (this one is ${l.type})`);
      }
    });
    if (spec.authorization && l.authentication === 'none') {
      report(
        ['spec', 'listeners', i, 'authentication'],
        'spec.authorization is set, so every client listener must authenticate (anonymous clients would bypass the ACLs); set authentication: scram-sha-512',
      );
    }
  });

  const intConfig = (key: string): number | undefined => {
    const raw = spec.config[key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) {
      report(['spec', 'config', key], `must be a whole number, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return n;
  };
  if (brokers > 0) {
    for (const key of ['default.replication.factor', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
      const rf = intConfig(key);
      if (rf !== undefined && (rf < 1 || rf > brokers)) {
        report(['spec', 'config', key], `${rf} cannot be satisfied by ${brokers} broker${brokers === 1 ? '' : 's'}; use 1-${brokers} or add brokers`);
      }
    }
    const rf = intConfig('default.replication.factor') ?? Math.min(3, brokers);
    const minIsr = intConfig('min.insync.replicas');
    if (minIsr !== undefined && (minIsr < 1 || minIsr > rf)) {
      report(['spec', 'config', 'min.insync.replicas'], `${minIsr} must be between 1 and the default replication factor (${rf}): acks=all writes need that many in-sync replicas`);
    }
  }
}

export function countNodes(cluster: KafkaCluster, role: 'broker' | 'controller'): number {
  return cluster.spec.nodePools.filter((p) => p.roles.includes(role)).reduce((n, p) => n + p.replicas, 0);
}

/** The cluster a topic or user belongs to: its kafkaplane.io/cluster label, or the only cluster in the file. */
export function owningCluster(doc: KafkaTopic | KafkaUser, clusters: readonly KafkaCluster[], report: Report): KafkaCluster | undefined {
  const label = doc.metadata.labels?.[CLUSTER_LABEL];
  if (label === undefined) {
    if (clusters.length > 1) {
      report(['metadata', 'labels'], `this file defines ${clusters.length} clusters; say which one with the label ${CLUSTER_LABEL}`);
    }
    return clusters.length === 1 ? clusters[0] : undefined;
  }
  const cluster = clusters.find((c) => c.metadata.name === label);
  if (cluster === undefined && clusters.length > 0) {
    report(['metadata', 'labels', CLUSTER_LABEL], `no KafkaCluster named "${label}" in this file (clusters: ${clusters.map((c) => c.metadata.name).join(', ')})`);
  }
  return cluster;
}

export function checkTopic(topic: KafkaTopic, cluster: KafkaCluster | undefined, report: Report): void {
  if (cluster === undefined) return;
  const brokers = countNodes(cluster, 'broker');
  const replicas = topic.spec.replicas;
  if (replicas !== undefined && replicas > brokers) {
    report(['spec', 'replicas'], `${replicas} replicas need ${replicas} brokers; cluster "${cluster.metadata.name}" has ${brokers}`);
  }
  const minIsr = topic.spec.config['min.insync.replicas'];
  if (minIsr !== undefined && replicas !== undefined && Number(minIsr) > replicas) {
    report(['spec', 'config', 'min.insync.replicas'], `${minIsr} exceeds replicas (${replicas}): acks=all writes would always fail`);
  }
  void kafkaTopicName(topic);
}

export function checkUser(user: KafkaUser, cluster: KafkaCluster | undefined, report: Report): void {
  if (cluster === undefined) return;
  if ((user.spec.authorization?.acls.length ?? 0) > 0 && cluster.spec.authorization === undefined) {
    report(['spec', 'authorization'], `cluster "${cluster.metadata.name}" has no spec.authorization, so these ACLs would never be enforced; add authorization: {type: simple} to the cluster`);
  }
  if (user.spec.authentication && !cluster.spec.listeners.some((l) => l.authentication === 'scram-sha-512')) {
    report(['spec', 'authentication'], `no listener of cluster "${cluster.metadata.name}" uses scram-sha-512, so this user could never log in; set authentication: scram-sha-512 on a listener`);
  }
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}
