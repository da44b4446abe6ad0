import { Hono } from 'hono';
import { formatHint, type Hint } from '../../errors.ts';
import { gatherDoctorFacts } from '../../kafka/health.ts';
import { diagnoseCluster } from '../../ops/diagnosis.ts';
import type { ClusterSnapshot } from '../../model/cluster-snapshot.ts';
import { isUnderMinIsr, isUnderReplicated } from '../../model/partition-health.ts';
import type { ConsoleEnv } from '../layout.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { formatBytes, html, type Html } from '../html.ts';
import { notice, page } from '../layout.ts';

/** How hints read in the console: settings and actions as the CLI would spell them (users copy them). */
export function consoleHint(h: Hint | string): string {
  return formatHint(h, {
    setting: (name, value) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${value === undefined ? '' : ` ${value}`}`,
    action: (name, args) => `kafkaplane ${name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}${args ? ` ${args}` : ''}`,
  });
}

export interface PartitionHealth {
  partitions: number;
  offline: number;
  underReplicated: number;
  underMinIsr: number;
}

export function partitionHealth(snapshot: ClusterSnapshot): PartitionHealth {
  const h = { partitions: 0, offline: 0, underReplicated: 0, underMinIsr: 0 };
  for (const t of snapshot.topics) {
    for (const p of t.partitions) {
      h.partitions++;
      if (p.leader < 0) h.offline++;
      if (isUnderReplicated(p)) h.underReplicated++;
      if (t.minIsr !== null && isUnderMinIsr(p, t.minIsr)) h.underMinIsr++;
    }
  }
  return h;
}

/** "collected 3 s ago", or why there is nothing yet. */
export function freshness(cluster: ConsoleCluster): Html {
  const s = cluster.snapshot;
  const error = cluster.cache.lastError;
  if (!s) return notice(error ? 'error' : 'info', error ? `No data from Kafka yet: ${error}` : 'Collecting from Kafka… reload in a moment.');
  const age = Math.max(0, Math.round((Date.now() - s.takenAtMs) / 1000));
  return html`<p class="fresh">Collected ${age} s ago in ${s.durationMs} ms.${error ? html` <span class="warn">Partly failed: ${error}</span>` : ''}</p>`;
}

export function overviewRoutes(cluster: ConsoleCluster): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/', (c) => {
    const view = c.get('view');
    const s = cluster.snapshot;
    if (!s) return c.html(page(view, 'Overview', freshness(cluster)).text);
    const health = partitionHealth(s);
    const leaders = new Map<number, number>();
    for (const t of s.topics) for (const p of t.partitions) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
    const q = s.quorum;
    const body = html`${freshness(cluster)}
<section aria-labelledby="h-cluster"><h2 id="h-cluster">Cluster</h2>
<dl class="facts"><dt>Cluster id</dt><dd>${s.clusterId ?? 'unknown'}</dd><dt>Controller</dt><dd>${s.controllerId}</dd>
<dt>Topics</dt><dd>${s.topics.length}</dd><dt>Partitions</dt><dd>${health.partitions}</dd><dt>Consumer groups</dt><dd>${s.groups.length}</dd></dl></section>
<section aria-labelledby="h-health"><h2 id="h-health">Partition health</h2>
<ul class="counts">
<li class="${health.offline > 0 ? 'bad' : 'good'}"><strong>${health.offline}</strong> offline</li>
<li class="${health.underReplicated > 0 ? 'bad' : 'good'}"><strong>${health.underReplicated}</strong> under-replicated</li>
<li class="${health.underMinIsr > 0 ? 'bad' : 'good'}"><strong>${health.underMinIsr}</strong> under min ISR</li></ul></section>
<section aria-labelledby="h-brokers"><h2 id="h-brokers">Brokers</h2>
<table><thead><tr><th scope="col">Id</th><th scope="col">Host</th><th scope="col">Port</th><th scope="col">Rack</th><th scope="col">Leader of</th><th scope="col">Log dirs (used of total)</th></tr></thead><tbody>
${s.brokers.map(
  (b) =>
    html`<tr><td><a href="/brokers/${b.id}">${b.id}</a>${b.id === s.controllerId ? ' (controller)' : ''}</td><td>${b.host}</td><td>${b.port}</td><td>${b.rack ?? '—'}</td><td>${leaders.get(b.id) ?? 0}</td><td>${
      cluster.logDirs
        ?.filter((d) => d.broker === b.id)
        .map(
          (d) =>
            html`<div>${d.dir}: ${formatBytes(d.totalBytes - d.usableBytes)} of ${formatBytes(d.totalBytes)} (${d.totalBytes > 0 ? Math.round((100 * (d.totalBytes - d.usableBytes)) / d.totalBytes) : 0}%)</div>`,
        ) ?? '—'
    }</td></tr>`,
)}
</tbody></table></section>
<section aria-labelledby="h-quorum"><h2 id="h-quorum">Controller quorum</h2>
${
  q
    ? html`<p>Leader <strong>${q.leaderId}</strong>, epoch ${q.leaderEpoch}, high watermark ${q.highWatermark}.</p>
<table><thead><tr><th scope="col">Node</th><th scope="col">Role</th><th scope="col">Log end offset</th><th scope="col">Lag</th></tr></thead><tbody>
${[...q.voters.map((v) => ['voter', v] as const), ...q.observers.map((o) => ['observer', o] as const)].map(
  ([role, m]) =>
    html`<tr><td>${m.id}</td><td>${role}${m.id === q.leaderId ? ' (leader)' : ''}</td><td>${m.logEndOffset}</td><td>${q.highWatermark - m.logEndOffset > 0n ? q.highWatermark - m.logEndOffset : 0n}</td></tr>`,
)}
</tbody></table>`
    : html`<p>The quorum could not be described.</p>`
}</section>
<section aria-labelledby="h-doctor"><h2 id="h-doctor">Doctor</h2><p><a href="/doctor">Run the doctor's checks</a> (takes a few seconds).</p></section>`;
    return c.html(page(view, 'Overview', body).text);
  });

  app.get('/doctor', async (c) => {
    const view = c.get('view');
    const facts = await gatherDoctorFacts(cluster.connection, { lagSampleMs: 0, local: null });
    const findings = diagnoseCluster(facts);
    const body = html`<p>${findings.length} finding${findings.length === 1 ? '' : 's'} (as <code>kafkaplane doctor</code> reports them).</p>
<ul class="findings">${findings.map(
      (f) =>
        html`<li class="sev-${f.severity}"><strong>${f.severity}</strong> ${f.title}${f.detail.length > 0 ? html`<ul>${f.detail.map((d) => html`<li>${d}</li>`)}</ul>` : ''}${f.fix ? html`<p class="fix">Fix: ${consoleHint(f.fix)}</p>` : ''}</li>`,
    )}</ul>`;
    return c.html(page({ ...view, path: '/' }, 'Doctor', body).text);
  });
  return app;
}
