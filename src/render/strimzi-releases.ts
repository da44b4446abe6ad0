import { RenderError } from './errors.ts';
import { hint, setting } from '../errors.ts';

/**
 * The Strimzi releases the strimzi format targets, each as its operator sees a Kafka resource: the API version it
 * serves for Kafka/KafkaNodePool/KafkaTopic/KafkaUser, the Kafka versions its Cluster Operator runs
 * (`supported: true` in the release's kafka-versions.yaml, which the operator loads at start and against which it
 * refuses `spec.kafka.version`), the one it picks when `spec.kafka.version` is left out, and each version's default
 * metadata version (`metadata:`). test/render/strimzi-releases.test.ts checks this table against each release's own
 * kafka-versions.yaml (test/fixtures/strimzi/kafka-versions/<release>.yaml, pinned to its git blob id at the release
 * tag); test/integration/kube/strimzi-versions.test.ts checks the default version and the API against the release's
 * artifacts on Maven Central.
 *
 * Only releases that serve kafka.strimzi.io/v1beta2 with KRaft node pools as their main API: 0.46 removed ZooKeeper,
 * 0.49 deprecates v1beta2 in favour of v1 (not in the table: the CRDs and model classes the tests check are 0.48.0's),
 * and 1.0, the first release with Kafka 4.1.2, serves only v1, which this format does not write.
 */
export interface StrimziRelease {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  /** Kafka version → its default metadata version, in the release's order. */
  kafkaVersions: Readonly<Record<string, string>>;
  defaultKafkaVersion: string;
}

export const STRIMZI_RELEASES = {
  '0.46.0': { apiVersion: 'kafka.strimzi.io/v1beta2', kafkaVersions: { '3.9.0': '3.9', '4.0.0': '4.0' }, defaultKafkaVersion: '4.0.0' },
  '0.47.0': { apiVersion: 'kafka.strimzi.io/v1beta2', kafkaVersions: { '3.9.0': '3.9', '3.9.1': '3.9', '4.0.0': '4.0' }, defaultKafkaVersion: '4.0.0' },
  '0.48.0': { apiVersion: 'kafka.strimzi.io/v1beta2', kafkaVersions: { '4.0.0': '4.0', '4.1.0': '4.1' }, defaultKafkaVersion: '4.1.0' },
} as const satisfies Record<string, StrimziRelease>;

export type StrimziVersion = keyof typeof STRIMZI_RELEASES;

/**
 * The default target: the newest release whose artifacts the tests fetch (its CRDs, generated from io.strimzi:api,
 * in test/fixtures/crds/strimzi; its model classes in strimzi-model.test.ts).
 */
export const DEFAULT_STRIMZI_VERSION: StrimziVersion = '0.48.0';

export function isStrimziVersion(version: string): version is StrimziVersion {
  return Object.hasOwn(STRIMZI_RELEASES, version);
}

function releasesRunning(kafkaVersion: string): string[] {
  return Object.entries(STRIMZI_RELEASES)
    .filter(([, r]) => Object.hasOwn(r.kafkaVersions, kafkaVersion))
    .map(([v]) => v);
}

/**
 * The release to render for, after checking that it runs `kafkaVersion`; a RenderError at spec.version naming the
 * versions the release accepts otherwise (the operator would set the Kafka resource NotReady with
 * UnsupportedKafkaVersionException and start no pod).
 */
export function strimziReleaseFor(release: string, kafkaVersion: string, source: string, cluster: string): StrimziRelease & { version: StrimziVersion } {
  if (!isStrimziVersion(release)) {
    throw new RenderError(source, 'Strimzi resources', [
      {
        path: 'strimziVersion',
        document: `KafkaCluster "${cluster}"`,
        message: `Strimzi ${release} is not a release kafkaplane renders for; it renders for ${Object.keys(STRIMZI_RELEASES).join(', ')} (kafka.strimzi.io/v1beta2 with KRaft node pools)`,
      },
    ]);
  }
  const target = STRIMZI_RELEASES[release];
  if (!Object.hasOwn(target.kafkaVersions, kafkaVersion)) {
    const others = releasesRunning(kafkaVersion);
    throw new RenderError(
      source,
      `Strimzi ${release} resources`,
      [
        {
          path: 'spec.version',
          document: `KafkaCluster "${cluster}"`,
          message: `Strimzi ${release} runs Kafka ${Object.keys(target.kafkaVersions).join(', ')} only; its operator would refuse Kafka ${kafkaVersion}${
            others.length > 0 ? ` (Strimzi ${others.join(', ')} runs it)` : ` (none of the releases kafkaplane renders for, ${Object.keys(STRIMZI_RELEASES).join(', ')}, runs it)`
          }`,
        },
      ],
      hint`set spec.version to one of ${Object.keys(target.kafkaVersions).join(', ')}, or target another Strimzi release with ${setting('strimziVersion')}; nothing was written`,
    );
  }
  return { ...target, version: release };
}
