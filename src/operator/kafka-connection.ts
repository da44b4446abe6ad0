import { kubernetesSettings } from '../api/kubernetes.ts';
import { KafkaplaneError, hint, setting } from '../errors.ts';
import { type ConnectionConfig, parseBootstrap } from '../kafka/client.ts';
import { clusterModel } from '../model/broker-properties.ts';
import { kubernetesNames } from '../model/kubernetes-names.ts';
import { INTERNAL_USER } from '../model/listeners.ts';
import { brokers } from '../model/nodes.ts';
import { kubernetesPlacement } from '../model/placement-kubernetes.ts';
import { parseCluster } from './custom-resources.ts';
import type { KubeClient, KubeObject } from './kube/client.ts';

/**
 * How the operator reaches a KafkaCluster's Kafka. In a pod: the brokers' REPLICATION listener at their pod
 * addresses (what the rendered topics Job uses; the NetworkPolicy admits the operator there), logging in as the
 * internal super user with the password from the Secret render made (`<cluster>-internal`, key `password`, or
 * spec.kubernetes.internal.passwordSecret) when the cluster is secured. From a laptop, `--kafka-bootstrap
 * ns/name=host:port` replaces the addresses (a port-forward to the REPLICATION port, or a local cluster's);
 * the credentials still come from that Secret.
 */
export function parseBootstrapOverrides(values: readonly string[]): Map<string, string[]> {
  const overrides = new Map<string, string[]>();
  for (const value of values) {
    const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)=(.+)$/.exec(value.trim());
    if (!m) {
      throw new KafkaplaneError('BAD_USAGE', `--kafka-bootstrap "${value}" is not namespace/name=host:port[,host:port]`, {
        hint: hint`e.g. ${setting('kafkaBootstrap', 'kafka/my-cluster=127.0.0.1:9093')} (the KafkaCluster kafka/my-cluster, its REPLICATION listener port-forwarded)`,
      });
    }
    overrides.set(`${m[1]}/${m[2]}`, parseBootstrap(m[3]!));
  }
  return overrides;
}

/**
 * Resolves a KafkaCluster's connection (reading its internal password Secret). A burst of reconciles shares one
 * resolution per cluster version for `reuseMs` (100 KafkaTopics applied at once made 100 Secret reads, ~0.2 s of each
 * topic's latency on a loaded apiserver); a failure is not kept.
 */
export function kafkaConnectionResolver(overrides: ReadonlyMap<string, readonly string[]>, timeoutMs = 15_000, reuseMs = 2_000) {
  const recent = new Map<string, { at: number; config: Promise<ConnectionConfig> }>();
  const resolve = resolveConnection(overrides, timeoutMs);
  return (cluster: KubeObject, client: KubeClient): Promise<ConnectionConfig> => {
    const key = `${cluster.metadata.uid}/${cluster.metadata.resourceVersion}`;
    const now = Date.now();
    for (const [k, v] of recent) if (now - v.at > reuseMs) recent.delete(k);
    const hit = recent.get(key);
    if (hit) return hit.config;
    const config = resolve(cluster, client);
    recent.set(key, { at: now, config });
    config.catch(() => recent.delete(key));
    return config;
  };
}

function resolveConnection(overrides: ReadonlyMap<string, readonly string[]>, timeoutMs: number) {
  return async (cluster: KubeObject, client: KubeClient): Promise<ConnectionConfig> => {
    const key = `${cluster.metadata.namespace}/${cluster.metadata.name}`;
    const parsed = parseCluster(cluster);
    if (parsed.problem !== undefined) throw new KafkaplaneError('INVALID_SPEC', `KafkaCluster ${key} is not valid: ${parsed.problem}`);
    const spec = parsed.value;
    const model = clusterModel(spec);
    const names = kubernetesNames(spec, kubernetesSettings(spec.spec), cluster.metadata.namespace);
    const replication = model.listeners.replication;
    const override = overrides.get(key);
    const bootstrap =
      override !== undefined
        ? [...override]
        : brokers(model.nodes).map((n) => {
            const e = kubernetesPlacement(names, []).internalEndpoint(n, replication);
            return `${e.host}:${e.port}`;
          });
    const config: ConnectionConfig = { bootstrap, clientId: 'kafkaplane-operator', timeoutMs };
    if (replication.securityProtocol === 'PLAINTEXT') return config;
    if (replication.securityProtocol !== 'SASL_PLAINTEXT') {
      throw new KafkaplaneError('BAD_USAGE', `KafkaCluster ${key}: its internal listeners use ${replication.securityProtocol}, which the operator does not speak yet`, {
        hint: 'the operator supports clusters whose internal listeners are PLAINTEXT or SASL_PLAINTEXT',
      });
    }
    const ref = names.internalPassword;
    const secret = await client.get('Secret', cluster.metadata.namespace, ref.name);
    const encoded = (secret?.data as Record<string, string> | undefined)?.[ref.key];
    if (encoded === undefined) {
      throw new KafkaplaneError('NO_INTERNAL_PASSWORD', `KafkaCluster ${key} authenticates its internal listeners, but Secret ${cluster.metadata.namespace}/${ref.name} has no key "${ref.key}"`, {
        hint: `render makes it with the cluster's objects; or create it with kubectl create secret generic ${ref.name} in namespace ${cluster.metadata.namespace ?? 'default'}, key ${ref.key}`,
      });
    }
    return { ...config, sasl: { mechanism: 'PLAIN', username: INTERNAL_USER, password: Buffer.from(encoded, 'base64').toString('utf8') } };
  };
}
