import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { ExporterRegistry } from './registry.ts';

export interface ExporterServerOptions {
  host: string;
  port: number;
  metricsPath: string;
}

/**
 * The exporter's HTTP endpoints (kafka_exporter's, plus readiness): `metricsPath` serves the last collection,
 * `/healthz` answers while the process runs, `/ready` once a collection succeeded (503 before, with the reason), `/`
 * links the metrics.
 */
export function exporterApp(registry: ExporterRegistry, collector: { readonly ready: boolean; readonly lastError: string | undefined }, metricsPath: string): Hono {
  const app = new Hono();
  app.get(metricsPath, async (c) => {
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(await registry.gzipped()), 200, { 'content-type': registry.contentType, 'content-encoding': 'gzip' });
    }
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/ready', (c) => (collector.ready ? c.text('ready') : c.text(`not ready: ${collector.lastError ?? 'no collection finished yet'}`, 503)));
  app.get('/', (c) =>
    c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kafkaplane exporter</title></head><body><h1>kafkaplane exporter</h1><p><a href="${metricsPath}">Metrics</a> · <a href="/ready">Ready</a></p></body></html>`,
    ),
  );
  return app;
}

/** Starts listening; resolves with the server and the address it bound (port 0 picks a free one). */
export function startExporterServer(app: Hono, options: ExporterServerOptions): Promise<{ server: ServerType; address: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) =>
      resolve({ server, address: `${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}` }),
    );
    server.once('error', reject);
  });
}
