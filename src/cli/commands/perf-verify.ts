import { type VerifyResult, runVerifyWorkload } from '../../kafka/verify-workload.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, writeNote } from '../output.ts';

export interface PerfVerifyFlags extends ConnectionFlags {
  bootstrapServer?: string;
  topic: string;
  records: number;
  rate: number;
  drainTimeout: number;
}

/**
 * `kafkaplane perf verify`: the checked workload. Sends sequence-numbered records (acks=all, idempotent, keyed over
 * every partition) at a bounded rate while reading them back, and reports what was acknowledged, read, lost,
 * duplicated and out of order. Exit 1 when anything acknowledged was lost.
 */
export async function perfVerify(flags: PerfVerifyFlags, io: Io): Promise<VerifyResult> {
  const config = await resolveConnection(flags);
  return runVerifyWorkload(config, {
    topic: flags.topic,
    records: flags.records,
    rate: flags.rate,
    drainMs: flags.drainTimeout * 1000,
    stallTimeoutMs: Math.max(30_000, (config.timeoutMs ?? 15_000) * 2),
    onProgress: (r) =>
      writeNote(io, `${r.sent} sent, ${r.acked} acknowledged, ${r.read} read back, ${r.lost} missing so far, ${Object.values(r.produceErrors).reduce((a, b) => a + b, 0)} send errors`),
  });
}
