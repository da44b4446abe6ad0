import { readFile } from 'node:fs/promises';
import { KafkaplaneError, hint } from '../../errors.ts';
import { EndToEndProbe } from '../../exporter/probe.ts';
import { ExporterRegistry } from '../../exporter/registry.ts';
import { exporterApp, startExporterServer } from '../../exporter/server.ts';
import { compilePattern } from '../../model/partition-health.ts';
import { WorkerCollector } from '../../exporter/worker-collector.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, writeNote, writeStderrLine } from '../output.ts';

export interface ExporterFlags extends ConnectionFlags {
  bootstrapServer?: string;
  'kafka.server'?: string[];
  'web.listenAddress': string;
  'web.telemetryPath': string;
  'topic.filter': string;
  'topic.exclude': string;
  'group.filter': string;
  'group.exclude': string;
  'sasl.enabled'?: boolean;
  'sasl.mechanism'?: string;
  'sasl.username'?: string;
  'sasl.passwordFile'?: string;
  'tls.enabled'?: boolean;
  'tls.caFile'?: string;
  'tls.insecureSkipTlsVerify'?: boolean;
  'collect.interval': number;
  lagSeconds: boolean;
  probeTopic?: string;
}

export interface ExporterReport {
  address: string;
  metricsPath: string;
  collections: number;
}

const MECHANISMS: Record<string, string> = { plain: 'PLAIN', 'scram-sha256': 'SCRAM-SHA-256', 'scram-sha512': 'SCRAM-SHA-512', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' };

/** Maps kafka_exporter's flags onto kafkaplane's connection flags (both spellings work; kafkaplane's win). */
async function connectionFlags(flags: ExporterFlags, env: NodeJS.ProcessEnv): Promise<ConnectionFlags & { bootstrapServer?: string }> {
  const out: ConnectionFlags & { bootstrapServer?: string } = { ...flags };
  const servers = flags['kafka.server'];
  if (out.bootstrap === undefined && flags.bootstrapServer === undefined && servers && servers.length > 0) out.bootstrap = servers.join(',');
  if (flags['sasl.enabled'] || flags['sasl.username']) {
    const named = (flags['sasl.mechanism'] ?? 'plain').toLowerCase();
    const mechanism = MECHANISMS[named];
    if (!mechanism) throw new KafkaplaneError('BAD_SASL', `--sasl.mechanism must be plain, scram-sha256 or scram-sha512, got "${named}"`);
    out.saslMechanism ??= mechanism;
    out.saslUsername ??= flags['sasl.username'];
    if (flags['sasl.passwordFile']) out.saslPassword ??= (await readFile(flags['sasl.passwordFile'], 'utf8')).trim();
    else if (out.saslPassword === undefined && env.KAFKAPLANE_SASL_PASSWORD === undefined) {
      throw new KafkaplaneError('BAD_SASL', 'SASL is enabled but no password was given', {
        hint: hint`put it in a file for --sasl.password-file, or in KAFKAPLANE_SASL_PASSWORD (flags are visible in ps)`,
      });
    }
  }
  if (flags['tls.enabled']) out.tls = true;
  if (flags['tls.caFile']) out.tlsCa ??= flags['tls.caFile'];
  if (flags['tls.insecureSkipTlsVerify']) out.tlsInsecure = true;
  return out;
}

function pattern(flag: string, value: string): RegExp {
  return compilePattern(value, value, flag);
}

/** "host:port", ":port" (every address, as kafka_exporter) or "[v6]:port". */
function listenAddress(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new KafkaplaneError('BAD_USAGE', `--web.listen-address "${value}" is not host:port`, { hint: 'e.g. 127.0.0.1:9308, or :9308 for every address' });
  const host = m[1]!.replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/**
 * `kafkaplane exporter`: serves kafka_exporter-compatible metrics of the local cluster (or any cluster) until
 * SIGINT/SIGTERM. Collection runs in the background; scrapes read the last collection.
 */
export async function exporter(flags: ExporterFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExporterReport> {
  const where = listenAddress(flags['web.listenAddress']);
  // Checked here, compiled again in the collection thread.
  for (const [flag, value] of [
    ['--topic.filter', flags['topic.filter']],
    ['--topic.exclude', flags['topic.exclude']],
    ['--group.filter', flags['group.filter']],
    ['--group.exclude', flags['group.exclude']],
  ] as const)
    pattern(flag, value);
  const connection = await resolveConnection(await connectionFlags(flags, env), env);
  const registry = new ExporterRegistry();
  const probe = flags.probeTopic ? new EndToEndProbe(registry.registry, connection, flags.probeTopic) : undefined;
  let collections = 0;
  const collector = new WorkerCollector(registry, {
    connection,
    intervalMs: flags['collect.interval'] * 1000,
    topicFilter: flags['topic.filter'],
    topicExclude: flags['topic.exclude'],
    groupFilter: flags['group.filter'],
    groupExclude: flags['group.exclude'],
    lagSeconds: flags.lagSeconds,
    log: (message) => writeNote(io, `exporter: ${message}`),
    onCollected: (summary) => {
      collections++;
      if (summary && collections === 1) writeNote(io, `exporter: first collection: ${summary.brokers} brokers, ${summary.topics} topics, ${summary.groups} groups in ${summary.durationMs} ms`);
      if (probe) void probe.round().catch((error: unknown) => writeNote(io, `exporter: probe failed: ${(error as Error).message}`));
    },
  });
  const { server, address } = await startExporterServer(exporterApp(registry, collector, flags['web.telemetryPath']), { ...where, metricsPath: flags['web.telemetryPath'] });
  writeStderrLine(
    io,
    `kafkaplane exporter: metrics at http://${address}${flags['web.telemetryPath']} (collecting every ${flags['collect.interval']} s from ${connection.bootstrap.join(',')}); Ctrl-C stops it`,
  );
  collector.start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await collector.stop();
  await probe?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { address, metricsPath: flags['web.telemetryPath'], collections };
}
