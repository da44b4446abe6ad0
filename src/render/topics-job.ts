import { shortHash } from '../model/kubernetes-names.ts';
import { brokers } from '../model/nodes.ts';
import { kafkaTopicName } from '../spec/kafka-topic.ts';
import type { KafkaTopic } from '../spec/kafka-topic.ts';
import type { KafkaUser } from '../spec/kafka-user.ts';
import type { ClusterModel } from '../model/broker-properties.ts';
import type { Placement } from '../model/placement.ts';
import { CONTAINER_SECURITY_CONTEXT, KAFKA_UID, type KubeObject, type RenderContext, meta, podSecurityContext, shellQuote, standardLabels } from './objects.ts';

export interface TopicsJob {
  job: KubeObject | undefined;
  /** Things the Job cannot do, for the user to read (printed by the CLI). */
  warnings: string[];
}

const BIN = '/opt/kafka/bin';

/**
 * Seed 004's topic-init Job, from the KafkaTopic documents: kafka-topics.sh --create --if-not-exists with partitions,
 * replication factor and configs, then the KafkaUsers' SCRAM credentials and ACLs (kafka-configs.sh, kafka-acls.sh).
 * Every command is idempotent, so the Job can run again. It talks to the REPLICATION listener: PLAINTEXT, reachable
 * only by this cluster's pods (NetworkPolicy), and a super user when spec.authorization is on (model/broker-properties.ts).
 * A Job's pod template cannot change, so the name carries a hash of what it does: a new topic list is a new Job.
 */
export interface TopicsScript {
  script: string;
  /** Environment of the script: passwords from Secrets. */
  env: Record<string, unknown>[];
  warnings: string[];
}

/** The shell script that creates the topics, SCRAM credentials and ACLs (also the compose `topics` service's). */
export function topicsScript(options: {
  topics: readonly KafkaTopic[];
  users: readonly KafkaUser[];
  authorization: boolean;
  bootstrap: string;
  clusterName: string;
  /** Whether passwords can come from Kubernetes Secrets (not in docker compose). */
  secrets: boolean;
}): TopicsScript {
  const warnings: string[] = [];
  const lines: string[] = [
    'set -eu',
    `bootstrap=${shellQuote(options.bootstrap)}`,
    '# The brokers may not be up yet: wait up to 10 minutes.',
    'attempt=0',
    `until ${BIN}/kafka-topics.sh --bootstrap-server "$bootstrap" --list >/dev/null 2>&1; do`,
    '  attempt=$((attempt + 1))',
    '  if [ "$attempt" -ge 60 ]; then echo "brokers at $bootstrap are not reachable after 10 minutes" >&2; exit 1; fi',
    '  sleep 10',
    'done',
  ];
  for (const topic of options.topics) {
    const args = ['--bootstrap-server', '"$bootstrap"', '--create', '--if-not-exists', '--topic', shellQuote(kafkaTopicName(topic))];
    if (topic.spec.partitions !== undefined) args.push('--partitions', String(topic.spec.partitions));
    if (topic.spec.replicas !== undefined) args.push('--replication-factor', String(topic.spec.replicas));
    for (const [key, value] of Object.entries(topic.spec.config)) args.push('--config', shellQuote(`${key}=${String(value)}`));
    lines.push(`${BIN}/kafka-topics.sh ${args.join(' ')}`);
  }
  const env: Record<string, unknown>[] = [];
  options.users.forEach((user, i) => {
    const ref = user.spec.authentication?.password?.valueFrom.secretKeyRef;
    if (user.spec.authentication && ref && options.secrets) {
      const variable = `USER_PASSWORD_${i}`;
      env.push({ name: variable, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
      lines.push(
        `${BIN}/kafka-configs.sh --bootstrap-server "$bootstrap" --alter --entity-type users --entity-name ${shellQuote(user.metadata.name)} --add-config "SCRAM-SHA-512=[password=$${variable}]"`,
      );
    } else if (user.spec.authentication) {
      warnings.push(
        options.secrets
          ? `KafkaUser "${user.metadata.name}": no spec.authentication.password.valueFrom.secretKeyRef, so the rendered Job cannot create its SCRAM credentials (render is reproducible and makes no random passwords); point it at a Secret holding the password`
          : `KafkaUser "${user.metadata.name}": docker compose has no Secrets, so its SCRAM credentials are not created; add them with kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[password=…]'`,
      );
    }
    if (options.authorization) lines.push(...aclCommands(user));
  });
  lines.push(`echo "kafkaplane: ${options.topics.length} topic(s) and ${options.users.length} user(s) of cluster ${options.clusterName} are in place"`);
  return { script: `${lines.join('\n')}\n`, env, warnings };
}

/** The brokers' REPLICATION endpoints, as a bootstrap list. */
export function replicationBootstrap(model: ClusterModel, placement: Placement): string {
  return brokers(model.nodes)
    .map((n) => {
      const e = placement.internalEndpoint(n, model.listeners.replication);
      return `${e.host}:${e.port}`;
    })
    .join(',');
}

export function renderTopicsJob(ctx: RenderContext): TopicsJob {
  const { input, names, model, cluster, settings } = ctx;
  if (input.topics.length === 0 && input.users.length === 0) return { job: undefined, warnings: [] };
  const { script, env, warnings } = topicsScript({
    topics: input.topics,
    users: input.users,
    authorization: cluster.spec.authorization !== undefined,
    bootstrap: replicationBootstrap(model, ctx.placement),
    clusterName: names.cluster,
    secrets: true,
  });

  const labels = standardLabels(names, 'kafka-topics', 'topics');
  const name = names.topicsJob(shortHash(JSON.stringify({ script, env, image: ctx.image })));
  return {
    warnings,
    job: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(ctx, name, labels),
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: podSecurityContext(KAFKA_UID),
            ...(settings.imagePullSecrets.length > 0 ? { imagePullSecrets: settings.imagePullSecrets.map((n) => ({ name: n })) } : {}),
            containers: [
              {
                name: 'topics',
                image: ctx.image,
                imagePullPolicy: settings.imagePullPolicy,
                command: ['/bin/sh', '-c', script],
                env: [...env, { name: 'KAFKA_HEAP_OPTS', value: '-Xmx256m' }],
                resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { memory: '512Mi' } },
                securityContext: CONTAINER_SECURITY_CONTEXT,
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'logs', mountPath: '/opt/kafka/logs' },
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              { name: 'logs', emptyDir: {} },
            ],
          },
        },
      },
    },
  };
}

const RESOURCE_FLAG = { topic: '--topic', group: '--group', transactionalId: '--transactional-id', cluster: '--cluster' } as const;

/** kafka-acls.sh --add is idempotent: one command per ACL entry of the KafkaUser. */
function aclCommands(user: KafkaUser): string[] {
  const principal = shellQuote(`User:${user.metadata.name}`);
  return (user.spec.authorization?.acls ?? []).map((acl) => {
    const allow = acl.type !== 'deny';
    const args = ['--bootstrap-server', '"$bootstrap"', '--add', allow ? '--allow-principal' : '--deny-principal', principal, allow ? '--allow-host' : '--deny-host', shellQuote(acl.host)];
    for (const op of acl.operations) args.push('--operation', op);
    if (acl.resource.type === 'cluster') args.push('--cluster');
    else args.push(RESOURCE_FLAG[acl.resource.type], shellQuote(acl.resource.name!), '--resource-pattern-type', acl.resource.patternType === 'prefix' ? 'prefixed' : 'literal');
    return `${BIN}/kafka-acls.sh ${args.join(' ')}`;
  });
}
