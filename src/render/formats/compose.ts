import { clusterModel } from '../../model/broker-properties.ts';
import { heapSize, jvmOptions } from '../../model/jvm.ts';
import { controllers } from '../../model/nodes.ts';
import { COMPOSE_HOST_IP, COMPOSE_INTERNAL_PASSWORD_FILE, COMPOSE_KEYSTORE, COMPOSE_KEYSTORE_PASSWORD_FILE, composePlan, composeService } from '../../model/placement-compose.ts';
import { DATA_DIR } from '../../model/placement-kubernetes.ts';
import type { SpecProblem } from '../../errors.ts';
import { kubernetesSettings } from '../../api/kubernetes.ts';
import { nodeFiles } from '../cluster-config.ts';
import { CONFIG_DIR, ENTRYPOINT_FILE, QUORUM_CLIENT_FILE, RUN_DIR, formatArgsFile, nodePropertiesFile } from '../entrypoint.ts';
import { RenderError } from '../errors.ts';
import { KAFKA_SERVER_EXTRA_ARGS, logConfig } from '../logging.ts';
import { clusterIdentity } from '../identity.ts';
import type { RenderInput } from '../objects.ts';
import { composeUserSecret, replicationBootstrap, topicsScript } from '../topics-job.ts';

const INTERNAL_SECRET = { source: 'kafka-internal-password', target: COMPOSE_INTERNAL_PASSWORD_FILE };

export interface ComposeRender {
  /** The compose file as data (https://compose-spec.io). */
  compose: Record<string, unknown>;
  warnings: string[];
}

/** Compose interpolates ${VAR} everywhere in the file, config contents included: "$$" is a literal "$". */
function literal(text: string): string {
  return text.replaceAll('$', () => '$$');
}

/**
 * A node's compose healthcheck, the same rule as the Kubernetes probes (render/statefulset.ts): a broker is healthy
 * once its REPLICATION listener is open (it opens after the broker caught up with the metadata log), a controller
 * once CONTROLLER is. The check reads the container's own socket table (/proc/net/tcp{,6}: a LISTEN socket, state 0A,
 * on the port in hex) with grep alone, so it needs no nc or bash in the image and starts no JVM. Log recovery after
 * an unclean stop can take minutes: failures in the first 15 minutes do not count (start_period), and a healthy node
 * is one whose port is open whatever came before.
 */
export function composeHealthcheck(port: number): Record<string, unknown> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return {
    test: ['CMD-SHELL', `grep -qsE '^ *[0-9]+: [0-9A-F]+:${hex} [0-9A-F]+:[0-9A-F]+ 0A ' /proc/net/tcp /proc/net/tcp6`],
    interval: '10s',
    timeout: '5s',
    retries: 6,
    start_period: '15m',
    start_interval: '5s',
  };
}

/**
 * The same cluster for `docker compose up`: one service per node running the official image with kafkaplane's
 * entrypoint and the broker properties from the model (compose placement: service names instead of pod DNS names,
 * the first listener and external listeners published on the docker host's 127.0.0.1). Configs are inline
 * (`configs.<name>.content`, Compose 2.23+).
 */
export function renderCompose(input: RenderInput): ComposeRender {
  const { cluster } = input;
  const settings = kubernetesSettings(cluster.spec);
  const plan = composePlan(cluster);
  const problems: SpecProblem[] = [...plan.problems];
  cluster.spec.nodePools.forEach((pool, i) => {
    pool.jvm?.options.forEach((option, j) => {
      if (/\s/.test(option)) problems.push({ path: `spec.nodePools[${i}].jvm.options[${j}]`, message: 'contains whitespace: kafka-run-class.sh splits JVM options on spaces' });
    });
  });
  if (problems.length > 0) {
    throw new RenderError(
      input.source ?? 'the spec',
      'a docker compose file',
      problems.map((p) => ({ ...p, document: `KafkaCluster "${cluster.metadata.name}"` })),
    );
  }
  // The cluster as compose runs it: with the docker host's twin of the first listener (model/placement-compose.ts).
  const model = clusterModel(plan.cluster);
  const namespace = input.namespace ?? cluster.metadata.namespace ?? 'default';
  const identity = clusterIdentity(model, settings, namespace);
  const image = settings.image ?? `apache/kafka:${cluster.spec.version}`;
  const files = nodeFiles(model, plan.placement, cluster.metadata.name);
  const tls = model.listeners.client.some((l) => l.spec?.tls);
  // A secured cluster's internal listeners authenticate (model/listeners.ts): their password is a compose secret.
  const secured = model.listeners.replication.securityProtocol === 'SASL_PLAINTEXT';

  const log = logConfig(cluster.spec.version);
  const configs: Record<string, unknown> = {
    entrypoint: { content: literal(files[ENTRYPOINT_FILE]!) },
    logging: { content: literal(files[log.file]!) },
    'quorum-client': { content: literal(files[QUORUM_CLIENT_FILE]!) },
  };
  const services: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  for (const node of model.nodes) {
    const pool = cluster.spec.nodePools.find((p) => p.name === node.pool)!;
    const service = composeService(node);
    configs[`node-${node.id}-properties`] = { content: literal(files[nodePropertiesFile(node.id)]!) };
    configs[`node-${node.id}-format-args`] = { content: literal(files[formatArgsFile(node.id)]!) };
    const environment: Record<string, string> = {
      KAFKAPLANE_NODE_ID: String(node.id),
      KAFKAPLANE_CLUSTER_ID: identity.clusterId,
    };
    if (node.controller) for (const c of controllers(model.nodes)) if (identity.directoryIds[String(c.id)]) environment[`KAFKAPLANE_DIRECTORY_ID_${c.id}`] = identity.directoryIds[String(c.id)]!;
    if (node.broker && tls) environment.KAFKAPLANE_TLS_KEYSTORE_PASSWORD_FILE = COMPOSE_KEYSTORE_PASSWORD_FILE;
    if (secured) environment.KAFKAPLANE_INTERNAL_PASSWORD_FILE = COMPOSE_INTERNAL_PASSWORD_FILE;
    const heap = heapSize(pool, 'kubernetes');
    environment.KAFKA_HEAP_OPTS = `-Xms${heap} -Xmx${heap}`;
    environment.KAFKA_JVM_PERFORMANCE_OPTS = jvmOptions(pool, 'kubernetes')
      .filter((o) => !o.startsWith('-Xms') && !o.startsWith('-Xmx'))
      .join(' ');
    // Logs to stdout only (docker compose logs), no GC log file: render/logging.ts.
    environment.KAFKA_LOG4J_OPTS = log.log4jOpts;
    environment.EXTRA_ARGS = KAFKA_SERVER_EXTRA_ARGS;
    const ports: Record<string, unknown>[] = [];
    for (const [listener, byNode] of plan.hostPorts) {
      const port = byNode.get(node.id);
      const containerPort = plan.cluster.spec.listeners.find((l) => l.name === listener)!.port;
      if (port !== undefined) ports.push({ target: containerPort, host_ip: COMPOSE_HOST_IP, published: String(port), protocol: 'tcp' });
    }
    const dataVolume = `${service}-data`;
    if (pool.storage.type === 'persistent-claim') volumes[dataVolume] = {};
    services[service] = {
      image,
      hostname: service,
      command: ['/bin/sh', `${CONFIG_DIR}/${ENTRYPOINT_FILE}`],
      environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, literal(v)])),
      configs: [
        { source: 'entrypoint', target: `${CONFIG_DIR}/${ENTRYPOINT_FILE}` },
        { source: 'logging', target: `${CONFIG_DIR}/${log.file}` },
        { source: 'quorum-client', target: `${CONFIG_DIR}/${QUORUM_CLIENT_FILE}` },
        { source: `node-${node.id}-properties`, target: `${CONFIG_DIR}/${nodePropertiesFile(node.id)}` },
        { source: `node-${node.id}-format-args`, target: `${CONFIG_DIR}/${formatArgsFile(node.id)}` },
      ],
      ...((node.broker && tls) || secured
        ? {
            secrets: [
              ...(node.broker && tls
                ? [
                    { source: 'kafka-keystore', target: COMPOSE_KEYSTORE },
                    { source: 'kafka-keystore-password', target: COMPOSE_KEYSTORE_PASSWORD_FILE },
                  ]
                : []),
              ...(secured ? [INTERNAL_SECRET] : []),
            ],
          }
        : {}),
      volumes: [pool.storage.type === 'persistent-claim' ? { type: 'volume', source: dataVolume, target: DATA_DIR } : { type: 'tmpfs', target: DATA_DIR }, { type: 'tmpfs', target: RUN_DIR }],
      ...(ports.length > 0 ? { ports } : {}),
      healthcheck: composeHealthcheck(node.broker ? model.listeners.replication.port : model.listeners.controller.port),
      restart: 'unless-stopped',
      stop_grace_period: `${settings.pod.terminationGracePeriodSeconds}s`,
    };
  }
  const warnings: string[] = [];
  const userSecrets: Record<string, { file: string }> = {};
  if (input.topics.length + input.users.length > 0) {
    const topics = topicsScript({
      topics: input.topics,
      users: input.users,
      authorization: cluster.spec.authorization !== undefined,
      bootstrap: replicationBootstrap(model, plan.placement),
      clusterName: cluster.metadata.name,
      secrets: false,
      internalLogin: secured,
    });
    warnings.push(...topics.warnings);
    // The KafkaUsers' password Secrets, mounted as files the script reads (never on a command line).
    for (const user of input.users) {
      const ref = user.spec.authentication?.password?.valueFrom.secretKeyRef;
      if (user.spec.authentication && ref) {
        const secret = composeUserSecret(ref);
        userSecrets[secret.name] = { file: secret.file };
      }
    }
    const topicSecrets = [...(secured ? [INTERNAL_SECRET] : []), ...Object.keys(userSecrets).map((name) => ({ source: name, target: `/run/secrets/${name}` }))];
    services.topics = {
      image,
      command: ['/bin/sh', '-c', literal(topics.script)],
      environment: { KAFKA_HEAP_OPTS: '-Xmx256m', ...(secured ? { KAFKAPLANE_INTERNAL_PASSWORD_FILE: COMPOSE_INTERNAL_PASSWORD_FILE } : {}) },
      ...(topicSecrets.length > 0 ? { secrets: topicSecrets } : {}),
      // Healthy brokers (REPLICATION open: caught up with the metadata log), not just started containers.
      depends_on: Object.fromEntries(model.nodes.filter((n) => n.broker).map((n) => [composeService(n), { condition: 'service_healthy' }])),
      restart: 'on-failure',
    };
  }
  return {
    compose: {
      name: cluster.metadata.name,
      services,
      configs,
      ...(Object.keys(volumes).length > 0 ? { volumes } : {}),
      ...(tls || secured || Object.keys(userSecrets).length > 0
        ? {
            secrets: {
              ...(tls
                ? {
                    // A PKCS12 keystore whose certificate names localhost and the service names, and its password.
                    'kafka-keystore': { file: './tls/keystore.p12' },
                    'kafka-keystore-password': { file: './tls/keystore.password' },
                  }
                : {}),
              // The internal listeners' password, e.g. `openssl rand -hex 24 > internal.password`.
              ...(secured ? { 'kafka-internal-password': { file: './internal.password' } } : {}),
              // The KafkaUsers' passwords: each Secret key as a file, ./secrets/<Secret name>/<key>.
              ...userSecrets,
            },
          }
        : {}),
    },
    warnings,
  };
}
