import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { KafkaplaneError } from '../../errors.ts';
import { describeConsumerGroups, resetConsumerGroupOffsets } from '../../kafka/groups.ts';
import { type ClusterSnapshot, groupOffsetRows, partitionEnd, type SnapshotGroup } from '../../model/cluster-snapshot.ts';
import { parseResetDatetime, parseWholeOffset, type ResetPlan, type ResetScenario } from '../../ops/offset-reset.ts';
import type { ConsoleEnv } from '../layout.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { field, type Form, pageOf } from '../forms.ts';
import { html, type Html } from '../html.ts';
import { csrfField, notice, page, type View } from '../layout.ts';
import { failed, failureStatus, failureText } from './common.ts';
import { freshness } from './overview.ts';

const PAGE_SIZE = 50;

export interface GroupLagRow {
  topic: string;
  partition: number;
  committed: bigint;
  end: bigint | null;
  lag: bigint | null;
  lagSeconds: number | null;
}

/** Per-partition lag of a group from the snapshot (end offset − committed; null where either is unknown). */
export function groupLag(snapshot: ClusterSnapshot, group: SnapshotGroup): GroupLagRow[] {
  return [...groupOffsetRows(group)].map((o) => {
    const end = partitionEnd(snapshot, o.topic, o.partition) ?? null;
    const lag = end !== null && o.committed >= 0n ? (end > o.committed ? end - o.committed : 0n) : null;
    return { topic: o.topic, partition: o.partition, committed: o.committed, end, lag, lagSeconds: o.lagSeconds };
  });
}

const SCENARIOS = ['earliest', 'latest', 'offset', 'shift-by', 'datetime'] as const;

/** The reset the form asks for, checked before anything is read from Kafka. */
export function resetScenario(form: Form): ResetScenario {
  const kind = field(form, 'scenario');
  const value = field(form, 'value');
  switch (kind) {
    case 'earliest':
      return { kind: 'earliest' };
    case 'latest':
      return { kind: 'latest' };
    case 'offset': {
      const offset = parseWholeOffset(value, 'the offset');
      if (offset < 0n) throw new KafkaplaneError('BAD_USAGE', `The offset must be 0 or more, got ${offset}`);
      return { kind: 'offset', offset };
    }
    case 'shift-by':
      return { kind: 'shift-by', shift: parseWholeOffset(value, 'the shift') };
    case 'datetime':
      return { kind: 'timestamp', ms: parseResetDatetime(value, 'the date and time'), label: value };
    default:
      throw new KafkaplaneError('BAD_USAGE', `Choose where to reset to (${SCENARIOS.join(', ')})`);
  }
}

/** A digest of a plan: the apply step checks that the plan it would commit is the one the user saw. */
export function planDigest(plans: readonly ResetPlan[]): string {
  return createHash('sha256')
    .update(JSON.stringify(plans.map((p) => [p.group, p.rows.map((r) => [r.topic, r.partition, String(r.current), String(r.newOffset)])])))
    .digest('base64url')
    .slice(0, 22);
}

export function groupRoutes(cluster: ConsoleCluster): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  app.get('/', (c) => {
    const view = c.get('view');
    const s = cluster.snapshot;
    const q = c.req.query('q') ?? '';
    const all = (s?.groups ?? []).filter((g) => q === '' || g.id.includes(q));
    const { items, page: n, pages } = pageOf(all, c.req.query('page') ?? '1', PAGE_SIZE);
    const link = (p: number) => `/groups?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
    const body = html`${freshness(cluster)}
<form method="get" action="/groups" class="search" role="search"><label for="q">Search groups</label>
<input id="q" name="q" type="search" value="${q}" hx-get="/groups" hx-trigger="input changed delay:300ms" hx-target="#group-list" hx-select="#group-list" hx-swap="outerHTML" hx-push-url="true"><button type="submit">Search</button></form>
<div id="group-list"><p>${all.length} group${all.length === 1 ? '' : 's'}; page ${n} of ${pages}.</p>
<table><thead><tr><th scope="col">Group</th><th scope="col">Protocol</th><th scope="col">State</th><th scope="col">Members</th><th scope="col">Topics</th><th scope="col">Lag</th><th scope="col">Lag (s)</th></tr></thead><tbody>
${items.map((g) => {
  const rows = s ? groupLag(s, g) : [];
  const lag = rows.reduce((sum, r) => sum + (r.lag ?? 0n), 0n);
  const secs = rows.reduce((m, r) => Math.max(m, r.lagSeconds ?? 0), 0);
  return html`<tr><td><a href="/groups/${encodeURIComponent(g.id)}">${g.id}</a></td><td>${g.type === 'consumer' ? 'consumer (KIP-848)' : 'classic'}</td><td>${g.state}</td><td>${g.members}</td><td>${g.topics.length}</td><td>${lag}</td><td>${secs.toFixed(0)}</td></tr>`;
})}</tbody></table>
<nav aria-label="Pages" class="pager">${n > 1 ? html`<a href="${link(n - 1)}" rel="prev">Previous</a>` : ''} ${n < pages ? html`<a href="${link(n + 1)}" rel="next">Next</a>` : ''}</nav></div>`;
    return c.html(page(view, 'Consumer groups', body).text);
  });

  const detail = async (view: View, id: string, extra: Html): Promise<Html> => {
    const [described] = await describeConsumerGroups(await cluster.admin(), [id]);
    const s = cluster.snapshot;
    const g = s?.groups.find((x) => x.id === id);
    const rows = s && g ? groupLag(s, g) : [];
    const topics = [...new Set(rows.map((r) => r.topic))];
    return page(
      { ...view, path: '/groups' },
      `Consumer group ${id}`,
      html`${extra}${freshness(cluster)}
<dl class="facts"><dt>Protocol</dt><dd>${described?.type === 'consumer' ? 'consumer (KIP-848)' : 'classic'}</dd><dt>State</dt><dd>${described?.exists ? described.state : 'does not exist'}</dd>
<dt>Assignor</dt><dd>${described?.assignor || '—'}</dd><dt>Coordinator</dt><dd>${described?.coordinator.id ?? '—'}</dd><dt>Members</dt><dd>${described?.members.length ?? 0}</dd></dl>
${
  described && described.members.length > 0
    ? html`<section aria-labelledby="h-members"><h2 id="h-members">Members</h2><table><thead><tr><th scope="col">Member</th><th scope="col">Client</th><th scope="col">Host</th><th scope="col">Assigned</th></tr></thead><tbody>
${described.members.map((m) => html`<tr><td>${m.memberId}</td><td>${m.clientId}</td><td>${m.host}</td><td>${m.assignment.map((a) => `${a.topic}-${a.partition}`).join(', ')}</td></tr>`)}</tbody></table></section>`
    : ''
}
<section aria-labelledby="h-lag"><h2 id="h-lag">Offsets and lag</h2>
<table><thead><tr><th scope="col">Topic</th><th scope="col">Partition</th><th scope="col">Committed</th><th scope="col">End</th><th scope="col">Lag</th><th scope="col">Lag (s)</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${r.topic}</td><td>${r.partition}</td><td>${r.committed < 0n ? '—' : r.committed}</td><td>${r.end ?? '—'}</td><td>${r.lag ?? '—'}</td><td>${r.lagSeconds === null ? '—' : r.lagSeconds.toFixed(1)}</td></tr>`)}
</tbody></table>
<figure class="chart"><div id="lag-chart" data-src="/groups/${encodeURIComponent(id)}/lag.json" role="img" aria-label="Total lag of ${id} over time"></div><figcaption>Total lag per collection (records), kept while the console runs.</figcaption></figure>
</section>
${
  view.readOnly
    ? ''
    : html`<section aria-labelledby="h-reset"><h2 id="h-reset">Reset offsets</h2>
<p class="help">The group must have no members. You see the planned change first; nothing is committed until you confirm it.</p>
<form method="post" action="/groups/${encodeURIComponent(id)}/reset" class="card">${csrfField(view)}
<label for="scope">Topic</label><select id="scope" name="topic"><option value="">every topic the group committed</option>${topics.map((t) => html`<option value="${t}">${t}</option>`)}</select>
<label for="scenario">Reset to</label><select id="scenario" name="scenario">${SCENARIOS.map((sc) => html`<option value="${sc}">${sc}</option>`)}</select>
<label for="value">Offset, shift or date-time (for offset, shift-by, datetime)</label><input id="value" name="value" placeholder="e.g. 42, -10 or 2026-01-31T12:00:00Z">
<button type="submit">Show the plan (dry run)</button></form></section>`
}`,
      { scripts: ['/assets/uplot.js', '/assets/console.js'] },
    );
  };

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    try {
      const done = c.req.query('done');
      return c.html((await detail(c.get('view'), id, done ? notice('ok', done) : html``)).text);
    } catch (error) {
      return c.html(page(c.get('view'), `Consumer group ${id}`, notice('error', failureText(cluster, error))).text, failureStatus(error));
    }
  });

  app.get('/:id/lag.json', (c) => {
    const points = cluster.lagHistory(c.req.param('id'));
    return c.json({ t: points.map((p) => p.t), lag: points.map((p) => p.lag) });
  });

  app.post('/:id/reset', async (c) => {
    const id = c.req.param('id');
    const form = (await c.req.parseBody()) as Form;
    const execute = field(form, 'execute') === 'yes';
    const topic = field(form, 'topic');
    c.set('audit', {
      action: execute ? 'group.reset-offsets' : 'group.reset-offsets.dry-run',
      target: id,
      details: { scenario: field(form, 'scenario'), value: field(form, 'value'), topic: topic || '(committed)' },
    });
    const view = c.get('view');
    try {
      const scenario = resetScenario(form);
      const request = { groups: [id], target: { scenario }, scope: topic ? [{ topic }] : ('committed' as const), allowNewGroup: false };
      const admin = await cluster.admin();
      const plans = await resetConsumerGroupOffsets(admin, { ...request, execute: false });
      const digest = planDigest(plans);
      const rows = plans.flatMap((p) => p.rows);
      if (execute && field(form, 'plan') === digest) {
        await resetConsumerGroupOffsets(admin, { ...request, execute: true });
        await cluster.cache.refresh();
        return c.redirect(`/groups/${encodeURIComponent(id)}?done=${encodeURIComponent(`Offsets reset: ${rows.length} partition${rows.length === 1 ? '' : 's'} committed.`)}`, 303);
      }
      const changed = execute ? notice('info', 'The offsets changed since you saw the plan; here is the new plan. Nothing was committed.') : '';
      const body = html`${changed}<p>Dry run: nothing was committed yet.</p>
${plans.flatMap((p) => p.warnings).map((w) => notice('info', w))}
<table class="diff"><caption>Planned offsets of ${id}</caption><thead><tr><th scope="col">Topic</th><th scope="col">Partition</th><th scope="col">Now</th><th scope="col">New</th><th scope="col">Change</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${r.topic}</td><td>${r.partition}</td><td>${r.current ?? '—'}</td><td>${r.newOffset}</td><td>${r.current === null ? 'new' : r.newOffset - r.current > 0n ? `+${r.newOffset - r.current}` : String(r.newOffset - r.current)}</td></tr>`)}
</tbody></table>
${
  rows.length === 0
    ? notice('info', 'There is nothing to reset.')
    : html`<form method="post" action="/groups/${encodeURIComponent(id)}/reset" class="card">${csrfField(view)}
<input type="hidden" name="topic" value="${topic}"><input type="hidden" name="scenario" value="${field(form, 'scenario')}"><input type="hidden" name="value" value="${field(form, 'value')}">
<input type="hidden" name="plan" value="${digest}"><input type="hidden" name="execute" value="yes">
<button type="submit" class="danger">Apply this reset</button> <a href="/groups/${encodeURIComponent(id)}">Cancel</a></form>`
}`;
      return c.html(page({ ...view, path: '/groups' }, `Reset offsets of ${id}`, body).text);
    } catch (error) {
      const text = failed(c, cluster, error);
      const page_ = await detail(view, id, notice('error', html`Nothing was committed: ${text}`)).catch(() => page(view, 'Refused', notice('error', text)));
      return c.html(page_.text, failureStatus(error));
    }
  });
  return app;
}
