import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateFindings } from '../../src/ops/diagnosis-certificates.ts';
import type { CertificateFact, DoctorFacts } from '../../src/ops/diagnosis-facts.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4);
const cert = (over: Partial<CertificateFact>): CertificateFact => ({
  listener: 'REPLICATION',
  brokerId: 0,
  address: '127.0.0.1:9192',
  subject: 'kafka',
  issuer: 'ca',
  notAfterMs: NOW + 400 * DAY,
  untrusted: null,
  error: null,
  ...over,
});
const facts = (certificates: CertificateFact[], checkedAtMs: number | undefined = NOW): DoctorFacts => ({ ...base(certificates), checkedAtMs });
const base = (certificates: CertificateFact[]): DoctorFacts => ({
  bootstrap: [],
  connectError: null,
  cluster: null,
  local: null,
  lagSampleMs: 0,
  certificates,
});
const summary = (f: DoctorFacts, days?: number) => certificateFindings(f, days).map((x) => `${x.severity}: ${x.title}`);

test('one finding per certificate, grouped across brokers and listeners: ok with the days left', () => {
  const shared = [0, 1, 2].flatMap((id) => [cert({ brokerId: id, address: `127.0.0.1:919${id}` }), cert({ listener: 'clients', brokerId: id, address: `127.0.0.1:909${id}` })]);
  const findings = certificateFindings(facts(shared));
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.title, /"kafka" valid for 400 days more \(until 2028-01-08/);
  assert.match(findings[0]!.detail[1]!, /REPLICATION: broker 0 \(127\.0\.0\.1:9190\), broker 1 .*; clients: broker 0/);
});

test('expired is critical, within the warning window a warning (the window is an option), untrusted a warning', () => {
  assert.deepEqual(summary(facts([cert({ notAfterMs: NOW - 3 * DAY })])), ['critical: TLS certificate "kafka" expired 3 days ago']);
  assert.match(summary(facts([cert({ notAfterMs: NOW + 10 * DAY })]))[0]!, /^warning: TLS certificate "kafka" expires in 10 days/);
  assert.match(summary(facts([cert({})]), 500)[0]!, /^warning: .*expires in 400 days/);
  assert.match(summary(facts([cert({ untrusted: 'SELF_SIGNED_CERT_IN_CHAIN' })]))[0]!, /^warning: .*not trusted .*SELF_SIGNED_CERT_IN_CHAIN/);
  const expired = certificateFindings(facts([cert({ notAfterMs: NOW - DAY })]))[0]!;
  assert.ok(expired.fix !== null, 'says how to renew');
});

test('addresses that gave no certificate are one info finding; no certificates or no time, no finding', () => {
  assert.deepEqual(summary(facts([cert({ error: 'connect ECONNREFUSED', notAfterMs: null, subject: null })])), ['info: no certificate could be read from 1 TLS address']);
  assert.deepEqual(summary(facts([])), []);
  assert.deepEqual(summary(base([cert({})])), [], 'without the time they were read, nothing is judged');
});
