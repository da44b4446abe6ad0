import { createHash } from 'node:crypto';
import type { KafkaCluster } from '../api/kafka-cluster.ts';
import type { KubernetesSpec } from '../api/kubernetes.ts';
import type { ClusterNode } from './nodes.ts';

/**
 * Every Kubernetes name kafkaplane gives an object, in one place, so the renderer, the placement (which bakes pod DNS
 * names into broker properties) and the operator can never disagree.
 *
 * Names are DNS-1123 labels of at most 63 characters
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names). A name that would be
 * longer is cut and ends in a hash of the full name, so it stays unique and deterministic.
 */
export const MAX_NAME = 63;
/**
 * The StatefulSet controller labels each pod with controller-revision-hash = "<statefulset>-<10-character hash>",
 * and a label value is at most 63 characters, so StatefulSet names longer than 52 break rollouts
 * (https://github.com/kubernetes/kubernetes/issues/64023).
 */
export const MAX_STATEFULSET_NAME = 52;

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

export function fitName(name: string, max = MAX_NAME): string {
  if (name.length <= max) return name;
  const hash = shortHash(name);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface KubernetesNames {
  cluster: string;
  namespace: string;
  clusterDomain: string;
  statefulSet(pool: string): string;
  /** Headless Service of a pool: gives every pod a stable DNS name (StatefulSet spec.serviceName). */
  headlessService(pool: string): string;
  pod(node: Pick<ClusterNode, 'pool' | 'ordinal'>): string;
  /** <pod>.<headless>.<namespace>.svc.<domain>: the address other nodes and internal clients use. */
  podAddress(node: Pick<ClusterNode, 'pool' | 'ordinal'>): string;
  bootstrapService: string;
  /** Address of the bootstrap Service inside the cluster. */
  bootstrapAddress: string;
  externalBootstrapService(listener: string): string;
  externalBrokerService(listener: string, nodeId: number): string;
  configMap: string;
  /**
   * A pool's node files, named by their content hash (as kustomize's configMapGenerator): a changed config is a new
   * ConfigMap, so a pod that restarts before its turn in a roll still reads the old one.
   */
  poolConfigMap(pool: string, contentHash: string): string;
  identitySecret: string;
  serviceAccount: string;
  podDisruptionBudget: string;
  networkPolicy: string;
  metricsConfigMap: string;
  podMonitor: string;
  prometheusRule: string;
  kafkaExporter: string;
  /** The web console's Deployment, Service and NetworkPolicy. */
  console: string;
  /** The Secret key with the console's users file. */
  consoleUsers: { name: string; key: string };
  tlsSecret: string;
  tlsPasswordSecret: string;
  /** spec.internalTls: cert-manager objects and the Secrets they write (render/cert-manager.ts). */
  certManager: { selfSignedIssuer: string; caCertificate: string; caSecret: string; caIssuer: string; nodeCertificate: string; nodeSecret: string; clientCertificate: string; clientSecret: string };
  /** The Secret key with a secured cluster's internal password. */
  internalPassword: { name: string; key: string };
  /** ClusterRole and ClusterRoleBinding that let the pods read their node's zone (spec.rack). Cluster-scoped, so the name carries the namespace. */
  rackClusterRole: string;
  /** A Job's template is immutable: a new topic list gets a new Job (name carries a hash of what it does). */
  topicsJob(contentHash: string): string;
}

export function kubernetesNames(cluster: KafkaCluster, settings: KubernetesSpec, namespaceOverride?: string): KubernetesNames {
  const c = cluster.metadata.name;
  const namespace = namespaceOverride ?? cluster.metadata.namespace ?? 'default';
  const domain = settings.clusterDomain;
  const sts = (pool: string) => fitName(`${c}-${pool}`, MAX_STATEFULSET_NAME);
  const pod = (node: Pick<ClusterNode, 'pool' | 'ordinal'>) => `${sts(node.pool)}-${node.ordinal}`;
  const bootstrap = fitName(settings.bootstrapServiceName === 'strimzi' ? `${c}-kafka-bootstrap` : `${c}-bootstrap`);
  return {
    cluster: c,
    namespace,
    clusterDomain: domain,
    statefulSet: sts,
    headlessService: sts,
    pod,
    podAddress: (node) => `${pod(node)}.${sts(node.pool)}.${namespace}.svc.${domain}`,
    bootstrapService: bootstrap,
    bootstrapAddress: `${bootstrap}.${namespace}.svc.${domain}`,
    externalBootstrapService: (listener) => fitName(`${c}-${listener}-bootstrap`),
    externalBrokerService: (listener, nodeId) => fitName(`${c}-${listener}-${nodeId}`),
    configMap: fitName(`${c}-config`),
    poolConfigMap: (pool, contentHash) => fitName(`${c}-config-${pool}-${contentHash.slice(0, 10)}`),
    identitySecret: fitName(`${c}-identity`),
    serviceAccount: settings.serviceAccount.name ?? fitName(`${c}-kafka`),
    podDisruptionBudget: fitName(`${c}-nodes`),
    networkPolicy: fitName(`${c}-nodes`),
    metricsConfigMap: fitName(`${c}-metrics`),
    podMonitor: fitName(`${c}-nodes`),
    prometheusRule: fitName(`${c}-alerts`),
    kafkaExporter: fitName(`${c}-kafka-exporter`),
    console: fitName(`${c}-console`),
    consoleUsers: settings.console.usersSecret ?? { name: fitName(`${c}-console-users`), key: 'users' },
    tlsSecret: settings.tls.secretName ?? fitName(`${c}-tls`),
    tlsPasswordSecret: settings.tls.passwordSecret?.name ?? fitName(`${c}-tls-password`),
    certManager: {
      selfSignedIssuer: fitName(`${c}-selfsigned`),
      caCertificate: fitName(`${c}-ca`),
      caSecret: fitName(`${c}-ca`),
      caIssuer: fitName(`${c}-ca`),
      nodeCertificate: fitName(`${c}-node-tls`),
      nodeSecret: fitName(`${c}-node-tls`),
      clientCertificate: fitName(`${c}-internal-client-tls`),
      clientSecret: fitName(`${c}-internal-client-tls`),
    },
    internalPassword: settings.internal.passwordSecret ?? { name: fitName(`${c}-internal`), key: 'password' },
    rackClusterRole: fitName(`kafkaplane-${namespace}-${c}-rack`),
    topicsJob: (contentHash) => fitName(`${c}-topics-${contentHash}`),
  };
}
