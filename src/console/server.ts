import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** Starts listening; resolves with the server and the address it bound (port 0 picks a free one). */
export function startConsoleServer(app: Hono<never> | Hono<any>, host: string, port: number): Promise<{ server: ServerType; address: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => resolve({ server, address: `${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}` }));
    server.once('error', reject);
  });
}

/** Loopback addresses: the only ones `--no-auth` may listen on. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
