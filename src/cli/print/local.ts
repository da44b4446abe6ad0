// Printers of the local-cluster commands: up, down, status, logs, validate.
import { countNodes } from '../../api/semantics.ts';
import type { DownResult } from '../../local/down.ts';
import type { LocalEvent as UpEvent } from '../../local/events.ts';
import type { StatusResult } from '../../local/status.ts';
import type { RestartResult } from '../../local/restart.ts';
import type { KubeRollResult } from '../../operator/kube-roll.ts';
import type { UpResult } from '../../local/up.ts';
import { defaultStateDir } from '../../local/state.ts';
import type { LogsReport } from '../commands/logs.ts';
import type { StatusReport } from '../commands/status.ts';
import type { Printer } from '../declare.ts';
import { type Io, type ProgressOptions, formatBytes, formatTable, logLine, progress } from '../output.ts';
import type { SpecFile } from '../../api/load.ts';

/**
 * What `up` prints while it works: its steps as lines; the download as one line rewritten on a terminal, and in a
 * log (CI, a pipe) as a line every 10 % or 5 s at most; waiting messages on a terminal only.
 */
export function upProgress(io: Io, options: ProgressOptions = {}) {
  const bar = progress(io, options);
  return {
    line: (message: string) => bar.line(message),
    event(event: UpEvent) {
      if (event.type === 'download') {
        const p = event.progress;
        const percent = p.totalBytes === 0 ? 100 : Math.floor((100 * p.doneBytes) / p.totalBytes);
        const done = p.doneFiles === p.totalFiles;
        bar.percent(`downloading Kafka ${p.version} from Maven Central: ${percent}% (${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}, ${p.doneFiles}/${p.totalFiles} jars)`, percent, done);
        if (done) bar.done();
      } else if (event.type === 'waiting') {
        bar.update(event.message, false);
      } else {
        bar.line(event.message);
      }
    },
    done: () => bar.done(),
  };
}

export const upPrinter: Printer<UpResult> = {
  text: (r, io) => io.stdout.write(describeUp(r)),
};

export function describeUp(r: UpResult): string {
  const lines: string[] = [];
  const verb = r.created ? 'created and started' : r.started.length > 0 ? `started node${r.started.length > 1 ? 's' : ''} ${r.started.join(', ')} of` : 'already running:';
  lines.push(`Kafka ${r.kafkaVersion} cluster "${r.name}" ${verb} in ${(r.durationMs / 1000).toFixed(1)} s (cluster id ${r.clusterId})`);
  lines.push('');
  lines.push(
    formatTable(
      ['NODE', 'ROLES', 'PID', 'PORTS'],
      r.nodes.map((n) => [n.id, n.roles.join(','), n.pid, n.listeners.map((l) => `${l.name}:${l.port}`).join(' ')]),
    ).trimEnd(),
  );
  lines.push('');
  for (const l of r.listeners) lines.push(`bootstrap (${l.name}, ${l.securityProtocol}): ${l.bootstrap}`);
  for (const t of r.topics) lines.push(`topic ${t.topic}: ${t.action}${t.changes.length ? ` (${t.changes.join(', ')})` : ''}`);
  for (const u of r.users) lines.push(`user ${u.user}: SCRAM-SHA-512 password in ${u.passwordFile}`);
  if (r.caFile) lines.push(`TLS listeners: trust the cluster's CA ${r.caFile} (kcat -X security.protocol=ssl -X ssl.ca.location=${r.caFile})`);
  if (r.metrics.targets.length > 0) {
    lines.push(`metrics (Prometheus JMX exporter agent): ${r.metrics.targets.map((t) => `${t.address}`).join(' ')}`);
    if (r.metrics.targetsFile) {
      lines.push(`  scrape them with file_sd_configs: [{files: ['${r.metrics.targetsFile}']}]; consumer lag: kafkaplane exporter`);
      lines.push(`  alert rules and Grafana dashboards: ${r.stateDir}/monitoring/ (alert-rules.yaml, dashboards/*.json)`);
    }
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push('');
  lines.push('Connect:');
  // The hints must work as printed: a cluster outside the default state directory is found only with --state-dir.
  const where = r.stateDir === defaultStateDir(r.name) ? '' : ` --state-dir ${r.stateDir}`;
  const first = r.listeners[0];
  if (first === undefined || first.securityProtocol === 'PLAINTEXT') lines.push(`  kcat -b ${r.bootstrap} -L`);
  else lines.push(`  kafkaplane connect-info --listener ${first.name}${where}          # client configs (${first.securityProtocol}): properties, kcat, Spring, Python`);
  lines.push(`  kafkaplane status${where}          # nodes, quorum, health (add -o json for scripts)`);
  lines.push(`  kafkaplane logs 0${where}          # a node's log`);
  lines.push(`  kafkaplane down${where}            # controlled shutdown; data is kept (--purge deletes it)`);
  lines.push(`State: ${r.stateDir}`);
  return `${lines.join('\n')}\n`;
}

export const downPrinter: Printer<DownResult> = {
  text(result, io) {
    const stopped = result.nodes.filter((n) => n.result !== 'not-running');
    const late = result.nodes.filter((n) => n.result === 'killed' && n.reason !== 'no-quorum');
    const stranded = result.nodes.filter((n) => n.result === 'killed' && n.reason === 'no-quorum');
    const nodes = (list: typeof late) => `${list.length > 1 ? 'nodes' : 'node'} ${list.map((n) => n.id).join(', ')}`;
    io.stdout.write(
      `cluster "${result.name}": ${stopped.length === 0 ? 'was not running' : `stopped ${stopped.length} node${stopped.length === 1 ? '' : 's'}`}` +
        `${late.length > 0 ? ` (${nodes(late)} did not shut down within the grace period and ${late.length > 1 ? 'were' : 'was'} killed)` : ''}` +
        `${stranded.length > 0 ? ` (${nodes(stranded)} waited for a controller quorum that had shut down and ${stranded.length > 1 ? 'were' : 'was'} killed; logs are recovered at the next start)` : ''}` +
        `${result.purged ? `; deleted ${result.stateDir}` : `; data kept in ${result.stateDir}`}\n`,
    );
  },
};

export const statusPrinter: Printer<StatusReport> = {
  json: (r) => (r.all ? r.clusters : r.cluster),
  text(r, io) {
    if (!r.all) {
      io.stdout.write(describeStatus(r.cluster));
      return;
    }
    const rows = r.clusters.map((c) => [c.name, c.kafkaVersion, `${c.nodes.filter((n) => n.running).length}/${c.nodes.length}`, c.healthy ? 'yes' : 'no', c.bootstrap]);
    io.stdout.write(r.clusters.length === 0 ? 'no local clusters\n' : formatTable(['CLUSTER', 'VERSION', 'NODES', 'HEALTHY', 'BOOTSTRAP'], rows));
  },
  exitCode: (r) => ((r.all ? r.clusters : [r.cluster]).every((c) => c.healthy) ? 0 : 1),
};

export function describeStatus(r: StatusResult): string {
  const state = r.healthy ? 'healthy' : r.running ? 'degraded' : 'stopped';
  const lines = [`cluster "${r.name}" (Kafka ${r.kafkaVersion}, id ${r.clusterId}): ${state}`, ''];
  lines.push(
    formatTable(
      ['NODE', 'ROLES', 'STATE', 'PID', 'BROKER', 'QUORUM', 'PORTS'],
      r.nodes.map((n) => [
        n.id,
        n.roles.join(','),
        n.state,
        n.pid,
        n.registered === null ? '-' : n.registered ? 'registered' : 'not registered',
        n.quorum,
        n.listeners.map((l) => `${l.name}:${l.port}`).join(' '),
      ]),
    ).trimEnd(),
  );
  lines.push('');
  if (r.quorum)
    lines.push(`quorum: leader ${r.quorum.leaderId}, epoch ${r.quorum.leaderEpoch}, high watermark ${r.quorum.highWatermark}, voter lag ${r.quorum.voters.map((v) => `${v.id}:${v.lag}`).join(' ')}`);
  if (r.error) lines.push(`could not query the cluster: ${r.error}`);
  for (const n of r.nodes) {
    if (n.state === 'frozen') lines.push(`node ${n.id} is frozen (pid ${n.pid} is stopped by a signal: it accepts connections and answers nothing); kill -CONT ${n.pid} resumes it`);
    if (n.problem) lines.push(`node ${n.id}: ${n.problem} (log: ${n.logFile})`);
    if (n.disk && n.disk.totalBytes > 0 && n.disk.freeBytes / n.disk.totalBytes < 0.1)
      lines.push(`node ${n.id}: ${formatBytes(n.disk.freeBytes)} free of ${formatBytes(n.disk.totalBytes)} on ${n.disk.path}`);
  }
  for (const l of r.listeners) lines.push(`bootstrap (${l.name}, ${l.securityProtocol}): ${l.bootstrap}`);
  lines.push(`state: ${r.stateDir}`);
  return `${lines.join('\n')}\n`;
}

export const logsPrinter: Printer<LogsReport> = {
  json: (r) => r.files,
  text(r, io) {
    if (r.followed) return;
    for (const f of r.files) for (const line of f.lines) io.stdout.write(logLine(f.node, line, r.files.length > 1));
  },
};

export const validatePrinter: Printer<{ file: string; spec: SpecFile }> = {
  json: (r) => ({ valid: true, ...r.spec }),
  text(r, io) {
    const lines = [`${r.file} is valid:`];
    for (const c of r.spec.clusters) {
      lines.push(
        `  KafkaCluster ${c.metadata.name}: Kafka ${c.spec.version}, ${countNodes(c, 'broker')} brokers, ${countNodes(c, 'controller')} controllers, listeners ${c.spec.listeners.map((l) => `${l.name}:${l.port}`).join(' ')}`,
      );
    }
    for (const t of r.spec.topics) lines.push(`  KafkaTopic ${t.topic.metadata.name}${t.cluster ? ` (cluster ${t.cluster})` : ''}`);
    for (const u of r.spec.users) lines.push(`  KafkaUser ${u.user.metadata.name}${u.cluster ? ` (cluster ${u.cluster})` : ''}`);
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};

export const restartPrinter: Printer<RestartResult | KubeRollResult> = {
  text(r, io) {
    const lines: string[] = [];
    if (r.dryRun && r.plan.length === 0) {
      lines.push(`nothing to restart in "${r.name}": every pod runs the current config`);
    } else if (r.dryRun) {
      lines.push(`rolling restart plan for "${r.name}" (one node at a time, in this order):`);
      for (const p of r.plan) lines.push(`  node ${p.node} (${p.roles.join('+')}): ${p.waitingFor.length === 0 ? 'may go now' : `would wait: ${p.waitingFor.join('; ')}`}`);
    } else {
      for (const x of r.restarted)
        lines.push(`node ${x.node}${'pod' in x ? ` (pod ${x.pod})` : ''} restarted after waiting ${(x.waitedMs / 1000).toFixed(1)} s, back in ${(x.downMs / 1000).toFixed(1)} s`);
      lines.push(`rolling restart of "${r.name}" done in ${(r.durationMs / 1000).toFixed(1)} s (${r.restarted.length} node${r.restarted.length === 1 ? '' : 's'})`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};
