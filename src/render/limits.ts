import { clientTlsFromNodeCertificate } from '../model/placement-kubernetes.ts';
import { clusterModel } from '../model/broker-properties.ts';
import { brokers, controllers } from '../model/nodes.ts';
import type { PreviousSpec, RenderContext } from './objects.ts';

const DOCS = 'docs/render.md, "What render cannot do"';
const OPERATOR = 'the operator (`kafkaplane operator`)';

/**
 * What applying render's output cannot do, said when the spec touches it (issue 13, major 8). Pure data: the CLI
 * prints it and puts it in `-o json`. Some limits show only in a change — a volume size, a pool shrunk, a topic
 * removed — so they need the spec the running cluster was rendered from (`previous`); without it only what the spec
 * itself shows is said. Reading the live objects instead is the operator's job, not render's.
 */
export function limitWarnings(ctx: RenderContext, previous: PreviousSpec | undefined): string[] {
  const { cluster, topics, users } = ctx.input;
  const warnings: string[] = [];
  const hasJob = topics.length > 0 || users.length > 0;
  const scram = users.filter((u) => u.spec.authentication?.type === 'scram-sha-512');

  // The topics Job only adds.
  if (previous) {
    const names = (list: readonly { metadata: { name: string } }[]) => new Set(list.map((o) => o.metadata.name));
    const removedTopics = [...names(previous.topics)].filter((n) => !names(topics).has(n));
    const removedUsers = [...names(previous.users)].filter((n) => !names(users).has(n));
    const removedAcls = previous.users.flatMap((before) => {
      const now = users.find((u) => u.metadata.name === before.metadata.name);
      if (!now) return [];
      const kept = new Set((now.spec.authorization?.acls ?? []).map((a) => JSON.stringify(a)));
      const gone = (before.spec.authorization?.acls ?? []).filter((a) => !kept.has(JSON.stringify(a)));
      return gone.length > 0 ? [`${gone.length} of user ${before.metadata.name}`] : [];
    });
    if (removedTopics.length > 0)
      warnings.push(
        `topic${removedTopics.length > 1 ? 's' : ''} ${removedTopics.join(', ')} left the spec but stay in Kafka: the topics Job only creates (delete with kafkaplane topics delete; ${OPERATOR} deletes the topic of a deleted KafkaTopic; ${DOCS})`,
      );
    if (removedUsers.length > 0)
      warnings.push(
        `user${removedUsers.length > 1 ? 's' : ''} ${removedUsers.join(', ')} left the spec but keep their SCRAM credentials and ACLs in Kafka: the topics Job only adds (remove with kafka-configs --delete-config and kafka-acls --remove; ${OPERATOR} removes them for a deleted KafkaUser; ${DOCS})`,
      );
    if (removedAcls.length > 0)
      warnings.push(`ACL entries left the spec (${removedAcls.join(', ')}) but stay in Kafka: the topics Job only adds (remove with kafka-acls --remove; ${OPERATOR} removes them; ${DOCS})`);
  } else if (hasJob) {
    warnings.push(
      `the topics Job only adds: a KafkaTopic, KafkaUser or ACL removed from the spec later stays in Kafka (pass --previous <old spec> to be told which; ${OPERATOR} removes them; ${DOCS})`,
    );
  }
  if (scram.length > 0)
    warnings.push(
      `a changed password in the Secret of ${scram.map((u) => u.metadata.name).join(', ')} does not re-run the topics Job (its name is a hash of the spec, not of the Secret): set it with kafka-configs --alter --add-config SCRAM-SHA-512=… or delete the Job and apply again; ${OPERATOR} writes a changed password to Kafka by itself (${DOCS})`,
    );

  // Mounted certificates.
  const tls = cluster.spec.listeners.filter((l) => l.tls);
  if (tls.length > 0)
    warnings.push(
      `listener${tls.length > 1 ? 's' : ''} ${tls.map((l) => l.name).join(', ')}: brokers read the keystore of Secret ${clientTlsFromNodeCertificate(cluster, ctx.settings) ? `${ctx.names.certManager.nodeSecret} (cert-manager's node certificate)` : ctx.names.tlsSecret} at start only, so a renewed certificate is served after a restart: kafkaplane restart --kubernetes -f <spec> --node <each broker id> (not automated yet, also not by the operator; ${DOCS})`,
    );

  if (!previous) return warnings;
  const before = previous.cluster;

  // volumeClaimTemplates are immutable.
  for (const pool of cluster.spec.nodePools) {
    const old = before.spec.nodePools.find((p) => p.name === pool.name);
    if (!old) continue;
    const changed = [
      ...(old.storage.type !== pool.storage.type ? [`type ${old.storage.type} → ${pool.storage.type}`] : []),
      ...(pool.storage.type === 'persistent-claim' && old.storage.size !== pool.storage.size ? [`size ${old.storage.size} → ${pool.storage.size}`] : []),
      ...(pool.storage.type === 'persistent-claim' && old.storage.class !== pool.storage.class ? [`class ${old.storage.class ?? '(default)'} → ${pool.storage.class ?? '(default)'}`] : []),
    ];
    if (changed.length > 0)
      warnings.push(
        `pool ${pool.name}: storage ${changed.join(', ')} cannot be applied: a StatefulSet's volumeClaimTemplates are immutable, so kubectl apply is refused. Resize each PVC (StorageClass with allowVolumeExpansion), then kubectl delete statefulset ${ctx.names.statefulSet(pool.name)} --cascade=orphan and apply (not automated yet, also not by the operator; ${DOCS})`,
      );
  }

  // Quorum membership and brokers that go away: render checks neither.
  const was = clusterModel(before);
  const ids = (nodes: readonly { id: number }[]) => new Set(nodes.map((n) => n.id));
  const oldControllers = ids(controllers(was.nodes));
  const newControllers = ids(controllers(ctx.model.nodes));
  const added = [...newControllers].filter((id) => !oldControllers.has(id));
  const removed = [...oldControllers].filter((id) => !newControllers.has(id));
  if (added.length > 0 || removed.length > 0) {
    const what = [...(added.length > 0 ? [`added ${added.join(', ')}`] : []), ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : [])].join(', ');
    warnings.push(
      ctx.model.quorumMode === 'dynamic'
        ? `controllers ${what}: the quorum does not change by itself — a new controller starts as an observer until kafka-metadata-quorum.sh add-controller runs in its pod, a removed one stays a voter until remove-controller (one at a time; not automated yet, also not by the operator; ${DOCS})`
        : `controllers ${what}: a static quorum (controller.quorum.voters) cannot change its voters by re-rendering; move to a dynamic quorum first (KIP-853; ${DOCS})`,
    );
  }
  const goneBrokers = [...ids(brokers(was.nodes))].filter((id) => !ids(brokers(ctx.model.nodes)).has(id));
  if (goneBrokers.length > 0)
    warnings.push(
      `broker${goneBrokers.length > 1 ? 's' : ''} ${goneBrokers.join(', ')} go away and render does not check that they hold no partition replicas: move them first (kafka-reassign-partitions.sh), then apply, then kafka-cluster.sh unregister; ${OPERATOR} refuses the scale-down while they hold replicas (${DOCS})`,
    );
  return warnings;
}
