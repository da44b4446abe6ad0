// `kafkaplane doctor`: seed 004's troubleshooting checklist as a pure function over facts gathered from the cluster
// (src/kafka/health.ts). Every finding says what is wrong, how bad it is, and what to change.

import { type Hint, action, hint, setting } from '../errors.ts';
import { isUnavailable, isUnderMinIsr, isUnderReplicated } from '../model/partition-health.ts';
import type { TopicPartition } from '../model/topic-partition.ts';

export type Severity = 'ok' | 'info' | 'warning' | 'critical';

export interface Finding {
  /** Which check produced it: bootstrap, advertised-listeners, local-nodes, checks, brokers, partitions, quorum, consumer-lag. */
  check: string;
  severity: Severity;
  title: string;
  detail: string[];
  /** What to change: text, or a hint whose commands and settings each front-end words its own way. */
  fix: Hint | string | null;
}

export interface AddressFact {
  address: string;
  ok: boolean;
  /** Why it failed, in words (connection refused, does not resolve, …). */
  reason?: string | undefined;
  code?: string | undefined;
}

export interface PartitionFact extends TopicPartition {
  leader: number;
  replicas: number[];
  isr: number[];
  /** Replicas a reassignment in progress is adding / removing (they do not make a partition under-replicated). */
  adding?: number[] | undefined;
  removing?: number[] | undefined;
  minIsr: number;
  internal: boolean;
}

/**
 * One client listener of a local cluster, checked from here. `metadata`: doctor spoke Kafka over the listener and
 * checked the addresses its brokers advertise on it; `tcp`: doctor has no credentials for it (SASL), so it only
 * checked that the listener's advertised addresses accept connections.
 */
export interface ListenerFact {
  name: string;
  securityProtocol: string;
  checked: 'metadata' | 'tcp';
  /** Why Kafka could not be asked over the listener (metadata checks only); null when it answered. */
  error: string | null;
  advertised: (AddressFact & { brokerId: number | null })[];
}

export interface VoterFact {
  id: number;
  /** Milliseconds since the epoch on the controllers' clocks; null when unknown. */
  lastFetchTimestamp: number | null;
  lastCaughtUpTimestamp: number | null;
  lag: number;
}

export interface GroupLagFact {
  group: string;
  state: string;
  members: number;
  /** Committed offset and log end offset per partition, at the first and second sample. */
  partitions: (TopicPartition & { committed1: number; committed2: number; end1: number; end2: number })[];
}

export interface LocalNodeFact {
  id: number;
  roles: string[];
  running: boolean;
  logFile: string;
}

export interface DoctorFacts {
  bootstrap: AddressFact[];
  /** Why the cluster could not be queried (every bootstrap address failed, or Kafka refused us); null when it answered. */
  connectError: string | null;
  cluster: {
    clusterId: string | null;
    /** Registered brokers (the Metadata response lists only live ones). */
    brokers: { id: number; host: string; port: number }[];
    /** Each broker's advertised address on the listener we connected through, checked from here. */
    advertised: (AddressFact & { brokerId: number })[];
    partitions: PartitionFact[];
    quorum: { leaderId: number; voters: VoterFact[] } | { error: string };
    groups: GroupLagFact[];
    groupsError: string | null;
  } | null;
  /** Set when the target is a cluster `kafkaplane up` runs on this machine. */
  local: { name: string; nodes: LocalNodeFact[] } | null;
  /**
   * A local cluster's client listeners, each checked on its own (doctor itself connects through the internal
   * replication listener, whose advertised addresses say nothing about the ones clients are sent to). Empty otherwise.
   */
  listeners?: ListenerFact[] | undefined;
  /** Which listener the bootstrap connection (and so `cluster.advertised`) belongs to, when known. */
  connectedVia?: string | undefined;
  /** Time between the two consumer-lag samples (0: one sample, stalls are not judged). */
  lagSampleMs: number;
}

const RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

export function worstSeverity(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((worst, f) => (RANK[f.severity] > RANK[worst] ? f.severity : worst), 'ok');
}

/**
 * The exit code is the worst finding, in the toolbox's codes: 1 for a critical finding, 0 otherwise — warnings
 * (a lagging group, an under-replicated partition) are 0 unless `strict`, then 1. Kafka's tools have no such
 * command to copy; Nagios-style 1 warning / 2 critical would clash with 2 = usage error, and a separate code just for
 * warnings breaks `kafkaplane doctor && deploy` on every transient lag. 2 stays "bad input", as for every command.
 */
export function doctorExitCode(findings: readonly Finding[], options: { strict?: boolean } = {}): number {
  const worst = worstSeverity(findings);
  return worst === 'critical' || (worst === 'warning' && options.strict === true) ? 1 : 0;
}

/** Voters whose last fetch is older than this, on the leader's clock, are not keeping up. */
export const VOTER_STALE_MS = 5000;

function list(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isKubernetesName(host: string): boolean {
  return /\.svc(\.|$)|\.cluster\.local$/.test(host);
}

type Add = (check: string, severity: Severity, title: string, detail?: string[], fix?: Hint | string | null) => void;

function advertisedFix(unreachable: readonly AddressFact[]): string {
  return unreachable.some((a) => isKubernetesName(a.address.replace(/:\d+$/, '')))
    ? 'these are Kubernetes-internal names: clients outside the cluster need a listener of type nodeport or loadbalancer whose advertised.listeners carry addresses reachable from outside (spec.listeners[].configuration: advertisedHostTemplate or brokers[].advertisedHost), and must bootstrap through it'
    : 'clients bootstrap fine, then fail when they connect to these addresses: set advertised.listeners of this listener to addresses clients can reach (kafkaplane spec: spec.listeners[].configuration.brokers[].advertisedHost or advertisedHostTemplate), or connect through a listener meant for this network';
}

/** One client listener of a local cluster: what its clients are sent to, and whether Kafka answers on it. */
function diagnoseListener(l: ListenerFact, add: Add): void {
  const name = `listener ${l.name} (${l.securityProtocol})`;
  const who = (a: ListenerFact['advertised'][number]) => (a.brokerId === null ? a.address : `broker ${a.brokerId} advertises ${a.address}`);
  if (l.checked === 'metadata' && l.error !== null) {
    add(
      'advertised-listeners',
      'critical',
      `${name}: Kafka does not answer on it from here: ${l.error}`,
      [],
      hint`clients of this listener cannot connect: check the listener's settings and the broker logs (${action('logs')})`,
    );
    return;
  }
  const unreachable = l.advertised.filter((a) => !a.ok);
  const notChecked = l.checked === 'tcp' ? `; authentication not checked (doctor has no ${l.securityProtocol} credentials: only TCP to the advertised addresses)` : '';
  if (unreachable.length > 0) {
    add(
      'advertised-listeners',
      'critical',
      `${name}: ${unreachable.length} advertised address${unreachable.length === 1 ? '' : 'es'} this machine cannot reach`,
      unreachable.map((a) => `${who(a)}: ${a.reason}`),
      advertisedFix(unreachable),
    );
  } else add('advertised-listeners', 'ok', `${name}: every advertised address is reachable from here (${plural(l.advertised.length, 'broker')})${notChecked}`);
}

export function diagnoseCluster(facts: DoctorFacts): Finding[] {
  const findings: Finding[] = [];
  const add: Add = (check, severity, title, detail = [], fix = null) => findings.push({ check, severity, title, detail, fix });

  // 1. Bootstrap: can we reach any address the user gave?
  const bad = facts.bootstrap.filter((b) => !b.ok);
  if (bad.length === facts.bootstrap.length) {
    add(
      'bootstrap',
      'critical',
      `no bootstrap address is reachable (${facts.bootstrap.map((b) => b.address).join(', ')})`,
      bad.map((b) => `${b.address}: ${b.reason}`),
      bad.every((b) => b.code === 'ENOTFOUND' || b.code === 'EAI_AGAIN')
        ? 'use an address that resolves from here; Kubernetes service names resolve only inside the cluster (use an external listener: type nodeport or loadbalancer)'
        : bad.every((b) => b.code === 'ECONNREFUSED')
          ? hint`nothing listens there: start the cluster (${action('up')} / check the pods), or fix the port`
          : 'check the address, firewalls and security groups between here and the brokers',
    );
  } else if (bad.length > 0) {
    add(
      'bootstrap',
      'warning',
      `${plural(bad.length, 'bootstrap address')} of ${facts.bootstrap.length} unreachable`,
      bad.map((b) => `${b.address}: ${b.reason}`),
      'clients fall back to the other addresses, but drop or fix these in bootstrap.servers',
    );
  } else add('bootstrap', 'ok', `bootstrap reachable: ${facts.bootstrap.map((b) => b.address).join(', ')}`);

  // Local processes (seed 004: restart loops, pods not running) come first: they explain most of what follows.
  const stoppedNodes = facts.local?.nodes.filter((n) => !n.running) ?? [];
  if (facts.local) {
    if (stoppedNodes.length > 0) {
      add(
        'local-nodes',
        'critical',
        `${plural(stoppedNodes.length, 'node')} of local cluster "${facts.local.name}" not running: ${stoppedNodes.map((n) => n.id).join(', ')}`,
        stoppedNodes.map((n) => `node ${n.id} (${n.roles.join('+')}): log ${n.logFile}`),
        hint`look at the log (${action('logs', String(stoppedNodes[0]!.id))}), then start the missing nodes with \`${action('up')} ${setting('file', '<spec>')}\` (running nodes and data are kept)`,
      );
    } else add('local-nodes', 'ok', `all ${facts.local.nodes.length} nodes of local cluster "${facts.local.name}" are running`);
  }

  const cluster = facts.cluster;
  if (!cluster) {
    if (bad.length < facts.bootstrap.length)
      add(
        'bootstrap',
        'critical',
        `the bootstrap address answered, but Kafka did not: ${facts.connectError ?? 'unknown error'}`,
        [],
        'check the security settings (TLS, SASL) match the listener, and the broker logs',
      );
    return findings;
  }

  // 2. Advertised listeners: the addresses clients are sent to after bootstrap (seed 004's first suspect).
  const via = facts.connectedVia ? ` on ${facts.connectedVia}` : '';
  const unreachable = cluster.advertised.filter((a) => !a.ok);
  if (unreachable.length > 0) {
    add(
      'advertised-listeners',
      'critical',
      `${plural(unreachable.length, 'broker')} advertise${unreachable.length === 1 ? 's' : ''} an address this machine cannot reach${via}`,
      unreachable.map((a) => `broker ${a.brokerId} advertises ${a.address}: ${a.reason}`),
      advertisedFix(unreachable),
    );
  } else add('advertised-listeners', 'ok', `every advertised address${via} is reachable from here (${plural(cluster.advertised.length, 'broker')})`);
  for (const l of facts.listeners ?? []) diagnoseListener(l, add);

  // Kafka answered the metadata request, then left requests of the other checks unanswered (a broker hanging,
  // requests routed to unreachable advertised addresses): what follows is incomplete, and clients will see the same.
  if (facts.connectError) {
    add(
      'checks',
      'critical',
      `some checks could not finish, Kafka did not answer: ${facts.connectError}`,
      [],
      'clients will hang or fail the same way: check the advertised addresses above and the brokers (logs, GC pauses, disk); the findings below may be incomplete',
    );
  }

  // 3. Brokers: replicas point at brokers that are not registered.
  const live = new Set(cluster.brokers.map((b) => b.id));
  const expected = new Set<number>();
  for (const p of cluster.partitions) for (const r of p.replicas) expected.add(r);
  for (const n of facts.local?.nodes ?? []) if (n.roles.includes('broker')) expected.add(n.id);
  const down = [...expected].filter((id) => !live.has(id)).sort((a, b) => a - b);
  if (down.length > 0) {
    const hosted = (id: number) => cluster.partitions.filter((p) => p.replicas.includes(id)).length;
    add(
      'brokers',
      'critical',
      `${plural(down.length, 'broker')} down: ${down.join(', ')} (not registered with the controller)`,
      down.map((id) => `broker ${id} holds replicas of ${plural(hosted(id), 'partition')}`),
      facts.local
        ? hint`start it again: \`${action('up')} ${setting('file', '<spec>')}\`; its log says why it stopped (${action('logs', String(down[0]))})`
        : "check the broker's process or pod (kubectl get pods; kubectl logs <pod>; kubectl get events --sort-by=.lastTimestamp): restart loops come from full disks, PVC permissions, port clashes or typos in its configuration",
    );
  } else add('brokers', 'ok', `${plural(live.size, 'broker')} registered: ${[...live].sort((a, b) => a - b).join(', ')}`);

  // 4. Partitions: offline, under min ISR, under-replicated (kafka-topics --describe's definitions).
  const name = (p: PartitionFact) => `${p.topic}-${p.partition}`;
  const offline = cluster.partitions.filter((p) => isUnavailable(p, live));
  const underMinIsr = cluster.partitions.filter((p) => !offline.includes(p) && isUnderMinIsr(p, p.minIsr));
  // A reassignment in progress lists the replicas it adds before they are in sync: not under-replicated (kafka-topics).
  const underReplicated = cluster.partitions.filter((p) => !offline.includes(p) && !underMinIsr.includes(p) && isUnderReplicated(p));
  if (offline.length > 0) {
    add(
      'partitions',
      'critical',
      `${plural(offline.length, 'partition')} offline (no leader): nothing can be written to or read from them`,
      [list(offline.map(name))],
      `bring back the brokers that hold their replicas (${[...new Set(offline.flatMap((p) => p.replicas))].sort((a, b) => a - b).join(', ')}); unclean leader election brings them back sooner but loses the records only the lost replicas had`,
    );
  }
  if (underMinIsr.length > 0) {
    add(
      'partitions',
      'critical',
      `${plural(underMinIsr.length, 'partition')} under min.insync.replicas: producers with acks=all get NOT_ENOUGH_REPLICAS`,
      underMinIsr.slice(0, 8).map((p) => `${name(p)}: ISR ${p.isr.join(',') || 'empty'} (${p.isr.length}) < min.insync.replicas ${p.minIsr}, replicas ${p.replicas.join(',')}`),
      underMinIsr.some((p) => p.minIsr > p.replicas.length)
        ? hint`min.insync.replicas is larger than the replication factor on ${list(underMinIsr.filter((p) => p.minIsr > p.replicas.length).map(name))}: lower it (${action('topicsAlter', '<topic>')} ${setting('config', 'min.insync.replicas=N')}) or add replicas`
        : 'restore the brokers missing from the ISR (see "brokers" above); until then acks=all producers of these partitions fail',
    );
  }
  if (underReplicated.length > 0) {
    const missing = [...new Set(underReplicated.flatMap((p) => p.replicas.filter((r) => !p.isr.includes(r) && !(p.adding ?? []).includes(r))))].sort((a, b) => a - b);
    add(
      'partitions',
      'warning',
      `${plural(underReplicated.length, 'partition')} under-replicated (writes still succeed; one more failure may not)`,
      [list(underReplicated.map(name))],
      `replicas on broker${missing.length === 1 ? '' : 's'} ${missing.join(', ')} are out of the ISR: check those brokers (down, slow disk, network, GC pauses)`,
    );
  }
  if (offline.length + underMinIsr.length + underReplicated.length === 0) add('partitions', 'ok', `${plural(cluster.partitions.length, 'partition')}: all have a leader and a full ISR`);

  // 5. KRaft quorum.
  const quorum = cluster.quorum;
  if ('error' in quorum)
    add(
      'quorum',
      'warning',
      `cannot describe the KRaft quorum: ${quorum.error}`,
      [],
      "DescribeQuorum needs the DESCRIBE permission on the cluster; run doctor as an admin user, or check the controllers' logs",
    );
  else if (quorum.leaderId < 0)
    add(
      'quorum',
      'critical',
      'the KRaft quorum has no leader: no metadata change (topics, ISR, broker registrations) can happen',
      [],
      "a majority of controllers must be up and reach each other on the controller listener; check the controllers' logs",
    );
  else {
    const reference = Math.max(...quorum.voters.map((v) => v.lastFetchTimestamp ?? 0));
    const stale = quorum.voters.filter((v) => v.id !== quorum.leaderId && (v.lastCaughtUpTimestamp === null || reference - v.lastCaughtUpTimestamp > VOTER_STALE_MS));
    const healthy = quorum.voters.length - stale.length;
    const majority = Math.floor(quorum.voters.length / 2) + 1;
    const detail = stale.map(
      (v) =>
        `voter ${v.id}: ${v.lastCaughtUpTimestamp === null ? 'never caught up' : `last caught up ${Math.round((reference - v.lastCaughtUpTimestamp) / 1000)} s before the leader's latest fetch`}, ${v.lag} records behind`,
    );
    if (healthy < majority)
      add(
        'quorum',
        'critical',
        `only ${healthy} of ${quorum.voters.length} controllers keep up with leader ${quorum.leaderId}: below the majority of ${majority}`,
        detail,
        'bring the lagging controllers back (their logs say why); without a majority no metadata change can commit',
      );
    else if (stale.length > 0)
      add(
        'quorum',
        'warning',
        `${plural(stale.length, 'controller')} behind leader ${quorum.leaderId}; the quorum holds (${healthy} of ${quorum.voters.length} caught up)`,
        detail,
        healthy === majority ? 'one more controller failure stops metadata changes: bring the lagging controllers back' : 'bring the lagging controllers back',
      );
    else add('quorum', 'ok', `KRaft quorum: leader ${quorum.leaderId}, all ${quorum.voters.length} voters caught up`);
  }

  // 6. Consumer lag that does not move (seed 004: lag grows → disk IO, network, GC, batch size, acks).
  if (cluster.groupsError) add('consumer-lag', 'warning', `cannot read consumer groups: ${cluster.groupsError}`);
  else {
    const seconds = Math.round(facts.lagSampleMs / 100) / 10;
    let problems = 0;
    for (const g of cluster.groups) {
      const lag1 = g.partitions.reduce((n, p) => n + Math.max(0, p.end1 - p.committed1), 0);
      const lag2 = g.partitions.reduce((n, p) => n + Math.max(0, p.end2 - p.committed2), 0);
      if (lag2 === 0) continue;
      const moved = g.partitions.some((p) => p.committed2 > p.committed1);
      const lagging = g.partitions.filter((p) => p.end2 > p.committed2).map((p) => `${p.topic}-${p.partition} lag ${p.end2 - p.committed2}`);
      if (g.members === 0) {
        problems++;
        add(
          'consumer-lag',
          'warning',
          `group '${g.group}' has no active consumers and a lag of ${lag2}`,
          [list(lagging)],
          hint`start its consumers; if the group is abandoned, delete it (${action('groupsDelete', g.group)}) so lag alerts stop`,
        );
      } else if (facts.lagSampleMs > 0 && !moved) {
        problems++;
        add(
          'consumer-lag',
          'warning',
          `group '${g.group}' is stuck: lag ${lag2}, no committed offset moved in ${seconds} s (state ${g.state}, ${plural(g.members, 'member')})`,
          [list(lagging)],
          'look at the consumers: stuck processing or a rebalance loop (consumer logs), GC pauses, slow disks or network on the brokers, too small fetch/batch sizes',
        );
      } else if (facts.lagSampleMs > 0 && lag2 > lag1) {
        add(
          'consumer-lag',
          'info',
          `group '${g.group}' commits but falls behind: lag ${lag1} → ${lag2} in ${seconds} s`,
          [],
          'add consumers (up to the partition count) or make processing faster; check broker disk IO and consumer GC',
        );
      }
    }
    if (problems === 0)
      add(
        'consumer-lag',
        'ok',
        cluster.groups.length === 0 ? 'no consumer groups' : `${plural(cluster.groups.length, 'consumer group')}: lag zero or moving${facts.lagSampleMs > 0 ? ` (sampled ${seconds} s apart)` : ''}`,
      );
  }
  return findings;
}
