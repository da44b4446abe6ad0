import type { QuorumMode } from '../model/quorum.ts';

/**
 * The operator's static → dynamic quorum switch (KIP-853), one step per reconcile — a pure function of what it
 * observed. The steps:
 *
 * 1. every node runs Kafka ≥ 4.1 in static mode and the roll is finished (the operator keeps rendering static);
 * 2. `kraft.version` is upgraded to 1 (UpdateFeatures: the active controller writes the voters with their
 *    directory ids into the metadata log);
 * 3. wait until the quorum reports it: the finalized level is 1 and every voter has a directory id;
 * 4. render dynamic (`controller.quorum.bootstrap.servers`) and roll, one pod at a time, the active controller last.
 *
 * dynamic → static is refused: Kafka cannot downgrade kraft.version.
 */
export interface QuorumSwitchObservation {
  /** spec.quorum.mode as written (undefined: keep whatever runs). */
  wanted: QuorumMode | undefined;
  /** The mode the pods were given (their live node files); undefined for a cluster not created yet. */
  running: QuorumMode | undefined;
  /** spec.version: the image every node runs once the roll is finished. */
  kafkaVersion: string;
  /** Finalized kraft.version as the brokers report it; undefined when Kafka did not answer. */
  kraftVersion: number | undefined;
  /** Finalized metadata.version feature level; undefined when Kafka did not answer. */
  metadataVersion: number | undefined;
  /** The voters' directory ids as DescribeQuorum reports them (all zeros in a static quorum at kraft.version 0). */
  voterDirectoryIds: readonly string[] | undefined;
  /** Every pod runs the rendered revision, is Ready, and nothing is left to restart. */
  rollSettled: boolean;
}

export type QuorumSwitchDecision =
  /** Nothing to switch: the spec asks for no mode, or for the one that runs, or the cluster is new. */
  | { kind: 'none' }
  /** The switch cannot be done: the spec stays unapplied in that respect, the reason says what to do. */
  | { kind: 'refused'; reason: string }
  /** Keep rendering the running (static) mode and wait: the reason says for what. */
  | { kind: 'wait'; reason: string }
  /** Upgrade kraft.version to 1 now. */
  | { kind: 'upgrade-kraft-version' }
  /** kraft.version is 1 on the whole quorum: render the dynamic mode and roll. */
  | { kind: 'switch' };

/** metadata.version 3.9-IV0: the first level kraft.version 1 can be finalized with (Kafka's KRaftVersion). */
export const KRAFT_VERSION_1_MIN_METADATA_LEVEL = 21;
/** A directory id that is no id: Uuid.ZERO_UUID (hex with hyphens, or base64 as Kafka's tools print it), or empty. */
export function isZeroDirectoryId(id: string): boolean {
  return /^[0-]*$/.test(id) || /^A{22}$/.test(id);
}

export function supportsKraftVersionUpgrade(kafkaVersion: string): boolean {
  const [major = 0, minor = 0] = kafkaVersion.split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 1);
}

export function decideQuorumSwitch(o: QuorumSwitchObservation): QuorumSwitchDecision {
  if (o.wanted === undefined || o.running === undefined || o.wanted === o.running) return { kind: 'none' };
  if (o.wanted === 'static') {
    return {
      kind: 'refused',
      reason:
        'spec.quorum.mode is static, but the running cluster has a dynamic quorum (kraft.version 1), which Kafka cannot downgrade. Remove spec.quorum.mode (the cluster keeps its mode) or set it to dynamic',
    };
  }
  if (!supportsKraftVersionUpgrade(o.kafkaVersion)) {
    return {
      kind: 'refused',
      reason: `spec.quorum.mode is dynamic, but spec.version ${o.kafkaVersion} cannot upgrade a static quorum: kraft.version 1 can be finalized on a running cluster from Kafka 4.1 on (KIP-853). Set spec.version to 4.1 or later with spec.quorum.mode: static first, let the roll finish, then set dynamic`,
    };
  }
  if (o.kraftVersion === undefined) {
    return {
      kind: 'wait',
      reason: 'the finalized kraft.version is not known: Kafka does not answer, or its brokers have not caught up with the metadata yet',
    };
  }
  if (o.kraftVersion >= 1) {
    const missing = (o.voterDirectoryIds ?? []).filter(isZeroDirectoryId).length;
    if (o.voterDirectoryIds === undefined || o.voterDirectoryIds.length === 0) return { kind: 'wait', reason: 'kraft.version is 1; waiting for the quorum to report its voters' };
    if (missing > 0) return { kind: 'wait', reason: `kraft.version is 1; waiting for the quorum to record the directory ids of ${missing} of ${o.voterDirectoryIds.length} voters` };
    return { kind: 'switch' };
  }
  if (!o.rollSettled) return { kind: 'wait', reason: `the roll to Kafka ${o.kafkaVersion} in static mode must finish before kraft.version is upgraded` };
  if (o.metadataVersion !== undefined && o.metadataVersion < KRAFT_VERSION_1_MIN_METADATA_LEVEL) {
    return {
      kind: 'refused',
      reason: `spec.quorum.mode is dynamic, but the cluster's metadata.version (feature level ${o.metadataVersion}) is older than 3.9-IV0, the first that kraft.version 1 can be finalized with: upgrade it first (kafka-features.sh upgrade --metadata <version>, not --release-version, which may also upgrade kraft.version, KAFKA-21426)`,
    };
  }
  return { kind: 'upgrade-kraft-version' };
}
