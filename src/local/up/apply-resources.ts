import type { SpecFile } from '../../api/load.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { applyTopicActions, observeTopics, refusedTopicActions } from '../../kafka/topic-reconcile.ts';
import { applyUserActions, observeUsers } from '../../kafka/user-reconcile.ts';
import { waitForSecurity } from '../../kafka/users.ts';
import type { AclBinding } from '../../model/acls.ts';
import { type TopicChange, describeTopicChanges, desiredTopic, planTopics } from '../../ops/topic-plan.ts';
import { desiredUser, planUsers } from '../../ops/user-plan.ts';
import { plural } from '../../ops/readiness.ts';
import type { Emit } from '../events.ts';
import { type LocalCluster, adminConnection } from '../local-cluster.ts';
import { ensurePassword } from '../secrets.ts';

export interface UserCredential {
  user: string;
  passwordFile: string;
}

/**
 * Step 7 of `up`: the file's KafkaTopics and KafkaUsers of this cluster, through the same reconcile the operator runs
 * (src/ops/topic-plan.ts, src/ops/user-plan.ts). All or nothing for topics: a change Kafka cannot make fails before
 * any topic changes. Returns when clients can log in and are authorised.
 */
export async function applyResources(local: LocalCluster, spec: SpecFile, emit: Emit): Promise<{ topics: TopicChange[]; users: UserCredential[] }> {
  const name = local.state.name;
  const topics = spec.topics.filter((t) => t.cluster === undefined || t.cluster === name).map((t) => desiredTopic(t.topic));
  const users = spec.users.filter((u) => u.cluster === undefined || u.cluster === name).map((u) => u.user);
  if (topics.length + users.length === 0) return { topics: [], users: [] };
  emit({ type: 'step', message: `applying ${plural(topics.length, 'topic')} and ${plural(users.length, 'user')}` });
  const authorization = local.state.cluster.spec.authorization !== undefined;
  return withAdmin(adminConnection(local, 30_000), async (admin) => {
    const topicPlan = planTopics(
      topics,
      await observeTopics(
        admin,
        topics.map((t) => t.name),
      ),
    );
    const refused = refusedTopicActions(topicPlan);
    if (refused) throw refused;
    const topicFailure = (await applyTopicActions(admin, topicPlan)).find((r) => r.error)?.error;
    if (topicFailure) throw topicFailure;

    const credentials: UserCredential[] = [];
    const passwords = new Map<string, string>();
    const desired = [];
    for (const user of users) {
      let rotate = false;
      if (user.spec.authentication) {
        const passwordFile = local.layout.userPasswordFile(user.metadata.name);
        const { password, created } = await ensurePassword(passwordFile);
        passwords.set(user.metadata.name, password);
        credentials.push({ user: user.metadata.name, passwordFile });
        rotate = created;
      }
      desired.push(desiredUser(user, { authorization, rotate }));
    }
    const userPlan = planUsers(desired, await observeUsers(admin, desired, { acls: authorization }));
    const userFailure = (await applyUserActions(admin, userPlan, async (u) => passwords.get(u)!)).find((r) => r.error)?.error;
    if (userFailure) throw userFailure;
    const acls = new Map<string, AclBinding[]>(desired.filter((d) => d.acls).map((d) => [d.principal, [...d.acls!]]));
    await waitForSecurity(admin, { users: credentials.map((c) => c.user), acls });
    return { topics: describeTopicChanges(topics, topicPlan), users: credentials };
  });
}
