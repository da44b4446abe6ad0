import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { brokerConnection } from './broker-link.ts';
import { loadKafka } from './client.ts';

// Broker configs as Kafka holds them (KIP-226 dynamic broker configs): the cluster-wide defaults (empty resource
// name) and one broker's view, with Kafka's own read-only flag.

/** The cluster-wide dynamic defaults (DYNAMIC_DEFAULT_BROKER_CONFIG) currently set, by name. */
export async function describeClusterDefaults(admin: Admin): Promise<Record<string, string>> {
  const { ConfigResourceTypes, ConfigSources } = await loadKafka();
  const [described] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '' }] });
  const out: Record<string, string> = {};
  for (const c of described?.configs ?? []) if (c.configSource === ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG && c.value !== null && c.value !== undefined) out[c.name] = c.value;
  return out;
}

export interface BrokerConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, … */
  source: string;
}

/** One broker's effective configs, as `kafka-configs --entity-type brokers --entity-name <id> --describe --all`. */
export async function describeBrokerConfigs(admin: Admin, brokerId: number, names?: readonly string[]): Promise<BrokerConfigEntry[]> {
  const { ConfigResourceTypes, ConfigSources } = await loadKafka();
  const sourceNames = Object.fromEntries(Object.entries(ConfigSources).map(([k, v]) => [v, k])) as Record<number, string>;
  const [described] = await admin.describeConfigs({
    resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: String(brokerId), ...(names ? { configurationKeys: [...names] } : {}) }],
  });
  return (described?.configs ?? []).map((c) => ({ name: c.name, value: c.value ?? null, readOnly: c.readOnly, source: sourceNames[c.configSource] ?? String(c.configSource) }));
}

/** Sets and deletes cluster-wide dynamic defaults in one incrementalAlterConfigs request (KIP-339). */
export async function alterClusterDefaults(admin: Admin, set: Readonly<Record<string, string>>, remove: readonly string[]): Promise<void> {
  if (Object.keys(set).length === 0 && remove.length === 0) return;
  const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = await loadKafka();
  const configs = [
    ...Object.entries(set).map(([name, value]) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
    ...remove.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
  ];
  try {
    await admin.incrementalAlterConfigs({ resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '', configs }] });
  } catch (error) {
    throw new KafkaplaneError('BROKER_CONFIG_REJECTED', `Kafka refused the cluster-wide broker configs ${configs.map((c) => c.name).join(', ')}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check the values in spec.config: Kafka names the config it refused and why',
    });
  }
}

/** The finalized metadata.version feature level (KIP-778), from ApiVersions; undefined when the broker has none. */
export async function metadataVersionLevel(admin: Admin): Promise<number | undefined> {
  return finalizedFeatureLevel(admin, 'metadata.version');
}

/**
 * A finalized feature's level as a broker reports it (ApiVersions v3), e.g. kraft.version. Kafka leaves features at
 * level 0 out of the list (a static quorum's kraft.version 0 is absent; kafka-features.sh prints 0 for it), so once the
 * broker reports finalized features at all (an epoch ≥ 0), an absent feature is at level 0. Undefined: the broker has
 * not caught up with the metadata yet.
 */
export async function finalizedFeatureLevel(admin: Admin, feature: string): Promise<number | undefined> {
  const { apiVersionsV3 } = await loadKafka();
  const connection = await brokerConnection(admin);
  const response = await apiVersionsV3.api.async(connection, 'kafkaplane', '0.1.0');
  if (response.finalizedFeaturesEpoch === undefined || response.finalizedFeaturesEpoch < 0n) return undefined;
  return response.finalizedFeatures?.find((f) => f.name === feature)?.maxVersionLevel ?? 0;
}

// metadata.version feature levels (Kafka's server-common MetadataVersion enum): 7 = 3.3-IV3 … 29 = 4.2-IV1.
const METADATA_VERSIONS = [
  '3.3-IV3',
  '3.4-IV0',
  '3.5-IV0',
  '3.5-IV1',
  '3.5-IV2',
  '3.6-IV0',
  '3.6-IV1',
  '3.6-IV2',
  '3.7-IV0',
  '3.7-IV1',
  '3.7-IV2',
  '3.7-IV3',
  '3.7-IV4',
  '3.8-IV0',
  '3.9-IV0',
  '4.0-IV0',
  '4.0-IV1',
  '4.0-IV2',
  '4.0-IV3',
  '4.1-IV0',
  '4.1-IV1',
  '4.2-IV0',
  '4.2-IV1',
];

/** `4.1-IV1` for feature level 27, as kafka-features.sh prints it; the bare level when it is not known here. */
export function metadataVersionName(level: number): string {
  return METADATA_VERSIONS[level - 7] ?? `level ${level}`;
}

/**
 * Upgrades a finalized feature (UpdateFeatures v1, KIP-584; what `kafka-features.sh upgrade --feature <f>=<level>`
 * sends). The broker forwards it to the active controller. Used for kraft.version=1 (KIP-853): never through
 * `--release-version`, which may move other features too (KAFKA-21426).
 */
export async function upgradeFeature(admin: Admin, feature: string, level: number, timeoutMs = 30_000): Promise<void> {
  const { updateFeaturesV1, FeatureUpgradeTypes } = await loadKafka();
  const connection = await brokerConnection(admin);
  const response = await updateFeaturesV1.api.async(connection, timeoutMs, [{ feature, maxVersionLevel: level, upgradeType: FeatureUpgradeTypes.UPGRADE }], false);
  const failed = [{ feature: '', errorCode: response.errorCode, errorMessage: response.errorMessage }, ...response.results].find((r) => r.errorCode !== 0);
  if (failed) {
    throw new KafkaplaneError('FEATURE_UPGRADE_REFUSED', `Kafka refused to upgrade ${feature} to ${level}: ${failed.errorMessage ?? `error code ${failed.errorCode}`}`, {
      hint: `every node must run a Kafka release that supports ${feature} level ${level} (Kafka names the reason above)`,
    });
  }
}
