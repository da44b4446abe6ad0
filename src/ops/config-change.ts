/**
 * Which broker property changes Kafka takes without a restart, and what to do about a change: a pure decision shared
 * by render (the operator's pod-template hash leaves these values out) and the operator (it applies them with
 * incrementalAlterConfigs as cluster-wide defaults instead of rolling).
 *
 * Kafka's DynamicBrokerConfig (core/src/main/scala/kafka/server/DynamicBrokerConfig.scala, KIP-226) sorts broker
 * configs into read-only, per-broker and cluster-wide. Only cluster-wide ones can be set once for every broker (an
 * empty resource name: DYNAMIC_DEFAULT_BROKER_CONFIG), and only they are listed here — a conservative subset of
 * Kafka's "Update Mode: cluster-wide" configs: the thread pools (DynamicThreadPool), the socket server's cluster-level
 * limits, the log cleaner, and the broker-level defaults of topic configs (DynamicLogConfig). Per-broker ones (SSL
 * stores, listener settings) and everything else are treated as read-only: a change rolls the pods. The real-node
 * test checks every key here against Kafka's own DescribeConfigs `readOnly` flag.
 */
export const CLUSTER_WIDE_DYNAMIC_CONFIGS: ReadonlySet<string> = new Set([
  // DynamicThreadPool
  'num.io.threads',
  'num.replica.fetchers',
  'num.recovery.threads.per.data.dir',
  'background.threads',
  // SocketServer, cluster-level listener configs
  'num.network.threads',
  'max.connections',
  'max.connections.per.ip',
  'max.connections.per.ip.overrides',
  'max.connection.creation.rate',
  // LogCleaner
  'log.cleaner.threads',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.backoff.ms',
  // DynamicLogConfig: broker defaults of topic configs
  'log.retention.ms',
  'log.retention.bytes',
  'log.segment.bytes',
  'log.roll.ms',
  'log.cleanup.policy',
  'log.flush.interval.messages',
  'log.flush.interval.ms',
  'log.index.size.max.bytes',
  'log.index.interval.bytes',
  'log.segment.delete.delay.ms',
  'log.cleaner.delete.retention.ms',
  'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.max.compaction.lag.ms',
  'log.cleaner.min.cleanable.ratio',
  'log.preallocate',
  'log.message.timestamp.type',
  'message.max.bytes',
  'min.insync.replicas',
  'compression.type',
  'unclean.leader.election.enable',
  // Producer state
  'producer.id.expiration.ms',
  'transaction.partition.verification.enable',
]);

export function isClusterWideDynamic(key: string): boolean {
  return CLUSTER_WIDE_DYNAMIC_CONFIGS.has(key);
}

/** Stands for a dynamic value in what decides a restart (render's operator-mode config hash). */
export const DYNAMIC_VALUE = '<dynamic>';

/**
 * The properties as far as a restart is concerned: the values of cluster-wide dynamic keys masked. Their names stay:
 * adding or removing such a key still needs a restart (removing a dynamic default makes a broker fall back to the
 * value it was started with, so only a restart loads the new file).
 */
export function restartRelevant(props: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) out[key] = isClusterWideDynamic(key) ? DYNAMIC_VALUE : value;
  return out;
}

export interface ConfigChange {
  /** none: nothing changed; dynamic: every change applies without a restart; restart: the pods must roll. */
  kind: 'none' | 'dynamic' | 'restart';
  /** Cluster-wide dynamic keys whose value changed (applied with incrementalAlterConfigs). */
  dynamic: { key: string; from: string; to: string }[];
  /** Keys whose change needs a restart (read-only or per-broker, or a dynamic key added or removed). */
  restart: string[];
}

/** Classifies the change from one node's properties to the next (both as rendered). */
export function decideConfigChange(oldProps: Readonly<Record<string, string>>, newProps: Readonly<Record<string, string>>): ConfigChange {
  const dynamic: ConfigChange['dynamic'] = [];
  const restart: string[] = [];
  const keys = [...new Set([...Object.keys(oldProps), ...Object.keys(newProps)])].sort();
  for (const key of keys) {
    const from = oldProps[key];
    const to = newProps[key];
    if (from === to) continue;
    if (from !== undefined && to !== undefined && isClusterWideDynamic(key)) dynamic.push({ key, from, to });
    else restart.push(key);
  }
  return { kind: restart.length > 0 ? 'restart' : dynamic.length > 0 ? 'dynamic' : 'none', dynamic, restart };
}

/**
 * The cluster-wide dynamic defaults the brokers should have: every cluster-wide dynamic key of the rendered
 * properties whose value is the same on every broker (spec.config applies to all nodes).
 */
export function desiredDynamicDefaults(brokerProps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const out: Record<string, string> = {};
  const [first, ...rest] = brokerProps;
  if (!first) return out;
  for (const [key, value] of Object.entries(first)) {
    if (isClusterWideDynamic(key) && rest.every((p) => p[key] === value)) out[key] = value;
  }
  return out;
}

export interface DynamicDefaultsPlan {
  set: Record<string, string>;
  delete: string[];
}

/**
 * What incrementalAlterConfigs must do to make the cluster-wide dynamic defaults `desired`: set what differs, and
 * delete defaults of keys kafkaplane manages that the spec no longer has (keys outside the list are left alone).
 */
export function planDynamicDefaults(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): DynamicDefaultsPlan {
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) if (current[key] !== value) set[key] = value;
  const remove = Object.keys(current)
    .filter((key) => isClusterWideDynamic(key) && desired[key] === undefined)
    .sort();
  return { set, delete: remove };
}
