import { IMAGE_REFERENCE, IMAGE_REFERENCE_MAX_LENGTH, imageReferenceProblem } from './image-reference.ts';
import { z } from 'zod';
import { dnsSubdomain, secretKeyRef } from './common.ts';
import { podTemplate, toleration } from './pod-template.ts';

/**
 * What a KafkaCluster needs only when it runs on Kubernetes (`kafkaplane render`, the operator). The local runtime
 * ignores all of it. Everything has a default, so `kubernetes:` can be left out of a spec entirely.
 */

/** Prometheus JMX exporter javaagent pinned by checksum (Maven Central io.prometheus.jmx:jmx_prometheus_javaagent). */
export const JMX_EXPORTER_VERSION = '1.0.1';
export const JMX_EXPORTER_SHA256 = '7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1';
/** Image of the init containers that download the JMX agent and read a broker's zone (the curl project's own image: curl and BusyBox). */
export const DOWNLOAD_IMAGE = 'curlimages/curl:8.11.1';
/** danielqsj/kafka_exporter: consumer-group lag, which brokers do not expose over JMX (selectable instead of kafkaplane's). */
export const KAFKA_EXPORTER_IMAGE = 'danielqsj/kafka-exporter:v1.9.0';
/**
 * kafkaplane's own image (the repo's Dockerfile): its exporter serves kafka_exporter's metrics and more. Users build
 * and push it to their registry (`docker build -t <registry>/kafkaplane:0.1.0 .`) and set the image field to it.
 */
export const KAFKAPLANE_IMAGE = 'kafkaplane/kafkaplane:0.1.0';

/** A Kafka Uuid as `kafka-storage.sh random-uuid` prints it: 16 bytes, base64url without padding (22 characters). */
export const kafkaUuid = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/, {
  message: 'must be a Kafka uuid as `kafka-storage.sh random-uuid` prints it (22 characters of A-Z a-z 0-9 _ -, not starting with "-")',
});

const labels = z.record(z.string().min(1), z.string());
const matchLabels = z.strictObject({ matchLabels: labels });

/** One allowed source of client traffic, as a NetworkPolicy peer (https://kubernetes.io/docs/concepts/services-networking/network-policies/). */
export const networkPeer = z
  .strictObject({
    podSelector: matchLabels.optional(),
    namespaceSelector: matchLabels.optional(),
    ipBlock: z.strictObject({ cidr: z.string().min(1), except: z.array(z.string().min(1)).optional() }).optional(),
  })
  .refine((p) => p.podSelector !== undefined || p.namespaceSelector !== undefined || p.ipBlock !== undefined, {
    message: 'give podSelector, namespaceSelector (both together select pods in matching namespaces) or ipBlock',
  })
  .refine((p) => p.ipBlock === undefined || (p.podSelector === undefined && p.namespaceSelector === undefined), {
    message: 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer; use two entries',
  });

export { toleration };

// A regex (so the CRD's OpenAPI schema carries it as a pattern for the apiserver), whose message says why.
const image = z
  .string()
  .regex(IMAGE_REFERENCE, {
    error: (issue) =>
      `${imageReferenceProblem(String(issue.input)) ?? 'is not an image reference'} (e.g. apache/kafka:4.1.2, registry.example.com:5000/team/kafka:4.1.2-RC1 or apache/kafka@sha256:<64 hex digits>)`,
  })
  .max(IMAGE_REFERENCE_MAX_LENGTH);

/** A Kubernetes resource quantity such as 100m, 0.5, 256Mi or 1Gi. */
const kubeQuantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, { message: 'must be a Kubernetes quantity such as 100m, 0.5, 256Mi or 1Gi' });

export const kubernetesSpec = z.strictObject({
  /** Defaults to the official apache/kafka:<spec.version>. Pin a digest with "apache/kafka:4.1.2@sha256:…". */
  image: image.optional(),
  imagePullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent'),
  imagePullSecrets: z.array(dnsSubdomain).default([]),
  /** The cluster's DNS domain; part of every advertised in-cluster address. */
  clusterDomain: dnsSubdomain.default('cluster.local'),
  /**
   * Name of the Service clients bootstrap from inside Kubernetes: `kafkaplane` → <cluster>-bootstrap, `strimzi` →
   * <cluster>-kafka-bootstrap, the name Strimzi gives it (for clients and configs written for a Strimzi cluster).
   * Changing it on a running cluster renames the Service: clients that use the old name lose it.
   */
  bootstrapServiceName: z.enum(['kafkaplane', 'strimzi']).default('kafkaplane'),
  serviceAccount: z
    .strictObject({
      /** Set false to use an existing ServiceAccount named `name`. */
      create: z.boolean().default(true),
      name: dnsSubdomain.optional(),
      annotations: labels.optional(),
    })
    .default({ create: true }),
  pod: z
    .strictObject({
      annotations: labels.optional(),
      labels: labels.optional(),
      nodeSelector: labels.optional(),
      tolerations: z.array(toleration).optional(),
      priorityClassName: dnsSubdomain.optional(),
      /**
       * How strictly nodes of a pool are spread over Kubernetes nodes (and zones with spec.rack): "required" never
       * puts two on one node (needs as many Kubernetes nodes as the largest pool); "preferred" tries to.
       */
      spread: z.enum(['preferred', 'required']).default('preferred'),
      /** Time for a controlled shutdown (leadership moves to other brokers) before the kubelet kills the JVM. */
      terminationGracePeriodSeconds: z.int().min(30).max(3600).default(120),
    })
    .default({ spread: 'preferred', terminationGracePeriodSeconds: 120 }),
  /**
   * Overrides of the Kafka pods as Strimzi's `template` (securityContext, affinity, tolerations, topology spread, probe
   * timings, extra env, volumes and containers, labels, annotations, priority class): src/api/pod-template.ts.
   * spec.nodePools[].template overrides it per pool.
   */
  template: podTemplate.optional(),
  /**
   * With spec.rack, an init container reads the zone (spec.rack.topologyKey) of the Kubernetes node a broker runs on
   * from the Kubernetes API and hands it to Kafka as broker.rack. It needs curl and a POSIX shell.
   */
  rackInit: z.strictObject({ image: image.default(DOWNLOAD_IMAGE) }).default({ image: DOWNLOAD_IMAGE }),
  /**
   * What the operator does when spec.nodePools[].replicas shrinks (or a broker pool is dropped) while the brokers that
   * go away still hold partition replicas. Default: refuse (condition Degraded/ScaleDownRefused, nothing applied)
   * until they are emptied, e.g. with `kafkaplane rebalance --drain`. `drain: true`: the operator moves those replicas
   * to the brokers that stay (the same planner as `kafkaplane rebalance --drain`, with Kafka's replication throttle)
   * and removes the brokers once they are empty. Strimzi's equivalent is Cruise Control's remove-brokers rebalance.
   */
  scaleDown: z
    .strictObject({
      drain: z.boolean().default(false),
      /** Bytes per second per broker for the moved replicas' replication (KafkaRebalance's replicationThrottle). Unset: no throttle. */
      replicationThrottle: z.int().min(1).optional(),
    })
    .default({ drain: false }),
  networkPolicy: z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * Who may reach the internal client listeners. Unset: anyone (the NetworkPolicy still closes the controller and
       * replication ports). External (nodeport / loadbalancer) listeners are always open: their clients are outside.
       */
      clients: z.array(networkPeer).optional(),
    })
    .default({ enabled: true }),
  /** TLS listeners read a PKCS12 keystore (e.g. written by cert-manager's `keystores.pkcs12`) from a Secret. */
  tls: z
    .strictObject({
      /** Secret with the keystore; default "<cluster>-tls". */
      secretName: dnsSubdomain.optional(),
      keystoreKey: z.string().min(1).default('keystore.p12'),
      /** The keystore password; default key "password" of Secret "<cluster>-tls-password". */
      passwordSecret: secretKeyRef.optional(),
    })
    .default({ keystoreKey: 'keystore.p12' }),
  /**
   * spec.internalTls on Kubernetes: render writes cert-manager Certificates for the nodes (one certificate naming
   * every pod's DNS names, the bootstrap Service and the external listeners' hosts) and for kafkaplane's own clients
   * (the topics Job, the exporter). Default issuer: a self-signed CA per cluster (a SelfSigned Issuer signs a CA
   * Certificate, a CA Issuer signs the rest); `issuerRef` names yours instead (it must put ca.crt in the Secrets it
   * writes, as CA and Vault issuers do: nodes trust that CA).
   */
  certManager: z
    .strictObject({
      issuerRef: z
        .strictObject({
          name: dnsSubdomain,
          kind: z.string().min(1).default('Issuer'),
          group: z.string().min(1).default('cert-manager.io'),
        })
        .optional(),
      /** Lifetime of node and client certificates (a Go duration cert-manager accepts, e.g. 2160h). */
      duration: z
        .string()
        .regex(/^([0-9]+(\.[0-9]+)?(h|m|s))+$/, { message: 'must be a duration such as 2160h or 720h30m' })
        .default('2160h'),
      /** Renew this long before expiry. Brokers read keystores at start: a renewed certificate is served after a restart. */
      renewBefore: z
        .string()
        .regex(/^([0-9]+(\.[0-9]+)?(h|m|s))+$/, { message: 'must be a duration such as 720h' })
        .default('720h'),
    })
    .default({ duration: '2160h', renewBefore: '720h' }),
  /**
   * A secured cluster's own listeners (REPLICATION, CONTROLLER) authenticate with SASL/PLAIN as user "kafkaplane":
   * its password comes from this Secret key (default: key "password" of Secret "<cluster>-internal"), which you
   * create — e.g. `kubectl create secret generic <cluster>-internal --from-literal=password=$(openssl rand -hex 24)`.
   */
  internal: z
    .strictObject({
      passwordSecret: secretKeyRef.optional(),
    })
    .default({}),
  monitoring: z
    .strictObject({
      enabled: z.boolean().default(false),
      port: z.int().min(1024).max(65535).default(9404),
      jmxExporter: z
        .strictObject({
          version: z
            .string()
            .regex(/^\d+\.\d+\.\d+$/)
            .default(JMX_EXPORTER_VERSION),
          /** SHA-256 of the agent jar; required when version or url differ from the defaults. */
          sha256: z
            .string()
            .regex(/^[a-f0-9]{64}$/)
            .optional(),
          /** Where to download the agent from (a Maven mirror inside your network); default Maven Central. */
          url: z.url().optional(),
          image: image.default(DOWNLOAD_IMAGE),
          /** The agent is already in the Kafka image at this path (an extended image): no download init container. */
          agentPath: z
            .string()
            .regex(/^\/\S+\.jar$/)
            .optional(),
        })
        .default({ version: JMX_EXPORTER_VERSION, image: DOWNLOAD_IMAGE }),
      /**
       * The consumer-lag exporter: kafkaplane's (default: kafka_exporter's metrics plus lag in seconds, group status,
       * quorum and staleness) or the upstream kafka_exporter. `image` defaults to the implementation's image.
       */
      kafkaExporter: z
        .strictObject({ enabled: z.boolean().default(true), implementation: z.enum(['kafkaplane', 'kafka_exporter']).default('kafkaplane'), image: image.optional() })
        .default({ enabled: true, implementation: 'kafkaplane' }),
      podMonitor: z.boolean().default(true),
      prometheusRule: z.boolean().default(true),
      /**
       * Who may reach the metrics port (NetworkPolicy peers), e.g. the monitoring namespace:
       * [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]. Unset: anyone in the cluster.
       */
      scrapers: z.array(networkPeer).min(1).optional(),
      /** Extra labels on the PodMonitors and the PrometheusRule, for Prometheus' selectors (e.g. release: kube-prometheus-stack). */
      labels: labels.optional(),
      /** ConsumerLag alert: summed lag of a group on a topic above this for 10 minutes. */
      consumerLagThreshold: z.int().min(1).default(1000),
    })
    .default({
      enabled: false,
      port: 9404,
      jmxExporter: { version: JMX_EXPORTER_VERSION, image: DOWNLOAD_IMAGE },
      kafkaExporter: { enabled: true, implementation: 'kafkaplane' },
      podMonitor: true,
      prometheusRule: true,
      consumerLagThreshold: 1000,
    }),
  /**
   * The web console (`kafkaplane console`, docs/console.md) as a Deployment next to the cluster, running the kafkaplane
   * image and reading the cluster through the REPLICATION listener as the exporter does. Logins come from a users file
   * in a Secret you create (`printf %s "$PASSWORD" | kafkaplane console --hash-password alice` writes a line); render
   * never writes a password.
   */
  console: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Default: the exporter's kafkaplane image (spec.kubernetes.monitoring.kafkaExporter.image when it is kafkaplane's), else kafkaplane/kafkaplane:<version>. */
      image: image.optional(),
      /** Every page, no change: forms hidden, every POST refused (and audited). */
      readOnly: z.boolean().default(false),
      /** The users file (`user:scrypt$…` lines): default key "users" of Secret "<cluster>-console-users". */
      usersSecret: secretKeyRef.optional(),
      /** Seconds between collections of the cached cluster snapshot. */
      refreshInterval: z.int().min(1).max(3600).default(10),
      service: z
        .strictObject({
          type: z.enum(['ClusterIP', 'NodePort']).default('ClusterIP'),
          /** With type NodePort: a fixed node port (30000–32767); Kubernetes picks one when unset. */
          nodePort: z.int().min(30000).max(32767).optional(),
        })
        .default({ type: 'ClusterIP' }),
      /** Who may reach the console's port (NetworkPolicy peers, e.g. an ingress controller's namespace). Unset: anyone. */
      clients: z.array(networkPeer).min(1).optional(),
      resources: z
        .strictObject({
          requests: z.strictObject({ cpu: kubeQuantity.optional(), memory: kubeQuantity.optional() }).optional(),
          limits: z.strictObject({ cpu: kubeQuantity.optional(), memory: kubeQuantity.optional() }).optional(),
        })
        .optional(),
    })
    .default({ enabled: false, readOnly: false, refreshInterval: 10, service: { type: 'ClusterIP' } }),
  /**
   * The cluster id and (dynamic quorum) the controllers' metadata directory ids. Rendering is reproducible, so by
   * default they are derived from a hash of namespace/name; set them to keep ids you already have or to use random
   * ones (`kafka-storage.sh random-uuid`). They must never change once the cluster has data.
   */
  identity: z
    .strictObject({
      clusterId: kafkaUuid.optional(),
      /** Keyed by controller node id. */
      directoryIds: z.record(z.string().regex(/^\d+$/), kafkaUuid).optional(),
    })
    .optional(),
});

export type KubernetesSpec = z.infer<typeof kubernetesSpec>;

/** The Kubernetes settings of a cluster with every default filled in (a spec without `kubernetes:` gets these). */
export function kubernetesSettings(spec: { kubernetes?: KubernetesSpec | undefined }): KubernetesSpec {
  return spec.kubernetes ?? kubernetesSpec.parse({});
}
