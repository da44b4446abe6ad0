import { type UpResult, up } from '../../local/up.ts';
import { defaultStateDir } from '../../local/state.ts';
import { cliHint } from '../hints.ts';
import { type Io, formatBytes, formatTable, printJson, progress } from '../output.ts';
import { readSpecFile } from '../spec-file.ts';

export interface UpFlags {
  file: string;
  cluster?: string;
  stateDir?: string;
  portBase?: number;
  heap?: string;
  timeout?: number;
  allowStateInCheckout?: boolean;
}

export async function runUp(flags: UpFlags, io: Io): Promise<number> {
  const spec = await readSpecFile(flags.file);
  const bar = progress(io);
  // Ctrl-C (or SIGTERM) while `up` works: stop the nodes it started instead of leaving JVMs behind. A second
  // Ctrl-C exits at once.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) process.exit(130);
    bar.line(`${signal}: stopping what this \`up\` started (press Ctrl-C again to exit at once)`);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await upAndReport(flags, spec, bar, io, interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function upAndReport(flags: UpFlags, spec: Awaited<ReturnType<typeof readSpecFile>>, bar: ReturnType<typeof progress>, io: Io, signal: AbortSignal): Promise<number> {
  const result = await up(
    {
      spec,
      ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
      ...(flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {}),
      ...(flags.portBase !== undefined ? { portBase: flags.portBase } : {}),
      ...(flags.heap !== undefined ? { heap: flags.heap } : {}),
      ...(flags.timeout !== undefined ? { readyTimeoutMs: flags.timeout * 1000 } : {}),
      allowStateInCheckout: flags.allowStateInCheckout ?? false,
      signal,
      onEvent: (event) => {
        if (event.type === 'download') {
          const p = event.progress;
          const pct = p.totalBytes === 0 ? 100 : Math.floor((100 * p.doneBytes) / p.totalBytes);
          const done = p.doneFiles === p.totalFiles;
          bar.update(`downloading Kafka ${p.version} from Maven Central: ${pct}% (${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}, ${p.doneFiles}/${p.totalFiles} jars)`, done || p.doneFiles === 0);
          if (done) bar.done();
        } else if (event.type === 'waiting') {
          bar.update(event.message, false);
        } else {
          bar.line(event.message);
        }
      },
    },
    flags.file,
  );
  bar.done();
  const shown = { ...result, warnings: result.warnings.map((w) => cliHint(w)!) };
  if (io.format === 'json') printJson(io, shown);
  else io.stdout.write(describeUp(shown));
  return 0;
}

export function describeUp(r: UpResult & { warnings: string[] }): string {
  const lines: string[] = [];
  const verb = r.created ? 'created and started' : r.started.length > 0 ? `started node${r.started.length > 1 ? 's' : ''} ${r.started.join(', ')} of` : 'already running:';
  lines.push(`Kafka ${r.kafkaVersion} cluster "${r.name}" ${verb}${r.created || r.started.length > 0 ? '' : ''} in ${(r.durationMs / 1000).toFixed(1)} s (cluster id ${r.clusterId})`);
  lines.push('');
  lines.push(formatTable(['NODE', 'ROLES', 'PID', 'PORTS'], r.nodes.map((n) => [n.id, n.roles.join(','), n.pid, n.listeners.map((l) => `${l.name}:${l.port}`).join(' ')])).trimEnd());
  lines.push('');
  for (const l of r.listeners) lines.push(`bootstrap (${l.name}, ${l.securityProtocol}): ${l.bootstrap}`);
  for (const t of r.topics) lines.push(`topic ${t.topic}: ${t.action}${t.changes.length ? ` (${t.changes.join(', ')})` : ''}`);
  for (const u of r.users) lines.push(`user ${u.user}: SCRAM-SHA-512 password in ${u.passwordFile}`);
  if (r.caFile) lines.push(`TLS listeners: trust the cluster's CA ${r.caFile} (kcat -X security.protocol=ssl -X ssl.ca.location=${r.caFile})`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push('');
  lines.push('Connect:');
  lines.push(`  kcat -b ${r.bootstrap} -L`);
  // The hints must work as printed: a cluster outside the default state directory is found only with --state-dir.
  const where = r.stateDir === defaultStateDir(r.name) ? '' : ` --state-dir ${r.stateDir}`;
  lines.push(`  kafkaplane status${where}          # nodes, quorum, health (add -o json for scripts)`);
  lines.push(`  kafkaplane logs 0${where}          # a node's log`);
  lines.push(`  kafkaplane down${where}            # controlled shutdown; data is kept (--purge deletes it)`);
  lines.push(`State: ${r.stateDir}`);
  return `${lines.join('\n')}\n`;
}
