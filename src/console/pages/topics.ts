import { Hono } from 'hono';
import { KafkaplaneError } from '../../errors.ts';
import { partitionSizes } from '../../kafka/log-dirs.ts';
import { alterTopic, createTopic, deleteTopics, type DescribedTopic, describeTopics } from '../../kafka/topics.ts';
import type { ConsoleEnv } from '../layout.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { checkTopicName, configEdits, configLines, field, type Form, pageOf, wholeNumber } from '../forms.ts';
import { formatBytes, html, type Html } from '../html.ts';
import { csrfField, notice, page, type View } from '../layout.ts';
import { failed, failureStatus, failureText } from './common.ts';
import { freshness } from './overview.ts';

const PAGE_SIZE = 50;

export function topicRoutes(cluster: ConsoleCluster): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  const listPage = (view: View, q: string, pageText: string, message?: Html, form?: Form) => {
    const s = cluster.snapshot;
    const all = (s?.topics ?? []).filter((t) => q === '' || t.name.includes(q));
    const { items, page: n, pages } = pageOf(all, pageText, PAGE_SIZE);
    const link = (p: number) => `/topics?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
    return page(
      view,
      'Topics',
      html`${message ?? ''}${freshness(cluster)}
<form method="get" action="/topics" class="search" role="search">
<label for="q">Search topics</label>
<input id="q" name="q" type="search" value="${q}" hx-get="/topics" hx-trigger="input changed delay:300ms" hx-target="#topic-list" hx-select="#topic-list" hx-swap="outerHTML" hx-push-url="true">
<button type="submit">Search</button></form>
<div id="topic-list">
<p>${all.length} topic${all.length === 1 ? '' : 's'}${q ? html` matching “${q}”` : ''}; page ${n} of ${pages}.</p>
<table><thead><tr><th scope="col">Topic</th><th scope="col">Partitions</th><th scope="col">Replicas</th><th scope="col">Under-replicated</th><th scope="col">Records (end − start)</th></tr></thead><tbody>
${items.map((t) => {
  const under = t.partitions.filter((p) => p.isr.length < p.replicas.length).length;
  const records = t.partitions.reduce((sum, p) => sum + (p.newest !== null && p.oldest !== null ? p.newest - p.oldest : 0n), 0n);
  return html`<tr><td><a href="/topics/${encodeURIComponent(t.name)}">${t.name}</a>${t.internal ? ' (internal)' : ''}</td><td>${t.partitions.length}</td><td>${t.partitions[0]?.replicas.length ?? 0}</td><td>${under}</td><td>${records}</td></tr>`;
})}
</tbody></table>
<nav aria-label="Pages" class="pager">${n > 1 ? html`<a href="${link(n - 1)}" rel="prev">Previous</a>` : ''} ${n < pages ? html`<a href="${link(n + 1)}" rel="next">Next</a>` : ''}</nav>
</div>
${
  view.readOnly
    ? ''
    : html`<section aria-labelledby="h-create"><h2 id="h-create">Create a topic</h2>
<form method="post" action="/topics" class="card">${csrfField(view)}
<label for="name">Name</label><input id="name" name="name" required maxlength="249" pattern="[a-zA-Z0-9._\\-]+" value="${form ? field(form, 'name') : ''}">
<label for="partitions">Partitions</label><input id="partitions" name="partitions" type="number" min="1" max="100000" value="${form ? field(form, 'partitions') : '1'}">
<label for="replicas">Replication factor (empty: the cluster's default)</label><input id="replicas" name="replicas" type="number" min="1" max="32767" value="${form ? field(form, 'replicas') : ''}">
<label for="configs">Configs (key=value, one per line)</label><textarea id="configs" name="configs" rows="3">${form ? field(form, 'configs') : ''}</textarea>
<button type="submit">Create topic</button></form></section>`
}`,
    );
  };

  app.get('/', (c) => {
    const deleted = c.req.query('deleted');
    return c.html(listPage(c.get('view'), c.req.query('q') ?? '', c.req.query('page') ?? '1', deleted ? notice('ok', html`Topic “${deleted}” deleted.`) : undefined).text);
  });

  app.post('/', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    const name = field(form, 'name');
    c.set('audit', { action: 'topic.create', target: name });
    try {
      checkTopicName(name);
      const partitions = field(form, 'partitions') === '' ? undefined : wholeNumber(field(form, 'partitions'), 'Partitions', 1, 100_000);
      const replicas = field(form, 'replicas') === '' ? undefined : wholeNumber(field(form, 'replicas'), 'Replication factor', 1, 32_767);
      const configs = configLines(field(form, 'configs'), 'Configs');
      c.set('audit', { action: 'topic.create', target: name, details: { partitions: partitions ?? -1, replicas: replicas ?? -1, configs: Object.keys(configs).join(',') } });
      await createTopic(await cluster.admin(), { name, partitions, replicationFactor: replicas, configs }, false);
      await cluster.cache.refresh();
      return c.redirect(`/topics/${encodeURIComponent(name)}?done=created`, 303);
    } catch (error) {
      const text = failed(c, cluster, error);
      return c.html(listPage(c.get('view'), '', '1', notice('error', html`Topic not created: ${text}`), form).text, failureStatus(error));
    }
  });

  const describe = async (name: string): Promise<DescribedTopic | undefined> => (await describeTopics(await cluster.admin(), (t) => t.name === name)).topics[0];

  const detailPage = async (view: View, name: string, message?: Html): Promise<Html | undefined> => {
    const topic = await describe(name);
    if (!topic) return undefined;
    const cached = cluster.snapshot?.topics.find((t) => t.name === name);
    const offsets = new Map(cached?.partitions.map((p) => [p.partition, p]) ?? []);
    const editable = topic.configs.filter((cfg) => !cfg.sensitive);
    const sizes = await partitionSizes(
      await cluster.admin(),
      name,
      topic.partitions.map((p) => p.partition),
    ).catch(() => new Map<number, number>());
    return page(
      { ...view, path: '/topics' },
      `Topic ${name}`,
      html`${message ?? ''}
<p><a href="/topics/${encodeURIComponent(name)}/messages">Browse messages</a>${view.readOnly ? '' : html` · <a href="/topics/${encodeURIComponent(name)}/messages#produce">Produce a record</a>`}</p>
<dl class="facts"><dt>Id</dt><dd>${topic.id}</dd><dt>Partitions</dt><dd>${topic.partitions.length}</dd><dt>Replication factor</dt><dd>${topic.replicationFactor}</dd><dt>min.insync.replicas</dt><dd>${topic.minIsr}</dd></dl>
<section aria-labelledby="h-partitions"><h2 id="h-partitions">Partitions</h2>
<table><thead><tr><th scope="col">Partition</th><th scope="col">Leader</th><th scope="col">Replicas</th><th scope="col">In sync</th><th scope="col">Start offset</th><th scope="col">End offset</th><th scope="col">Size</th></tr></thead><tbody>
${topic.partitions.map((p) => {
  const o = offsets.get(p.partition);
  return html`<tr><td>${p.partition}</td><td>${p.leader}</td><td>${p.replicas.join(', ')}</td><td class="${p.isr.length < p.replicas.length ? 'bad' : ''}">${p.isr.join(', ')}</td><td>${o?.oldest ?? '—'}</td><td>${o?.newest ?? '—'}</td><td>${sizes.has(p.partition) ? formatBytes(sizes.get(p.partition)!) : '—'}</td></tr>`;
})}
</tbody></table></section>
<section aria-labelledby="h-configs"><h2 id="h-configs">Configs</h2>
<form method="post" action="/topics/${encodeURIComponent(name)}/configs">${csrfField(view)}
<table><thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Source</th></tr></thead><tbody>
${editable.map(
  (cfg) =>
    html`<tr><td><label for="cfg-${cfg.name}">${cfg.name}</label></td><td><input id="cfg-${cfg.name}" name="cfg.${cfg.name}" value="${cfg.value ?? ''}"${view.readOnly ? html` readonly` : ''}><input type="hidden" name="was.${cfg.name}" value="${cfg.value ?? ''}"></td><td>${cfg.source === 'DYNAMIC_TOPIC_CONFIG' ? html`<strong>topic override</strong>` : cfg.source.toLowerCase().replace(/_/g, ' ')}</td></tr>`,
)}
</tbody></table>
${view.readOnly ? '' : html`<p class="help">Only the values you change are sent (an incremental alter). Empty a topic override to go back to the broker's value.</p><button type="submit">Save changed configs</button>`}
</form></section>
${
  view.readOnly
    ? ''
    : html`<section aria-labelledby="h-grow"><h2 id="h-grow">Add partitions</h2>
<form method="post" action="/topics/${encodeURIComponent(name)}/partitions" class="card">${csrfField(view)}
<label for="count">New total partition count (now ${topic.partitions.length}; Kafka cannot reduce it)</label><input id="count" name="count" type="number" min="${topic.partitions.length + 1}" required>
<button type="submit">Add partitions</button></form></section>
<section aria-labelledby="h-delete"><h2 id="h-delete">Delete the topic</h2>
<form method="post" action="/topics/${encodeURIComponent(name)}/delete" class="card danger">${csrfField(view)}
<label for="confirm">Type the topic's name to delete it and all its records</label><input id="confirm" name="confirm" required autocomplete="off">
<button type="submit" class="danger">Delete topic</button></form></section>`
}`,
    );
  };

  const done: Record<string, string> = { created: 'Topic created.', configs: 'Configs saved.', partitions: 'Partitions added.', nothing: 'Nothing was changed: no value differs.' };
  app.get('/:name', async (c) => {
    const name = c.req.param('name');
    const d = c.req.query('done');
    let body: Html | undefined;
    try {
      body = await detailPage(c.get('view'), name, d && done[d] ? notice('ok', done[d]) : undefined);
    } catch (error) {
      return c.html(page({ ...c.get('view'), path: '/topics' }, `Topic ${name}`, notice('error', failureText(cluster, error))).text, failureStatus(error));
    }
    if (!body) return c.html(page(c.get('view'), 'No such topic', notice('error', html`There is no topic “${name}”. <a href="/topics">All topics</a>`)).text, 404);
    return c.html(body.text);
  });

  const change = (path: string, action: string, apply: (c: { form: Form; topic: DescribedTopic }) => Promise<string>) =>
    app.post(`/:name/${path}`, async (c) => {
      const name = c.req.param('name');
      const form = (await c.req.parseBody()) as Form;
      c.set('audit', { action, target: name });
      try {
        const topic = await describe(name);
        if (!topic) throw new KafkaplaneError('UNKNOWN_TOPIC', `there is no topic "${name}"`);
        const outcome = await apply({ form, topic });
        await cluster.cache.refresh();
        if (outcome === 'deleted') return c.redirect(`/topics?deleted=${encodeURIComponent(name)}`, 303);
        return c.redirect(`/topics/${encodeURIComponent(name)}?done=${outcome}`, 303);
      } catch (error) {
        const text = failed(c, cluster, error);
        const body = await detailPage(c.get('view'), name, notice('error', html`Nothing was changed: ${text}`)).catch(() => undefined);
        return c.html((body ?? page(c.get('view'), 'Refused', notice('error', text))).text, failureStatus(error));
      }
    });

  change('configs', 'topic.alter-configs', async ({ form, topic }) => {
    const edits = configEdits(form);
    const names = [...Object.keys(edits.set), ...edits.delete];
    if (names.length === 0) return 'nothing';
    await alterTopic(await cluster.admin(), topic, { set: edits.set, delete: edits.delete });
    return 'configs';
  });
  change('partitions', 'topic.add-partitions', async ({ form, topic }) => {
    const count = wholeNumber(field(form, 'count'), 'The new partition count', 1, 100_000);
    if (count <= topic.partitions.length)
      throw new KafkaplaneError('TOPIC_PARTITIONS_DECREASE', `the topic has ${topic.partitions.length} partitions; the new count must be larger (Kafka cannot remove partitions)`);
    await alterTopic(await cluster.admin(), topic, { partitions: count, set: {}, delete: [] });
    return 'partitions';
  });
  change('delete', 'topic.delete', async ({ form, topic }) => {
    if (field(form, 'confirm') !== topic.name) throw new KafkaplaneError('BAD_USAGE', `type the topic's name “${topic.name}” exactly to delete it`);
    await deleteTopics(await cluster.admin(), [topic.name]);
    return 'deleted';
  });
  return app;
}
