// The exporter's collection, in a worker thread: the Kafka requests, the snapshot, Burrow's rules and the text of
// hundreds of thousands of series all run here, so the main thread only answers scrapes from the last finished
// collection and a scrape never waits behind a collection (bench/exporter.ts measures it).
import { parentPort, workerData } from 'node:worker_threads';
import { ExporterCollector } from './collector.ts';
import { renderCollection } from './registry.ts';
import { type WorkerOptions, type WorkerMessage, workerConnection } from './worker-protocol.ts';

const options = workerData as WorkerOptions;
const port = parentPort!;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const topicFilter = new RegExp(options.topicFilter, 'u');
const topicExclude = new RegExp(options.topicExclude, 'u');
const groupFilter = new RegExp(options.groupFilter, 'u');
const groupExclude = new RegExp(options.groupExclude, 'u');

const collector = new ExporterCollector(
  {
    async update(samples, takenAtMs) {
      const { text, gzipped } = await renderCollection(samples);
      // The gzip's bytes move to the main thread without a copy; the text is copied once.
      const bytes = gzipped.buffer.slice(gzipped.byteOffset, gzipped.byteOffset + gzipped.byteLength) as ArrayBuffer;
      post({ kind: 'collection', text, gzipped: bytes, takenAtMs }, [bytes]);
    },
  },
  {
    connection: workerConnection(options.connection),
    intervalMs: options.intervalMs,
    topicFilter: (t) => topicFilter.test(t) && !topicExclude.test(t),
    groupFilter: (g) => groupFilter.test(g) && !groupExclude.test(g),
    lagSeconds: options.lagSeconds,
    log: (message) => post({ kind: 'log', message }),
    onCollected: (snapshot, error) =>
      post({
        kind: 'collected',
        ready: collector.ready,
        error: error ?? collector.lastError,
        summary: snapshot ? { brokers: snapshot.brokers.length, topics: snapshot.topics.length, groups: snapshot.groups.length, durationMs: snapshot.durationMs } : undefined,
      }),
  },
);

port.on('message', (message: { kind: 'stop' }) => {
  if (message.kind === 'stop') void collector.stop().then(() => post({ kind: 'stopped' }));
});
collector.start();
