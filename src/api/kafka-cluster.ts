import { z } from 'zod';
import { API_VERSION, configMap, dnsLabel, dnsSubdomain, metadata, quantity, quantityValue } from './common.ts';
import { kubernetesSpec } from './kubernetes.ts';
import { podTemplate } from './pod-template.ts';

export const DEFAULT_KAFKA_VERSION = '4.1.2';

/** Ports kafkaplane keeps for itself inside every node (Strimzi uses the same two). */
export const CONTROLLER_PORT = 9090;
export const REPLICATION_PORT = 9091;

/**
 * Broker properties kafkaplane derives from the spec. Letting `config` set them would make the model lie about
 * the cluster (a listener the Services do not expose, a node id that does not match the pod), so they are
 * rejected with a pointer to the spec field that controls them.
 */
export const OWNED_PROPERTIES: Readonly<Record<string, string>> = {
  'node.id': 'node ids come from spec.nodePools (ordinal + nodeIdOffset)',
  'broker.id': 'node ids come from spec.nodePools (ordinal + nodeIdOffset)',
  'process.roles': 'set spec.nodePools[].roles',
  listeners: 'set spec.listeners',
  'advertised.listeners': 'set spec.listeners (and spec.listeners[].configuration for external addresses)',
  'listener.security.protocol.map': 'set spec.listeners[].tls and spec.listeners[].authentication',
  'controller.listener.names': 'the controller listener is managed by kafkaplane',
  'inter.broker.listener.name': 'inter-broker traffic uses the REPLICATION listener managed by kafkaplane',
  'security.inter.broker.protocol': 'inter-broker traffic uses the REPLICATION listener managed by kafkaplane',
  'controller.quorum.voters': 'the KRaft quorum is derived from the controller nodes',
  'controller.quorum.bootstrap.servers': 'the KRaft quorum is derived from the controller nodes',
  'log.dirs': 'set spec.nodePools[].storage',
  'log.dir': 'set spec.nodePools[].storage',
  'metadata.log.dir': 'set spec.nodePools[].storage',
  'broker.rack': 'set spec.rack',
  'authorizer.class.name': 'set spec.authorization',
  'super.users': 'set spec.authorization.superUsers',
  'sasl.enabled.mechanisms': 'set spec.listeners[].authentication',
  'sasl.mechanism.inter.broker.protocol': 'inter-broker traffic uses the REPLICATION listener managed by kafkaplane',
  'sasl.mechanism.controller.protocol': 'the controller listener is managed by kafkaplane',
};
export const OWNED_PROPERTY_PREFIXES: Readonly<Record<string, string>> = {
  'listener.name.': 'per-listener settings are derived from spec.listeners',
  'ssl.keystore.': 'TLS material is managed by kafkaplane (spec.listeners[].tls)',
  'ssl.truststore.': 'TLS material is managed by kafkaplane (spec.listeners[].tls)',
};

export function ownedPropertyReason(key: string): string | undefined {
  // Own keys only: a config key such as "constructor" or "toString" is a user's key, not Object.prototype's.
  if (Object.hasOwn(OWNED_PROPERTIES, key)) return OWNED_PROPERTIES[key];
  for (const [prefix, reason] of Object.entries(OWNED_PROPERTY_PREFIXES)) if (key.startsWith(prefix)) return reason;
  return undefined;
}

export const nodeRole = z.enum(['broker', 'controller']);

const jvmSize = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^[0-9]+[kKmMgG]?$/, { message: 'must be a JVM size such as 512m or 2g' }));

export const resources = z
  .strictObject({
    requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
    limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  })
  .superRefine((r, ctx) => {
    // Kubernetes refuses the pod otherwise (found by the apiserver fuzz test: a spec kafkaplane accepted, a
    // StatefulSet the apiserver refused).
    for (const kind of ['cpu', 'memory'] as const) {
      const request = r.requests?.[kind];
      const limit = r.limits?.[kind];
      if (request !== undefined && limit !== undefined && quantityValue(request) > quantityValue(limit)) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', kind],
          input: request,
          message: `must be at most the ${kind} limit ${limit} (Kubernetes refuses a request above its limit; raise limits.${kind} or lower the request)`,
        });
      }
    }
  });

export const storage = z.strictObject({
  type: z.enum(['persistent-claim', 'ephemeral']).default('persistent-claim'),
  size: quantity.default('10Gi'),
  /** StorageClass for the PersistentVolumeClaims; the cluster default when omitted. */
  class: dnsSubdomain.optional(),
  /** Delete the claims when the cluster is deleted (operator) — kept by default, like Strimzi. */
  deleteClaim: z.boolean().default(false),
});

export const nodePool = z.strictObject({
  name: dnsLabel(20),
  roles: z.array(nodeRole).min(1, { message: 'a node pool needs at least one role: broker, controller or both' }),
  replicas: z.int().min(0).max(99),
  /** Node id of ordinal 0; pools default to consecutive ranges in the order they are declared. */
  nodeIdOffset: z.int().min(0).max(1_000_000).optional(),
  storage: storage.default({ type: 'persistent-claim', size: '10Gi', deleteClaim: false }),
  resources: resources.optional(),
  jvm: z
    .strictObject({
      /** -Xms and -Xmx. Defaults: 512m for the local runtime; half the memory request (at most 6g) on Kubernetes. */
      heap: jvmSize.optional(),
      options: z.array(z.string()).default([]),
    })
    .optional(),
  /** Kubernetes pod template overrides for this pool's pods; field by field over spec.kubernetes.template (src/api/pod-template.ts). */
  template: podTemplate.optional(),
});

const listenerName = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,10}$/, { message: 'must be 1-11 lowercase letters and digits, starting with a letter' })
  .refine((n) => n !== 'controller' && n !== 'replication', {
    message: 'is reserved by kafkaplane (the KRaft controller and inter-broker listeners)',
  });

const nodePort = z.int().min(30000).max(32767);

/** Kubernetes NodeAddress types, in Strimzi's order of preference for nodeport listeners. */
export const NODE_ADDRESS_TYPES = ['ExternalDNS', 'ExternalIP', 'Hostname', 'InternalDNS', 'InternalIP'] as const;

export const listener = z.strictObject({
  name: listenerName,
  port: z
    .int()
    .min(1024)
    .max(65535)
    .refine((p) => p !== CONTROLLER_PORT && p !== REPLICATION_PORT, {
      message: `ports ${CONTROLLER_PORT} and ${REPLICATION_PORT} are reserved for kafkaplane's KRaft controller and inter-broker listeners; pick another port`,
    }),
  type: z.enum(['internal', 'nodeport', 'loadbalancer']).default('internal'),
  tls: z.boolean().default(false),
  authentication: z.enum(['none', 'scram-sha-512']).default('none'),
  /** Addresses for external listeners (nodeport / loadbalancer), as clients outside the cluster reach them. */
  configuration: z
    .strictObject({
      bootstrap: z
        .strictObject({
          nodePort: nodePort.optional(),
          host: z.string().min(1).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
        })
        .optional(),
      brokers: z
        .array(
          z.strictObject({
            broker: z.int().min(0),
            nodePort: nodePort.optional(),
            advertisedHost: z.string().min(1).optional(),
            advertisedPort: z.int().min(1).max(65535).optional(),
            annotations: z.record(z.string(), z.string()).optional(),
          }),
        )
        .optional(),
      /**
       * nodeport listeners: advertise the address of this type from the Kubernetes node's status.addresses (read by an
       * init container, as Strimzi does), falling back to ExternalDNS, ExternalIP, Hostname, InternalDNS, InternalIP.
       * Unset: the node's IP as the pod sees it (status.hostIP), often a private address.
       */
      preferredNodePortAddressType: z.enum(NODE_ADDRESS_TYPES).optional(),
      /** e.g. "kafka-{nodeId}.example.com": the advertised host of every broker on this listener. */
      advertisedHostTemplate: z
        .string()
        .regex(/\{nodeId\}/, { message: 'must contain {nodeId} so every broker gets its own address' })
        .optional(),
      /**
       * loadbalancer listeners: the client networks the cloud load balancers admit (Service
       * spec.loadBalancerSourceRanges), e.g. ["203.0.113.0/24"]. Unset: whatever the cloud allows (often anyone).
       */
      loadBalancerSourceRanges: z
        .array(z.union([z.cidrv4(), z.cidrv6()], { message: 'must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32' }))
        .min(1)
        .optional(),
    })
    .optional(),
});

const DEFAULT_POOLS = [
  {
    name: 'dual',
    roles: ['broker', 'controller'] as ('broker' | 'controller')[],
    replicas: 3,
    storage: { type: 'persistent-claim' as const, size: '10Gi', deleteClaim: false },
  },
];
const DEFAULT_LISTENERS = [{ name: 'plain', port: 9092, type: 'internal' as const, tls: false, authentication: 'none' as const }];

const kafkaVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, { message: 'must be a Kafka release such as 4.1.2' })
  .refine(
    (v) => {
      const [major = 0, minor = 0] = v.split('.').map(Number);
      return major > 3 || (major === 3 && minor >= 9);
    },
    { message: 'kafkaplane runs KRaft-only Kafka 3.9 or newer' },
  );

/**
 * The KRaft quorum (KIP-853): `static` (controller.quorum.voters, kraft.version 0) or `dynamic`
 * (controller.quorum.bootstrap.servers, voters recorded in the metadata log). A cluster keeps the mode it was formatted
 * with for life; moving a static cluster to dynamic takes a kraft.version upgrade first (docs/render.md, quorum mode).
 */
export const quorumModeSchema = z.enum(['static', 'dynamic']);

export const kafkaClusterSpec = z.strictObject({
  version: kafkaVersion.default(DEFAULT_KAFKA_VERSION),
  quorum: z
    .strictObject({
      /**
       * Unset: dynamic for a new cluster at Kafka ≥ 4.1, static before — and, for a running cluster, whatever it runs
       * (the local runtime's state, the operator's live ConfigMap; a pod refuses to start in the other mode).
       */
      mode: quorumModeSchema.optional(),
    })
    .optional(),
  nodePools: z.array(nodePool).min(1).default(DEFAULT_POOLS),
  listeners: z.array(listener).min(1).default(DEFAULT_LISTENERS),
  /** Broker properties (server.properties) applied to every node after kafkaplane's defaults. */
  config: configMap
    .superRefine((config, ctx) => {
      for (const key of Object.keys(config)) {
        const reason = ownedPropertyReason(key);
        if (reason !== undefined) ctx.addIssue({ code: 'custom', path: [key], input: config[key], message: `"${key}" is managed by kafkaplane: ${reason}` });
      }
    })
    .default({}),
  authorization: z
    .strictObject({
      type: z.literal('simple'),
      superUsers: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  /**
   * TLS on kafkaplane's own REPLICATION and CONTROLLER listeners too, with client certificates required (mutual TLS
   * between nodes): with it, no byte between nodes travels in clear. Locally the cluster's own CA signs the nodes'
   * certificate; on Kubernetes cert-manager issues them (kubernetes.certManager; render writes the Certificates).
   */
  internalTls: z.boolean().default(false),
  rack: z
    .strictObject({
      /** Node label whose value becomes broker.rack (Kubernetes); the local runtime spreads nodes over 3 racks. */
      topologyKey: z.string().min(1).default('topology.kubernetes.io/zone'),
    })
    .optional(),
  /** Image, scheduling, network policy, monitoring and identity for Kubernetes (src/api/kubernetes.ts); the local runtime ignores it. */
  kubernetes: kubernetesSpec.optional(),
});

export const kafkaCluster = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('KafkaCluster'),
  metadata: metadata.extend({ name: dnsLabel(40) }),
  spec: kafkaClusterSpec.default(kafkaClusterSpec.parse({})),
});

export type KafkaCluster = z.infer<typeof kafkaCluster>;
export type KafkaClusterInput = z.input<typeof kafkaCluster>;
export type KafkaClusterSpec = z.infer<typeof kafkaClusterSpec>;
export type NodePool = z.infer<typeof nodePool>;
export type NodeRole = z.infer<typeof nodeRole>;
export type Listener = z.infer<typeof listener>;

export interface NodeIdRange {
  pool: string;
  /** First node id (ordinal 0). */
  start: number;
  /** One past the last node id. */
  end: number;
}

/** Node ids each pool gets by default: pool i starts at i × NODE_ID_BLOCK. */
export const NODE_ID_BLOCK = 100;

/**
 * The node ids of every pool: `nodeIdOffset` when given, else a block of its own (pool i from i × 100). A node's id
 * names its data (meta.properties, the KRaft voter set, partition replicas), so growing a pool must never renumber
 * another pool — which ids that simply followed the previous pool's size would do (Strimzi keeps the ids it assigned
 * in the KafkaNodePool status for the same reason; a pure spec has no status, so it uses fixed blocks). Pure spec
 * rule, shared by validation and the model so both agree on which node has which id.
 */
export function nodeIdRanges(pools: readonly NodePool[]): NodeIdRange[] {
  const ranges: NodeIdRange[] = [];
  pools.forEach((pool, i) => {
    const start = pool.nodeIdOffset ?? i * NODE_ID_BLOCK;
    ranges.push({ pool: pool.name, start, end: start + pool.replicas });
  });
  return ranges;
}
