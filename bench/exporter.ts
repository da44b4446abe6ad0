// The kafkaplane exporter at scale (npm run bench:exporter): a cluster with 10,000 partitions and 500 consumer
// groups, the exporter run as users run it (the real binary), measured from outside:
//
//   scrape latency   p50/p99 of GET /metrics over HTTP (served from the cache)            target p99 ≤ 50 ms
//   collection       one collection cycle (the exporter's own kafkaplane_exporter_collection_duration_seconds)
//                    against the bare Kafka requests a collection needs, sent by the same client library with no
//                    processing, in the same run                                             target ≤ 1.5×
//   memory           the exporter process's RSS after collections
//
// Options: --partitions N (default 10000), --groups N (default 500), --scrapes N (default 200), --json FILE.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createAdmin } from '../src/kafka/admin-session.ts';
import { loadKafka } from '../src/kafka/client.ts';
import { describeQuorum } from '../src/kafka/cluster.ts';
import { clusterMetadata } from '../src/kafka/topics.ts';
import { fillLargeCluster } from './large-cluster.ts';
import { startTestCluster, TEST_PORTS, testClusterSpec } from '../test/helpers/local-cluster.ts';
import { httpGet, sample, startService } from '../test/helpers/service.ts';

const { values } = parseArgs({
  options: { partitions: { type: 'string', default: '10000' }, groups: { type: 'string', default: '500' }, scrapes: { type: 'string', default: '200' }, json: { type: 'string' } },
});
const PARTITIONS = Number(values.partitions);
const GROUPS = Number(values.groups);
const log = (m: string) => process.stderr.write(`[bench:exporter] ${m}\n`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

log(
  `load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const cluster = await startTestCluster(testClusterSpec('bench-exporter', ''), {
  portBase: TEST_PORTS.benchExporter,
  heap: '768m',
  log,
});
const results: Record<string, unknown> = { partitions: PARTITIONS, groups: GROUPS };
try {
  const admin = await createAdmin({ bootstrap: cluster.bootstrap.split(','), timeoutMs: 120_000 });
  await fillLargeCluster(admin, { partitions: PARTITIONS, groups: GROUPS, log });

  // The bare requests of one collection, timed with no processing around them.
  const lib = await loadKafka();
  const bare = async () => {
    const started = performance.now();
    const metadata = await clusterMetadata(admin);
    // As the collector: no internal topics (the client library keeps no metadata for them).
    const request = metadata.topics.filter((t) => !t.internal).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, timestamp: -2n })) }));
    await admin.listOffsets({ topics: request });
    await admin.listOffsets({ topics: request.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, timestamp: -1n })) })) });
    await admin.describeConfigs({ resources: metadata.topics.map((t) => ({ resourceType: lib.ConfigResourceTypes.TOPIC, resourceName: t.name, configurationKeys: ['min.insync.replicas'] })) });
    const groups = [...(await admin.listGroups({ types: ['classic', 'consumer'] })).keys()];
    await admin.describeGroups({ groups });
    await admin.listConsumerGroupOffsets({ groups });
    await describeQuorum(admin);
    return performance.now() - started;
  };
  await bare();
  const bareRuns: number[] = [];
  for (let i = 0; i < 5; i++) bareRuns.push(await bare());
  await admin.close();

  log('starting the exporter…');
  const { service, match } = await startService(
    ['exporter', '--bootstrap', cluster.bootstrap, '--timeout', '120', '--web.listen-address', '127.0.0.1:0', '--collect.interval', '5', '--no-lag-seconds'],
    /metrics at (http:\/\/\S+)\/metrics/,
    { timeoutMs: 120_000 },
  );
  try {
    const url = match[1]!;
    const durations: number[] = [];
    let last = -1;
    for (let i = 0; i < 600 && durations.length < 5; i++) {
      const text = (await httpGet(`${url}/metrics`, 60_000)).body;
      const age = sample(text, 'kafkaplane_exporter_collection_age_seconds');
      const duration = sample(text, 'kafkaplane_exporter_collection_duration_seconds');
      if (duration !== undefined && age !== undefined && age < last) durations.push(duration * 1000);
      if (age !== undefined) last = age;
      await new Promise((r) => setTimeout(r, 500));
    }
    const body = (await httpGet(`${url}/metrics`, 60_000)).body;
    const series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    // As Prometheus scrapes: gzip accepted. Time to the first byte (the answer starts: served from the cache) and to
    // the last (the whole compressed body read).
    const ttfb: number[] = [];
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < Number(values.scrapes); i++) {
      const t = await timedScrape(`${url}/metrics`);
      ttfb.push(t.firstByteMs);
      latencies.push(t.totalMs);
      bytes = t.bytes;
    }
    ttfb.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec((await import('node:fs')).readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1]) / 1024;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    Object.assign(results, {
      series,
      scrapeFirstByteMs: { p50: pct(ttfb, 50), p95: pct(ttfb, 95), p99: pct(ttfb, 99), max: ttfb.at(-1) },
      scrapeMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: latencies.at(-1) },
      gzippedBytes: bytes,
      collectionMs: durations,
      bareRequestsMs: bareRuns,
      ratio: median(durations) / median(bareRuns),
      rssMiB: rss,
      loadAverageAtEnd: loadavg(),
    });
    log(
      `${series} series (${(bytes / 1e6).toFixed(1)} MB gzipped); scrape first byte p50 ${pct(ttfb, 50).toFixed(1)} ms, p99 ${pct(ttfb, 99).toFixed(1)} ms; whole body p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`,
    );
    log(`collection median ${median(durations).toFixed(0)} ms vs bare requests median ${median(bareRuns).toFixed(0)} ms: ${(median(durations) / median(bareRuns)).toFixed(2)}×`);
    log(`exporter RSS ${rss.toFixed(0)} MiB`);
  } finally {
    await service.stop();
  }
} finally {
  await cluster.stop();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);

/** One GET with gzip accepted, not decompressed: when the first byte and the last byte arrived. */
function timedScrape(url: string): Promise<{ firstByteMs: number; totalMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let first: number | undefined;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        first ??= performance.now() - started;
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ firstByteMs: first ?? performance.now() - started, totalMs: performance.now() - started, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
