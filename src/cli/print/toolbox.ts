// Printers of the streaming toolbox commands: what is left to print once produce, consume and perf have streamed
// their records or lines — the summary (text or JSON) and the exit code.
import type { VerifyResult } from '../../kafka/verify-workload.ts';
import { consumerPerfSummaryLine, consumerPerfTimeoutWarning } from '../../toolbox/consumer-perf-stats.ts';
import type { PerfConsumeReport } from '../commands/perf-consume.ts';
import type { PerfProduceReport } from '../commands/perf-produce.ts';
import type { ProduceReport } from '../commands/produce.ts';
import type { Printer } from '../declare.ts';
import { writeNote, writeStderrLine } from '../output.ts';

export const producePrinter: Printer<ProduceReport> = {
  json: (r) => ({ topic: r.topic, messages: r.messages, bytes: r.bytes, ...(r.interrupted ? { interrupted: true } : {}) }),
  text: (r, io) => writeNote(io, `% produced ${r.messages} message${r.messages === 1 ? '' : 's'} (${r.bytes} bytes) to ${r.topic}${r.interrupted ? ' (interrupted)' : ''}`),
};

/** consume printed every record as it came (kcat's -f, or -J envelopes with -o json): nothing is left to print. */
export const consumePrinter: Printer<{ messages: number }> = {
  json: () => undefined,
  text: () => undefined,
};

export const perfProducePrinter: Printer<PerfProduceReport> = {
  json: ({ topic, result }) => ({ topic, ...result.stats.summary(result.endMs), failedRecords: result.failedRecords }),
  text: ({ result }, io) => io.stdout.write(`${result.stats.totalLine(result.endMs)}\n`),
  after({ result }, io) {
    if (result.failedRecords > 0) writeStderrLine(io, `error: ${result.failedRecords} records were not acknowledged`);
  },
  exitCode: ({ result }) => (result.failedRecords > 0 ? 1 : 0),
};

export const perfConsumePrinter: Printer<PerfConsumeReport> = {
  json({ topic, group, result }) {
    const elapsedSec = (result.endMs - result.startMs) / 1000;
    const fetchSec = (result.endMs - result.startMs - result.joinTimeMs) / 1000;
    const mb = result.bytes / (1024 * 1024);
    return {
      topic,
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
    };
  },
  text(r, io) {
    if (r.result.timedOut) io.stdout.write(`${consumerPerfTimeoutWarning(r.timeoutMs)}\n`);
    if (!r.detailed) io.stdout.write(`${consumerPerfSummaryLine(r.result, r.formatDate)}\n`);
  },
};

export const perfVerifyPrinter: Printer<VerifyResult> = {
  text(r, io) {
    const errors =
      Object.entries(r.produceErrors)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none';
    io.stdout.write(
      `${r.acked} acknowledged, ${r.read} read back, ${r.lost} lost, ${r.duplicated} duplicated, ${r.outOfOrder} out of order (topic ${r.topic}, ${r.partitions} partitions, run ${r.runId})\n` +
        `sent ${r.sent} in ${(r.durationMs / 1000).toFixed(1)} s; send errors: ${errors}; longest time without an acknowledgement: ${r.longestStallMs} ms\n` +
        (r.foundOnReread > 0 ? `${r.foundOnReread} acknowledged records were missed by the live reader and found by the final read of the whole run\n` : '') +
        (r.lost > 0 ? `LOST: ${r.lostSample.join(', ')}${r.lost > r.lostSample.length ? ', …' : ''}\n` : ''),
    );
  },
  exitCode: (r) => (r.lost > 0 ? 1 : 0),
};
