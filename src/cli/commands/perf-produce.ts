import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KafkaplaneError } from '../../errors.ts';
import { type PayloadSource, type ProducerPerfResult, runProducerPerf } from '../../kafka/perf-producer.ts';
import { parseProperties } from '../../model/properties-format.ts';
import { parseKeyValues } from '../../toolbox/key-values.ts';
import { applyProducerProperties, defaultProducerSettings } from '../../toolbox/producer-settings.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, writeStderrLine } from '../output.ts';
import { readSmallTextFile } from '../small-file.ts';

export interface PerfProduceFlags extends ConnectionFlags {
  topic: string;
  numRecords: number;
  recordSize?: number;
  payloadFile?: string;
  payloadDelimiter?: string;
  payloadMonotonic?: boolean;
  throughput: number;
  producerProps?: string[];
  'producer.config'?: string;
  printMetrics?: boolean;
  transactionalId?: string;
  transactionDurationMs?: number;
}

/**
 * kafka-producer-perf-test: the same flags, and the same output lines (a window line every 5 s, then the total with
 * percentiles), so scripts and dashboards that parse Kafka's tool keep working.
 */
export interface PerfProduceReport {
  topic: string;
  result: ProducerPerfResult;
}

export async function perfProduce(flags: PerfProduceFlags, io: Io): Promise<PerfProduceReport> {
  const payloadKinds = [flags.recordSize !== undefined, flags.payloadFile !== undefined, flags.payloadMonotonic === true].filter(Boolean).length;
  if (payloadKinds !== 1) throw new KafkaplaneError('BAD_USAGE', 'give exactly one of --record-size, --payload-file or --payload-monotonic');
  if (flags.printMetrics) throw new KafkaplaneError('BAD_USAGE', '--print-metrics prints Java client metrics, which kafkaplane does not have');
  if (flags.transactionalId !== undefined || flags.transactionDurationMs !== undefined) {
    throw new KafkaplaneError('BAD_USAGE', 'transactional runs (--transactional-id, --transaction-duration-ms) are not supported by kafkaplane perf produce yet');
  }
  const props: Record<string, string> = {};
  const configFile = flags['producer.config'];
  if (configFile) {
    const text = await readSmallTextFile(configFile, '--producer.config', 'a Kafka producer properties file (key=value lines)', 'BAD_PRODUCER_CONFIG');
    Object.assign(props, parseProperties(text));
  }
  const cliProps = parseKeyValues(flags.producerProps ?? [], '--producer-props');
  const security = Object.keys(cliProps).filter((k) => /^(security\.protocol|sasl\.|ssl\.)/.test(k));
  if (security.length > 0) {
    throw new KafkaplaneError('BAD_USAGE', `--producer-props ${security.join(', ')}: put security settings in --producer.config or --command-config (a properties file)`);
  }
  Object.assign(props, cliProps);
  if (transactional(props)) throw new KafkaplaneError('BAD_USAGE', 'transactional.id: transactional runs are not supported by kafkaplane perf produce yet');
  const { settings, ignored } = applyProducerProperties(defaultProducerSettings(), props, '--producer-props');
  for (const key of ignored) writeStderrLine(io, `WARN The configuration '${key}' was supplied but is not used by kafkaplane.`);

  const payload = await payloadSource(flags, io);
  const connectionFlags: ConnectionFlags & { bootstrapServer?: string } = { ...flags };
  if (connectionFlags.bootstrap === undefined && (flags as { bootstrapServer?: string }).bootstrapServer === undefined && props['bootstrap.servers'])
    connectionFlags.bootstrap = props['bootstrap.servers'];
  if (connectionFlags.commandConfig === undefined && configFile) connectionFlags.commandConfig = configFile;
  const config = await resolveConnection(connectionFlags);
  const json = io.format === 'json';
  const result = await runProducerPerf(config, {
    topic: flags.topic,
    numRecords: flags.numRecords,
    payload,
    throughput: flags.throughput,
    settings,
    stallTimeoutMs: Math.max(30_000, 2 * (settings.requestTimeoutMs ?? config.timeoutMs ?? 15_000)),
    onLine: (line) => {
      if (!json) io.stdout.write(`${line}\n`);
    },
    onWarning: (line) => writeStderrLine(io, `WARN ${line}`),
  });
  return { topic: flags.topic, result };
}

function transactional(props: Record<string, string>): boolean {
  return props['transactional.id'] !== undefined;
}

async function payloadSource(flags: PerfProduceFlags, io: Io): Promise<PayloadSource> {
  if (flags.recordSize !== undefined) return { kind: 'size', size: flags.recordSize };
  if (flags.payloadMonotonic) return { kind: 'monotonic' };
  const file = flags.payloadFile!;
  if (io.format !== 'json') io.stdout.write(`Reading payloads from: ${resolve(file)}\n`);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new KafkaplaneError('BAD_PAYLOAD_FILE', `File does not exist or empty file provided: ${file}`);
  });
  const delimiter = (flags.payloadDelimiter ?? '\\n') === '\\n' ? '\n' : flags.payloadDelimiter!;
  const payloads = text
    .split(delimiter)
    .filter((p) => p !== '')
    .map((p) => Buffer.from(p, 'utf8'));
  if (payloads.length === 0) throw new KafkaplaneError('BAD_PAYLOAD_FILE', `File does not exist or empty file provided: ${file}`);
  if (io.format !== 'json') io.stdout.write(`Number of messages read: ${payloads.length}\n`);
  return { kind: 'list', payloads };
}
