import { withAdmin } from '../../../kafka/admin-session.ts';
import { upgradeFeature } from '../../../kafka/broker-configs.ts';
import type { KafkaCluster } from '../../../api/kafka-cluster.ts';
import type { RunningQuorum } from '../../../model/quorum.ts';
import { type QuorumSwitchDecision, decideQuorumSwitch } from '../../../ops/quorum-switch.ts';
import type { ConditionUpdate } from '../../conditions.ts';
import type { ControllerContext } from '../../controller.ts';
import type { KubeObject } from '../../kube/client.ts';
import type { KafkaState } from './kafka-state.ts';

/** The static → dynamic decision over what this reconcile observed (`decideQuorumSwitch`, src/ops/quorum-switch.ts). */
export function quorumSwitch(cluster: KafkaCluster, running: RunningQuorum | undefined, kafka: KafkaState | undefined, rollSettled: boolean): QuorumSwitchDecision {
  return decideQuorumSwitch({
    wanted: cluster.spec.quorum?.mode,
    running: running?.mode,
    kafkaVersion: cluster.spec.version,
    kraftVersion: kafka?.kraftVersionLevel,
    metadataVersion: kafka?.metadataVersionLevel,
    voterDirectoryIds: kafka?.quorum.voters.map((v) => v.directoryId),
    rollSettled,
  });
}

/**
 * The side effect of the switch's second step: kraft.version=1 through UpdateFeatures (a broker forwards it to the
 * active controller). Said in an event; the next reconciles wait for the quorum to report it, then render dynamic.
 */
export async function upgradeKraftVersion(ctx: ControllerContext, object: KubeObject): Promise<void> {
  await ctx.event(object, 'Normal', 'QuorumUpgrading', 'spec.quorum.mode is dynamic and every node runs Kafka ≥ 4.1 in static mode: upgrading kraft.version to 1 (KIP-853)');
  await withAdmin(await ctx.kafka(object), (admin) => upgradeFeature(admin, 'kraft.version', 1));
  await ctx.event(object, 'Normal', 'QuorumUpgraded', 'kraft.version upgraded to 1; the controllers will restart with controller.quorum.bootstrap.servers once every voter reports its directory id');
  ctx.log('info', 'kraft.version upgraded to 1', { cluster: `${object.metadata.namespace}/${object.metadata.name}` });
}

/** The QuorumSwitch condition: present while spec.quorum.mode differs from what runs, with the current step. */
export function quorumSwitchCondition(decision: QuorumSwitchDecision, switching: boolean): ConditionUpdate | undefined {
  if (switching)
    return {
      type: 'QuorumSwitch',
      status: 'True',
      reason: 'RollingToDynamic',
      message: 'kraft.version is 1 on every voter: the nodes restart with controller.quorum.bootstrap.servers one at a time, the active controller last',
    };
  switch (decision.kind) {
    case 'none':
      return undefined;
    case 'refused':
      return { type: 'QuorumSwitch', status: 'False', reason: 'Refused', message: decision.reason };
    case 'wait':
      return { type: 'QuorumSwitch', status: 'True', reason: 'Waiting', message: decision.reason };
    case 'upgrade-kraft-version':
      return { type: 'QuorumSwitch', status: 'True', reason: 'UpgradingKraftVersion', message: 'upgrading kraft.version to 1 (KIP-853)' };
    case 'switch':
      return { type: 'QuorumSwitch', status: 'True', reason: 'RollingToDynamic', message: 'kraft.version is 1 on every voter: rendering controller.quorum.bootstrap.servers and rolling' };
  }
}
