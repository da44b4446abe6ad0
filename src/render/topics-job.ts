import { quotaValues } from '../ops/user-plan.ts';
import { shortHash } from '../model/kubernetes-names.ts';
import { brokers } from '../model/nodes.ts';
import { kafkaTopicName } from '../api/kafka-topic.ts';
import type { KafkaTopic } from '../api/kafka-topic.ts';
import type { KafkaUser } from '../api/kafka-user.ts';
import type { ClusterModel } from '../model/broker-properties.ts';
import { INTERNAL_USER, usesSasl } from '../model/listeners.ts';
import { CLIENT_TLS_DIR, certManagerStores } from '../model/placement-kubernetes.ts';
import { sslClientProperties } from '../model/quorum.ts';
import type { Placement, TlsMaterial } from '../model/placement.ts';
import { LOGS_SIZE_LIMIT } from './logging.ts';
import { CONTAINER_SECURITY_CONTEXT, KAFKA_UID, type KubeObject, type RenderContext, meta, overrideFields, podSecurityContext, shellQuote, standardLabels, auxiliaryPodBasics } from './objects.ts';

export interface TopicsJob {
  job: KubeObject | undefined;
  /** Things the Job cannot do, for the user to read (printed by the CLI). */
  warnings: string[];
}

const BIN = '/opt/kafka/bin';

/**
 * Seed 004's topic-init Job, from the KafkaTopic documents: kafka-topics.sh --create for every topic that does not
 * exist (partitions, replication factor, configs) and a warning for every one that exists but differs from its
 * KafkaTopic, then the KafkaUsers' SCRAM credentials and ACLs (kafka-configs.sh, kafka-acls.sh). Every command is
 * idempotent, so the Job can run again, and it reports only what it did. It talks to the REPLICATION listener, which
 * only this cluster's pods reach (NetworkPolicy); on a secured cluster it logs in there as INTERNAL_USER, a super
 * user when spec.authorization is on (model/broker-properties.ts). A Job's pod template cannot change, so the name carries a hash of what it does: a
 * new topic list is a new Job.
 */
export interface TopicsScript {
  script: string;
  /** Environment of the script: passwords from Secrets. */
  env: Record<string, unknown>[];
  warnings: string[];
}

/**
 * Shell functions of the script (POSIX sh with BusyBox grep and sed, as in the Alpine-based image).
 *
 * `describe` prints a topic's summary line from kafka-topics.sh --describe, or nothing when the topic does not exist:
 * "Topic: <name>\tTopicId: …\tPartitionCount: N\tReplicationFactor: N\tConfigs: k=v,k=v" (TopicCommand; Configs
 * lists every value that is not a default, and a value may hold commas). `check` compares that line with the
 * KafkaTopic and warns about each difference: the Job never changes an existing topic, so without the warning an
 * edited KafkaTopic would "succeed" while the cluster keeps the old settings.
 */
const FUNCTIONS = String.raw`created=0
present=0
differing=0
unchecked=0
credentials=0
acls=0
warn() {
  echo "kafkaplane: WARNING: $*" >&2
}
# scram_file <password>: writes SCRAM-SHA-512=password=<password> (a Java properties line: backslashes doubled) to a
# new file only this user can read and sets $scram to its path. printf is a shell builtin, so the password is in no
# process's arguments.
scram_file() {
  scram=$(mktemp /tmp/kafkaplane-scram.XXXXXX)
  escaped=$(printf '%s' "$1" | sed 's/\\/\\\\/g')
  printf 'SCRAM-SHA-512=password=%s\n' "$escaped" > "$scram"
}
# describe <--topic regex>
describe() {
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" $auth --describe --topic "$1" 2>/dev/null | grep 'PartitionCount:' | head -n 1 || true
}
# report_created <name> <what kafka-topics.sh --create --if-not-exists printed>
report_created() {
  case "$2" in
    *"Created topic"*)
      echo "kafkaplane: created topic $1"
      created=$((created + 1))
      ;;
    *)
      # --if-not-exists prints nothing for a topic that exists: it appeared after describe, or describe failed.
      warn "topic $1 already exists but could not be described, so it was not compared with its KafkaTopic"
      unchecked=$((unchecked + 1))
      ;;
  esac
}
# check <name> <summary line> <partitions or -> <replication factor or -> [key=value ...]
check() {
  name=$1 summary=$2 partitions=$3 replicas=$4
  shift 4
  present=$((present + 1))
  differs=0
  actual=$(printf '%s\n' "$summary" | sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p')
  if [ "$partitions" != - ] && [ "$actual" != "$partitions" ]; then
    warn "topic $name has $actual partitions, its KafkaTopic says $partitions; the Job does not change existing topics (kafka-topics.sh --alter --partitions adds partitions, their number cannot go down)"
    differs=1
  fi
  actual=$(printf '%s\n' "$summary" | sed -n 's/.*ReplicationFactor: *\([0-9]*\).*/\1/p')
  if [ "$replicas" != - ] && [ "$actual" != "$replicas" ]; then
    warn "topic $name has replication factor $actual, its KafkaTopic says $replicas; the Job does not change existing topics (a new replication factor needs kafka-reassign-partitions.sh)"
    differs=1
  fi
  configs=$(printf '%s\n' "$summary" | sed -n 's/.*Configs: *//p' | sed 's/[[:space:]]*MarkedForDeletion:.*//; s/[[:space:]]*$//')
  for kv in "$@"; do
    case ",$configs," in
      *",$kv,"*) ;;
      *)
        warn "topic $name does not have $kv from its KafkaTopic (its non-default configs: $configs); the Job does not change existing topics (kafka-configs.sh --alter --entity-type topics --entity-name $name --add-config $kv)"
        differs=1
        ;;
    esac
  done
  if [ "$differs" = 1 ]; then
    differing=$((differing + 1))
  else
    echo "kafkaplane: topic $name exists as its KafkaTopic says"
  fi
}`;

/** kafka-topics.sh --describe --topic takes a regular expression (matched in full); "." is the only metacharacter a topic name can hold. */
function topicPattern(name: string): string {
  return name.replaceAll('.', '\\.');
}

/**
 * A KafkaUser's password Secret key as a docker compose secret: named `<Secret name>_<key>` ("_" is in neither a
 * Secret name nor, here, ambiguous), read from ./secrets/<Secret name>/<key> beside the compose file — the layout of
 * `kubectl get secret -o jsonpath` dumps and of a Secret mounted as a volume.
 */
export function composeUserSecret(ref: { name: string; key: string }): { name: string; file: string } {
  return { name: `${ref.name}_${ref.key}`, file: `./secrets/${ref.name}/${ref.key}` };
}

/** The shell script that creates the topics, SCRAM credentials and ACLs (also the compose `topics` service's). */
export function topicsScript(options: {
  topics: readonly KafkaTopic[];
  users: readonly KafkaUser[];
  authorization: boolean;
  bootstrap: string;
  clusterName: string;
  /**
   * Where the KafkaUsers' passwords come from: Kubernetes Secrets through env (true), or, in docker compose (false),
   * compose secrets mounted as files (composeUserSecret: ./secrets/<Secret name>/<key> on the docker host).
   */
  secrets: boolean;
  /**
   * The cluster's internal listeners authenticate: the script logs in as INTERNAL_USER with the password in
   * $KAFKAPLANE_INTERNAL_PASSWORD (or the file $KAFKAPLANE_INTERNAL_PASSWORD_FILE names).
   */
  internalLogin: boolean;
  /** spec.internalTls: the internal listeners are TLS and want a client certificate, in these PKCS12 stores. */
  internalTls?: TlsMaterial;
}): TopicsScript {
  const warnings: string[] = [];
  const lines: string[] = [
    'set -eu',
    `bin=\${KAFKAPLANE_KAFKA_BIN:-${BIN}}`,
    `bootstrap=${shellQuote(options.bootstrap)}`,
    ...(options.internalLogin || options.internalTls ? internalClientLines(options.internalLogin, options.internalTls) : ["auth=''"]),
    '# The brokers may not be up yet: wait up to 10 minutes.',
    'attempt=0',
    'until "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" $auth --list >/dev/null 2>&1; do',
    '  attempt=$((attempt + 1))',
    '  if [ "$attempt" -ge 60 ]; then echo "brokers at $bootstrap are not reachable after 10 minutes" >&2; exit 1; fi',
    '  sleep 10',
    'done',
    FUNCTIONS,
  ];
  for (const topic of options.topics) {
    const name = shellQuote(kafkaTopicName(topic));
    const configs = Object.entries(topic.spec.config).map(([key, value]) => shellQuote(`${key}=${String(value)}`));
    const create = ['--bootstrap-server', '"$bootstrap"', '$auth', '--create', '--if-not-exists', '--topic', name];
    if (topic.spec.partitions !== undefined) create.push('--partitions', String(topic.spec.partitions));
    if (topic.spec.replicas !== undefined) create.push('--replication-factor', String(topic.spec.replicas));
    for (const config of configs) create.push('--config', config);
    const check = [name, '"$summary"', topic.spec.partitions !== undefined ? String(topic.spec.partitions) : '-', topic.spec.replicas !== undefined ? String(topic.spec.replicas) : '-', ...configs];
    lines.push(
      `summary=$(describe ${shellQuote(topicPattern(kafkaTopicName(topic)))})`,
      'if [ -z "$summary" ]; then',
      `  output=$("$bin/kafka-topics.sh" ${create.join(' ')})`,
      `  report_created ${name} "$output"`,
      'else',
      `  check ${check.join(' ')}`,
      'fi',
    );
  }
  const env: Record<string, unknown>[] = [];
  const skipped: string[] = [];
  options.users.forEach((user, i) => {
    const ref = user.spec.authentication?.password?.valueFrom.secretKeyRef;
    if (user.spec.authentication && ref) {
      const variable = `USER_PASSWORD_${i}`;
      if (options.secrets) env.push({ name: variable, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
      else lines.push(`${variable}=$(cat ${shellQuote(`/run/secrets/${composeUserSecret(ref).name}`)})`);
      // The password goes to kafka-configs.sh in a file (--add-config-file, mode 600 in the /tmp emptyDir), never
      // in an argument: the JVM's command line is visible to anyone who can run ps on the node.
      lines.push(
        `scram_file "$${variable}"`,
        `"$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" $auth --alter --entity-type users --entity-name ${shellQuote(user.metadata.name)} --add-config-file "$scram" >/dev/null`,
        'rm -f "$scram"',
        `echo ${shellQuote(`kafkaplane: SCRAM credentials of user ${user.metadata.name} set`)}`,
        'credentials=$((credentials + 1))',
      );
    } else if (user.spec.authentication) {
      skipped.push(user.metadata.name);
      warnings.push(
        `KafkaUser "${user.metadata.name}": no spec.authentication.password.valueFrom.secretKeyRef, so the rendered ${options.secrets ? 'Job' : 'topics service'} cannot create its SCRAM credentials (render is reproducible and makes no random passwords); point it at a Secret holding the password${
          options.secrets ? '' : ' (docker compose mounts it from ./secrets/<Secret name>/<key>)'
        }`,
      );
    }
    if (options.authorization) for (const command of aclCommands(user)) lines.push(`${command} >/dev/null`, 'acls=$((acls + 1))');
    // Client quotas (spec.quotas): set as in the spec; like everything in this Job only added, never removed.
    const quotas = Object.entries(quotaValues(user.spec.quotas));
    if (quotas.length > 0) {
      lines.push(
        `"$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" $auth --alter --entity-type users --entity-name ${shellQuote(user.metadata.name)} --add-config ${shellQuote(quotas.map(([k, v]) => `${k}=${v}`).join(','))} >/dev/null`,
        `echo ${shellQuote(`kafkaplane: quotas of user ${user.metadata.name} set`)}`,
      );
    }
  });
  if (skipped.length > 0) {
    lines.push(`warn ${shellQuote(`SCRAM credentials were NOT created for ${skipped.join(', ')}: their KafkaUsers name no password Secret`)}`);
  }
  const scramUsers = options.users.filter((u) => u.spec.authentication).length;
  lines.push(
    `echo "kafkaplane: cluster ${options.clusterName}: $created topic(s) created, $present already there ($differing differ from their KafkaTopic, see the warnings), $unchecked not compared; SCRAM credentials set for $credentials of ${scramUsers} user(s); ACL entries added or already there: $acls"`,
  );
  return { script: `${lines.join('\n')}\n`, env, warnings };
}

/**
 * Writes the client config of the internal listeners (into /tmp, an emptyDir, mode 600) — SASL/PLAIN as
 * INTERNAL_USER on a secured cluster, TLS with kafkaplane's client certificate with spec.internalTls — and sets $auth
 * to the flag every Kafka tool takes for it.
 */
function internalClientLines(sasl: boolean, tls: TlsMaterial | undefined): string[] {
  const protocol = `${sasl ? 'SASL_' : ''}${tls ? 'SSL' : 'PLAINTEXT'}`;
  const ssl = tls
    ? Object.entries(sslClientProperties(tls))
        .map(([k, v]) => `${k}=${v}\\n`)
        .join('')
    : '';
  return [
    ...(sasl
      ? [
          'if [ -n "${KAFKAPLANE_INTERNAL_PASSWORD_FILE:-}" ]; then KAFKAPLANE_INTERNAL_PASSWORD=$(cat "$KAFKAPLANE_INTERNAL_PASSWORD_FILE"); fi',
          '[ -n "${KAFKAPLANE_INTERNAL_PASSWORD:-}" ] || { echo "kafkaplane: the cluster\'s internal password is missing (KAFKAPLANE_INTERNAL_PASSWORD)" >&2; exit 1; }',
        ]
      : []),
    'client_config=$(mktemp /tmp/kafkaplane-client.XXXXXX)',
    sasl
      ? `printf 'security.protocol=${protocol}\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${INTERNAL_USER}" password="%s";\n${ssl}' "$KAFKAPLANE_INTERNAL_PASSWORD" > "$client_config"`
      : `printf 'security.protocol=${protocol}\n${ssl}' > "$client_config"`,
    'auth="--command-config $client_config"',
  ];
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
    internalLogin: usesSasl(model.listeners.replication.securityProtocol),
    ...(cluster.spec.internalTls ? { internalTls: certManagerStores(CLIENT_TLS_DIR) } : {}),
  });
  if (usesSasl(model.listeners.replication.securityProtocol)) {
    env.push({ name: 'KAFKAPLANE_INTERNAL_PASSWORD', valueFrom: { secretKeyRef: { name: names.internalPassword.name, key: names.internalPassword.key } } });
  }

  const labels = standardLabels(ctx, 'kafka-topics', 'topics');
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
            ...auxiliaryPodBasics(ctx, KAFKA_UID),
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
                  ...(cluster.spec.internalTls ? [{ name: 'client-tls', mountPath: CLIENT_TLS_DIR, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              { name: 'logs', emptyDir: { sizeLimit: LOGS_SIZE_LIMIT } },
              ...(cluster.spec.internalTls ? [{ name: 'client-tls', secret: { secretName: names.certManager.clientSecret } }] : []),
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
    const args = ['--bootstrap-server', '"$bootstrap"', '$auth', '--add', allow ? '--allow-principal' : '--deny-principal', principal, allow ? '--allow-host' : '--deny-host', shellQuote(acl.host)];
    for (const op of acl.operations) args.push('--operation', op);
    if (acl.resource.type === 'cluster') args.push('--cluster');
    else args.push(RESOURCE_FLAG[acl.resource.type], shellQuote(acl.resource.name!), '--resource-pattern-type', acl.resource.patternType === 'prefix' ? 'prefixed' : 'literal');
    return `"$bin/kafka-acls.sh" ${args.join(' ')}`;
  });
}
