import { RenderError } from './errors.ts';
import { type Hint, hint, setting } from '../errors.ts';

/**
 * The Strimzi releases the strimzi format targets, each as its operator sees a Kafka resource: the API version it
 * serves for Kafka/KafkaNodePool/KafkaTopic/KafkaUser, the Kafka versions its Cluster Operator runs
 * (`supported: true` in the release's kafka-versions.yaml, which the operator loads at start and against which it
 * refuses `spec.kafka.version`), the one it picks when `spec.kafka.version` is left out, and each version's default
 * metadata version (`metadata:`). test/render/strimzi-releases.test.ts checks this table against each release's own
 * kafka-versions.yaml (test/fixtures/strimzi/kafka-versions/<release>.yaml, pinned to its git blob id at the release
 * tag); test/integration/kube/strimzi-model.test.ts checks each default version against the release's parent pom on
 * Maven Central, and the output against the releases' own model classes (and render-apply.test.ts against their CRDs).
 *
 * Which API each release gets written in (both served APIs describe the same KRaft cluster with node pools):
 * - 0.46-0.48 serve only kafka.strimzi.io/v1beta2 (0.46 removed ZooKeeper): v1beta2.
 * - 0.49-0.51 serve v1 (not stored) beside v1beta2 (stored), and Strimzi's upgrade docs tell users to convert to v1
 *   ("Converting to v1 API from versions earlier than 0.49"; v1beta2 is removed in 1.0): v1. Everything this format
 *   writes is in v1's schema: v1 drops `spec.kafka.replicas`/`storage`/`resources` (node pools carry them; this
 *   format never wrote them), ZooKeeper/JMXTrans, the entity operator's TLS sidecar and
 *   `reconciliationIntervalSeconds`, the deprecated oauth/keycloak/opa types, and a KafkaUser ACL's singular
 *   `operation` (this format writes `operations`), and makes `spec` required on every resource (always written).
 *   The CRDs' conversion strategy is None, so the apiserver stores a v1 object as v1beta2 unchanged.
 * - 1.0+ serve only v1 (1.0 removed v1beta2 and v1alpha1/v1beta1 of KafkaTopic/KafkaUser): v1. 1.0.x and 1.1.x are
 *   not in the table: their io.strimzi:api and io.strimzi:strimzi artifacts are not on Maven Central, so the tests
 *   could not check them (1.0.x is the only line running Kafka 4.1.2; 1.1 dropped 4.1).
 * With v1 the Kafka resource has no `strimzi.io/node-pools` / `strimzi.io/kraft` annotations: every release serving
 * v1 ignores them (0.48 made node pools and KRaft the default) and Strimzi's v1 examples leave them out.
 */
export type StrimziApiVersion = 'kafka.strimzi.io/v1beta2' | 'kafka.strimzi.io/v1';

export interface StrimziRelease {
  apiVersion: StrimziApiVersion;
  /** Kafka version → its default metadata version, in the release's order. */
  kafkaVersions: Readonly<Record<string, string>>;
  defaultKafkaVersion: string;
  /**
   * With `spec.kafka.rack`, the operator adds a preferred pod anti-affinity spreading the Kafka pods over the zones
   * (up to 0.48; 0.49 dropped it: "set your own topologySpreadConstraint or affinity rules").
   */
  rackAffinity: boolean;
}

export const STRIMZI_RELEASES = {
  '0.46.0': { apiVersion: 'kafka.strimzi.io/v1beta2', kafkaVersions: { '3.9.0': '3.9', '4.0.0': '4.0' }, defaultKafkaVersion: '4.0.0', rackAffinity: true },
  '0.47.0': { apiVersion: 'kafka.strimzi.io/v1beta2', kafkaVersions: { '3.9.0': '3.9', '3.9.1': '3.9', '4.0.0': '4.0' }, defaultKafkaVersion: '4.0.0', rackAffinity: true },
  '0.48.0': { apiVersion: 'kafka.strimzi.io/v1beta2', kafkaVersions: { '4.0.0': '4.0', '4.1.0': '4.1' }, defaultKafkaVersion: '4.1.0', rackAffinity: true },
  '0.49.1': { apiVersion: 'kafka.strimzi.io/v1', kafkaVersions: { '4.0.0': '4.0', '4.0.1': '4.0', '4.1.0': '4.1', '4.1.1': '4.1' }, defaultKafkaVersion: '4.1.1', rackAffinity: false },
  '0.50.1': { apiVersion: 'kafka.strimzi.io/v1', kafkaVersions: { '4.0.0': '4.0', '4.0.1': '4.0', '4.1.0': '4.1', '4.1.1': '4.1' }, defaultKafkaVersion: '4.1.1', rackAffinity: false },
  '0.51.0': { apiVersion: 'kafka.strimzi.io/v1', kafkaVersions: { '4.1.0': '4.1', '4.1.1': '4.1', '4.2.0': '4.2' }, defaultKafkaVersion: '4.2.0', rackAffinity: false },
  '1.2.0': {
    apiVersion: 'kafka.strimzi.io/v1',
    kafkaVersions: { '4.2.0': '4.2-IV1', '4.2.1': '4.2-IV1', '4.3.0': '4.3-IV0', '4.3.1': '4.3-IV0' },
    defaultKafkaVersion: '4.3.1',
    rackAffinity: false,
  },
} as const satisfies Record<string, StrimziRelease>;

export type StrimziVersion = keyof typeof STRIMZI_RELEASES;

/**
 * The default target: the newest release whose artifacts the tests fetch (its CRDs, generated from io.strimzi:api,
 * in test/fixtures/crds/strimzi; its model classes in strimzi-model.test.ts).
 */
export const DEFAULT_STRIMZI_VERSION: StrimziVersion = '1.2.0';

export function isStrimziVersion(version: string): version is StrimziVersion {
  return Object.hasOwn(STRIMZI_RELEASES, version);
}

function releasesRunning(kafkaVersion: string): string[] {
  return Object.entries(STRIMZI_RELEASES)
    .filter(([, r]) => Object.hasOwn(r.kafkaVersions, kafkaVersion))
    .map(([v]) => v);
}

/** The newest release running a Kafka version of the same minor line (4.1.x for 4.1.2), with those versions. */
function sameLine(kafkaVersion: string): { release: StrimziVersion; versions: string[] } | undefined {
  const line = kafkaVersion.split('.').slice(0, 2).join('.');
  const inLine = (v: string) => v.startsWith(`${line}.`);
  const releases = (Object.keys(STRIMZI_RELEASES) as StrimziVersion[]).filter((r) => Object.keys(STRIMZI_RELEASES[r].kafkaVersions).some(inLine));
  const release = releases.at(-1);
  return release === undefined ? undefined : { release, versions: Object.keys(STRIMZI_RELEASES[release].kafkaVersions).filter(inLine) };
}

/**
 * The release to render for, after checking that it runs `kafkaVersion`; a RenderError at spec.version naming the
 * versions the release accepts otherwise (the operator would set the Kafka resource NotReady with
 * UnsupportedKafkaVersionException and start no pod), and what to do: a version the release runs (its default first),
 * or the release that runs the version, or the newest release running the same Kafka line.
 */
export function strimziReleaseFor(release: string, kafkaVersion: string, source: string, cluster: string): StrimziRelease & { version: StrimziVersion } {
  const known = Object.keys(STRIMZI_RELEASES).join(', ');
  if (!isStrimziVersion(release)) {
    throw new RenderError(source, 'Strimzi resources', [
      {
        path: 'strimziVersion',
        document: `KafkaCluster "${cluster}"`,
        message: `Strimzi ${release} is not a release kafkaplane renders for; it renders for ${known} (KRaft with node pools; kafka.strimzi.io/v1beta2 up to 0.48, v1 from 0.49)`,
      },
    ]);
  }
  const target: StrimziRelease = STRIMZI_RELEASES[release];
  if (!Object.hasOwn(target.kafkaVersions, kafkaVersion)) {
    const runs = Object.keys(target.kafkaVersions);
    const others = releasesRunning(kafkaVersion);
    const line = others.length === 0 ? sameLine(kafkaVersion) : undefined;
    const elsewhere =
      others.length > 0
        ? ` (Strimzi ${others.join(', ')} runs it)`
        : ` (none of the releases kafkaplane renders for, ${known}, runs it${line ? `; for Kafka ${kafkaVersion.split('.').slice(0, 2).join('.')}, Strimzi ${line.release} runs ${line.versions.join(', ')}` : ''})`;
    const otherRelease: Hint =
      others.length > 0
        ? hint`, or render for a release that runs it: ${setting('strimziVersion', others.at(-1)!)}`
        : line
          ? hint`, or keep Kafka ${line.versions.at(-1)!.split('.').slice(0, 2).join('.')}: set spec.version to ${line.versions.join(' or ')} and render with ${setting('strimziVersion', line.release)}`
          : [];
    throw new RenderError(
      source,
      `Strimzi ${release} resources`,
      [
        {
          path: 'spec.version',
          document: `KafkaCluster "${cluster}"`,
          message: `Strimzi ${release} runs Kafka ${runs.join(', ')} only; its operator would refuse Kafka ${kafkaVersion}${elsewhere}`,
        },
      ],
      [...hint`set spec.version to one of ${runs.join(', ')} (Strimzi ${release}'s default is ${target.defaultKafkaVersion})`, ...otherRelease, '; nothing was written'],
    );
  }
  return { ...target, version: release };
}
