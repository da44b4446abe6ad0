// Every command kafkaplane has, declared once: its words, arguments and flags, the command (commands/<name>.ts,
// loaded only when it runs) and its printer (print/). program.ts wires them all the same way; README.md explains it.
import { InvalidArgumentError } from 'commander';
import { type CommandDeclaration, collect, collectIntegers, command, integer, option } from './declare.ts';
import { connectionOptions, locateOptions } from './options.ts';

/** The commands that only group others. */
export const COMMAND_GROUPS: Record<string, string> = {
  topics: 'list, describe, create, alter and delete topics (kafka-topics.sh)',
  groups: 'list, describe, reset offsets of and delete consumer groups (kafka-consumer-groups.sh; KIP-848 groups too)',
  cluster: 'the cluster as a whole',
  perf: "load tests with the flags and output lines of Kafka's kafka-producer-perf-test and kafka-consumer-perf-test",
};

const local = () => import('./print/local.ts');
const topics = () => import('./print/topics.ts');
const groups = () => import('./print/groups.ts');
const toolbox = () => import('./print/toolbox.ts');

// --- the local runtime: up, down, status, logs (docs/local.md) -------------------------------------------------------
const LOCAL: CommandDeclaration<unknown, unknown>[] = [
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
    ],
    run: async () => (await import('./commands/up.ts')).up,
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
    run: async () => (await import('./commands/down.ts')).down,
    printer: () => local().then((m) => m.downPrinter),
  }),
  command({
    name: 'status',
    description: 'nodes, pids, ports, roles, quorum and health of the local cluster (exit 1 when not healthy)',
    options: [...locateOptions(), option('--all', 'every local cluster', { default: false })],
    run: async () => (await import('./commands/status.ts')).status,
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
    run: async () => (await import('./commands/logs.ts')).logs,
    printer: () => local().then((m) => m.logsPrinter),
  }),
  command({
    name: 'validate',
    description: 'check a spec file and print what it defines',
    options: [option('-f, --file <file>', 'the spec file ("-" for standard input)', { required: true })],
    run: async () => (await import('./commands/validate.ts')).validate,
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
      option('-n, --namespace <namespace>', 'namespace of every object (default: the cluster\'s metadata.namespace, else "default")'),
    ],
    run: async () => (await import('./commands/render.ts')).render,
    printer: () => import('./print/render.ts').then((m) => m.renderPrinter),
  }),
];

// --- toolbox: topics, groups, metadata, cluster describe, doctor, size, connect-info (docs/toolbox.md) ----------------
const ADMIN: CommandDeclaration<unknown, unknown>[] = [
  command({
    name: 'topics list',
    description: 'topic names, one per line (internal topics with --include-internal)',
    options: [
      ...connectionOptions(),
      option('--topic <regex>', 'only topics matching this regular expression (commas separate alternatives)'),
      option('--include-internal', 'include internal topics (__consumer_offsets, __transaction_state, …)'),
    ],
    run: async () => (await import('./commands/topics-list.ts')).topicsList,
    printer: () => topics().then((m) => m.topicsListPrinter),
  }),
  command({
    name: 'topics describe',
    description: 'partitions with leader, replicas, ISR and ELR, and config overrides (kafka-topics --describe format)',
    args: [{ name: '[topics...]', description: 'topic names (default: every topic)', key: 'topics' }],
    options: [
      ...connectionOptions(),
      option('--topic <regex>', 'topics matching this regular expression (commas separate alternatives)'),
      option('--include-internal', 'include internal topics when no topic is named'),
      option('--under-replicated-partitions', 'only partitions whose ISR is smaller than their replica set'),
      option('--under-min-isr-partitions', 'only partitions whose ISR is below min.insync.replicas (or without leader)'),
      option('--at-min-isr-partitions', 'only partitions whose ISR is exactly min.insync.replicas'),
      option('--unavailable-partitions', 'only partitions without a live leader'),
      option('--topics-with-overrides', 'only topics with config overrides (no partition lines)'),
      option('--if-exists', 'no error when a named topic does not exist'),
    ],
    run: async () => (await import('./commands/topics-describe.ts')).topicsDescribe,
    printer: () => topics().then((m) => m.topicsDescribePrinter),
  }),
  command({
    name: 'topics create',
    description: 'create a topic',
    args: [{ name: '<topic>', description: 'the topic name', key: 'name' }],
    options: [
      ...connectionOptions(),
      option('--partitions <n>', "number of partitions (default: the brokers' num.partitions)", { parse: integer('--partitions', 1, 1_000_000) }),
      option('--replication-factor <n>', "replicas per partition (default: the brokers' default.replication.factor)", { parse: integer('--replication-factor', 1, 32_767) }),
      option('--replica-assignment <lists>', 'broker ids per partition, e.g. 0:1:2,1:2:0 (instead of --partitions and --replication-factor)'),
      option('--config <key=value>', 'a topic config override (repeatable)', { parse: collect }),
      option('--if-not-exists', 'no error when the topic exists (it is left unchanged)'),
    ],
    run: async () => (await import('./commands/topics-create.ts')).topicsCreate,
    printer: () => topics().then((m) => m.topicsCreatePrinter),
  }),
  command({
    name: 'topics alter',
    description: 'add partitions, set or delete config overrides (all validated before anything changes)',
    args: [{ name: '<topic>', description: 'the topic name', key: 'name' }],
    options: [
      ...connectionOptions(),
      option('--partitions <n>', 'the new partition count (only grows)', { parse: integer('--partitions', 1, 1_000_000) }),
      option('--replica-assignment <lists>', 'broker ids per partition for the whole topic; the new partitions take their lists from it'),
      option('--config <key=value>', 'set a topic config override (repeatable)', { parse: collect }),
      option('--delete-config <key>', 'remove a topic config override, back to the broker default (repeatable)', { parse: collect }),
      option('--if-exists', 'no error when the topic does not exist'),
    ],
    run: async () => (await import('./commands/topics-alter.ts')).topicsAlter,
    printer: () => topics().then((m) => m.topicsAlterPrinter),
  }),
  command({
    name: 'topics delete',
    description: 'delete topics (exact names; internal topics are refused)',
    args: [{ name: '<topics...>', description: 'topic names', key: 'names' }],
    options: [...connectionOptions(), option('--if-exists', 'no error when a topic does not exist')],
    run: async () => (await import('./commands/topics-delete.ts')).topicsDelete,
    printer: () => topics().then((m) => m.topicsDeletePrinter),
  }),
  command({
    name: 'groups list',
    description: 'consumer groups with their type and state',
    options: [
      ...connectionOptions(),
      option('--state <states>', 'only groups in these states, comma-separated (Stable, Empty, …)'),
      option('--type <types>', 'only groups of these types: classic, consumer'),
    ],
    run: async () => (await import('./commands/groups-list.ts')).groupsList,
    printer: () => groups().then((m) => m.groupsListPrinter),
  }),
  command({
    name: 'groups describe',
    description: 'per partition: committed offset, log end offset, lag and owner (or --members, --state)',
    args: [{ name: '[groups...]', description: 'group ids', key: 'groups' }],
    options: [
      ...connectionOptions(),
      option('--all-groups', 'every consumer group'),
      option('--offsets', 'the offsets view (the default)'),
      option('--members', 'the members view: consumer id, host, client id, partition count'),
      option('--state', 'the state view: coordinator, assignment strategy, state, member count'),
      option('--verbose', 'more columns (assignments and epochs)'),
    ],
    run: async () => (await import('./commands/groups-describe.ts')).groupsDescribe,
    printer: () => groups().then((m) => m.groupsDescribePrinter),
  }),
  command({
    name: 'groups reset-offsets',
    description: 'plan (and with --execute commit) new offsets for inactive groups',
    args: [{ name: '[groups...]', description: 'group ids (or --group)', key: 'groups' }],
    options: [
      ...connectionOptions(),
      option('--group <group>', 'a group id (repeatable)', { parse: collect }),
      option('--all-groups', 'every consumer group'),
      option('--topic <topic[:partitions]>', 'scope: a topic, or topic:0,1,2 (repeatable)', { parse: collect }),
      option('--all-topics', 'scope: every partition the group has committed offsets for'),
      option('--to-earliest', 'the log start offset'),
      option('--to-latest', 'the log end offset'),
      option('--to-current', 'the committed offset (the log end where nothing is committed)'),
      option('--to-offset <offset>', 'this offset (moved into [log start, log end])'),
      option('--shift-by <n>', 'the committed offset plus n (negative moves back)'),
      option('--to-datetime <datetime>', 'the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone] (no zone: UTC)'),
      option('--by-duration <duration>', 'the first offset at or after now minus an ISO-8601 duration (PT30M, P1D)'),
      option('--from-file <csv>', 'offsets from a CSV plan: topic,partition,offset (or group,topic,partition,offset)'),
      option('--dry-run', 'show the plan only (the default)'),
      option('--execute', 'commit the plan'),
      option('--export', 'print the plan as CSV (for --from-file)'),
      option('--allow-new-group', 'allow a group that does not exist yet (gives it starting offsets with --execute)'),
    ],
    run: async () => (await import('./commands/groups-reset-offsets.ts')).groupsResetOffsets,
    printer: () => groups().then((m) => m.groupsResetOffsetsPrinter),
  }),
  command({
    name: 'groups delete',
    description: 'delete inactive consumer groups and their committed offsets',
    args: [{ name: '[groups...]', description: 'group ids', key: 'groups' }],
    options: [...connectionOptions(), option('--all-groups', 'every consumer group')],
    run: async () => (await import('./commands/groups-delete.ts')).groupsDelete,
    printer: () => groups().then((m) => m.groupsDeletePrinter),
  }),
  command({
    name: 'metadata',
    description: "brokers, controller and every partition's leader, replicas and ISR, as kcat -L prints them (-o json: kcat -L -J)",
    options: [...connectionOptions(), option('-t, --topic <topic>', 'only this topic')],
    run: async () => (await import('./commands/metadata.ts')).metadata,
    printer: () => import('./print/metadata.ts').then((m) => m.metadataPrinter),
  }),
  command({
    name: 'cluster describe',
    description: 'cluster id, brokers and the KRaft quorum: leader, voters, observers, lag (DescribeQuorum)',
    options: connectionOptions(),
    run: async () => (await import('./commands/cluster-describe.ts')).clusterDescribe,
    printer: () => import('./print/metadata.ts').then((m) => m.clusterDescribePrinter),
  }),
  command({
    name: 'doctor',
    description: 'check bootstrap and advertised addresses, brokers, partitions, the quorum and consumer lag; exit 1 on a critical finding (with --strict: on a warning too), else 0',
    options: [
      ...connectionOptions(),
      option('--lag-interval <seconds>', 'seconds between the two consumer-lag samples (0: one sample)', { parse: integer('--lag-interval', 0, 600), default: 5 }),
      option('--strict', 'warnings fail too (exit 1), not only critical findings'),
    ],
    run: async () => (await import('./commands/doctor.ts')).doctor,
    printer: () => import('./print/doctor.ts').then((m) => m.doctorPrinter),
  }),
  command({
    name: 'size',
    description: "brokers, disk, memory and network for a load (seed 000's sizing rules), with the reasoning",
    options: [
      option('--write <rate>', 'producer traffic, e.g. 50MB/s or 1TB/day (required)'),
      option('--read <rate>', 'consumer traffic (default: --write × --fanout)'),
      option('--fanout <n>', 'how many consumer groups read everything (default 1)'),
      option('--retention <duration>', 'how long data is kept, e.g. 7d, 72h', { default: '7d' }),
      option('--replication-factor <n>', 'replicas per partition', { parse: integer('--replication-factor', 1, 32_767), default: 3 }),
      option('--partitions <n>', 'total partitions of all topics (checks partitions per broker)', { parse: integer('--partitions', 1, 100_000_000) }),
      option('--headroom <percent>', 'spare capacity on disk and network', { default: '30' }),
      option('--broker-network <rate>', 'usable bandwidth per broker', { default: '10Gbit/s' }),
      option('--max-disk <size>', 'largest disk one broker should carry', { default: '2TiB' }),
      option('--max-partitions-per-broker <n>', 'partition replicas per broker', { parse: integer('--max-partitions-per-broker', 1, 1_000_000), default: 4000 }),
      option('--heap <size>', 'JVM heap per broker (seed 000: at most ~6 GB)', { default: '6GiB' }),
      option('--page-cache-seconds <n>', 'seconds of writes the page cache holds (seed 000: 30)', { parse: integer('--page-cache-seconds', 0, 3600), default: 30 }),
      option('--tls', 'clients use TLS (more CPU, no zero-copy)'),
      option('--min-brokers <n>', 'fewest brokers to plan', { parse: integer('--min-brokers', 1, 10_000), default: 3 }),
      option('-f, --file <file>', 'compare with this cluster spec (exit 1 when it is too small)'),
      option('--cluster <name>', 'which KafkaCluster of the file'),
    ],
    run: async () => (await import('./commands/size.ts')).size,
    printer: () => import('./print/size.ts').then((m) => m.sizePrinter),
  }),
  command({
    name: 'connect-info',
    description: 'client configuration for a listener: Spring Boot, env vars / ConfigMap, Java properties, kcat, kafka-python',
    options: [
      option('-f, --file <file>', 'the spec: Kubernetes addresses as `kafkaplane render` names them (default: the running local cluster)'),
      option('--cluster <name>', 'which cluster (of the file, or which local cluster)'),
      option('--listener <name>', 'which listener (default: the first)'),
      option('--user <name>', 'the SCRAM user, for listeners with authentication'),
      option('--format <format>', 'one format only', { choices: ['all', 'spring', 'env', 'configmap', 'properties', 'kcat', 'python'], default: 'all' }),
      option('--local', 'with -f: the local cluster `kafkaplane up -f` runs, not Kubernetes'),
      option('--state-dir <dir>', 'state directory of the local cluster'),
      option('-n, --namespace <namespace>', "Kubernetes namespace (default: the cluster's metadata.namespace)"),
      option('--reveal-password', "local cluster: write the user's password into the output"),
    ],
    run: async () => (await import('./commands/connect-info.ts')).connectInfo,
    printer: () => import('./print/connect-info.ts').then((m) => m.connectInfoPrinter),
  }),
];

function throughput(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('--throughput must be a number (-1 for no limit)');
  return n;
}

// --- toolbox: produce, consume, perf produce, perf consume (kcat and Kafka's console/perf tools) -------------------
const STREAMING: CommandDeclaration<unknown, unknown>[] = [
  command({
    name: 'produce',
    description: 'send records from standard input or files (kcat -P, kafka-console-producer): raw bytes, keys, headers, null markers',
    args: [{ name: '[files...]', description: 'send each file as one record (with -l: one file, split at the delimiter)', key: 'files' }],
    options: [
      option('-t, --topic <topic>', 'the topic', { required: true }),
      option('-p, --partition <n>', 'send every record to this partition (default: by key, as Java clients hash it; round-robin without a key)', { parse: integer('--partition', 0, 1_000_000) }),
      option('-D, --delimiter <delim>', 'record delimiter in the input: \\n \\r \\t \\xHH or text (default \\n)'),
      option('-K, --key-delimiter <delim>', 'split each record into key and value at the first delimiter (kcat -K; alias --key-separator)'),
      option('--key-separator <delim>', undefined, { hidden: true }),
      option('-k, --key <key>', 'the key of records that have none of their own'),
      option('-H, --header <name=value>', 'add a header to every record (repeatable; no "=" means a null value)', { parse: collect }),
      option('-Z, --null-empty', 'send an empty key or value as null (kcat -Z)'),
      option('--null-marker <text>', 'send a key, value or header value equal to this text as null (console producer null.marker)'),
      option('--acks <acks>', '0, 1 or all (default all)'),
      option('-z, --compression <codec>', 'none, gzip, snappy, lz4 or zstd (default none)'),
      option('--no-idempotence', 'turn off the idempotent producer (on by default with acks=all, as in Kafka 4)'),
      option('-c, --count <n>', 'stop after this many records', { parse: integer('--count', 1, Number.MAX_SAFE_INTEGER) }),
      option('-l, --line-mode', 'split the one file given at the delimiter, as with standard input (kcat -l)'),
      option(
        '--property <key=value>',
        'kafka-console-producer reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable)',
        { parse: collect },
      ),
      option('--producer-property <key=value>', 'Kafka producer property: acks, compression.type, enable.idempotence, batch.size, linger.ms, … (repeatable)', { parse: collect }),
      option('--producer.config <file>', 'Kafka producer properties file'),
      ...connectionOptions(),
    ],
    run: async () => (await import('./commands/produce.ts')).produce,
    printer: () => toolbox().then((m) => m.producePrinter),
  }),
  command({
    name: 'consume',
    description: 'print records (kcat -C, kafka-console-consumer): kcat -f formats or the -J JSON envelope, byte for byte',
    kcatOffsets: true,
    options: [
      option('-t, --topic <topic>', 'the topic (repeatable)', { required: true, parse: collect }),
      option('-p, --partition <n>', 'read only this partition (repeatable; default all)', { parse: collectIntegers('--partition', 0, 1_000_000) }),
      option(
        '--offset <offset>',
        'where to start (also -o, as in kcat): beginning, end, stored, N, -N, s@TIME; add e@TIME to stop there (repeatable). Default: beginning; with --group, the committed offset',
        { parse: collect },
      ),
      option('--from-beginning', 'same as --offset beginning (kafka-console-consumer)'),
      option('-G, --group <group>', 'consume as a member of this consumer group and commit what was printed'),
      option('-c, --count <n>', 'exit after this many records (alias --max-messages)', { parse: integer('--count', 1, Number.MAX_SAFE_INTEGER) }),
      option('--max-messages <n>', undefined, { parse: integer('--max-messages', 1, Number.MAX_SAFE_INTEGER), hidden: true }),
      option('-e, --exit', 'exit when every partition has been read to its end (kcat -e)'),
      option('--timeout-ms <ms>', 'exit when no record arrives for this long (kafka-console-consumer)', { parse: integer('--timeout-ms', 1, 86_400_000) }),
      option('-f, --format <format>', 'kcat output format: %t %p %o %k %K %s %S %R %T %h, \\n \\t \\xHH'),
      option('-J, --json', 'one JSON envelope per record, as kcat -J (also -o json)'),
      option('-D, --delimiter <delim>', 'written after each record without -f (default \\n)'),
      option('-K, --key-delimiter <delim>', 'print the key, this delimiter, then the value (kcat -K)'),
      option('-O, --print-offset', 'print the offset before the key, with the -K delimiter (kcat -O)'),
      option('-Z, --null-literal', 'print null keys and values as NULL (kcat -Z)'),
      option('--null-marker <text>', 'print null keys and values as this text'),
      ...connectionOptions(),
    ],
    run: async () => (await import('./commands/consume.ts')).consume,
    printer: () => toolbox().then((m) => m.consumePrinter),
  }),
  command({
    name: 'perf produce',
    description: 'kafka-producer-perf-test: send --num-records records and print throughput and latency lines',
    options: [
      option('--topic <topic>', 'produce messages to this topic', { required: true }),
      option('--num-records <n>', 'number of messages to produce', { required: true, parse: integer('--num-records', 1, Number.MAX_SAFE_INTEGER) }),
      option('--record-size <bytes>', 'message size in bytes (random uppercase letters)', { parse: integer('--record-size', 1, 100 * 1024 * 1024) }),
      option('--payload-file <file>', 'UTF-8 file of payloads, one picked at random per message'),
      option('--payload-delimiter <delim>', 'payload delimiter in --payload-file (default \\n)'),
      option('--payload-monotonic', 'payload is the message number'),
      option('--throughput <n>', 'throttle to about this many messages/sec; -1 for no limit', { parse: throughput, default: -1 }),
      option('--producer-props <key=value...>', 'producer properties: acks, compression.type, batch.size, linger.ms, bootstrap.servers, …'),
      option('--producer.config <file>', 'producer properties file (security settings too)'),
      option('--print-metrics', undefined, { hidden: true }),
      option('--transactional-id <id>', undefined, { hidden: true }),
      option('--transaction-duration-ms <ms>', undefined, { parse: Number, hidden: true }),
      ...connectionOptions(),
    ],
    run: async () => (await import('./commands/perf-produce.ts')).perfProduce,
    printer: () => toolbox().then((m) => m.perfProducePrinter),
  }),
  command({
    name: 'perf consume',
    description: 'kafka-consumer-perf-test: read --messages records as a group member and print the summary line',
    options: [
      // kafka-consumer-perf-test's --timeout is milliseconds without a record; it takes the place of the connection's.
      ...connectionOptions({ timeout: false }),
      option('--topic <topic>', 'the topic to consume from', { required: true }),
      option('--messages <n>', 'the number of messages to consume', { required: true, parse: integer('--messages', 1, Number.MAX_SAFE_INTEGER) }),
      option('--group <group>', 'the group id (default perf-consumer-<random>)'),
      option('--fetch-size <bytes>', 'bytes per partition per fetch', { parse: integer('--fetch-size', 1, 1024 * 1024 * 1024), default: 1024 * 1024 }),
      option('--from-latest', 'with nothing committed, start at the end instead of the beginning'),
      option('--timeout <ms>', 'give up after this many milliseconds without a record', { parse: integer('--timeout', 1, 86_400_000), default: 10_000 }),
      option('--show-detailed-stats', 'print a line per reporting interval instead of the summary'),
      option('--reporting-interval <ms>', 'interval between detailed stats lines', { parse: integer('--reporting-interval', 1, 86_400_000), default: 5000 }),
      option('--date-format <pattern>', 'java.text.SimpleDateFormat pattern for the time columns', { default: 'yyyy-MM-dd HH:mm:ss:SSS' }),
      option('--hide-header', 'do not print the header line'),
      option('--consumer.config <file>', 'consumer properties file (security settings)'),
      option('--socket-buffer-size <bytes>', 'accepted for compatibility (Node.js sets no socket buffer sizes)', { parse: Number, hidden: true }),
      option('--print-metrics', undefined, { hidden: true }),
    ],
    run: async () => (await import('./commands/perf-consume.ts')).perfConsume,
    printer: () => toolbox().then((m) => m.perfConsumePrinter),
  }),
];

/** In the order `kafkaplane --help` lists them. */
export const COMMANDS: readonly CommandDeclaration<unknown, unknown>[] = [...LOCAL, ...ADMIN, ...STREAMING];
