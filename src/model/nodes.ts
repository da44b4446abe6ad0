import { type KafkaCluster, type NodeRole, nodeIdRanges } from '../api/kafka-cluster.ts';

/** One Kafka process: a pod on Kubernetes, a JVM locally. */
export interface ClusterNode {
  id: number;
  pool: string;
  /** Position inside its pool (the StatefulSet ordinal). */
  ordinal: number;
  /** Position in the whole cluster, pools in declaration order; the local port plan uses it. */
  index: number;
  /** In Kafka's order: broker before controller. */
  roles: NodeRole[];
  broker: boolean;
  controller: boolean;
}

export function planNodes(cluster: KafkaCluster): ClusterNode[] {
  const ranges = nodeIdRanges(cluster.spec.nodePools);
  const nodes: ClusterNode[] = [];
  cluster.spec.nodePools.forEach((pool, p) => {
    const range = ranges[p]!;
    const broker = pool.roles.includes('broker');
    const controller = pool.roles.includes('controller');
    const roles: NodeRole[] = [...(broker ? (['broker'] as const) : []), ...(controller ? (['controller'] as const) : [])];
    for (let ordinal = 0; ordinal < pool.replicas; ordinal++) {
      nodes.push({ id: range.start + ordinal, pool: pool.name, ordinal, index: nodes.length, roles, broker, controller });
    }
  });
  return nodes;
}

export function brokers(nodes: readonly ClusterNode[]): ClusterNode[] {
  return nodes.filter((n) => n.broker);
}

export function controllers(nodes: readonly ClusterNode[]): ClusterNode[] {
  return nodes.filter((n) => n.controller);
}
