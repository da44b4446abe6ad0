import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { KafkaplaneError } from '../../errors.ts';
import { partitionOffsets } from '../../kafka/groups.ts';
import { browsePartition, type BrowseResult } from '../../kafka/record-browse.ts';
import { forEachRecord, RecordFetcher } from '../../kafka/record-fetcher.ts';
import { Sender } from '../../kafka/sender.ts';
import { clusterMetadata } from '../../kafka/topics.ts';
import type { ConsumedRecord } from '../../toolbox/consumed-record.ts';
import { defaultProducerSettings } from '../../toolbox/producer-settings.ts';
import type { ConsoleEnv } from '../layout.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { field, type Form, rawField, wholeNumber } from '../forms.ts';
import { html, type Html } from '../html.ts';
import { csrfField, notice, page, type View } from '../layout.ts';
import { headerLines, type ValueFormat } from '../record-view.ts';
import { browseQuery, type BrowseQuery, MAX_LIMIT, MAX_SCAN, matcher, readPlan, readSummary, RECORDS_HEAD, recordRow } from './message-read.ts';
import { failed, failureStatus, failureText } from './common.ts';
import { liveSearchRoute } from './message-search.ts';

const BROWSE_MS = 5_000;
const SEARCH_MS = 15_000;
/** A live tail ends after this long (the page offers to start it again); at most this many run at once. */
const TAIL_MS = 10 * 60_000;
const MAX_TAILS = 16;
let tails = 0;

export function messageRoutes(cluster: ConsoleCluster): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  const form = (view: View, topic: string, partitions: number, q: BrowseQuery | undefined) => html`
<form method="get" action="/topics/${encodeURIComponent(topic)}/messages" class="card browse" id="browse-form" data-search="/topics/${encodeURIComponent(topic)}/messages/search">
<label for="partition">Partition</label><select id="partition" name="partition">${Array.from({ length: partitions }, (_, p) => html`<option value="${p}"${q?.partition === p ? html` selected` : ''}>${p}</option>`)}</select>
<fieldset><legend>Start at</legend>
${(['offset', 'timestamp', 'end'] as const).map((f) => html`<label><input type="radio" name="from" value="${f}"${(q?.from ?? 'offset') === f ? html` checked` : ''}> ${f === 'end' ? 'the end (newest)' : f}</label>`)}
</fieldset>
<label for="offset">Offset</label><input id="offset" name="offset" inputmode="numeric" value="${q?.offset ?? ''}" placeholder="0">
<label for="timestamp">Timestamp (ISO 8601, UTC)</label><input id="timestamp" name="timestamp" value="${q?.timestamp ?? ''}" placeholder="2026-01-31T12:00:00Z">
<label for="limit">Records</label><input id="limit" name="limit" type="number" min="1" max="${MAX_LIMIT}" value="${q?.limit ?? 20}">
<label for="format">Show values as</label><select id="format" name="format">${(['json', 'text', 'hex'] as const).map((f) => html`<option value="${f}"${q?.format === f ? html` selected` : ''}>${f}</option>`)}</select>
<label for="search">Key or value contains (search)</label><input id="search" name="search" value="${q?.search ?? ''}">
<label for="scan">Records to scan at most (search)</label><input id="scan" name="scan" type="number" min="1" max="${MAX_SCAN}" value="${q?.scan ?? 10_000}">
<button type="submit">Show</button></form>
<section aria-labelledby="h-tail" id="tail-section" data-src="/topics/${encodeURIComponent(topic)}/messages/tail?${new URLSearchParams({ partition: String(q?.partition ?? 0), format: q?.format ?? 'json' }).toString()}" hidden>
<h2 id="h-tail">Live tail of partition ${q?.partition ?? 0}</h2>
<p><button type="button" id="tail-start">Start live tail</button> <button type="button" id="tail-stop" disabled>Stop</button> <span id="tail-status" role="status"></span></p>
<table class="records"><thead><tr><th scope="col">Offset</th><th scope="col">Timestamp</th><th scope="col">Key</th><th scope="col">Headers</th><th scope="col">Value</th></tr></thead><tbody id="tail-rows"></tbody></table></section>
${view.readOnly ? '' : produceForm(view, topic)}`;

  const produceForm = (view: View, topic: string) => html`<section aria-labelledby="h-produce"><h2 id="produce"><span id="h-produce">Produce a record</span></h2>
<form method="post" action="/topics/${encodeURIComponent(topic)}/messages" class="card">${csrfField(view)}
<label for="p-key">Key (empty: no key)</label><input id="p-key" name="key">
<label for="p-value">Value</label><textarea id="p-value" name="value" rows="4"></textarea>
<label for="p-headers">Headers (name=value, one per line)</label><textarea id="p-headers" name="headers" rows="2"></textarea>
<label for="p-partition">Partition (empty: by key, as Java producers do)</label><input id="p-partition" name="partition" inputmode="numeric">
<button type="submit">Produce</button></form></section>`;

  const recordsTable = (records: readonly ConsumedRecord[], format: ValueFormat) =>
    html`<table class="records">${RECORDS_HEAD}<tbody>
${records.map((r) => recordRow(r, format))}</tbody></table>`;

  app.get('/:name/messages', async (c) => {
    const view = { ...c.get('view'), path: '/topics' };
    const topic = c.req.param('name');
    let q: BrowseQuery | undefined;
    let result: Html = html``;
    let partitions = 0;
    try {
      q = browseQuery(c.req.query());
      const plan = await readPlan(cluster, topic, q);
      if (!plan) return c.html(page(view, 'No such topic', notice('error', html`There is no topic “${topic}”.`)).text, 404);
      partitions = plan.partitions;
      const { needle } = plan;
      const read: BrowseResult = await browsePartition(await cluster.consumer(), {
        topic,
        partition: q.partition,
        from: plan.from,
        until: plan.end,
        limit: q.limit,
        scanLimit: needle ? q.scan : q.limit,
        deadlineMs: Date.now() + (needle ? SEARCH_MS : BROWSE_MS),
        ...(needle ? { match: matcher(needle) } : {}),
      });
      result = html`${readSummary(topic, c.req.query(), q, plan, read, read.records.length)}
${read.records.length > 0 ? recordsTable(read.records, q.format) : html`<p>No records${needle ? ' matched' : ' here'}.</p>`}`;
    } catch (error) {
      result = notice('error', failureText(cluster, error));
      return c.html(page(view, `Messages of ${topic}`, html`${partitions > 0 ? form(view, topic, partitions, q) : ''}${result}`).text, failureStatus(error));
    }
    const done = c.req.query('produced');
    return c.html(
      page(
        view,
        `Messages of ${topic}`,
        html`${done ? notice('ok', html`Record produced: ${done}.`) : ''}${form(view, topic, partitions, q)}<section aria-label="Records" id="records">${result}</section>`,
        {
          scripts: ['/assets/console.js'],
        },
      ).text,
    );
  });

  liveSearchRoute(app, cluster);

  // Live tail: new records of one partition as server-sent events (one HTML table row each, escaped here).
  app.get('/:name/messages/tail', async (c) => {
    const topic = c.req.param('name');
    let q: BrowseQuery;
    let end: bigint;
    try {
      q = browseQuery(c.req.query());
      if (tails >= MAX_TAILS) throw new KafkaplaneError('BAD_USAGE', `${MAX_TAILS} live tails are running; stop one first`);
      const admin = await cluster.admin();
      const metadata = await clusterMetadata(admin, [topic]);
      if (!metadata.topics.some((t) => t.name === topic && t.partitions.some((p) => p.partition === q.partition)))
        throw new KafkaplaneError('UNKNOWN_TOPIC', `there is no partition ${q.partition} of topic "${topic}"`);
      end = (await partitionOffsets(admin, metadata, [{ topic, partition: q.partition }], 'latest')).get(`${topic}\u0000${q.partition}`) ?? 0n;
    } catch (error) {
      return c.text(failureText(cluster, error), failureStatus(error));
    }
    const consumer = await cluster.consumer();
    tails++;
    return streamSSE(c, async (stream) => {
      const fetcher = new RecordFetcher(consumer, { maxWaitMs: 500, maxBytes: 1024 * 1024, partitionMaxBytes: 256 * 1024, queueSize: 2, onOutOfRange: (_t, _p, start) => start });
      let open = true;
      stream.onAbort(() => {
        open = false;
        fetcher.close();
      });
      try {
        fetcher.seek(topic, q.partition, end);
        await stream.writeSSE({ event: 'status', data: `following from offset ${end}` });
        const until = Date.now() + TAIL_MS;
        while (open && Date.now() < until) {
          const batch = await fetcher.next(Date.now() + 15_000);
          if (!batch) {
            await stream.writeSSE({ event: 'ping', data: '' });
            continue;
          }
          const rows: string[] = [];
          for (const data of batch) forEachRecord(data, (r) => void rows.push(recordRow(r, q.format).text));
          for (const row of rows.slice(-200)) await stream.writeSSE({ event: 'record', data: row.replace(/\n/g, '&#10;') });
        }
        await stream.writeSSE({ event: 'status', data: 'ended (time limit); start it again to go on' });
      } catch (error) {
        await stream.writeSSE({ event: 'status', data: `stopped: ${failureText(cluster, error)}` }).catch(() => undefined);
      } finally {
        fetcher.close();
        tails--;
      }
    });
  });

  app.post('/:name/messages', async (c) => {
    const topic = c.req.param('name');
    const body = (await c.req.parseBody()) as Form;
    c.set('audit', { action: 'topic.produce', target: topic });
    let sender: Sender | undefined;
    try {
      const partitionText = field(body, 'partition');
      const partition = partitionText === '' ? undefined : wholeNumber(partitionText, 'Partition', 0, 1_000_000);
      const key = rawField(body, 'key');
      const value = rawField(body, 'value');
      const headers = headerLines(rawField(body, 'headers'));
      c.set('audit', {
        action: 'topic.produce',
        target: topic,
        details: { partition: partition ?? -1, keyBytes: Buffer.byteLength(key), valueBytes: Buffer.byteLength(value), headers: headers.length },
      });
      sender = await Sender.open(cluster.connection, topic, { ...defaultProducerSettings(), clientId: 'kafkaplane-console' }, partition);
      await sender.send([{ key: key === '' ? null : Buffer.from(key), value: Buffer.from(value), headers }]);
      return c.redirect(
        `/topics/${encodeURIComponent(topic)}/messages?${new URLSearchParams({ from: 'end', ...(partition !== undefined ? { partition: String(partition) } : {}), produced: `${Buffer.byteLength(value)} bytes` })}`,
        303,
      );
    } catch (error) {
      const text = failed(c, cluster, error);
      return c.html(
        page({ ...c.get('view'), path: '/topics' }, `Messages of ${topic}`, html`${notice('error', html`Nothing was produced: ${text}`)}${produceForm(c.get('view'), topic)}`).text,
        failureStatus(error),
      );
    } finally {
      await sender?.close();
    }
  });
  return app;
}
