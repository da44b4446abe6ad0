import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { OperatorMetrics } from './metrics.ts';

export interface HealthState {
  /** The process works (its event loop answers). */
  live(): boolean;
  /** Caches synced (and, for the leader, queues running): the replica can do its job. */
  ready(): boolean;
}

/** `/healthz` (liveness), `/readyz` (readiness), `/metrics` (Prometheus), as controller-runtime's probes. */
export function healthApp(state: HealthState, metrics: OperatorMetrics): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => (state.live() ? c.text('ok\n') : c.text('not live\n', 500)));
  app.get('/readyz', (c) => (state.ready() ? c.text('ok\n') : c.text('caches not synced\n', 503)));
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  return app;
}

/** Listens on host:port (port 0 picks a free one); resolves with the bound address. */
export function startHealthServer(app: Hono, host: string, port: number): Promise<{ server: ServerType; address: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => resolve({ server, address: `${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}` }));
    server.once('error', reject);
  });
}
