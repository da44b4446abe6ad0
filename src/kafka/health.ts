import { errorMessage } from '../errors.ts';
import type { CertificateFact, DoctorFacts, GroupLagFact, ListenerFact, LocalNodeFact, PartitionFact } from '../ops/diagnosis.ts';
import type { TopicPartition } from '../model/topic-partition.ts';
import { pause, withAdmin } from './admin-session.ts';
import { brokerConnection, withBrokerLink } from './broker-link.ts';
import { type PeerCertificate, peerCertificates } from './certificates.ts';
import { type ConnectionConfig, loadKafka } from './client.ts';
import { describeKafkaError, isConnectionFailure } from './errors.ts';
import { checkAddress } from './reachability.ts';
import { type ClusterMetadata, fetchMetadata } from './metadata.ts';

/** A client listener of a local cluster, as `clientBootstraps` (src/local/local-cluster.ts) lists it. */
export interface LocalListener {
  name: string;
  securityProtocol: string;
  /** The listener's advertised endpoints, one per broker. */
  bootstrap: string[];
  /** The broker id of each endpoint in `bootstrap`, when known. */
  nodeIds?: number[];
  /** PEM of the local CA, for TLS listeners (doctor can then speak Kafka over them). */
  ca?: string | undefined;
}

export interface GatherOptions {
  /** Time between the two consumer-lag samples; 0 takes one sample. */
  lagSampleMs: number;
  /** The target is a cluster `kafkaplane up` runs here: its node processes and client listeners. */
  local: { name: string; nodes: LocalNodeFact[]; listeners?: LocalListener[] } | null;
  /** Which listener `config` connects through, for the findings (e.g. the local cluster's REPLICATION listener). */
  connectedVia?: string;
  progress?: (message: string) => void;
}

/**
 * Gathers what `doctor` judges. Each step that fails is recorded and the others still run: a broker that
 * advertises an unreachable address breaks requests routed to it, which is exactly what doctor must still report.
 * Metadata goes over the bootstrap connection itself, never over advertised addresses.
 */
export async function gatherDoctorFacts(config: ConnectionConfig, options: GatherOptions): Promise<DoctorFacts> {
  const say = options.progress ?? (() => undefined);
  const timeoutMs = Math.min(config.timeoutMs ?? 15_000, 10_000);
  say('checking the bootstrap addresses');
  const bootstrap = await Promise.all(config.bootstrap.map((a) => checkAddress(a, timeoutMs)));
  const local = options.local ? { name: options.local.name, nodes: options.local.nodes } : null;
  const facts: DoctorFacts = {
    bootstrap: bootstrap.map((b) => ({ address: b.address, ok: b.ok, ...(b.ok ? {} : { reason: b.reason, code: b.code }) })),
    connectError: null,
    cluster: null,
    local,
    lagSampleMs: options.lagSampleMs,
    ...(options.connectedVia ? { connectedVia: options.connectedVia } : {}),
  };
  // Independent of the bootstrap connection: a client listener can be broken while the internal one works.
  const listenerChecks = options.local?.listeners ? checkListeners(config, options.local.listeners, timeoutMs) : undefined;
  listenerChecks?.catch(() => undefined);
  const localCertificates = localListenerCertificates(options.local?.listeners ?? [], timeoutMs);
  localCertificates.catch(() => undefined);
  const done = async () => {
    if (listenerChecks) {
      say('checking the client listeners');
      facts.listeners = await listenerChecks;
    }
    say('reading TLS certificates');
    facts.certificates = [...(facts.certificates ?? []), ...(await localCertificates)];
    facts.checkedAtMs = Date.now();
    return facts;
  };
  if (!bootstrap.some((b) => b.ok)) return done();

  // One reachable address after the other, as clients do: a broker that takes connections and never answers (frozen,
  // overloaded) must not hide the others.
  let metadata: ClusterMetadata | undefined;
  let metadataError: unknown;
  say('reading cluster metadata');
  for (const address of bootstrap.filter((b) => b.ok).map((b) => b.address)) {
    try {
      metadata = await withBrokerLink({ ...config, bootstrap: [address] }, (link, protocol) => fetchMetadata(link, protocol.metadataV12, null, link.address));
      break;
    } catch (error) {
      metadataError = error;
    }
  }
  if (!metadata) {
    facts.connectError = describeKafkaError(metadataError);
    return done();
  }

  say(`checking ${metadata.brokers.length} advertised broker addresses`);
  const advertised = await Promise.all(metadata.brokers.map(async (b) => ({ brokerId: b.id, ...(await checkAddress(`${b.host}:${b.port}`, timeoutMs)) })));
  const reachable = new Set(advertised.filter((a) => a.ok).map((a) => a.brokerId));
  if (config.tls) {
    const read = await peerCertificates(
      metadata.brokers.map((b) => `${b.host}:${b.port}`),
      config.tls,
      timeoutMs,
    );
    facts.certificates = read.map((c, i) => ({ listener: options.connectedVia ?? 'the bootstrap listener', brokerId: metadata.brokers[i]!.id, ...certificateFact(c) }));
  }

  const cluster: NonNullable<DoctorFacts['cluster']> = {
    clusterId: metadata.clusterId,
    brokers: metadata.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port })),
    advertised: advertised.map((a) => ({ brokerId: a.brokerId, address: a.address, ok: a.ok, ...(a.ok ? {} : { reason: a.reason, code: a.code }) })),
    partitions: [],
    quorum: { error: 'not checked' },
    groups: [],
    groupsError: null,
  };
  facts.cluster = cluster;

  // A step that fails because the cluster did not answer (as opposed to refusing: no permission, no support) means
  // clients will hang the same way: that is a finding of its own, not a detail of the step.
  const unanswered = (step: string, error: unknown) => {
    if (isConnectionFailure(error)) facts.connectError ??= `${step}: ${describeKafkaError(error)}`;
  };
  // The Admin client follows advertised addresses; with some unreachable, steps may fail and are reported as such.
  await withAdmin(config, async (admin) => {
    const lib = await loadKafka();
    say('reading min.insync.replicas of every topic');
    const minIsr = new Map<string, number>();
    const names = metadata.topics.filter((t) => t.error === null).map((t) => t.name);
    try {
      if (names.length > 0) {
        const described = await admin.describeConfigs({ resources: names.map((resourceName) => ({ resourceType: lib.ConfigResourceTypes.TOPIC, resourceName })), includeSynonyms: false });
        for (const d of described) minIsr.set(d.resourceName, Number(d.configs.find((c) => c.name === 'min.insync.replicas')?.value ?? '1'));
      }
    } catch (error) {
      // Without configs, min ISR defaults to 1: offline and under-replicated partitions are still found.
      unanswered('reading topic configs', error);
    }
    // Reassignments in progress: their added replicas are not yet in the ISR, and that is not under-replication.
    let reassignments = new Map<string, { adding: number[]; removing: number[] }>();
    try {
      const withPartitions = metadata.topics.filter((t) => t.error === null && t.partitions.length > 0);
      const { listReassignments } = await import('./topics.ts');
      if (withPartitions.length > 0) reassignments = await listReassignments(await brokerConnection(admin), lib, withPartitions);
    } catch {
      // Without permission to list them, partitions are judged on replicas and ISR alone (as before Kafka 2.4).
    }
    cluster.partitions = metadata.topics.flatMap((t): PartitionFact[] =>
      t.partitions.map((p) => {
        const r = reassignments.get(`${t.name}\u0000${p.partition}`);
        return {
          topic: t.name,
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          ...(r ? { adding: r.adding, removing: r.removing } : {}),
          minIsr: minIsr.get(t.name) ?? 1,
          internal: t.internal,
        };
      }),
    );

    say('describing the KRaft quorum');
    try {
      const { describeQuorum } = await import('./cluster.ts');
      const q = await describeQuorum(admin);
      const leaderEnd = q.voters.find((v) => v.id === q.leaderId)?.logEndOffset ?? q.highWatermark;
      const time = (t: bigint) => (t < 0n ? null : Number(t));
      cluster.quorum = {
        leaderId: q.leaderId,
        voters: q.voters.map((v) => ({
          id: v.id,
          lastFetchTimestamp: time(v.lastFetchTimestamp),
          lastCaughtUpTimestamp: time(v.lastCaughtUpTimestamp),
          lag: Math.max(0, Number(leaderEnd - v.logEndOffset)),
        })),
      };
    } catch (error) {
      cluster.quorum = { error: describeKafkaError(error) };
      unanswered('describing the KRaft quorum', error);
    }

    say('sampling consumer group lag');
    try {
      const unavailable: { brokerId: number; error: string }[] = [];
      cluster.groups = await sampleGroupLag(admin, metadata, reachable, options.lagSampleMs, say, unavailable);
      if (unavailable.length > 0) cluster.groupsUnavailableFrom = unavailable;
    } catch (error) {
      cluster.groupsError = describeKafkaError(error);
      unanswered('reading consumer groups', error);
    }
  }).catch((error: unknown) => {
    facts.connectError ??= errorMessage(error);
  });
  return done();
}

/**
 * Each client listener of a local cluster, from here. PLAINTEXT and TLS (with the local CA) listeners are asked for
 * metadata over the listener itself, and every address their brokers advertise on it is checked; SASL listeners
 * need credentials doctor does not have, so only their configured advertised addresses are checked for TCP.
 */
async function checkListeners(config: ConnectionConfig, listeners: readonly LocalListener[], timeoutMs: number): Promise<ListenerFact[]> {
  return Promise.all(
    listeners.map(async (l): Promise<ListenerFact> => {
      const tls = l.securityProtocol === 'SSL';
      if (l.securityProtocol === 'PLAINTEXT' || (tls && l.ca !== undefined)) {
        const over: ConnectionConfig = { bootstrap: l.bootstrap, timeoutMs, ...(config.clientId ? { clientId: config.clientId } : {}), ...(tls ? { tls: { ca: l.ca! } } : {}) };
        try {
          const metadata = await withBrokerLink(over, (link, protocol) => fetchMetadata(link, protocol.metadataV12, [], link.address));
          const advertised = await Promise.all(metadata.brokers.map(async (b) => ({ brokerId: b.id, ...(await checkAddress(`${b.host}:${b.port}`, timeoutMs)) })));
          return { name: l.name, securityProtocol: l.securityProtocol, checked: 'metadata', error: null, advertised: advertised.map(addressFact) };
        } catch (error) {
          return { name: l.name, securityProtocol: l.securityProtocol, checked: 'metadata', error: describeKafkaError(error), advertised: [] };
        }
      }
      const advertised = await Promise.all(l.bootstrap.map(async (address, i) => ({ brokerId: l.nodeIds?.[i] ?? null, ...(await checkAddress(address, timeoutMs)) })));
      return { name: l.name, securityProtocol: l.securityProtocol, checked: 'tcp', error: null, advertised: advertised.map(addressFact) };
    }),
  );
}

function certificateFact(c: PeerCertificate): Omit<CertificateFact, 'listener' | 'brokerId'> {
  return { address: c.address, subject: c.subject, issuer: c.issuer, notAfterMs: c.notAfterMs, untrusted: c.untrusted, error: c.error };
}

/** The certificates a local cluster's TLS client listeners present, address by address. */
async function localListenerCertificates(listeners: readonly LocalListener[], timeoutMs: number): Promise<CertificateFact[]> {
  const tlsListeners = listeners.filter((l) => l.securityProtocol === 'SSL' || l.securityProtocol === 'SASL_SSL');
  const read = await Promise.all(
    tlsListeners.map(async (l) =>
      (await peerCertificates(l.bootstrap, l.ca !== undefined ? { ca: l.ca } : {}, timeoutMs)).map((c, i) => ({ listener: l.name, brokerId: l.nodeIds?.[i] ?? null, ...certificateFact(c) })),
    ),
  );
  return read.flat();
}

function addressFact<T extends { brokerId: number | null } & Awaited<ReturnType<typeof checkAddress>>>(a: T): ListenerFact['advertised'][number] {
  return { brokerId: a.brokerId, address: a.address, ok: a.ok, ...(a.ok ? {} : { reason: a.reason, code: a.code }) };
}

async function sampleGroupLag(
  admin: import('@platformatic/kafka').Admin,
  metadata: ClusterMetadata,
  reachable: ReadonlySet<number>,
  intervalMs: number,
  say: (m: string) => void,
  unavailable: { brokerId: number; error: string }[],
): Promise<GroupLagFact[]> {
  const [{ committedOffsets, describeConsumerGroups, partitionOffsets }, { listConsumerGroupsPerBroker }] = await Promise.all([import('./groups.ts'), import('./group-listing.ts')]);
  const { groups, failed } = await listConsumerGroupsPerBroker(admin, metadata.brokers);
  unavailable.push(...failed);
  if (groups.length === 0) return [];
  const ids = groups.map((g) => g.id);
  // Log end offsets come from partition leaders: only ask those this machine can reach.
  const usable: ClusterMetadata = { ...metadata, brokers: metadata.brokers.filter((b) => reachable.has(b.id)) };
  const sample = async () => {
    const committed = await committedOffsets(admin, ids);
    const partitions = new Map<string, TopicPartition>();
    for (const offsets of committed.values()) for (const key of offsets.keys()) partitions.set(key, { topic: key.split('\u0000')[0]!, partition: Number(key.split('\u0000')[1]) });
    const ends = partitions.size > 0 ? await partitionOffsets(admin, usable, [...partitions.values()], 'latest') : new Map<string, bigint | null>();
    return { committed, ends };
  };
  const first = await sample();
  if (intervalMs > 0) {
    say(`sampling consumer group lag again in ${Math.round(intervalMs / 1000)} s`);
    // A deliberate wait: withAdmin's stall deadline must not count it as the cluster not answering.
    await pause(intervalMs);
  }
  const second = intervalMs > 0 ? await sample() : first;
  const described = new Map((await describeConsumerGroups(admin, ids)).map((d) => [d.id, d]));
  return groups.map((g) => {
    const c2 = second.committed.get(g.id) ?? new Map<string, bigint>();
    const c1 = first.committed.get(g.id) ?? new Map<string, bigint>();
    const partitions: GroupLagFact['partitions'] = [];
    for (const [key, committed2] of c2) {
      const end2 = second.ends.get(key);
      const end1 = first.ends.get(key) ?? end2;
      if (end2 === undefined || end2 === null || end1 === undefined || end1 === null) continue;
      const [topic, partition] = key.split('\u0000') as [string, string];
      // Lag arithmetic in the facts is plain numbers: exact for any offset a partition reaches in practice (< 2^53).
      partitions.push({ topic, partition: Number(partition), committed1: Number(c1.get(key) ?? committed2), committed2: Number(committed2), end1: Number(end1), end2: Number(end2) });
    }
    partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    const d = described.get(g.id);
    return { group: g.id, state: d?.state ?? g.state, members: d?.members.length ?? 0, partitions };
  });
}
