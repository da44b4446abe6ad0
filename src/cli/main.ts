import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KafkaplaneError, ProblemsError } from '../errors.ts';
import { cliHint } from './hints.ts';
import { addConnectionOptions } from './connection.ts';
import { type Io, printJson } from './output.ts';

const VERSION = '0.1.0';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Every command kafkaplane has is declared here; each lives in commands/<name>.ts and returns an exit code. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('kafkaplane')
    .description('Apache Kafka on Kubernetes, done right: a real local KRaft cluster, manifests, an operator and a toolbox from one spec')
    .version(VERSION)
    // Collected rather than `.choices()`: `consume` also takes kcat's `-o <offset>` (see applyGlobals).
    .addOption(new Option('-o, --output <format>', 'output format: text (default) or json; consume also takes kcat\'s -o offsets (beginning, end, N, -N, s@TIME, e@TIME)').argParser((value: string, previous: unknown) => [...(Array.isArray(previous) ? (previous as string[]) : []), value]))
    .option('-q, --quiet', 'no progress output', false)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  /**
   * Sets the output format and --quiet; returns `-o` values that are not output formats. kcat users type
   * `consume -o beginning`; kcat's offsets (beginning, end, stored, N, -N, s@…, e@…) and the formats (text, json)
   * never overlap, so `consume` takes them as kcat does (`kcatOffsets`); every other command refuses them.
   */
  const applyGlobals = (cmd: Command, options: { kcatOffsets?: boolean } = {}): string[] => {
    const opts = cmd.optsWithGlobals() as { output?: string[]; quiet: boolean };
    const values = opts.output ?? [];
    const others = values.filter((v) => v !== 'text' && v !== 'json');
    if (others.length > 0 && !options.kcatOffsets) {
      throw new KafkaplaneError('BAD_OUTPUT', `-o/--output "${others[0]}": the output format is text or json`, { exitCode: 2, hint: 'e.g. -o json' });
    }
    io.format = (values.filter((v): v is 'text' | 'json' => v === 'text' || v === 'json').at(-1)) ?? 'text';
    io.quiet = opts.quiet;
    return others;
  };
  const locate = (cmd: Command) =>
    cmd
      .option('-f, --file <file>', 'the spec file (to find the cluster by its name)')
      .option('--cluster <name>', 'which local cluster')
      .option('--state-dir <dir>', 'where the cluster keeps its state (default: per-user state directory)');

  program
    .command('up')
    .description('run the spec as a real Apache Kafka KRaft cluster on this machine (no Docker, no Kubernetes)')
    .requiredOption('-f, --file <file>', 'the spec: KafkaCluster (and KafkaTopic / KafkaUser documents)')
    .option('--cluster <name>', 'which KafkaCluster of the file, when it has several')
    .option('--state-dir <dir>', 'where the cluster keeps data, logs and pids (default: ~/.local/state/kafkaplane/clusters/<name>)')
    .option('--port-base <port>', 'first port of the local port plan (default: the first listener\'s port)', integer('--port-base', 1024, 65000))
    .option('--heap <size>', 'JVM heap per node, e.g. 512m or 1g (default 512m)')
    .option('--timeout <seconds>', 'how long to wait for the cluster to become ready', integer('--timeout', 1, 3600), 120)
    .option('--allow-state-in-checkout', 'allow --state-dir inside a git checkout', false)
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runUp } = await import('./commands/up.ts');
      setExit(await runUp(flags, io));
    });

  locate(program.command('down').description('stop the local cluster with a controlled shutdown; data is kept'))
    .option('--purge', 'also delete the cluster\'s data and state', false)
    .option('--timeout <seconds>', 'grace period per node before it is killed', integer('--timeout', 1, 3600), 30)
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runDown } = await import('./commands/down.ts');
      setExit(await runDown(flags, io));
    });

  locate(program.command('status').description('nodes, pids, ports, roles, quorum and health of the local cluster (exit 1 when not healthy)'))
    .option('--all', 'every local cluster', false)
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runStatus } = await import('./commands/status.ts');
      setExit(await runStatus(flags, io));
    });

  locate(program.command('logs').description('a node\'s log (all nodes when none is given)').argument('[node]', 'node id', integer('node', 0, 1_000_000)))
    .option('-n, --tail <lines>', 'lines to show from the end', integer('--tail', 0, 1_000_000), 100)
    .option('-F, --follow', 'keep printing new lines', false)
    .action(async (node: number | undefined, flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runLogs } = await import('./commands/logs.ts');
      setExit(await runLogs({ ...flags, ...(node !== undefined ? { node } : {}) }, io));
    });

  program
    .command('validate')
    .description('check a spec file and print what it defines')
    .requiredOption('-f, --file <file>', 'the spec file ("-" for standard input)')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runValidate } = await import('./commands/validate.ts');
      setExit(await runValidate(flags, io));
    });

  // --- render: Kubernetes manifests, Kustomize, docker compose or Strimzi resources from the spec (docs/render.md) ---
  program
    .command('render')
    .description('render the spec as Kubernetes manifests (yaml, kustomize), a docker compose file or Strimzi resources')
    .requiredOption('-f, --file <file>', 'the spec: KafkaCluster (and KafkaTopic / KafkaUser documents)')
    .addOption(new Option('--format <format>', 'what to render').choices(['yaml', 'kustomize', 'compose', 'strimzi']).default('yaml'))
    .option('-d, --out-dir <dir>', 'write the files into this directory (default: print to stdout; kustomize needs a directory)')
    .option('--cluster <name>', 'which KafkaCluster of the file, when it has several')
    .option('-n, --namespace <namespace>', 'namespace of every object (default: the cluster\'s metadata.namespace, else "default")')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runRender } = await import('./commands/render.ts');
      setExit(await runRender(flags, io));
    });

  // --- toolbox: topics, groups, metadata, cluster describe, doctor, size, connect-info (docs/toolbox.md) ---
  const many = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  const topics = program.command('topics').description('list, describe, create, alter and delete topics (kafka-topics.sh)');
  addConnectionOptions(topics.command('list').description('topic names, one per line (internal topics with --include-internal)'))
    .option('--topic <regex>', 'only topics matching this regular expression (commas separate alternatives)')
    .option('--include-internal', 'include internal topics (__consumer_offsets, __transaction_state, …)')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runTopicsList } = await import('./commands/topics.ts');
      setExit(await runTopicsList(flags, io));
    });
  addConnectionOptions(topics.command('describe').description('partitions with leader, replicas, ISR and ELR, and config overrides (kafka-topics --describe format)').argument('[topics...]', 'topic names (default: every topic)'))
    .option('--topic <regex>', 'topics matching this regular expression (commas separate alternatives)')
    .option('--include-internal', 'include internal topics when no topic is named')
    .option('--under-replicated-partitions', 'only partitions whose ISR is smaller than their replica set')
    .option('--under-min-isr-partitions', 'only partitions whose ISR is below min.insync.replicas (or without leader)')
    .option('--at-min-isr-partitions', 'only partitions whose ISR is exactly min.insync.replicas')
    .option('--unavailable-partitions', 'only partitions without a live leader')
    .option('--topics-with-overrides', 'only topics with config overrides (no partition lines)')
    .option('--if-exists', 'no error when a named topic does not exist')
    .action(async (names: string[], flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runTopicsDescribe } = await import('./commands/topics.ts');
      setExit(await runTopicsDescribe(names, flags, io));
    });
  addConnectionOptions(topics.command('create').description('create a topic').argument('<topic>', 'the topic name'))
    .option('--partitions <n>', 'number of partitions (default: the brokers\' num.partitions)', integer('--partitions', 1, 1_000_000))
    .option('--replication-factor <n>', 'replicas per partition (default: the brokers\' default.replication.factor)', integer('--replication-factor', 1, 32_767))
    .option('--replica-assignment <lists>', 'broker ids per partition, e.g. 0:1:2,1:2:0 (instead of --partitions and --replication-factor)')
    .option('--config <key=value>', 'a topic config override (repeatable)', many)
    .option('--if-not-exists', 'no error when the topic exists (it is left unchanged)')
    .action(async (name: string, flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runTopicsCreate } = await import('./commands/topics.ts');
      setExit(await runTopicsCreate(name, flags, io));
    });
  addConnectionOptions(topics.command('alter').description('add partitions, set or delete config overrides (all validated before anything changes)').argument('<topic>', 'the topic name'))
    .option('--partitions <n>', 'the new partition count (only grows)', integer('--partitions', 1, 1_000_000))
    .option('--replica-assignment <lists>', 'broker ids per partition for the whole topic; the new partitions take their lists from it')
    .option('--config <key=value>', 'set a topic config override (repeatable)', many)
    .option('--delete-config <key>', 'remove a topic config override, back to the broker default (repeatable)', many)
    .option('--if-exists', 'no error when the topic does not exist')
    .action(async (name: string, flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runTopicsAlter } = await import('./commands/topics.ts');
      setExit(await runTopicsAlter(name, flags, io));
    });
  addConnectionOptions(topics.command('delete').description('delete topics (exact names; internal topics are refused)').argument('<topics...>', 'topic names'))
    .option('--if-exists', 'no error when a topic does not exist')
    .action(async (names: string[], flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runTopicsDelete } = await import('./commands/topics.ts');
      setExit(await runTopicsDelete(names, flags, io));
    });

  const groups = program.command('groups').description('list, describe, reset offsets of and delete consumer groups (kafka-consumer-groups.sh; KIP-848 groups too)');
  addConnectionOptions(groups.command('list').description('consumer groups with their type and state'))
    .option('--state <states>', 'only groups in these states, comma-separated (Stable, Empty, …)')
    .option('--type <types>', 'only groups of these types: classic, consumer')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runGroupsList } = await import('./commands/groups.ts');
      setExit(await runGroupsList(flags, io));
    });
  addConnectionOptions(groups.command('describe').description('per partition: committed offset, log end offset, lag and owner (or --members, --state)').argument('[groups...]', 'group ids'))
    .option('--all-groups', 'every consumer group')
    .option('--offsets', 'the offsets view (the default)')
    .option('--members', 'the members view: consumer id, host, client id, partition count')
    .option('--state', 'the state view: coordinator, assignment strategy, state, member count')
    .option('--verbose', 'more columns (assignments and epochs)')
    .action(async (names: string[], flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runGroupsDescribe } = await import('./commands/groups.ts');
      setExit(await runGroupsDescribe(names, flags, io));
    });
  addConnectionOptions(groups.command('reset-offsets').description('plan (and with --execute commit) new offsets for inactive groups').argument('[groups...]', 'group ids (or --group)'))
    .option('--group <group>', 'a group id (repeatable)', many)
    .option('--all-groups', 'every consumer group')
    .option('--topic <topic[:partitions]>', 'scope: a topic, or topic:0,1,2 (repeatable)', many)
    .option('--all-topics', 'scope: every partition the group has committed offsets for')
    .option('--to-earliest', 'the log start offset')
    .option('--to-latest', 'the log end offset')
    .option('--to-current', 'the committed offset (the log end where nothing is committed)')
    .option('--to-offset <offset>', 'this offset (moved into [log start, log end])')
    .option('--shift-by <n>', 'the committed offset plus n (negative moves back)')
    .option('--to-datetime <datetime>', 'the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone] (no zone: UTC)')
    .option('--by-duration <duration>', 'the first offset at or after now minus an ISO-8601 duration (PT30M, P1D)')
    .option('--from-file <csv>', 'offsets from a CSV plan: topic,partition,offset (or group,topic,partition,offset)')
    .option('--dry-run', 'show the plan only (the default)')
    .option('--execute', 'commit the plan')
    .option('--export', 'print the plan as CSV (for --from-file)')
    .option('--allow-new-group', 'allow a group that does not exist yet (gives it starting offsets with --execute)')
    .action(async (names: string[], flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runGroupsResetOffsets } = await import('./commands/groups.ts');
      setExit(await runGroupsResetOffsets(names, flags, io));
    });
  addConnectionOptions(groups.command('delete').description('delete inactive consumer groups and their committed offsets').argument('[groups...]', 'group ids'))
    .option('--all-groups', 'every consumer group')
    .action(async (names: string[], flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runGroupsDelete } = await import('./commands/groups.ts');
      setExit(await runGroupsDelete(names, flags, io));
    });

  addConnectionOptions(program.command('metadata').description('brokers, controller and every partition\'s leader, replicas and ISR, as kcat -L prints them (-o json: kcat -L -J)'))
    .option('-t, --topic <topic>', 'only this topic')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runMetadata } = await import('./commands/metadata.ts');
      setExit(await runMetadata(flags, io));
    });

  const clusterCommand = program.command('cluster').description('the cluster as a whole');
  addConnectionOptions(clusterCommand.command('describe').description('cluster id, brokers and the KRaft quorum: leader, voters, observers, lag (DescribeQuorum)')).action(async (flags, cmd: Command) => {
    applyGlobals(cmd);
    const { runClusterDescribe } = await import('./commands/cluster.ts');
    setExit(await runClusterDescribe(flags, io));
  });

  addConnectionOptions(program.command('doctor').description('check bootstrap and advertised addresses, brokers, partitions, the quorum and consumer lag; exit 1 on a critical finding (with --strict: on a warning too), else 0'))
    .option('--lag-interval <seconds>', 'seconds between the two consumer-lag samples (0: one sample)', integer('--lag-interval', 0, 600), 5)
    .option('--strict', 'warnings fail too (exit 1), not only critical findings')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runDoctor } = await import('./commands/doctor.ts');
      setExit(await runDoctor(flags, io));
    });

  program
    .command('size')
    .description('brokers, disk, memory and network for a load (seed 000\'s sizing rules), with the reasoning')
    .option('--write <rate>', 'producer traffic, e.g. 50MB/s or 1TB/day (required)')
    .option('--read <rate>', 'consumer traffic (default: --write × --fanout)')
    .option('--fanout <n>', 'how many consumer groups read everything (default 1)')
    .option('--retention <duration>', 'how long data is kept, e.g. 7d, 72h', '7d')
    .option('--replication-factor <n>', 'replicas per partition', integer('--replication-factor', 1, 32_767), 3)
    .option('--partitions <n>', 'total partitions of all topics (checks partitions per broker)', integer('--partitions', 1, 100_000_000))
    .option('--headroom <percent>', 'spare capacity on disk and network', '30')
    .option('--broker-network <rate>', 'usable bandwidth per broker', '10Gbit/s')
    .option('--max-disk <size>', 'largest disk one broker should carry', '2TiB')
    .option('--max-partitions-per-broker <n>', 'partition replicas per broker', integer('--max-partitions-per-broker', 1, 1_000_000), 4000)
    .option('--heap <size>', 'JVM heap per broker (seed 000: at most ~6 GB)', '6GiB')
    .option('--page-cache-seconds <n>', 'seconds of writes the page cache holds (seed 000: 30)', integer('--page-cache-seconds', 0, 3600), 30)
    .option('--tls', 'clients use TLS (more CPU, no zero-copy)')
    .option('--min-brokers <n>', 'fewest brokers to plan', integer('--min-brokers', 1, 10_000), 3)
    .option('-f, --file <file>', 'compare with this cluster spec (exit 1 when it is too small)')
    .option('--cluster <name>', 'which KafkaCluster of the file')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runSize } = await import('./commands/size.ts');
      setExit(await runSize(flags, io));
    });

  program
    .command('connect-info')
    .description('client configuration for a listener: Spring Boot, env vars / ConfigMap, Java properties, kcat, kafka-python')
    .option('-f, --file <file>', 'the spec: Kubernetes addresses as `kafkaplane render` names them (default: the running local cluster)')
    .option('--cluster <name>', 'which cluster (of the file, or which local cluster)')
    .option('--listener <name>', 'which listener (default: the first)')
    .option('--user <name>', 'the SCRAM user, for listeners with authentication')
    .addOption(new Option('--format <format>', 'one format only').choices(['all', 'spring', 'env', 'configmap', 'properties', 'kcat', 'python']).default('all'))
    .option('--local', 'with -f: the local cluster `kafkaplane up -f` runs, not Kubernetes')
    .option('--state-dir <dir>', 'state directory of the local cluster')
    .option('-n, --namespace <namespace>', 'Kubernetes namespace (default: the cluster\'s metadata.namespace)')
    .option('--reveal-password', 'local cluster: write the user\'s password into the output')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runConnectInfo } = await import('./commands/connect-info.ts');
      setExit(await runConnectInfo(flags, io));
    });

  // --- toolbox: produce, consume, perf produce, perf consume (kcat and Kafka's console/perf tools) ---
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  const collectInt = (name: string, min: number, max: number) => (value: string, previous: number[] | undefined) => [...(previous ?? []), integer(name, min, max)(value)];
  addConnectionOptions(
    program
      .command('produce')
      .description('send records from standard input or files (kcat -P, kafka-console-producer): raw bytes, keys, headers, null markers')
      .argument('[files...]', 'send each file as one record (with -l: one file, split at the delimiter)')
      .requiredOption('-t, --topic <topic>', 'the topic')
      .option('-p, --partition <n>', 'send every record to this partition (default: by key, as Java clients hash it; round-robin without a key)', integer('--partition', 0, 1_000_000))
      .option('-D, --delimiter <delim>', 'record delimiter in the input: \\n \\r \\t \\xHH or text (default \\n)')
      .option('-K, --key-delimiter <delim>', 'split each record into key and value at the first delimiter (kcat -K; alias --key-separator)')
      .addOption(new Option('--key-separator <delim>').hideHelp())
      .option('-k, --key <key>', 'the key of records that have none of their own')
      .option('-H, --header <name=value>', 'add a header to every record (repeatable; no "=" means a null value)', collect)
      .option('-Z, --null-empty', 'send an empty key or value as null (kcat -Z)')
      .option('--null-marker <text>', 'send a key, value or header value equal to this text as null (console producer null.marker)')
      .option('--acks <acks>', '0, 1 or all (default all)')
      .option('-z, --compression <codec>', 'none, gzip, snappy, lz4 or zstd (default none)')
      .option('--no-idempotence', 'turn off the idempotent producer (on by default with acks=all, as in Kafka 4)')
      .option('-c, --count <n>', 'stop after this many records', integer('--count', 1, Number.MAX_SAFE_INTEGER))
      .option('-l, --line-mode', 'split the one file given at the delimiter, as with standard input (kcat -l)')
      .option('--property <key=value>', 'kafka-console-producer reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable)', collect)
      .option('--producer-property <key=value>', 'Kafka producer property: acks, compression.type, enable.idempotence, batch.size, linger.ms, … (repeatable)', collect)
      .option('--producer.config <file>', 'Kafka producer properties file'),
  ).action(async (files: string[], flags, cmd: Command) => {
    applyGlobals(cmd);
    const { runProduce } = await import('./commands/produce.ts');
    const f = flags as Record<string, unknown>;
    setExit(await runProduce({ ...flags, keyDelimiter: flags.keyDelimiter ?? flags.keySeparator, ...(f.idempotence === false ? { idempotence: false } : { idempotence: undefined }), producerConfig: f['producer.config'] as string | undefined }, files, io));
  });

  addConnectionOptions(
    program
      .command('consume')
      .description('print records (kcat -C, kafka-console-consumer): kcat -f formats or the -J JSON envelope, byte for byte')
      .requiredOption('-t, --topic <topic>', 'the topic (repeatable)', collect)
      .option('-p, --partition <n>', 'read only this partition (repeatable; default all)', collectInt('--partition', 0, 1_000_000))
      .option('--offset <offset>', 'where to start (also -o, as in kcat): beginning, end, stored, N, -N, s@TIME; add e@TIME to stop there (repeatable). Default: beginning; with --group, the committed offset', collect)
      .option('--from-beginning', 'same as --offset beginning (kafka-console-consumer)')
      .option('-G, --group <group>', 'consume as a member of this consumer group and commit what was printed')
      .option('-c, --count <n>', 'exit after this many records (alias --max-messages)', integer('--count', 1, Number.MAX_SAFE_INTEGER))
      .addOption(new Option('--max-messages <n>').argParser(integer('--max-messages', 1, Number.MAX_SAFE_INTEGER)).hideHelp())
      .option('-e, --exit', 'exit when every partition has been read to its end (kcat -e)')
      .option('--timeout-ms <ms>', 'exit when no record arrives for this long (kafka-console-consumer)', integer('--timeout-ms', 1, 86_400_000))
      .option('-f, --format <format>', 'kcat output format: %t %p %o %k %K %s %S %R %T %h, \\n \\t \\xHH')
      .option('-J, --json', 'one JSON envelope per record, as kcat -J (also -o json)')
      .option('-D, --delimiter <delim>', 'written after each record without -f (default \\n)')
      .option('-K, --key-delimiter <delim>', 'print the key, this delimiter, then the value (kcat -K)')
      .option('-O, --print-offset', 'print the offset before the key, with the -K delimiter (kcat -O)')
      .option('-Z, --null-literal', 'print null keys and values as NULL (kcat -Z)')
      .option('--null-marker <text>', 'print null keys and values as this text'),
  ).action(async (flags, cmd: Command) => {
    // kcat's `-o beginning` etc. are offsets here, added to --offset's (start and stop specs may come in any order).
    const kcatOffsets = applyGlobals(cmd, { kcatOffsets: true });
    const { runConsume } = await import('./commands/consume.ts');
    const offset = [...(flags.offset ?? []), ...kcatOffsets];
    setExit(await runConsume({ ...flags, ...(offset.length > 0 ? { offset } : {}), count: flags.count ?? flags.maxMessages }, io));
  });

  const perf = program.command('perf').description('load tests with the flags and output lines of Kafka\'s kafka-producer-perf-test and kafka-consumer-perf-test');
  addConnectionOptions(
    perf
      .command('produce')
      .description('kafka-producer-perf-test: send --num-records records and print throughput and latency lines')
      .requiredOption('--topic <topic>', 'produce messages to this topic')
      .requiredOption('--num-records <n>', 'number of messages to produce', integer('--num-records', 1, Number.MAX_SAFE_INTEGER))
      .option('--record-size <bytes>', 'message size in bytes (random uppercase letters)', integer('--record-size', 1, 100 * 1024 * 1024))
      .option('--payload-file <file>', 'UTF-8 file of payloads, one picked at random per message')
      .option('--payload-delimiter <delim>', 'payload delimiter in --payload-file (default \\n)')
      .option('--payload-monotonic', 'payload is the message number')
      .option('--throughput <n>', 'throttle to about this many messages/sec; -1 for no limit', (v: string) => {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new InvalidArgumentError('--throughput must be a number (-1 for no limit)');
        return n;
      }, -1)
      .option('--producer-props <key=value...>', 'producer properties: acks, compression.type, batch.size, linger.ms, bootstrap.servers, …')
      .option('--producer.config <file>', 'producer properties file (security settings too)')
      .addOption(new Option('--print-metrics').hideHelp())
      .addOption(new Option('--transactional-id <id>').hideHelp())
      .addOption(new Option('--transaction-duration-ms <ms>').argParser(Number).hideHelp()),
  ).action(async (flags, cmd: Command) => {
    applyGlobals(cmd);
    const { runPerfProduce } = await import('./commands/perf-produce.ts');
    setExit(await runPerfProduce(flags, io));
  });

  // kafka-consumer-perf-test's --timeout is milliseconds without a record; it replaces the connection --timeout.
  const perfConsume = addConnectionOptions(perf.command('consume'));
  const mutable = perfConsume as unknown as { options: Option[]; removeAllListeners(event: string): void };
  mutable.options = mutable.options.filter((o) => o.long !== '--timeout');
  mutable.removeAllListeners('option:timeout');
  perfConsume
    .description('kafka-consumer-perf-test: read --messages records as a group member and print the summary line')
    .requiredOption('--topic <topic>', 'the topic to consume from')
    .requiredOption('--messages <n>', 'the number of messages to consume', integer('--messages', 1, Number.MAX_SAFE_INTEGER))
    .option('--group <group>', 'the group id (default perf-consumer-<random>)')
    .option('--fetch-size <bytes>', 'bytes per partition per fetch', integer('--fetch-size', 1, 1024 * 1024 * 1024), 1024 * 1024)
    .option('--from-latest', 'with nothing committed, start at the end instead of the beginning')
    .option('--timeout <ms>', 'give up after this many milliseconds without a record', integer('--timeout', 1, 86_400_000), 10_000)
    .option('--show-detailed-stats', 'print a line per reporting interval instead of the summary')
    .option('--reporting-interval <ms>', 'interval between detailed stats lines', integer('--reporting-interval', 1, 86_400_000), 5000)
    .option('--date-format <pattern>', 'java.text.SimpleDateFormat pattern for the time columns', 'yyyy-MM-dd HH:mm:ss:SSS')
    .option('--hide-header', 'do not print the header line')
    .option('--consumer.config <file>', 'consumer properties file (security settings)')
    .addOption(new Option('--socket-buffer-size <bytes>', 'accepted for compatibility (Node.js sets no socket buffer sizes)').argParser(Number).hideHelp())
    .addOption(new Option('--print-metrics').hideHelp())
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runPerfConsume } = await import('./commands/perf-consume.ts');
      setExit(await runPerfConsume(flags, io));
    });

  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage or invalid spec. Expected failures print their
 * message (and hint) without a stack; anything else is a bug and prints its stack.
 */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, quiet: false, format: 'text' }): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof KafkaplaneError) {
      const hint = cliHint(error.hint);
      if (io.format === 'json') {
        printJson(io, { error: { code: error.code, message: error.message, hint: hint ?? null, retriable: error.retriable, ...(error instanceof ProblemsError ? { problems: error.problems } : {}) } });
      }
      io.stderr.write(`error: ${error.message}\n`);
      if (hint) io.stderr.write(`hint: ${hint}\n`);
      return error.exitCode;
    }
    io.stderr.write(`kafkaplane hit a bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    io.stderr.write('please report it with the command you ran\n');
    return 1;
  }
}
