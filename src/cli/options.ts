// Flags several commands share: the connection to Kafka and the way to find a local cluster.
import { KafkaplaneError } from '../errors.ts';
import { type OptionSpec, option } from './declare.ts';

const MAX_TIMEOUT_S = 3600;

/**
 * --timeout of the commands that talk to Kafka: seconds (fractions allowed), more than 0 (there is no "no limit": a
 * command that talks to Kafka never hangs) and at most an hour.
 */
export function parseTimeoutSeconds(value: string): number {
  const n = Number(value);
  if (!(value.trim() !== '' && n > 0 && n <= MAX_TIMEOUT_S)) throw new KafkaplaneError('BAD_TIMEOUT', `--timeout must be more than 0 and at most ${MAX_TIMEOUT_S} seconds, got "${value}"`);
  return n;
}

/**
 * The flags every command that talks to Kafka takes (kafka-topics.sh and kcat users will recognise them). Without
 * `timeout`, the connection's --timeout is left out: kafka-consumer-perf-test has a --timeout of its own.
 */
export function connectionOptions(include: { timeout?: boolean } = {}): OptionSpec[] {
  return [
    option('-b, --bootstrap <servers>', 'host:port[,host:port…] (default: the local cluster `kafkaplane up` started)'),
    option('--bootstrap-server <servers>', "alias of --bootstrap, as Kafka's tools spell it"),
    option('--command-config <file>', 'Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.*)'),
    option('--cluster <name>', 'which local cluster, when --bootstrap is not given'),
    option('--state-dir <dir>', 'state directory of the local cluster, when --bootstrap is not given'),
    option('--sasl-mechanism <mechanism>', 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'),
    option('--sasl-username <user>', 'SASL user name'),
    option('--sasl-password <password>', 'SASL password (prefer --command-config or KAFKAPLANE_SASL_PASSWORD)'),
    option('--tls', 'connect with TLS'),
    option('--tls-ca <file>', "PEM file with the CA that signed the brokers' certificates"),
    option('--tls-insecure', "do not verify the brokers' certificates (testing only)"),
    ...(include.timeout === false ? [] : [option('--timeout <seconds>', 'give up on any request after this long', { parse: parseTimeoutSeconds })]),
  ];
}

/** How the local-cluster commands (down, status, logs) find the cluster: by spec file, name or state directory. */
export function locateOptions(): OptionSpec[] {
  return [
    option('-f, --file <file>', 'the spec file (to find the cluster by its name)'),
    option('--cluster <name>', 'which local cluster'),
    option('--state-dir <dir>', 'where the cluster keeps its state (default: per-user state directory)'),
  ];
}
