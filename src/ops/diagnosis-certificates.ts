// doctor's certificate check: TLS listeners whose certificate expired, expires soon, or is not trusted. Pure: the
// certificates and the time they were read are facts (src/kafka/certificates.ts reads them).

import { action, hint } from '../errors.ts';
import type { CertificateFact, DoctorFacts, Finding } from './diagnosis-facts.ts';

/** Certificates expiring within this many days are a warning (cert-manager renews 30 days before expiry by default). */
export const CERTIFICATE_WARN_DAYS = 30;
const DAY_MS = 86_400_000;

function where(certs: readonly CertificateFact[]): string {
  const byListener = new Map<string, string[]>();
  for (const c of certs) byListener.set(c.listener, [...(byListener.get(c.listener) ?? []), c.brokerId === null ? c.address : `broker ${c.brokerId} (${c.address})`]);
  return [...byListener].map(([listener, at]) => `${listener}: ${at.join(', ')}`).join('; ');
}

function days(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  return d === 1 ? '1 day' : `${d} days`;
}

const RENEW = hint`renew the certificate (cert-manager renews by itself; a local cluster: ${action('down')}, delete <state>/tls, ${action('up')}) and restart the brokers so they load it`;

/** One finding per certificate (nodes usually share one: grouped by subject and expiry), plus one for unreadable listeners. */
export function certificateFindings(facts: DoctorFacts, warnDays = CERTIFICATE_WARN_DAYS): Finding[] {
  const certs = facts.certificates ?? [];
  if (certs.length === 0 || facts.checkedAtMs === undefined) return [];
  const now = facts.checkedAtMs;
  const findings: Finding[] = [];
  const groups = new Map<string, CertificateFact[]>();
  for (const c of certs.filter((c) => c.error === null && c.notAfterMs !== null)) {
    const key = `${c.subject}\u0000${c.notAfterMs}\u0000${c.untrusted}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    const c = group[0]!;
    const left = c.notAfterMs! - now;
    const expires = new Date(c.notAfterMs!).toISOString();
    const detail = [`subject ${c.subject ?? '?'}, issuer ${c.issuer ?? '?'}, valid until ${expires}`, `presented on ${where(group)}`];
    if (left <= 0) {
      findings.push({ check: 'certificates', severity: 'critical', title: `TLS certificate "${c.subject}" expired ${days(-left)} ago`, detail, fix: RENEW });
    } else if (left < warnDays * DAY_MS) {
      findings.push({ check: 'certificates', severity: 'warning', title: `TLS certificate "${c.subject}" expires in ${days(left)} (${expires})`, detail, fix: RENEW });
    } else if (c.untrusted !== null) {
      findings.push({
        check: 'certificates',
        severity: 'warning',
        title: `TLS certificate "${c.subject}" is not trusted by the CA doctor was given: ${c.untrusted}`,
        detail,
        fix: 'give clients the CA that signed it (ssl.truststore.location / --tls-ca), or have the certificate issued by the CA they trust',
      });
    } else {
      findings.push({ check: 'certificates', severity: 'ok', title: `TLS certificate "${c.subject}" valid for ${days(left)} more (until ${expires})`, detail, fix: null });
    }
  }
  const unreadable = certs.filter((c) => c.error !== null);
  if (unreadable.length > 0) {
    findings.push({
      check: 'certificates',
      severity: 'info',
      title: `no certificate could be read from ${unreadable.length === 1 ? '1 TLS address' : `${unreadable.length} TLS addresses`}`,
      detail: unreadable.map((c) => `${c.listener} ${c.address}: ${c.error}`),
      fix: null,
    });
  }
  return findings;
}
