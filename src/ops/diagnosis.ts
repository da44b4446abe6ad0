// `kafkaplane doctor`: seed 004's troubleshooting checklist as a pure function over facts gathered from the cluster
// (src/kafka/health.ts). Every finding says what is wrong, how bad it is, and what to change.

import { type Hint, action, hint, setting } from '../errors.ts';
import { isUnavailable, isUnderMinIsr, isUnderReplicated } from '../model/partition-health.ts';
import { certificateFindings } from './diagnosis-certificates.ts';
import { Causes, localNodeCauses } from './diagnosis-causes.ts';
import type { AddressFact, DoctorFacts, Finding, ListenerFact, PartitionFact, Severity } from './diagnosis-facts.ts';

export type { AddressFact, CertificateFact, DoctorFacts, Finding, GroupLagFact, ListenerFact, LocalNodeFact, PartitionFact, Severity, VoterFact } from './diagnosis-facts.ts';

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

function nodeList(ids: readonly number[]): string {
  return `${ids.length === 1 ? 'node' : 'nodes'} ${ids.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isKubernetesName(host: string): boolean {
  return /\.svc(\.|$)|\.cluster\.local$/.test(host);
}

type Add = (check: string, severity: Severity, title: string, detail?: string[], fix?: Hint | string | null, causedBy?: string) => void;

function advertisedFix(unreachable: readonly AddressFact[]): string {
  return unreachable.some((a) => isKubernetesName(a.address.replace(/:\d+$/, '')))
    ? 'these are Kubernetes-internal names: clients outside the cluster need a listener of type nodeport or loadbalancer whose advertised.listeners carry addresses reachable from outside (spec.listeners[].configuration: advertisedHostTemplate or brokers[].advertisedHost), and must bootstrap through it'
    : 'clients bootstrap fine, then fail when they connect to these addresses: set advertised.listeners of this listener to addresses clients can reach (kafkaplane spec: spec.listeners[].configuration.brokers[].advertisedHost or advertisedHostTemplate), or connect through a listener meant for this network';
}

/** One client listener of a local cluster: what its clients are sent to, and whether Kafka answers on it. */
function diagnoseListener(l: ListenerFact, add: Add, causes: Causes): void {
  const name = `listener ${l.name} (${l.securityProtocol})`;
  const who = (a: ListenerFact['advertised'][number]) => (a.brokerId === null ? a.address : `broker ${a.brokerId} advertises ${a.address}`);
  if (l.checked === 'metadata' && l.error !== null) {
    add(
      'advertised-listeners',
      causes.frozen ? 'info' : 'critical',
      `${name}: Kafka does not answer on it from here: ${l.error}`,
      [],
      causes.frozen ? null : hint`clients of this listener cannot connect: check the listener's settings and the broker logs (${action('logs')})`,
      causes.frozen,
    );
    return;
  }
  const explained = l.advertised.filter((a) => !a.ok && a.brokerId !== null && causes.has(a.brokerId));
  if (explained.length > 0) {
    const ids = explained.map((a) => a.brokerId!);
    add(
      'advertised-listeners',
      'info',
      `${name}: the addresses of ${nodeList(ids)} do not answer`,
      explained.map((a) => `${who(a)}: ${a.reason}`),
      null,
      causes.of(ids),
    );
  }
  const unreachable = l.advertised.filter((a) => !a.ok && !explained.includes(a));
  const notChecked = l.checked === 'tcp' ? `; authentication not checked (doctor has no ${l.securityProtocol} credentials: only TCP to the advertised addresses)` : '';
  if (unreachable.length > 0) {
    add(
      'advertised-listeners',
      'critical',
      `${name}: ${unreachable.length} advertised address${unreachable.length === 1 ? '' : 'es'} this machine cannot reach`,
      unreachable.map((a) => `${who(a)}: ${a.reason}`),
      advertisedFix(unreachable),
    );
  } else if (explained.length === 0) add('advertised-listeners', 'ok', `${name}: every advertised address is reachable from here (${plural(l.advertised.length, 'broker')})${notChecked}`);
}

export function diagnoseCluster(facts: DoctorFacts, options: { certificateWarnDays?: number } = {}): Finding[] {
  const findings: Finding[] = [];
  const add: Add = (check, severity, title, detail = [], fix = null, causedBy = undefined) => findings.push({ check, severity, title, detail, fix, ...(causedBy ? { causedBy } : {}) });
  const causes = new Causes();

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

  // Local processes (seed 004: restart loops, pods not running) come first: they explain most of what follows, and
  // the checks below report what they explain as their symptoms.
  localNodeCauses(facts, (f) => findings.push(f), causes);
  // TLS certificates: expired or expiring ones break every client at once, whatever else is healthy.
  findings.push(...certificateFindings(facts, options.certificateWarnDays));

  const cluster = facts.cluster;
  if (!cluster) {
    if (bad.length < facts.bootstrap.length)
      add(
        'bootstrap',
        causes.frozen ? 'info' : 'critical',
        `the bootstrap address answered, but Kafka did not: ${facts.connectError ?? 'unknown error'}`,
        [],
        causes.frozen ? null : 'check the security settings (TLS, SASL) match the listener, and the broker logs',
        causes.frozen,
      );
    return findings;
  }

  // 2. Advertised listeners: the addresses clients are sent to after bootstrap (seed 004's first suspect).
  const via = facts.connectedVia ? ` on ${facts.connectedVia}` : '';
  const explainedAddresses = cluster.advertised.filter((a) => !a.ok && causes.has(a.brokerId));
  if (explainedAddresses.length > 0) {
    const ids = explainedAddresses.map((a) => a.brokerId);
    add(
      'advertised-listeners',
      'info',
      `the addresses of ${nodeList(ids)} do not answer (expected: see the cause)`,
      explainedAddresses.map((a) => `broker ${a.brokerId} advertises ${a.address}: ${a.reason}`),
      null,
      causes.of(ids),
    );
  }
  const unreachable = cluster.advertised.filter((a) => !a.ok && !causes.has(a.brokerId));
  if (unreachable.length > 0) {
    add(
      'advertised-listeners',
      'critical',
      `${plural(unreachable.length, 'broker')} advertise${unreachable.length === 1 ? 's' : ''} an address this machine cannot reach${via}`,
      unreachable.map((a) => `broker ${a.brokerId} advertises ${a.address}: ${a.reason}`),
      advertisedFix(unreachable),
    );
  } else if (explainedAddresses.length === 0) add('advertised-listeners', 'ok', `every advertised address${via} is reachable from here (${plural(cluster.advertised.length, 'broker')})`);
  for (const l of facts.listeners ?? []) diagnoseListener(l, add, causes);

  // Kafka answered the metadata request, then left requests of the other checks unanswered (a broker hanging,
  // requests routed to unreachable advertised addresses): what follows is incomplete, and clients will see the same.
  if (facts.connectError && causes.frozen) {
    add('checks', 'info', `some checks could not finish, Kafka did not answer: ${facts.connectError}`, ['the findings below may be incomplete'], null, causes.frozen);
  } else if (facts.connectError) {
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
  const stillRegistered = [...live].filter((id) => causes.has(id)).sort((a, b) => a - b);
  if (stillRegistered.length > 0) {
    add(
      'brokers',
      'info',
      `${nodeList(stillRegistered)} still registered with the controller`,
      ['the controller fences a broker once broker.session.timeout.ms passes without a heartbeat, and moves its leaderships then'],
      null,
      causes.of(stillRegistered),
    );
  }
  if (down.length > 0 && causes.of(down)) {
    add('brokers', 'info', `${nodeList(down)} not registered with the controller`, [], null, causes.of(down));
  } else if (down.length > 0) {
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
  } else if (stillRegistered.length === 0) add('brokers', 'ok', `${plural(live.size, 'broker')} registered: ${[...live].sort((a, b) => a - b).join(', ')}`);
  // Brokers down elsewhere (no local facts) are root causes too: partitions and the quorum below point at them.
  const downFinding = findings.find((f) => f.check === 'brokers' && f.severity === 'critical');
  if (downFinding) {
    downFinding.id = 'brokers-down';
    for (const id of down) if (!causes.has(id)) causes.add(id, 'brokers-down');
  }

  // 4. Partitions: offline, under min ISR, under-replicated (kafka-topics --describe's definitions).
  const name = (p: PartitionFact) => `${p.topic}-${p.partition}`;
  const offline = cluster.partitions.filter((p) => isUnavailable(p, live));
  const underMinIsr = cluster.partitions.filter((p) => !offline.includes(p) && isUnderMinIsr(p, p.minIsr));
  // A reassignment in progress lists the replicas it adds before they are in sync: not under-replicated (kafka-topics).
  const underReplicated = cluster.partitions.filter((p) => !offline.includes(p) && !underMinIsr.includes(p) && isUnderReplicated(p));
  // Replicas out of the ISR, or in it but on a node that is down or frozen (the ISR shrinks only after a timeout).
  const missing = (ps: readonly PartitionFact[]) =>
    [...new Set(ps.flatMap((p) => p.replicas.filter((r) => (!p.isr.includes(r) && !(p.adding ?? []).includes(r)) || causes.has(r))))].sort((a, b) => a - b);
  if (offline.length > 0) {
    add(
      'partitions',
      'critical',
      `${plural(offline.length, 'partition')} offline (no leader): nothing can be written to or read from them`,
      [list(offline.map(name))],
      `bring back the brokers that hold their replicas (${[...new Set(offline.flatMap((p) => p.replicas))].sort((a, b) => a - b).join(', ')}); unclean leader election brings them back sooner but loses the records only the lost replicas had`,
      causes.of(missing(offline)),
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
      underMinIsr.some((p) => p.minIsr > p.replicas.length) ? undefined : causes.of(missing(underMinIsr)),
    );
  }
  if (underReplicated.length > 0) {
    const out = missing(underReplicated);
    add(
      'partitions',
      'warning',
      `${plural(underReplicated.length, 'partition')} under-replicated (writes still succeed; one more failure may not)`,
      [list(underReplicated.map(name))],
      `replicas on broker${out.length === 1 ? '' : 's'} ${out.join(', ')} are out of the ISR: check those brokers (down, slow disk, network, GC pauses)`,
      causes.of(out),
    );
  }
  // The ISR still lists a node that is down or frozen: not yet under-replicated on paper, about to be.
  const stale = cluster.partitions.filter((p) => !offline.includes(p) && !underMinIsr.includes(p) && !underReplicated.includes(p) && p.isr.some((r) => causes.has(r)));
  if (stale.length > 0) {
    const ids = missing(stale);
    add(
      'partitions',
      'info',
      `${plural(stale.length, 'partition')} still list ${nodeList(ids)} in their ISR`,
      ['Kafka removes a replica from the ISR after replica.lag.time.max.ms without a fetch; the partitions are under-replicated then'],
      null,
      causes.of(ids),
    );
  }
  if (offline.length + underMinIsr.length + underReplicated.length + stale.length === 0) add('partitions', 'ok', `${plural(cluster.partitions.length, 'partition')}: all have a leader and a full ISR`);

  // 5. KRaft quorum.
  const quorum = cluster.quorum;
  if ('error' in quorum)
    add(
      'quorum',
      'warning',
      `cannot describe the KRaft quorum: ${quorum.error}`,
      [],
      causes.frozen ? null : "DescribeQuorum needs the DESCRIBE permission on the cluster; run doctor as an admin user, or check the controllers' logs",
      causes.frozen,
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
    const stale = quorum.voters.filter((v) => v.id !== quorum.leaderId && (causes.has(v.id) || v.lastCaughtUpTimestamp === null || reference - v.lastCaughtUpTimestamp > VOTER_STALE_MS));
    const staleCause = causes.of(stale.map((v) => v.id));
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
        staleCause,
      );
    else if (stale.length > 0)
      add(
        'quorum',
        'warning',
        `${plural(stale.length, 'controller')} behind leader ${quorum.leaderId}; the quorum holds (${healthy} of ${quorum.voters.length} caught up)`,
        detail,
        healthy === majority ? 'one more controller failure stops metadata changes: bring the lagging controllers back' : 'bring the lagging controllers back',
        staleCause,
      );
    else add('quorum', 'ok', `KRaft quorum: leader ${quorum.leaderId}, all ${quorum.voters.length} voters caught up`);
  }

  // 6. Consumer lag that does not move (seed 004: lag grows → disk IO, network, GC, batch size, acks).
  const unlisted = cluster.groupsUnavailableFrom ?? [];
  if (unlisted.length > 0) {
    const ids = unlisted.map((u) => u.brokerId);
    const cause = causes.of(ids);
    add(
      'consumer-lag',
      cause ? 'info' : 'warning',
      `the consumer groups coordinated by ${nodeList(ids)} are not listed: ${cause ? 'it does not answer' : 'ListGroups failed there'}`,
      unlisted.map((u) => `broker ${u.brokerId}: ${u.error}`),
      null,
      cause,
    );
  }
  if (cluster.groupsError) add('consumer-lag', causes.frozen ? 'info' : 'warning', `cannot read consumer groups: ${cluster.groupsError}`, [], null, causes.frozen);
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
