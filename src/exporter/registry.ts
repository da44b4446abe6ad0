import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { KAFKA_EXPORTER_METRICS, KAFKAPLANE_METRICS, type MetricDefinition, type Sample } from './metrics.ts';

/**
 * The Prometheus registry the exporter serves (prom-client). Scrapes read samples from the last collection — they
 * never wait on Kafka; only the staleness gauge is computed at scrape time. Process metrics (RSS, CPU, event loop)
 * come with prom-client's defaults.
 */
export class ExporterRegistry {
  readonly registry = new Registry();
  #samples = new Map<string, Sample[]>();
  #takenAtMs: number | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const definition of [...Object.values(KAFKA_EXPORTER_METRICS), ...Object.values(KAFKAPLANE_METRICS)]) this.#gauge(definition);
  }

  /** Replaces every served sample (one collection). */
  update(samples: readonly Sample[], takenAtMs: number | undefined): void {
    const next = new Map<string, Sample[]>();
    for (const s of samples) next.set(s.metric.name, [...(next.get(s.metric.name) ?? []), s]);
    this.#samples = next;
    this.#takenAtMs = takenAtMs;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #gauge(definition: MetricDefinition): void {
    const samples = () => this.#samples;
    const takenAt = () => this.#takenAtMs;
    new Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: [...definition.labels],
      registers: [this.registry],
      collect() {
        this.reset();
        if (definition === KAFKAPLANE_METRICS.collectionAge) {
          const at = takenAt();
          if (at !== undefined) this.set((Date.now() - at) / 1000);
          return;
        }
        for (const s of samples().get(definition.name) ?? []) this.set(s.labels, s.value);
      },
    });
  }
}
