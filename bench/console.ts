// The kafkaplane console at scale (npm run bench:console): a cluster with 10,000 partitions and 500 consumer groups,
// the console run as users run it (the real binary), measured from outside:
//
//   time to first byte   p50/p95 of GET /topics and GET /groups (first page, served from the cached snapshot)
//                        and of a topic search (GET /topics?q=…)                                  target p95 ≤ 300 ms
//   memory               the console process's RSS, sampled every 250 ms from when it listens, through the requests and
//                        an idle window of --idle seconds (collections every 10 s go on): peak and at the end
//                                                                                                target ≤ 150 MB
//
// Options: --partitions N (default 10000), --groups N (default 500), --requests N (default 100), --idle S (default
// 30), --heap-snapshot (each variant writes one after the idle window, bench/heap-snapshot.ts), --json FILE,
// --variant V (repeatable; default src): how the console runs, one after the other against the same cluster —
// `src` (a checkout's .ts), `dist` (the built JS, as the npm package and the image run it: `npm run build` first),
// either followed by `@V8_FLAGS` (KAFKAPLANE_V8_FLAGS: flags NODE_OPTIONS refuses) and/or `:NODE_OPTIONS`
// (e.g. `dist:--max-semi-space-size=4`, `dist@--optimize-for-size:--max-semi-space-size=4`).
// The console runs with --no-auth on loopback (a session check is one HMAC; it does not change the numbers).
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createAdmin } from '../src/kafka/admin-session.ts';
import { HEAP_SNAPSHOT_FLAG, takeHeapSnapshot } from './heap-snapshot.ts';
import { fillLargeCluster } from './large-cluster.ts';
import { startTestCluster, TEST_PORTS, testClusterSpec } from '../test/helpers/local-cluster.ts';
import { httpGet, startService } from '../test/helpers/service.ts';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: ['src'] },
    partitions: { type: 'string', default: '10000' },
    groups: { type: 'string', default: '500' },
    requests: { type: 'string', default: '100' },
    idle: { type: 'string', default: '30' },
    'heap-snapshot': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const PARTITIONS = Number(values.partitions);
const GROUPS = Number(values.groups);
const log = (m: string) => process.stderr.write(`[bench:console] ${m}\n`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

log(
  `load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const cluster = await startTestCluster(testClusterSpec('bench-console', ''), { portBase: TEST_PORTS.console, heap: '768m', log });
const results: Record<string, unknown> = { partitions: PARTITIONS, groups: GROUPS };
try {
  const admin = await createAdmin({ bootstrap: cluster.bootstrap.split(','), timeoutMs: 120_000 });
  await fillLargeCluster(admin, { partitions: PARTITIONS, groups: GROUPS, log });
  await admin.close();

  const variants: Record<string, unknown>[] = [];
  for (const variant of values.variant) {
    // A variant that dies (a heap cap below what the collections hold: V8 aborts) is recorded, and the others still run.
    variants.push(await measureVariant(cluster.bootstrap, variant).catch((error: Error) => ({ variant, error: error.message.split('\n')[0] })));
    if ('error' in variants.at(-1)!) log(`${variant}: failed: ${String(variants.at(-1)!.error)}`);
  }
  Object.assign(results, variants.length === 1 ? variants[0] : { variants });
} finally {
  await cluster.stop();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);

/** Starts the console as `variant` says, measures its pages and its RSS, stops it. */
async function measureVariant(bootstrap: string, variant: string): Promise<Record<string, unknown>> {
  const [head = 'src', ...nodeOptions] = variant.split(':');
  const [entry, v8Flags] = head.split('@');
  log(`starting the console (${variant})…`);
  const { service } = await startService(
    ['console', '--bootstrap', bootstrap, '--timeout', '120', '--listen', `127.0.0.1:${TEST_PORTS.consoleHttp + 1}`, '--no-auth', '--refresh-interval', '10', '--audit-log', '-'],
    /kafkaplane console: (http:\/\/\S+)/,
    {
      timeoutMs: 120_000,
      env: {
        ...process.env,
        ...(entry === 'dist' ? { KAFKAPLANE_ENTRY: 'dist' } : {}),
        ...(v8Flags ? { KAFKAPLANE_V8_FLAGS: v8Flags } : {}),
        ...(nodeOptions.length > 0 || values['heap-snapshot'] ? { NODE_OPTIONS: [nodeOptions.join(':'), values['heap-snapshot'] ? HEAP_SNAPSHOT_FLAG : ''].join(' ').trim() } : {}),
      },
    },
  );
  const rssOf = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1]) / 1024;
  const samples: number[] = [rssOf()];
  // The process may die under a variant's heap cap: the sampler stops, the requests fail and say so.
  const sampler = setInterval(() => {
    try {
      samples.push(rssOf());
    } catch {
      clearInterval(sampler);
    }
  }, 250);
  try {
    const url = `http://127.0.0.1:${TEST_PORTS.consoleHttp + 1}`;
    // Wait for the first collection: the groups page lists them.
    for (let i = 0; i < 600; i++) {
      const body = (await httpGet(`${url}/groups`, 60_000)).body;
      if (new RegExp(`${GROUPS} groups?;`).test(body)) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const measure = async (path: string) => {
      const ttfb: number[] = [];
      for (let i = 0; i < Number(values.requests); i++) ttfb.push((await timedGet(`${url}${path}`)).firstByteMs);
      ttfb.sort((a, b) => a - b);
      return { p50: pct(ttfb, 50), p95: pct(ttfb, 95), max: ttfb.at(-1) };
    };
    const pages: Record<string, unknown> = {};
    for (const path of ['/topics', '/groups', '/topics?q=bench-00', '/groups?q=group-4', '/']) {
      pages[path] = await measure(path);
      log(`${path}: first byte ${JSON.stringify(pages[path], (_k, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(1)) : v))} ms`);
    }
    const afterRequests = rssOf();
    log(`console RSS (${variant}) after the requests ${afterRequests.toFixed(0)} MiB; idle for ${values.idle} s (collections go on)…`);
    await new Promise((r) => setTimeout(r, Number(values.idle) * 1_000));
    const rss = rssOf();
    clearInterval(sampler); // before the heap snapshot, which costs memory of its own
    if (values['heap-snapshot']) await takeHeapSnapshot(service.child.pid!, log);
    const sorted = [...samples].sort((a, b) => a - b);
    const rssPeakMiB = sorted.at(-1)!;
    const rssMedianMiB = pct(sorted, 50);
    log(`console RSS (${variant}) at the end ${rss.toFixed(0)} MiB, peak ${rssPeakMiB.toFixed(0)} MiB, median ${rssMedianMiB.toFixed(0)} MiB (${samples.length} samples)`);
    return { variant, firstByteMs: pages, rssMiB: rss, rssAfterRequestsMiB: afterRequests, rssPeakMiB, rssMedianMiB, loadAverageAtEnd: loadavg() };
  } finally {
    clearInterval(sampler);
    await service.stop();
  }
}

/** One GET: when the first byte and the last byte arrived. */
function timedGet(url: string): Promise<{ firstByteMs: number; totalMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, (res) => {
      let first: number | undefined;
      res.on('data', () => {
        first ??= performance.now() - started;
      });
      res.on('end', () => resolve({ firstByteMs: first ?? performance.now() - started, totalMs: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
