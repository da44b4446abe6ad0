// Writes RELIABILITY.md from the figures the fault scenarios recorded (test/integration/reliability/faults.test.ts and
// the dedicated topology's controller failover in test/integration/kafka/local-dedicated.test.ts append every run to
// test-results/reliability.json, through test/helpers/reliability.ts). Run the scenarios (npm run test:reliability),
// then this.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = JSON.parse(readFileSync(`${root}test-results/reliability.json`, 'utf8')) as {
  scenario: string;
  at: string;
  acked: number;
  read: number;
  lost: number;
  duplicated: number;
  longestStallMs: number;
  [k: string]: unknown;
}[];
const byScenario = new Map<string, typeof runs>();
for (const r of runs) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
const extra = (r: (typeof runs)[number]) =>
  Object.entries(r)
    .filter(([k]) => !['scenario', 'at', 'acked', 'read', 'lost', 'duplicated', 'longestStallMs', 'perNode', 'produceErrors', 'outOfOrder'].includes(k))
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join(', ');
const lines = [
  '# Reliability, measured',
  '',
  'Every row is a recorded run of a fault scenario (`npm run test:reliability`, test/integration/reliability/faults.test.ts) on',
  'a local 3-node cluster (real Kafka JVMs, RF 3, min.insync.replicas 2, 6 partitions) while `kafkaplane perf verify` ran',
  'the checked workload through it: sequence-numbered records, acks=all, idempotent, keyed over every partition, read',
  'back. The active controller killed with kill -9 runs on the dedicated topology instead (3 controllers, 3 brokers;',
  'test/integration/kafka/local-dedicated.test.ts). **lost** counts records Kafka acknowledged and nobody could read',
  'afterwards; it must be 0. Written by',
  '`node scripts/reliability-report.ts` from test-results/reliability.json — not typed by hand.',
  '',
  '**out of order** counts records read after a record with a higher sequence number in the same partition. The',
  'checked workload sends each record as its own request with many in flight; when a leader moves, the client library',
  "(@platformatic/kafka) retries a failed send independently of the later ones, so those can land first. Kafka's",
  'own producer keeps order across retries (idempotence, max.in.flight ≤ 5); order is reported here, not asserted.',
  'A fifth scenario has no figures to record: the CLI SIGKILLed mid-`up` and mid-`down`',
  '(test/integration/reliability/cli-killed.test.ts) — the next `up`/`down` finish the job, one JVM per node, none',
  'orphaned, and the 500 acknowledged records written before are all read back after the next `up`.',
  '**doctor** is what `kafkaplane doctor` named as the root cause while the fault was on (it must be the faulty node,',
  'once, with the other findings reported under it).',
  '',
];
for (const [scenario, list] of byScenario) {
  lines.push(
    `## ${scenario}`,
    '',
    '| run (UTC) | acked | read | lost | duplicated | out of order | longest stall (ms) | send errors | other |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of list) {
    const errors =
      Object.entries((r.produceErrors as Record<string, number>) ?? {})
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none';
    lines.push(`| ${r.at.replace('T', ' ').slice(0, 19)} | ${r.acked} | ${r.read} | **${r.lost}** | ${r.duplicated} | ${r.outOfOrder ?? '-'} | ${r.longestStallMs} | ${errors} | ${extra(r)} |`);
  }
  lines.push('');
}
writeFileSync(`${root}RELIABILITY.md`, `${lines.join('\n')}\n`);
process.stderr.write(`RELIABILITY.md: ${runs.length} runs of ${byScenario.size} scenarios\n`);
