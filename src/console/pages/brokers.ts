import { Hono } from 'hono';
import { KafkaplaneError } from '../../errors.ts';
import { alterClusterDefaults, describeBrokerConfigs } from '../../kafka/broker-configs.ts';
import { CLUSTER_WIDE_DYNAMIC_CONFIGS } from '../../ops/config-change.ts';
import type { ConsoleEnv } from '../layout.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { field, type Form, wholeNumber } from '../forms.ts';
import { html, type Html } from '../html.ts';
import { csrfField, notice, page, type View } from '../layout.ts';
import { failed, failureStatus } from './common.ts';
import { freshness } from './overview.ts';

/** Where a broker config's value comes from, in words. */
const SOURCES: Record<string, string> = {
  DEFAULT_CONFIG: 'default',
  STATIC_BROKER_CONFIG: 'static (server.properties)',
  DYNAMIC_DEFAULT_BROKER_CONFIG: 'dynamic (cluster-wide)',
  DYNAMIC_BROKER_CONFIG: 'dynamic (this broker)',
  DYNAMIC_BROKER_LOGGER_CONFIG: 'dynamic (logger)',
};

export function brokerRoutes(cluster: ConsoleCluster): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/', (c) => {
    const s = cluster.snapshot;
    return c.html(
      page(
        c.get('view'),
        'Brokers',
        html`${freshness(cluster)}<ul>${(s?.brokers ?? []).map((b) => html`<li><a href="/brokers/${b.id}">Broker ${b.id}</a> — ${b.host}:${b.port}${b.rack ? ` rack ${b.rack}` : ''}</li>`)}</ul>`,
      ).text,
    );
  });

  const detail = async (view: View, id: number, message?: Html) => {
    const configs = (await describeBrokerConfigs(await cluster.admin(), id)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const dynamic = configs.filter((cfg) => CLUSTER_WIDE_DYNAMIC_CONFIGS.has(cfg.name));
    return page(
      { ...view, path: '/brokers' },
      `Broker ${id}`,
      html`${message ?? ''}
${
  view.readOnly
    ? ''
    : html`<section aria-labelledby="h-dynamic"><h2 id="h-dynamic">Change a cluster-wide config (no restart)</h2>
<form method="post" action="/brokers/${id}/configs" class="card">${csrfField(view)}
<label for="name">Config</label><select id="name" name="name">${dynamic.map((cfg) => html`<option value="${cfg.name}">${cfg.name} (now ${cfg.value ?? 'null'})</option>`)}</select>
<label for="value">New value (empty: remove the dynamic value)</label><input id="value" name="value">
<button type="submit">Apply to every broker</button></form></section>`
}
<section aria-labelledby="h-configs"><h2 id="h-configs">Configs</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col">Dynamic</th></tr></thead><tbody>
${configs.map((cfg) => html`<tr><td>${cfg.name}</td><td>${cfg.value ?? '(hidden)'}</td><td>${SOURCES[cfg.source] ?? cfg.source.toLowerCase()}</td><td>${CLUSTER_WIDE_DYNAMIC_CONFIGS.has(cfg.name) ? 'cluster-wide' : cfg.readOnly ? 'no' : 'per broker'}</td></tr>`)}
</tbody></table></section>`,
    );
  };

  app.get('/:id', async (c) => {
    const view = c.get('view');
    try {
      const id = wholeNumber(c.req.param('id'), 'Broker id', 0, 2 ** 31 - 1);
      const done = c.req.query('done');
      return c.html((await detail(view, id, done ? notice('ok', done) : undefined)).text);
    } catch (error) {
      return c.html(page(view, 'Broker', notice('error', failed(c, cluster, error))).text, failureStatus(error));
    }
  });

  app.post('/:id/configs', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    const name = field(form, 'name');
    const value = field(form, 'value');
    c.set('audit', { action: 'broker.alter-cluster-default', target: name, details: { value } });
    const id = Number(c.req.param('id'));
    try {
      if (!CLUSTER_WIDE_DYNAMIC_CONFIGS.has(name)) throw new KafkaplaneError('BAD_USAGE', `${name} cannot be changed here without a restart (only cluster-wide dynamic configs can)`);
      await alterClusterDefaults(await cluster.admin(), value === '' ? {} : { [name]: value }, value === '' ? [name] : []);
      return c.redirect(`/brokers/${id}?done=${encodeURIComponent(`${name} ${value === '' ? 'removed' : `set to ${value}`} on every broker.`)}`, 303);
    } catch (error) {
      const text = failed(c, cluster, error);
      const body = await detail(c.get('view'), id, notice('error', html`Nothing was changed: ${text}`)).catch(() => page(c.get('view'), 'Refused', notice('error', text)));
      return c.html(body.text, failureStatus(error));
    }
  });
  return app;
}
