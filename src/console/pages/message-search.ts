import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { KafkaplaneError } from '../../errors.ts';
import { browsePartition } from '../../kafka/record-browse.ts';
import type { ConsumedRecord } from '../../toolbox/consumed-record.ts';
import type { ConsoleCluster } from '../cluster.ts';
import type { ConsoleEnv } from '../layout.ts';
import { failureStatus, failureText } from './common.ts';
import { browseQuery, matcher, readPlan, readSummary, recordRow } from './message-read.ts';

/**
 * The live search (with JavaScript): the same bounded search as the messages page, streamed as server-sent events —
 * `progress` (JSON: records scanned, matches, position, the partition's end), one `record` per match (a table row
 * escaped here), and `done` (the summary line the page without JavaScript shows). The Stop button closes the stream,
 * which stops the scan after the Fetch response in hand. Without JavaScript the form's plain GET gives the bounded
 * search (15 s); here the user sees it run and can stop it, so it may run up to a minute.
 */
const LIVE_SEARCH_MS = 60_000;
const MAX_SEARCHES = 16;
/** Small Fetch responses: the progress line moves every 128 KiB scanned. */
const FETCH_BYTES = 128 * 1024;
/** At most ~10 progress events a second. */
const PROGRESS_EVERY_MS = 100;
let searches = 0;

export function liveSearchRoute(app: Hono<ConsoleEnv>, cluster: ConsoleCluster): void {
  app.get('/:name/messages/search', async (c) => {
    const topic = c.req.param('name');
    const query = c.req.query();
    let q: ReturnType<typeof browseQuery>;
    let plan: Awaited<ReturnType<typeof readPlan>>;
    try {
      q = browseQuery(query);
      if (q.search === '') throw new KafkaplaneError('BAD_USAGE', 'Give the text to search for (key or value contains)');
      if (searches >= MAX_SEARCHES) throw new KafkaplaneError('BAD_USAGE', `${MAX_SEARCHES} searches are running; stop one first`);
      plan = await readPlan(cluster, topic, q);
      if (!plan) throw new KafkaplaneError('UNKNOWN_TOPIC', `there is no topic "${topic}"`);
    } catch (error) {
      return c.text(failureText(cluster, error), failureStatus(error));
    }
    const { needle, from, end } = plan;
    const consumer = await cluster.consumer();
    searches++;
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      // browsePartition calls back synchronously; events go out in order through one chain.
      let chain: Promise<unknown> = Promise.resolve();
      const send = (event: string, data: string) => {
        chain = chain.then(() => (open ? stream.writeSSE({ event, data }) : undefined)).catch(() => undefined);
      };
      let found = 0;
      let lastProgress = 0;
      const isMatch = matcher(needle!);
      const progress = (scanned: number, position: bigint, force = false) => {
        const now = Date.now();
        if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        send('progress', JSON.stringify({ scanned, found, position: String(position), from: String(from), end: String(end), partition: q.partition }));
      };
      try {
        progress(0, from, true);
        const read = await browsePartition(consumer, {
          topic,
          partition: q.partition,
          from,
          until: end,
          limit: q.limit,
          scanLimit: q.scan,
          deadlineMs: Date.now() + LIVE_SEARCH_MS,
          fetchBytes: FETCH_BYTES,
          match: (r: ConsumedRecord) => {
            if (!isMatch(r)) return false;
            found++;
            send('record', recordRow(r, q.format).text.replace(/\n/g, '&#10;'));
            return true;
          },
          progress: (scanned, position) => progress(scanned, position),
          stopped: () => !open,
        });
        progress(read.scanned, read.next, true);
        send('done', readSummary(topic, query, q, plan, read, read.records.length).text.replace(/\n/g, ' '));
      } catch (error) {
        send('failed', failureText(cluster, error));
      } finally {
        searches--;
        await chain;
      }
    });
  });
}
