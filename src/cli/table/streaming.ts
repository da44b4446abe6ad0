// The streaming commands of the command table (src/cli/commands.ts).
import { InvalidArgumentError } from 'commander';
import { type CommandDeclaration, collect, collectIntegers, command, integer, option } from '../declare.ts';
import { connectionOptions } from '../options.ts';

const toolbox = () => import('../print/toolbox.ts');

// --- toolbox: produce, consume, perf produce, perf consume (kcat and Kafka's console/perf tools) -------------------
function throughput(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('--throughput must be a number (-1 for no limit)');
  return n;
}

export const STREAMING: CommandDeclaration<unknown, unknown>[] = [
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
    run: async () => (await import('../commands/produce.ts')).produce,
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
    run: async () => (await import('../commands/consume.ts')).consume,
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
    run: async () => (await import('../commands/perf-produce.ts')).perfProduce,
    printer: () => toolbox().then((m) => m.perfProducePrinter),
  }),
  command({
    name: 'perf verify',
    description:
      'a checked workload: sequence-numbered records (acks=all, idempotent) written and read back; reports acked, read, lost, duplicated, out of order; exit 1 if anything acknowledged was lost',
    options: [
      ...connectionOptions(),
      option('--topic <topic>', 'the topic to write and read (it must exist)', { required: true }),
      option('--records <n>', 'how many records to send', { parse: integer('--records', 1, 100_000_000), default: 10_000 }),
      option('--rate <n>', 'records per second', { parse: integer('--rate', 1, 1_000_000), default: 1_000 }),
      option('--drain-timeout <seconds>', 'after the last send, how long to wait for acknowledged records to be read', { parse: integer('--drain-timeout', 1, 3600), default: 30 }),
    ],
    run: async () => (await import('../commands/perf-verify.ts')).perfVerify,
    printer: () => toolbox().then((m) => m.perfVerifyPrinter),
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
    run: async () => (await import('../commands/perf-consume.ts')).perfConsume,
    printer: () => toolbox().then((m) => m.perfConsumePrinter),
  }),
];
