import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { KAFKA_EXPORTER_METRICS, KAFKAPLANE_METRICS, type MetricDefinition, type Sample } from './metrics.ts';

/**
 * What the exporter serves. The collection's gauges — hundreds of thousands of series on a cluster with 10,000
 * partitions and 500 groups — are turned into Prometheus text once per collection and cached, so a scrape costs a
 * string copy, not a pass over every series (prom-client builds its text on every scrape, seconds at that size).
 * prom-client's own registry adds the process metrics (RSS, CPU, event loop lag) and the probe's histogram, and the
 * data's age is computed at scrape time.
 */
export class ExporterRegistry {
  /** prom-client's registry: process metrics and anything registered on it (the probe). */
  readonly registry = new Registry();
  #text = '';
  #gzipped: Buffer = gzipSync('');
  #takenAtMs: number | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Replaces every served sample (one collection). The text is built in slices that yield to the event loop, so
   * scrapes arriving meanwhile are answered (from the previous collection) without waiting for the whole build.
   */
  async update(samples: readonly Sample[], takenAtMs: number | undefined): Promise<void> {
    this.setCollection({ ...(await renderCollection(samples)), takenAtMs });
  }

  /** Serves a collection rendered elsewhere (the collector's worker thread). */
  setCollection(collection: RenderedCollection & { takenAtMs: number | undefined }): void {
    this.#text = collection.text;
    this.#gzipped = collection.gzipped;
    this.#takenAtMs = collection.takenAtMs;
  }

  /**
   * The metrics gzip-compressed: the cached collection as one gzip member and the scrape-time part as another — a
   * multi-member gzip stream, which gzip readers (Prometheus' among them) read as one text (RFC 1952 §2.2).
   */
  async gzipped(): Promise<Buffer> {
    return Buffer.concat([this.#gzipped, gzipSync(await this.#scrapeTimePart())]);
  }

  async metrics(): Promise<string> {
    return `${this.#text}${await this.#scrapeTimePart()}`;
  }

  /** What changes between scrapes of one collection: the data's age, the process metrics, the probe. */
  async #scrapeTimePart(): Promise<string> {
    const age = KAFKAPLANE_METRICS.collectionAge;
    const ageLine = this.#takenAtMs === undefined ? '' : `${age.name} ${(Date.now() - this.#takenAtMs) / 1000}\n`;
    return `# HELP ${age.name} ${age.help}\n# TYPE ${age.name} gauge\n${ageLine}${await this.registry.metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

export interface RenderedCollection {
  text: string;
  gzipped: Buffer;
}

/**
 * A collection's samples as Prometheus text and its gzip (compressed once here, in libuv's thread pool, not per
 * scrape: Prometheus asks for gzip). The text is built in slices that yield to the event loop.
 */
export async function renderCollection(samples: readonly Sample[]): Promise<RenderedCollection> {
  const text = await exposition(samples, () => new Promise((resolve) => setImmediate(resolve)));
  return { text, gzipped: await promisify(gzip)(text) };
}

const FAMILIES: readonly MetricDefinition[] = [...Object.values(KAFKA_EXPORTER_METRICS), ...Object.values(KAFKAPLANE_METRICS)].filter((m) => m !== KAFKAPLANE_METRICS.collectionAge);

/**
 * Prometheus text exposition (0.0.4) of gauges, every family with its HELP and TYPE, in definition order. `pause` is
 * awaited every few thousand lines (to let other work run); without it the text is built in one go.
 */
export async function exposition(samples: readonly Sample[], pause?: () => Promise<void>): Promise<string> {
  const byName = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byName.get(s.metric.name);
    if (list) list.push(s);
    else byName.set(s.metric.name, [s]);
  }
  const parts: string[] = [];
  for (const family of FAMILIES) {
    parts.push(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} gauge\n`);
    for (const s of byName.get(family.name) ?? []) {
      const labels = family.labels.length === 0 ? '' : `{${family.labels.map((l) => `${l}="${escapeLabel(s.labels[l] ?? '')}"`).join(',')}}`;
      parts.push(`${family.name}${labels} ${formatValue(s.value)}\n`);
      if (pause && parts.length % 5_000 === 0) await pause();
    }
  }
  return parts.join('');
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
