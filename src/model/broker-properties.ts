import type { KafkaCluster } from '../api/kafka-cluster.ts';
import { INTERNAL_USER, type KafkaListener, type ListenerPlan, allListeners, planListeners, usesSasl, usesTls } from './listeners.ts';
import { type ClusterNode, brokers, controllers, planNodes } from './nodes.ts';
import type { Placement, TlsMaterial } from './placement.ts';
import { type QuorumMode, quorumMode, quorumProperties, voters } from './quorum.ts';

/** Everything the model knows about a cluster, computed once from the spec. */
export interface ClusterModel {
  cluster: KafkaCluster;
  nodes: ClusterNode[];
  listeners: ListenerPlan;
  quorumMode: QuorumMode;
  brokerCount: number;
}

/**
 * `options.quorumMode` keeps an existing cluster on the quorum it was formatted with (the local runtime's state, the
 * operator's live ConfigMap): a cluster created with static voters stays static after an upgrade to 4.1 (moving it to
 * a dynamic quorum is a separate, explicit operation). Callers that know the running mode refuse a spec whose
 * explicit spec.quorum.mode differs (quorumModeConflict) before they get here.
 */
export function clusterModel(cluster: KafkaCluster, options: { quorumMode?: QuorumMode | undefined } = {}): ClusterModel {
  const nodes = planNodes(cluster);
  return {
    cluster,
    nodes,
    listeners: planListeners(cluster),
    quorumMode: options.quorumMode ?? cluster.spec.quorum?.mode ?? quorumMode(cluster.spec.version),
    brokerCount: brokers(nodes).length,
  };
}

/** The listeners a node opens: client + replication on brokers, controller on controllers. */
export function nodeListeners(model: ClusterModel, node: ClusterNode): KafkaListener[] {
  return [...(node.broker ? [...model.listeners.client, model.listeners.replication] : []), ...(node.controller ? [model.listeners.controller] : [])];
}

/**
 * Replication defaults from the seeds (RF 3, min ISR 2, internal topics RF 3), scaled down for clusters with fewer
 * brokers so a 1-broker dev cluster still works. min ISR is RF − 1: one broker may be down for acks=all writes.
 */
export function replicationDefaults(model: ClusterModel): Record<string, string> {
  const config = model.cluster.spec.config;
  const rf = Math.min(3, Math.max(1, model.brokerCount));
  const defaultRf = config['default.replication.factor'] === undefined ? rf : Number(config['default.replication.factor']);
  const minIsr = (replicas: number) => String(Math.max(1, Math.min(2, replicas - 1)));
  const internalRf = config['transaction.state.log.replication.factor'] === undefined ? rf : Number(config['transaction.state.log.replication.factor']);
  const defaults: Record<string, string> = {
    'default.replication.factor': String(defaultRf),
    'min.insync.replicas': minIsr(defaultRf),
    'offsets.topic.replication.factor': String(rf),
    'transaction.state.log.replication.factor': String(rf),
    'transaction.state.log.min.isr': minIsr(internalRf),
  };
  if (Number(model.cluster.spec.version.split('.')[0]) >= 4) {
    defaults['share.coordinator.state.topic.replication.factor'] = String(rf);
    defaults['share.coordinator.state.topic.min.isr'] = minIsr(rf);
  }
  return defaults;
}

const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * SASL/PLAIN on the REPLICATION and CONTROLLER listeners of a secured cluster. PLAIN because the controller listener
 * cannot use SCRAM (SCRAM credentials live in the metadata log the controllers serve) and because one static
 * credential needs no bootstrapping; the same JAAS entry carries the node's own login (username/password, used when
 * it connects to another node) and the one user it accepts (user_<name>).
 */
function internalSasl(node: ClusterNode, listeners: ListenerPlan, placement: Placement): Record<string, string> {
  const password = placement.internalPassword();
  if (password === undefined) throw new Error(`this cluster's internal listeners authenticate, but this placement (${placement.kind}) has no internal password`);
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${INTERNAL_USER}" password="${password}" user_${INTERNAL_USER}="${password}";`;
  const props: Record<string, string> = { 'sasl.mechanism.controller.protocol': 'PLAIN' };
  if (node.broker) props['sasl.mechanism.inter.broker.protocol'] = 'PLAIN';
  // Brokers need the controller listener's login too: they connect to the controllers through it.
  const own = node.broker ? [listeners.replication, listeners.controller] : [listeners.controller];
  for (const l of own) {
    const prefix = `listener.name.${l.name.toLowerCase()}.`;
    props[`${prefix}sasl.enabled.mechanisms`] = 'PLAIN';
    props[`${prefix}plain.sasl.jaas.config`] = jaas;
  }
  return props;
}

function tlsMaterial(node: ClusterNode, placement: Placement, forWhat: string): TlsMaterial {
  const tls = placement.tls(node);
  if (tls === undefined) throw new Error(`${forWhat} needs TLS material that this placement (${placement.kind}) does not provide`);
  return tls;
}

function keystore(prefix: string, tls: TlsMaterial): Record<string, string> {
  return {
    [`${prefix}ssl.keystore.location`]: tls.keystoreLocation,
    [`${prefix}ssl.keystore.password`]: tls.keystorePassword,
    [`${prefix}ssl.keystore.type`]: tls.keystoreType,
  };
}

/**
 * Mutual TLS on the REPLICATION and CONTROLLER listeners (spec.internalTls). A node is a server on its own listeners
 * and a client of the others' (brokers replicate from brokers and fetch metadata from controllers; controllers vote
 * with each other), and Kafka takes a listener's client-side settings from the same listener.name.<l>. prefix, so
 * each listener gets keystore, truststore and `ssl.client.auth=required`: only holders of a certificate the cluster's
 * CA signed get in, beside the internal SASL login when the cluster is secured.
 */
function internalTls(node: ClusterNode, listeners: ListenerPlan, placement: Placement): Record<string, string> {
  const tls = placement.internalTls?.(node) ?? tlsMaterial(node, placement, 'spec.internalTls');
  if (tls.truststoreLocation === undefined) throw new Error(`spec.internalTls needs a truststore that this placement (${placement.kind}) does not provide`);
  const props: Record<string, string> = {};
  const own = node.broker ? [listeners.replication, listeners.controller] : [listeners.controller];
  for (const l of own) {
    const prefix = `listener.name.${l.name.toLowerCase()}.`;
    Object.assign(props, keystore(prefix, tls));
    props[`${prefix}ssl.truststore.location`] = tls.truststoreLocation;
    props[`${prefix}ssl.truststore.password`] = tls.keystorePassword;
    props[`${prefix}ssl.truststore.type`] = tls.keystoreType;
    props[`${prefix}ssl.client.auth`] = 'required';
  }
  return props;
}

/**
 * server.properties for one node. Pure: the same spec, node and placement always give the same properties, which is
 * what lets the local runtime and a Kubernetes pod agree by construction.
 */
export function brokerProperties(model: ClusterModel, node: ClusterNode, placement: Placement): Record<string, string> {
  const { cluster, listeners } = model;
  const props: Record<string, string> = {};
  const own = nodeListeners(model, node);
  const bind = placement.bindHost(node);

  props['process.roles'] = node.roles.join(',');
  props['node.id'] = String(node.id);
  props['controller.listener.names'] = listeners.controller.name;
  props.listeners = own.map((l) => `${l.name}://${bind}:${placement.port(node, l)}`).join(',');
  const advertised = own.map((l) => {
    const endpoint = l.role === 'client' ? placement.advertisedEndpoint(node, l) : placement.internalEndpoint(node, l);
    return `${l.name}://${endpoint.host}:${endpoint.port}`;
  });
  props['advertised.listeners'] = advertised.join(',');
  props['listener.security.protocol.map'] = allListeners(listeners)
    .map((l) => `${l.name}:${l.securityProtocol}`)
    .join(',');
  if (node.broker) props['inter.broker.listener.name'] = listeners.replication.name;
  Object.assign(props, quorumProperties(model.quorumMode, voters(controllers(model.nodes), listeners.controller, placement)));

  props['log.dirs'] = placement.logDirs(node).join(',');
  if (cluster.spec.rack && node.broker) {
    const rack = placement.rack(node);
    if (rack !== undefined) props['broker.rack'] = rack;
  }

  if (node.broker) {
    for (const l of listeners.client) {
      const prefix = `listener.name.${l.name.toLowerCase()}.`;
      if (l.spec?.authentication === 'scram-sha-512') {
        props[`${prefix}sasl.enabled.mechanisms`] = 'SCRAM-SHA-512';
        props[`${prefix}scram-sha-512.sasl.jaas.config`] = SCRAM_LOGIN;
      }
      if (l.spec?.tls) Object.assign(props, keystore(prefix, tlsMaterial(node, placement, `listener ${l.spec.name}`)));
    }
  }

  if (usesSasl(listeners.replication.securityProtocol)) Object.assign(props, internalSasl(node, listeners, placement));
  if (usesTls(listeners.replication.securityProtocol)) Object.assign(props, internalTls(node, listeners, placement));

  if (cluster.spec.authorization) {
    props['authorizer.class.name'] = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';
    // The nodes (and kafkaplane) talk to each other as INTERNAL_USER over the internal listeners.
    props['super.users'] = [`User:${INTERNAL_USER}`, ...cluster.spec.authorization.superUsers.map((u) => (u.includes(':') ? u : `User:${u}`))].join(';');
    props['allow.everyone.if.no.acl.found'] = 'false';
  }

  Object.assign(props, replicationDefaults(model));
  for (const [key, value] of Object.entries(cluster.spec.config)) props[key] = String(value);
  return props;
}
