/**
 * Stage timestamps of the KafkaTopic path (watch event → queue → reconcile → batch → Kafka → status), for the
 * operator bench (`npm run bench:operator -- --trace`). On only when KAFKAPLANE_TRACE=topics is set at start; call
 * sites test `tracing` first, so nothing is allocated when it is off. Each stage is one JSON line on stderr:
 * {"trace":stage,"t":epoch ms,…}.
 */
export const tracing = process.env.KAFKAPLANE_TRACE === 'topics';

export function trace(stage: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ trace: stage, t: Date.now(), ...fields })}\n`);
}
