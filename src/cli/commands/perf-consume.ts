import { KafkaplaneError } from '../../errors.ts';
import { type ConsumerPerfResult, runConsumerPerf } from '../../kafka/perf-consumer.ts';
import { CONSUMER_PERF_DETAILED_HEADER, CONSUMER_PERF_HEADER } from '../../toolbox/consumer-perf-stats.ts';
import { compileJavaDateFormat } from '../../toolbox/java-format.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import type { Io } from '../output.ts';

export interface PerfConsumeFlags extends Omit<ConnectionFlags, 'timeout'> {
  topic: string;
  messages: number;
  group?: string;
  fetchSize: number;
  fromLatest?: boolean;
  timeout: number;
  showDetailedStats?: boolean;
  reportingInterval: number;
  dateFormat: string;
  hideHeader?: boolean;
  'consumer.config'?: string;
  printMetrics?: boolean;
  socketBufferSize?: number;
}

/**
 * kafka-consumer-perf-test: the same flags (--timeout is Kafka's: milliseconds without a record before giving up)
 * and the same header, detailed-stats and summary lines.
 */
export interface PerfConsumeReport {
  topic: string;
  group: string;
  result: ConsumerPerfResult;
  /** The --timeout in ms (named in the warning when it ended the run). */
  timeoutMs: number;
  /** --show-detailed-stats: the lines were printed as they came; no summary line. */
  detailed: boolean;
  formatDate: (ms: number) => string;
}

export async function perfConsume(flags: PerfConsumeFlags, io: Io): Promise<PerfConsumeReport> {
  if (flags.printMetrics) throw new KafkaplaneError('BAD_USAGE', '--print-metrics prints Java client metrics, which kafkaplane does not have');
  const formatDate = compileJavaDateFormat(flags.dateFormat);
  // --timeout is the perf tool's (ms without a record); the connection keeps its default.
  const { timeout: _perfTimeout, ...connectionFlags }: ConnectionFlags & { bootstrapServer?: string; timeout?: number } = flags;
  if (connectionFlags.commandConfig === undefined && flags['consumer.config']) connectionFlags.commandConfig = flags['consumer.config'];
  const config = await resolveConnection(connectionFlags);
  const json = io.format === 'json';
  const group = flags.group ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`;
  if (!flags.hideHeader && !json) io.stdout.write(`${flags.showDetailedStats ? CONSUMER_PERF_DETAILED_HEADER : CONSUMER_PERF_HEADER}\n`);
  const result = await runConsumerPerf(config, {
    topic: flags.topic,
    messages: flags.messages,
    group,
    fromLatest: flags.fromLatest === true,
    timeoutMs: flags.timeout,
    fetchSize: flags.fetchSize,
    reportingIntervalMs: flags.reportingInterval,
    formatDate,
    ...(flags.showDetailedStats && !json ? { onInterval: (line: string) => io.stdout.write(`${line}\n`) } : {}),
  });
  return { topic: flags.topic, group, result, timeoutMs: flags.timeout, detailed: flags.showDetailedStats === true, formatDate };
}
