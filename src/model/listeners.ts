import { CONTROLLER_PORT, type KafkaCluster, type Listener, REPLICATION_PORT } from '../api/kafka-cluster.ts';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** A listener as Kafka sees it. Client listeners come from the spec; REPLICATION and CONTROLLER are kafkaplane's. */
export interface KafkaListener {
  /** Kafka's listener name (upper case), e.g. PLAIN, REPLICATION, CONTROLLER. */
  name: string;
  role: 'client' | 'replication' | 'controller';
  /** Port inside a pod; the local runtime maps it through its port plan. */
  port: number;
  securityProtocol: SecurityProtocol;
  /**
   * Position in the local port plan: the first client listener 0, REPLICATION 1, CONTROLLER 2, further client
   * listeners 3, 4, …. Fixed slots for kafkaplane's own listeners keep the controllers' addresses (recorded in the
   * KRaft metadata of an existing cluster) where they are when client listeners are added or removed.
   */
  slot: number;
  spec: Listener | undefined;
}

export interface ListenerPlan {
  client: KafkaListener[];
  replication: KafkaListener;
  controller: KafkaListener;
}

export function securityProtocol(tls: boolean, authentication: Listener['authentication']): SecurityProtocol {
  const sasl = authentication !== 'none';
  if (tls) return sasl ? 'SASL_SSL' : 'SSL';
  return sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

/** The user kafkaplane's own listeners authenticate as (SASL/PLAIN), and a super user when authorization is on. */
export const INTERNAL_USER = 'kafkaplane';

/**
 * A cluster whose clients must authenticate (a listener with authentication, or authorization): then kafkaplane's
 * own listeners authenticate too, or they would be a way around both.
 */
export function internalAuthentication(cluster: KafkaCluster): boolean {
  return cluster.spec.authorization !== undefined || cluster.spec.listeners.some((l) => l.authentication !== 'none');
}

/**
 * Inter-broker and controller traffic use listeners of their own (like Strimzi), so that client listeners can change
 * (TLS, SCRAM, external exposure) without touching replication, and so kafkaplane can always reach the cluster.
 * On an open cluster they are PLAINTEXT like its clients; on a secured one (internalAuthentication) they take
 * SASL/PLAIN with one internal credential (INTERNAL_USER and a password only the cluster's nodes and kafkaplane
 * hold), so a process that can reach them is not let in for that alone. With spec.internalTls they are TLS too
 * (SSL / SASL_SSL), with client certificates required. On Kubernetes the NetworkPolicy also admits
 * only the cluster's own pods to them; locally they bind to 127.0.0.1.
 */
export function planListeners(cluster: KafkaCluster): ListenerPlan {
  const internal = securityProtocol(cluster.spec.internalTls, internalAuthentication(cluster) ? 'scram-sha-512' : 'none');
  const client = cluster.spec.listeners.map(
    (l, slot): KafkaListener => ({
      name: l.name.toUpperCase(),
      role: 'client',
      port: l.port,
      securityProtocol: securityProtocol(l.tls, l.authentication),
      slot: slot === 0 ? 0 : slot + 2,
      spec: l,
    }),
  );
  const replication: KafkaListener = {
    name: 'REPLICATION',
    role: 'replication',
    port: REPLICATION_PORT,
    securityProtocol: internal,
    slot: 1,
    spec: undefined,
  };
  const controller: KafkaListener = {
    name: 'CONTROLLER',
    role: 'controller',
    port: CONTROLLER_PORT,
    securityProtocol: internal,
    slot: 2,
    spec: undefined,
  };
  return { client, replication, controller };
}

/** A listener whose traffic is encrypted. */
export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

/** A listener that authenticates with SASL. */
export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

export function allListeners(plan: ListenerPlan): KafkaListener[] {
  return [...plan.client, plan.replication, plan.controller];
}
