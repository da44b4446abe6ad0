// The local commands of the command table (src/cli/commands.ts).
import { type CommandDeclaration, collectIntegers, command, integer, option, namespaceName } from '../declare.ts';
import { locateOptions } from '../options.ts';
import { DEFAULT_STRIMZI_VERSION, STRIMZI_RELEASES } from '../../render/strimzi-releases.ts';

const local = () => import('../print/local.ts');

// --- the local runtime: up, down, status, logs (docs/local.md) -------------------------------------------------------
export const LOCAL: CommandDeclaration<unknown, unknown>[] = [
  command({
    name: 'up',
    description: 'run the spec as a real Apache Kafka KRaft cluster on this machine (no Docker, no Kubernetes)',
    options: [
      option('-f, --file <file>', 'the spec: KafkaCluster (and KafkaTopic / KafkaUser documents)', { required: true }),
      option('--cluster <name>', 'which KafkaCluster of the file, when it has several'),
      option('--state-dir <dir>', 'where the cluster keeps data, logs and pids (default: ~/.local/state/kafkaplane/clusters/<name>)'),
      option('--port-base <port>', "first port of the local port plan (default: the first listener's port)", { parse: integer('--port-base', 1024, 65000) }),
      option('--heap <size>', 'JVM heap per node, e.g. 512m or 1g (default 512m)'),
      option('--timeout <seconds>', 'how long to wait for the cluster to become ready', { parse: integer('--timeout', 1, 3600), default: 120 }),
      option('--allow-state-in-checkout', 'allow --state-dir inside a git checkout', { default: false }),
      option('--monitoring', 'run the Prometheus JMX exporter agent on every node and print the scrape targets (kept until --no-monitoring)'),
      option('--no-monitoring', 'stop running the metrics agents (from the next node start)'),
    ],
    run: async () => (await import('../commands/up.ts')).up,
    printer: () => local().then((m) => m.upPrinter),
  }),
  command({
    name: 'down',
    description: 'stop the local cluster with a controlled shutdown; data is kept',
    options: [
      ...locateOptions(),
      option('--purge', "also delete the cluster's data and state", { default: false }),
      option('--timeout <seconds>', 'grace period per node before it is killed', { parse: integer('--timeout', 1, 3600), default: 30 }),
    ],
    run: async () => (await import('../commands/down.ts')).down,
    printer: () => local().then((m) => m.downPrinter),
  }),
  command({
    name: 'restart',
    description:
      'rolling restart of the local cluster, or with --kubernetes of the pods on Kubernetes after a changed spec was applied: one node at a time across all pools, only when no partition drops below min ISR and the quorum keeps a majority, the active controller last',
    options: [
      ...locateOptions(),
      option('--node <id>', 'restart only this node (repeatable); with --kubernetes: also this node, even when its pod runs the current config', {
        parse: collectIntegers('--node', 0, 1_000_000),
      }),
      option('--dry-run', 'print the order and what each node waits for; restart nothing', { default: false }),
      option('--timeout <seconds>', 'give up when the roll has not finished in this long', { parse: integer('--timeout', 1, 86_400), default: 900 }),
      option('--kubernetes', 'roll the pods of the cluster rendered from -f on Kubernetes (pods whose StatefulSet revision is old)'),
      option('-n, --namespace <namespace>', 'with --kubernetes: the cluster\'s namespace (default: the spec\'s, else "default")', { parse: namespaceName('--namespace') }),
      option('--kubeconfig <file>', 'with --kubernetes: kubeconfig (default: in-cluster ServiceAccount, $KUBECONFIG or ~/.kube/config)'),
      option('--kafka-bootstrap <host:port,...>', "with --kubernetes: where this machine reaches Kafka (default: the brokers' in-cluster addresses, for a run in a pod)"),
    ],
    run: async () => (await import('../commands/restart.ts')).restart,
    printer: () => local().then((m) => m.restartPrinter),
  }),
  command({
    name: 'status',
    description: 'nodes, pids, ports, roles, quorum and health of the local cluster (exit 1 when not healthy)',
    options: [...locateOptions(), option('--all', 'every local cluster', { default: false })],
    run: async () => (await import('../commands/status.ts')).status,
    printer: () => local().then((m) => m.statusPrinter),
  }),
  command({
    name: 'logs',
    description: "a node's log (all nodes when none is given)",
    args: [{ name: '[node]', description: 'node id', key: 'node', parse: integer('node', 0, 1_000_000) }],
    options: [
      ...locateOptions(),
      option('-n, --tail <lines>', 'lines to show from the end', { parse: integer('--tail', 0, 1_000_000), default: 100 }),
      option('-F, --follow', 'keep printing new lines', { default: false }),
    ],
    run: async () => (await import('../commands/logs.ts')).logs,
    printer: () => local().then((m) => m.logsPrinter),
  }),
  command({
    name: 'validate',
    description: 'check a spec file and print what it defines',
    options: [option('-f, --file <file>', 'the spec file ("-" for standard input)', { required: true })],
    run: async () => (await import('../commands/validate.ts')).validate,
    printer: () => local().then((m) => m.validatePrinter),
  }),
  // --- render: Kubernetes manifests, Kustomize, docker compose or Strimzi resources from the spec (docs/render.md) ---
  command({
    name: 'render',
    description: 'render the spec as Kubernetes manifests (yaml, kustomize), a docker compose file or Strimzi resources',
    options: [
      option('-f, --file <file>', 'the spec: KafkaCluster (and KafkaTopic / KafkaUser documents)', { required: true }),
      option('--format <format>', 'what to render', { choices: ['yaml', 'kustomize', 'compose', 'strimzi'], default: 'yaml' }),
      option('-d, --out-dir <dir>', 'write the files into this directory (default: print to stdout; kustomize needs a directory)'),
      option('--cluster <name>', 'which KafkaCluster of the file, when it has several'),
      option('-n, --namespace <namespace>', 'namespace of every object (default: the cluster\'s metadata.namespace, else "default")', { parse: namespaceName('--namespace') }),
      option('--previous <file>', 'the spec the running cluster was rendered from: warn about what applying the change cannot do (volume sizes, removed brokers, topics, users)'),
      option('--strimzi-version <release>', `--format strimzi: the Strimzi release the resources are for; spec.version must be a Kafka version it runs`, {
        choices: Object.keys(STRIMZI_RELEASES),
        default: DEFAULT_STRIMZI_VERSION,
      }),
    ],
    run: async () => (await import('../commands/render.ts')).render,
    printer: () => import('../print/render.ts').then((m) => m.renderPrinter),
  }),
];
