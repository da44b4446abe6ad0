import { KafkaplaneError } from '../../errors.ts';
import { partitionOffsets } from '../../kafka/groups.ts';
import type { BrowseResult } from '../../kafka/record-browse.ts';
import { clusterMetadata } from '../../kafka/topics.ts';
import type { ConsumedRecord } from '../../toolbox/consumed-record.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { offsetNumber, wholeNumber } from '../forms.ts';
import { html, type Html } from '../html.ts';
import { showBytes, type ValueFormat } from '../record-view.ts';

/** What the messages page and the live search share: the query, where a read starts and ends, a record's row. */
export const MAX_LIMIT = 500;
export const MAX_SCAN = 100_000;

export interface BrowseQuery {
  partition: number;
  from: 'offset' | 'timestamp' | 'end';
  offset: string;
  timestamp: string;
  limit: number;
  format: ValueFormat;
  search: string;
  scan: number;
}

export function browseQuery(q: Record<string, string>): BrowseQuery {
  const from = q.from === 'timestamp' || q.from === 'end' ? q.from : 'offset';
  const format = q.format === 'text' || q.format === 'hex' ? q.format : 'json';
  return {
    partition: q.partition ? wholeNumber(q.partition, 'Partition', 0, 1_000_000) : 0,
    from,
    offset: q.offset ?? '',
    timestamp: q.timestamp ?? '',
    limit: q.limit ? wholeNumber(q.limit, 'Records per page', 1, MAX_LIMIT) : 20,
    format,
    search: q.search ?? '',
    scan: q.scan ? wholeNumber(q.scan, 'Records to scan', 1, MAX_SCAN) : 10_000,
  };
}

function parseTime(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text.length === 16 ? `${text}:00Z` : text);
  if (!Number.isFinite(ms) || ms < 0) throw new KafkaplaneError('BAD_USAGE', `Timestamp "${text}" is not a time (ISO 8601 like 2026-01-31T12:00:00Z, or ms since 1970)`);
  return ms;
}

export interface ReadPlan {
  partitions: number;
  start: bigint;
  /** The partition's end when the read began: a read never goes past it. */
  end: bigint;
  from: bigint;
  /** The search string's bytes; undefined when browsing. */
  needle: Buffer | undefined;
}

/**
 * Where a browse or search of `topic` starts and ends; undefined when the topic does not exist (the caller answers
 * 404). A bad query or a partition the topic lacks is a KafkaplaneError naming the field.
 */
export async function readPlan(cluster: ConsoleCluster, topic: string, q: BrowseQuery): Promise<ReadPlan | undefined> {
  const admin = await cluster.admin();
  const metadata = await clusterMetadata(admin, [topic]);
  const t = metadata.topics.find((x) => x.name === topic);
  if (!t) return undefined;
  const partitions = t.partitions.length;
  if (q.partition >= partitions) throw new KafkaplaneError('BAD_USAGE', `Partition ${q.partition} does not exist: the topic has partitions 0-${partitions - 1}`);
  const tp = [{ topic, partition: q.partition }];
  const key = `${topic}\u0000${q.partition}`;
  const start = (await partitionOffsets(admin, metadata, tp, 'earliest')).get(key) ?? 0n;
  const end = (await partitionOffsets(admin, metadata, tp, 'latest')).get(key) ?? 0n;
  let from: bigint;
  if (q.from === 'end') from = end - BigInt(q.limit) > start ? end - BigInt(q.limit) : start;
  else if (q.from === 'timestamp') from = (await partitionOffsets(admin, metadata, tp, { timestamp: parseTime(q.timestamp) })).get(key) ?? end;
  else from = q.offset === '' ? start : offsetNumber(q.offset, 'Offset');
  if (from < start) from = start;
  return { partitions, start, end, from, needle: q.search === '' ? undefined : Buffer.from(q.search, 'utf8') };
}

/** A search's test: the key or the value contains the needle's bytes. */
export function matcher(needle: Buffer): (r: ConsumedRecord) => boolean {
  return (r) => (r.key?.includes(needle) ?? false) || (r.value?.includes(needle) ?? false);
}

export function recordRow(r: ConsumedRecord, format: ValueFormat): Html {
  const v = showBytes(r.value, format);
  const k = showBytes(r.key, format === 'hex' ? 'hex' : 'text');
  return html`<tr><td>${r.offset}</td><td>${new Date(Number(r.timestamp)).toISOString()}</td><td><pre class="${k.kind}">${k.text}</pre></td><td>${r.headers.map(([hk, hv]) => html`<div><code>${hk.toString('utf8')}</code>=${hv?.toString('utf8') ?? 'null'}</div>`)}</td><td><pre class="${v.kind}">${v.text}</pre></td></tr>`;
}

export const RECORDS_HEAD = html`<thead><tr><th scope="col">Offset</th><th scope="col">Timestamp</th><th scope="col">Key</th><th scope="col">Headers</th><th scope="col">Value</th></tr></thead>`;

const WHY: Record<BrowseResult['reason'], string> = {
  limit: 'the page is full',
  end: 'the end of the partition',
  'scan-limit': 'the scan limit',
  deadline: 'the time limit',
  stopped: 'the Stop button',
};

/** The line under a read: what was looked at, where it stopped and why, and a link to go on from there. */
export function readSummary(topic: string, query: Record<string, string>, q: BrowseQuery, plan: ReadPlan, read: Pick<BrowseResult, 'scanned' | 'next' | 'reason'>, found: number): Html {
  const next = new URLSearchParams({ ...query, from: 'offset', offset: String(read.next) });
  return html`<p class="progress" role="status">Partition ${q.partition}: offsets ${plan.start}–${plan.end}. ${plan.needle ? html`Searched ${read.scanned} records from offset ${plan.from}, found ${found}` : html`${found} records from offset ${plan.from}`}; stopped at ${WHY[read.reason]} (next offset ${read.next}).
${read.next < plan.end ? html` <a href="/topics/${encodeURIComponent(topic)}/messages?${next.toString()}">${plan.needle ? 'Continue the search' : 'Next page'}</a>` : ''}</p>`;
}
