// Static files the console serves itself (no CDN): htmx and uPlot from node_modules, and the console's own CSS and
// script from ./assets/. Read once at start; served with a long cache lifetime.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);

const FILES: Record<string, { from: () => string; type: string }> = {
  'htmx.js': { from: () => require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.js': { from: () => require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.css': { from: () => require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'console.css': { from: () => new URL('./assets/console.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
  'console.js': { from: () => new URL('./assets/console.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
};

export function assetRoutes(): Hono {
  const loaded = new Map(Object.entries(FILES).map(([name, f]) => [name, { body: readFileSync(f.from()), type: f.type }]));
  const app = new Hono();
  app.get('/:name', (c) => {
    const file = loaded.get(c.req.param('name'));
    if (!file) return c.text('no such asset', 404);
    return c.body(new Uint8Array(file.body), 200, { 'content-type': file.type, 'cache-control': 'public, max-age=3600' });
  });
  return app;
}
