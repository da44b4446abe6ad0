// The checked workload and the figures of the fault scenarios (test/integration/reliability/, and the dedicated
// topology's controller failover in test/integration/kafka/local-dedicated.test.ts). Every run is appended to
// test-results/reliability.json, from which `node scripts/reliability-report.ts` writes RELIABILITY.md.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VerifyResult } from '../../src/kafka/verify-workload.ts';
import { spawnCli } from './cli.ts';

const RESULTS = fileURLToPath(new URL('../../test-results/reliability.json', import.meta.url));

/** What every scenario records of the checked workload. */
export function figures(w: VerifyResult): Record<string, unknown> {
  const { acked, read, lost, duplicated, outOfOrder, produceErrors, longestStallMs, foundOnReread } = w;
  return { acked, read, lost, duplicated, outOfOrder, produceErrors, longestStallMs, foundOnReread };
}

export function record(scenario: string, values: Record<string, unknown>): void {
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  let all: Record<string, unknown>[] = [];
  try {
    all = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>[];
  } catch {
    // first run
  }
  all.push({ scenario, at: new Date().toISOString(), ...values });
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

/** The checked workload as a user runs it (the binary, -o json), in the background. */
export function verify(stateDir: string, topic: string, records: number, rate: number): Promise<VerifyResult> {
  return spawnCli(['perf', 'verify', '--topic', topic, '--records', String(records), '--rate', String(rate), '--drain-timeout', '60', '--state-dir', stateDir, '-q', '-o', 'json'], {
    timeoutMs: 600_000,
  }).then((r) => {
    assert.ok(r.code === 0 || r.code === 1, `perf verify: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as VerifyResult;
  });
}

/**
 * `kafkaplane doctor` during a fault, as a user runs it: the root causes it names (critical findings no other explains)
 * and the findings it reports under them.
 */
export async function doctorDuringFault(stateDir: string): Promise<{ roots: string[]; symptoms: string[]; text: string }> {
  const r = await spawnCli(['doctor', '--state-dir', stateDir, '--lag-interval', '0', '--timeout', '5', '-o', 'json'], { timeoutMs: 120_000 });
  assert.equal(r.code, 1, `doctor exits 1 on a critical finding: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { findings: { id?: string; causedBy?: string; severity: string; check: string; title: string }[] };
  const roots = report.findings.filter((f) => f.severity === 'critical' && f.causedBy === undefined).map((f) => f.id ?? `${f.check}: ${f.title}`);
  return { roots, symptoms: report.findings.filter((f) => f.causedBy !== undefined).map((f) => f.check), text: JSON.stringify(report.findings, null, 1) };
}
