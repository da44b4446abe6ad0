import { KafkaplaneError } from '../../errors.ts';
import { runConsumerPerf } from '../../kafka/perf-consumer.ts';
import { CONSUMER_PERF_DETAILED_HEADER, CONSUMER_PERF_HEADER, consumerPerfSummaryLine, consumerPerfTimeoutWarning } from '../../toolbox/consumer-perf-stats.ts';
import { compileJavaDateFormat } from '../../toolbox/java-format.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, printJson } from '../output.ts';

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
export async function runPerfConsume(flags: PerfConsumeFlags, io: Io): Promise<number> {
  if (flags.printMetrics) throw new KafkaplaneError('BAD_USAGE', '--print-metrics prints Java client metrics, which kafkaplane does not have', { exitCode: 2 });
  const formatDate = compileJavaDateFormat(flags.dateFormat);
  const connectionFlags: ConnectionFlags & { bootstrapServer?: string } = { ...flags, timeout: undefined } as ConnectionFlags;
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
  if (json) {
    const elapsedSec = (result.endMs - result.startMs) / 1000;
    const fetchSec = (result.endMs - result.startMs - result.joinTimeMs) / 1000;
    const mb = result.bytes / (1024 * 1024);
    printJson(io, {
      topic: flags.topic,
      group,
      startTime: new Date(result.startMs).toISOString(),
      endTime: new Date(result.endMs).toISOString(),
      consumedMB: mb,
      mbPerSec: mb / elapsedSec,
      messages: result.messages,
      messagesPerSec: result.messages / elapsedSec,
      rebalanceTimeMs: result.joinTimeMs,
      fetchTimeMs: result.endMs - result.startMs - result.joinTimeMs,
      fetchMBPerSec: mb / fetchSec,
      fetchMessagesPerSec: result.messages / fetchSec,
      timedOut: result.timedOut,
    });
    return 0;
  }
  if (result.timedOut) io.stdout.write(`${consumerPerfTimeoutWarning(flags.timeout)}\n`);
  if (!flags.showDetailedStats) io.stdout.write(`${consumerPerfSummaryLine(result, formatDate)}\n`);
  return 0;
}
