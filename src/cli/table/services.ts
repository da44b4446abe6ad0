// The long-running services of the command table (src/cli/commands.ts): exporter and operator (and, later, console).
import { InvalidArgumentError } from 'commander';
import { type CommandDeclaration, collect, command, integer, option, namespaceName } from '../declare.ts';
import { connectionOptions } from '../options.ts';

function seconds(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value.replace(/s$/, ''));
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number of seconds from ${min} to ${max}`);
    return n;
  };
}

export const SERVICES: CommandDeclaration<unknown, unknown>[] = [
  command({
    name: 'exporter',
    description: "Prometheus metrics of topics, partitions and consumer lag (kafka_exporter's names and flags) plus lag in seconds, Burrow-style group status, quorum and health",
    options: [
      ...connectionOptions(),
      option('--kafka.server <host:port>', "kafka_exporter's bootstrap flag (repeatable; same as --bootstrap)", { parse: collect }),
      option('--web.listen-address <address>', 'where to serve metrics (host:port; ":9308" listens everywhere)', { default: '127.0.0.1:9308' }),
      option('--web.telemetry-path <path>', 'the metrics path', { default: '/metrics' }),
      option('--topic.filter <regex>', 'topics to report', { default: '.*' }),
      option('--topic.exclude <regex>', 'topics not to report', { default: '^$' }),
      option('--group.filter <regex>', 'consumer groups to report', { default: '.*' }),
      option('--group.exclude <regex>', 'consumer groups not to report', { default: '^$' }),
      option('--sasl.enabled', 'kafka_exporter: log in with SASL (PLAIN unless --sasl.mechanism)'),
      option('--sasl.mechanism <mechanism>', 'kafka_exporter: plain, scram-sha256 or scram-sha512'),
      option('--sasl.username <user>', 'kafka_exporter: SASL user'),
      option('--sasl.password-file <file>', 'a file holding the SASL password (or KAFKAPLANE_SASL_PASSWORD; never a flag: flags show in ps)'),
      option('--tls.enabled', 'kafka_exporter: connect with TLS'),
      option('--tls.ca-file <file>', "kafka_exporter: the CA that signed the brokers' certificates"),
      option('--tls.insecure-skip-tls-verify', "kafka_exporter: do not verify the brokers' certificates"),
      option('--kafka.version <version>', 'accepted for kafka_exporter compatibility (the protocol is negotiated)', { hidden: true }),
      option('--collect.interval <seconds>', 'seconds between collections from Kafka (scrapes read the last one)', { parse: seconds('--collect.interval', 1, 3600), default: 15 }),
      option('--no-lag-seconds', 'do not read record timestamps for lag in seconds'),
      option('--probe-topic <topic>', 'also run the end-to-end probe: write and read back a record per partition of this topic every interval'),
    ],
    run: async () => (await import('../commands/exporter.ts')).exporter,
    printer: () => import('../print/services.ts').then((m) => m.exporterPrinter),
  }),
  command({
    name: 'console',
    description: 'the web console (topics, messages, consumer groups, brokers) served by this process; login required unless --no-auth on loopback',
    options: [
      ...connectionOptions(),
      option('--listen <host:port>', 'where to serve the console', { default: '127.0.0.1:8080' }),
      option('--no-auth', 'no login (only on a loopback address)'),
      option('--users-file <file>', 'users allowed to log in: user:scrypt$… lines (make one with --hash-password); without it a random admin password is printed once'),
      option('--read-only', 'show everything, change nothing'),
      option('--audit-log <file>', 'where every change is recorded (JSON lines; "-" for stderr)', { default: 'console-audit.jsonl' }),
      option('--session-secret-file <file>', 'a secret (16+ bytes) that signs sessions, so they survive a restart'),
      option('--refresh-interval <seconds>', 'seconds between collections of the cached cluster snapshot', { parse: seconds('--refresh-interval', 1, 3600), default: 10 }),
      option('--hash-password <user>', 'print a users-file line for <user> with the password read from stdin, then exit'),
    ],
    run: async () => (await import('../commands/console.ts')).consoleCommand,
    printer: () => import('../print/services.ts').then((m) => m.consolePrinter),
  }),
  command({
    name: 'operator run',
    description: 'the operator: KafkaTopic and KafkaUser resources → Kafka (from a pod, or from a laptop with --kafka-bootstrap) until SIGTERM',
    options: [
      option('-n, --namespace <namespace>', 'the namespace to watch (default: $POD_NAMESPACE, else "default")', { parse: namespaceName('--namespace') }),
      option('-A, --all-namespaces', 'watch every namespace'),
      option('--kubeconfig <file>', 'kubeconfig (default: in-cluster ServiceAccount, $KUBECONFIG or ~/.kube/config)'),
      option('--kafka-bootstrap <ns/name=host:port,...>', "reach KafkaCluster ns/name's REPLICATION listener here (repeatable; laptop runs, port-forwards)", { parse: collect }),
      option('--topic-deletion <policy>', 'deleting a KafkaTopic deletes the Kafka topic (delete) or leaves it (keep)', { choices: ['delete', 'keep'], default: 'delete' }),
      option('--health-port <port>', 'serve /healthz, /readyz and /metrics on this port (0: a free one)', { parse: integer('--health-port', 0, 65535) }),
      option('--health-address <address>', 'the address of the health port', { default: '0.0.0.0' }),
      option('--no-leader-elect', 'do not take the kafkaplane-operator Lease (one replica only)'),
      option('--lease-duration <seconds>', 'a leader that does not renew the Lease for this long is replaced', { parse: integer('--lease-duration', 2, 300), default: 15 }),
      option('--lease-namespace <namespace>', 'namespace of the leader Lease (default: $POD_NAMESPACE, else the watched namespace)'),
    ],
    run: async () => (await import('../commands/operator-run.ts')).operatorRun,
    printer: () => import('../print/operator.ts').then((m) => m.operatorRunPrinter),
  }),
  command({
    name: 'operator install',
    description: "the operator's CRDs, ServiceAccount, least-privilege RBAC and Deployment: printed as YAML (-o json: a List), or applied with --apply",
    options: [
      option('-n, --namespace <namespace>', 'where the operator runs', { default: 'kafkaplane-system', parse: namespaceName('--namespace') }),
      option('--watch-namespace <namespace>', 'the namespace it watches (default: its own)', { parse: namespaceName('--watch-namespace') }),
      option('-A, --all-namespaces', 'watch every namespace (a ClusterRole instead of a Role)'),
      option('--image <image>', "the operator's image (the repo's Dockerfile)", { default: 'kafkaplane:0.1.0' }),
      option('--topic-deletion <policy>', 'deleting a KafkaTopic deletes the Kafka topic (delete) or leaves it (keep)', { choices: ['delete', 'keep'], default: 'delete' }),
      option('--apply', 'apply the objects (server-side apply) instead of printing them'),
      option('--kubeconfig <file>', 'kubeconfig for --apply (default: $KUBECONFIG or ~/.kube/config)'),
    ],
    run: async () => (await import('../commands/operator-install.ts')).operatorInstall,
    printer: () => import('../print/operator.ts').then((m) => m.operatorInstallPrinter),
  }),
];
