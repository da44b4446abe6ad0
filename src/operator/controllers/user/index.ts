import { createHash, randomBytes } from 'node:crypto';
import { CLUSTER_LABEL } from '../../../api/common.ts';
import type { KafkaUser } from '../../../api/kafka-user.ts';
import type { Condition } from '../../../api/status.ts';
import { KafkaplaneError, errorMessage } from '../../../errors.ts';
import { applyUserActions, observeUsers } from '../../../kafka/user-reconcile.ts';
import { userPrincipal } from '../../../model/acls.ts';
import { desiredUser, planUserRemoval, planUsers } from '../../../ops/user-plan.ts';
import { type ConditionUpdate, setConditions } from '../../conditions.ts';
import type { Controller, ControllerContext } from '../../controller.ts';
import { USER_FINALIZER, hasFinalizer, keysOfCluster, owningCluster, parseCluster, parseUser, sameJson, setFinalizer, unmanaged, writeStatus } from '../../custom-resources.ts';
import { owned } from '../../kube/apply.ts';
import type { KubeObject } from '../../kube/client.ts';

/** On the user's Secret: a hash of the password whose SCRAM credential Kafka has (a different password → rotate). */
export const CREDENTIAL_ANNOTATION = 'kafkaplane.io/scram-credential';

export interface UserControllerOptions {
  resyncMs?: number;
  workers?: number;
}

/** Strimzi's KafkaUser Secret keys: the password and a ready-made JAAS line for Java clients. */
export function userSecretData(username: string, password: string): Record<string, string> {
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
  return { password: Buffer.from(password).toString('base64'), 'sasl.jaas.config': Buffer.from(jaas).toString('base64') };
}

const hashOf = (password: string) => createHash('sha256').update(password).digest('hex').slice(0, 32);
const decode = (data: unknown, key: string): string | undefined => {
  const v = (data as Record<string, string> | undefined)?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};

/** 32 characters from [A-Za-z0-9]: safe in a JAAS line, a shell and a properties file. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(64)]
    .filter((b) => b < 248) // 248 = 4 × 62: no modulo bias
    .slice(0, 32)
    .map((b) => alphabet[b % 62])
    .join('');
}

/**
 * The KafkaUser controller (Strimzi's user operator): a SCRAM-SHA-512 credential whose password lives in a Secret
 * named like the user (owned by the KafkaUser), and the user's ACLs, through the shared plan (src/ops/user-plan.ts)
 * and executor (src/kafka/user-reconcile.ts). The finalizer removes the credential and the ACLs from Kafka.
 */
export function userController(options: UserControllerOptions = {}): Controller {
  const resyncMs = options.resyncMs ?? 300_000;

  async function reconcile(key: string, ctx: ControllerContext) {
    const object = ctx.cache('KafkaUser').get(key);
    if (!object) return;
    const { namespace, name } = object.metadata;
    const now = ctx.now().toISOString();
    const generation = object.metadata.generation;
    const conditions = (object.status as { conditions?: Condition[] } | undefined)?.conditions;
    const write = (target: KubeObject, updates: ConditionUpdate[], extra: Record<string, unknown> = {}) =>
      writeStatus(ctx, target, { ...extra, observedGeneration: generation, conditions: setConditions(conditions, updates, now, generation, { replaceAll: true }) });
    const deleting = object.metadata.deletionTimestamp !== undefined;

    if (unmanaged(object)) {
      await setFinalizer(ctx, object, USER_FINALIZER, false);
      if (!deleting) await write(object, [{ type: 'Ready', status: 'Unknown', reason: 'Unmanaged', message: 'annotation kafkaplane.io/managed is "false": the operator leaves this user alone' }]);
      return;
    }
    const cluster = owningCluster(object, ctx);
    const parsed = parseUser(object);
    const authorization = cluster.cluster ? parseCluster(cluster.cluster).value?.spec.authorization !== undefined : false;

    if (deleting) {
      if (!hasFinalizer(object, USER_FINALIZER)) return;
      if (cluster.cluster) {
        const principal = parsed.value ? userPrincipal(parsed.value) : `User:${name}`;
        const config = await ctx.kafka(cluster.cluster);
        await ctx.admins.with(config, async (admin) => {
          const observed = (await observeUsers(admin, [{ name, principal }], { acls: authorization })).get(name)!;
          const failed = (await applyUserActions(admin, planUserRemoval(observed), async () => '')).find((r) => r.error);
          if (failed) throw failed.error;
        });
        ctx.log('info', 'removed the user from Kafka', { key });
      }
      const secret = await ctx.client.get('Secret', namespace, name);
      if (secret?.metadata.ownerReferences?.some((r) => r.uid === object.metadata.uid)) await ctx.client.delete('Secret', namespace, name, { preconditionUid: secret.metadata.uid! });
      await setFinalizer(ctx, object, USER_FINALIZER, false);
      return;
    }
    if (parsed.problem !== undefined) {
      await write(object, [{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: parsed.problem }]);
      return;
    }
    if (!cluster.cluster) {
      await write(object, [{ type: 'Ready', status: 'False', reason: cluster.reason, message: cluster.problem }]);
      return;
    }
    const user: KafkaUser = parsed.value;
    const current = await setFinalizer(ctx, object, USER_FINALIZER, true);

    // The password: the Secret the spec names, else the one kept in the user's own Secret, else a new one.
    let password: string | undefined;
    let secret: KubeObject | undefined;
    if (user.spec.authentication) {
      const ref = user.spec.authentication.password?.valueFrom.secretKeyRef;
      secret = await ctx.client.get('Secret', namespace, name);
      if (ref) {
        password = decode((await ctx.client.get('Secret', namespace, ref.name))?.data, ref.key);
        if (password === undefined) {
          await write(current, [
            {
              type: 'Ready',
              status: 'False',
              reason: 'PasswordSecretMissing',
              message: `Secret ${namespace}/${ref.name} has no key "${ref.key}" (spec.authentication.password.valueFrom.secretKeyRef)`,
            },
          ]);
          return { requeueAfterMs: 30_000 };
        }
      } else {
        password = decode(secret?.data, 'password') ?? generatePassword();
      }
      if (secret && !secret.metadata.ownerReferences?.some((r) => r.uid === object.metadata.uid)) {
        throw new KafkaplaneError('BAD_USAGE', `Secret ${namespace}/${name} exists and is not owned by KafkaUser ${key}; the operator keeps the user's password in a Secret of that name`);
      }
      secret = await applySecret(ctx, current, secret, password);
    }

    const rotate = password !== undefined && secret?.metadata.annotations?.[CREDENTIAL_ANNOTATION] !== hashOf(password);
    const desired = desiredUser(user, { authorization, rotate });
    try {
      await ctx.admins.with(await ctx.kafka(cluster.cluster), async (admin) => {
        const observed = await observeUsers(admin, [desired], { acls: authorization });
        const failed = (await applyUserActions(admin, planUsers([desired], observed), async () => password!)).find((r) => r.error);
        if (failed) throw failed.error;
      });
    } catch (error) {
      await write(current, [{ type: 'Ready', status: 'False', reason: 'KafkaError', message: errorMessage(error) }]);
      throw error;
    }
    if (rotate && secret && password !== undefined) await applySecret(ctx, current, secret, password, hashOf(password));
    await write(current, [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'the user, its credential and its ACLs are in Kafka' }], {
      username: name,
      ...(user.spec.authentication ? { secret: name } : {}),
    });
    return { requeueAfterMs: resyncMs };
  }

  return {
    kind: 'KafkaUser',
    queue: { workers: options.workers ?? 4 },
    watches: [{ kind: 'KafkaCluster', keysFor: (cluster, ctx) => keysOfCluster(cluster, ctx.cache('KafkaUser').list()) }],
    reconcile,
  };
}

/** The user's Secret as it should be (server-side apply; nothing is written when it already is). */
async function applySecret(ctx: ControllerContext, user: KubeObject, existing: KubeObject | undefined, password: string, appliedHash?: string): Promise<KubeObject> {
  const { namespace, name } = user.metadata;
  const hash = appliedHash ?? existing?.metadata.annotations?.[CREDENTIAL_ANNOTATION];
  const desired = owned(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace,
        labels: { [CLUSTER_LABEL]: user.metadata.labels?.[CLUSTER_LABEL] ?? '', 'app.kubernetes.io/instance': name },
        ...(hash ? { annotations: { [CREDENTIAL_ANNOTATION]: hash } } : {}),
      },
      type: 'Opaque',
      data: userSecretData(name, password),
    },
    user,
  );
  const unchanged =
    existing && sameJson(existing.data, desired.data) && existing.metadata.annotations?.[CREDENTIAL_ANNOTATION] === hash && existing.metadata.ownerReferences?.some((r) => r.uid === user.metadata.uid);
  if (unchanged) return existing;
  return ctx.client.apply(desired);
}
