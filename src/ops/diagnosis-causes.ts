// Root causes for `kafkaplane doctor`: one failure (a node down, frozen, out of disk) shows up in many checks — its
// addresses stop answering, partitions lose an ISR member, the quorum loses a voter, requests routed to it hang. The
// cause is reported once, first, with its fix; the checks it explains are reported under it as its symptoms.

import { action, hint, setting } from '../errors.ts';
import type { DoctorFacts, Finding, LocalNodeFact } from './diagnosis-facts.ts';

export class Causes {
  /** Node id → the id of the finding that explains what is wrong with it. */
  readonly #byNode = new Map<number, string>();
  readonly #frozen: string[] = [];

  add(nodeId: number, findingId: string, frozen = false): void {
    if (!this.#byNode.has(nodeId)) this.#byNode.set(nodeId, findingId);
    if (frozen) this.#frozen.push(findingId);
  }

  get nodes(): number[] {
    return [...this.#byNode.keys()].sort((a, b) => a - b);
  }

  has(nodeId: number): boolean {
    return this.#byNode.has(nodeId);
  }

  /** The cause that explains every one of `nodeIds` (the first one's), or undefined when one is unexplained. */
  of(nodeIds: readonly number[]): string | undefined {
    if (nodeIds.length === 0 || !nodeIds.every((id) => this.#byNode.has(id))) return undefined;
    return this.#byNode.get(nodeIds[0]!);
  }

  /** A frozen node explains requests that hang anywhere: they reach it through leaders, coordinators and forwarding. */
  get frozen(): string | undefined {
    return this.#frozen[0];
  }
}

type Add = (finding: Finding) => void;

/**
 * The local nodes' own state, checked first: a node that is stopped (and why, from its log), frozen, or out of disk.
 * Each becomes a root-cause finding with the id `node-<id>`.
 */
export function localNodeCauses(facts: DoctorFacts, add: Add, causes: Causes): void {
  const local = facts.local;
  if (!local) return;
  let problems = 0;
  for (const n of local.nodes) {
    const finding = nodeFinding(local.name, n);
    if (!finding) continue;
    problems++;
    add(finding);
    if (finding.severity === 'critical') causes.add(n.id, finding.id!, n.state === 'frozen');
  }
  if (problems === 0) add({ check: 'local-nodes', severity: 'ok', title: `all ${local.nodes.length} nodes of local cluster "${local.name}" are running`, detail: [], fix: null });
}

function nodeFinding(cluster: string, n: LocalNodeFact): Finding | undefined {
  const id = `node-${n.id}`;
  const what = `node ${n.id} (${n.roles.join('+')}) of local cluster "${cluster}"`;
  const disk = n.disk ? `${n.disk.path}: ${mib(n.disk.freeBytes)} MiB free of ${mib(n.disk.totalBytes)} MiB` : undefined;
  if (n.problem === 'the disk is full') {
    return {
      id,
      check: 'local-nodes',
      severity: 'critical',
      title: `${what} ${n.state === 'stopped' ? 'stopped' : 'fails'}: the disk of its log directory is full`,
      detail: [...(disk ? [disk] : []), `log: ${n.logFile}`],
      fix: hint`free space on that disk (old segments: lower retention.ms / retention.bytes of the largest topics with ${action('topicsAlter', '<topic>')}), or give the node a larger volume; then start it again: \`${action('up')} ${setting('file', '<spec>')}\``,
    };
  }
  if (n.state === 'stopped') {
    return {
      id,
      check: 'local-nodes',
      severity: 'critical',
      title: `${what} is not running${n.problem ? `: ${n.problem}` : ''}`,
      detail: [`log: ${n.logFile}`],
      fix: hint`look at the log (${action('logs', String(n.id))}), then start it again: \`${action('up')} ${setting('file', '<spec>')}\` (running nodes and data are kept)`,
    };
  }
  if (n.state === 'frozen') {
    return {
      id,
      check: 'local-nodes',
      severity: 'critical',
      title: `${what} is frozen: its process is stopped by a signal (SIGSTOP, a debugger), accepts connections and answers nothing`,
      detail: ['requests routed to it hang until they time out: clients, other brokers and the quorum wait on it'],
      fix: 'resume it (kill -CONT <pid>, `kafkaplane status` shows the pid) or stop it for good; a paused VM or container has the same symptoms',
    };
  }
  if (n.disk && n.disk.totalBytes > 0 && n.disk.freeBytes / n.disk.totalBytes < 0.05) {
    return {
      id: `disk-${n.id}`,
      check: 'local-nodes',
      severity: 'warning',
      title: `${what}: its disk is almost full`,
      detail: disk ? [disk] : [],
      fix: 'free space or lower retention before Kafka fails the log directory and stops the node',
    };
  }
  return undefined;
}

function mib(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
