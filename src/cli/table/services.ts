// The long-running services of the command table (src/cli/commands.ts): exporter (and, later, console, operator).
import { InvalidArgumentError } from 'commander';
import { type CommandDeclaration, collect, command, option } from '../declare.ts';
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
];
