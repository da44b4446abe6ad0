// The facts `kafkaplane doctor` gathers (src/kafka/health.ts) and the findings it makes of them (src/ops/diagnosis.ts).

import type { Hint } from '../errors.ts';
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
  /** Set on a root cause (a node down, frozen, out of disk) that other findings refer to. */
  id?: string;
  /** The id of the root cause this finding is a symptom of: reported under it, fixed by its fix. */
  causedBy?: string;
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
  /** running, frozen (stopped by a signal: up, answering nothing) or stopped. */
  state: 'running' | 'frozen' | 'stopped';
  /** Why it stopped or fails, from its log (e.g. "the disk is full"); null when nothing is known. */
  problem: string | null;
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  logFile: string;
}

/** The certificate one TLS listener address presents (src/kafka/certificates.ts). */
export interface CertificateFact {
  listener: string;
  brokerId: number | null;
  address: string;
  subject: string | null;
  issuer: string | null;
  notAfterMs: number | null;
  /** Why a client trusting the CA doctor was given would refuse it; null when trusted. */
  untrusted: string | null;
  /** Why no certificate could be read; null when one was. */
  error: string | null;
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
    /** Brokers that did not answer ListGroups: the groups they coordinate are missing from `groups`. */
    groupsUnavailableFrom?: { brokerId: number; error: string }[];
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
  /** The certificates of the TLS listeners doctor can see (the one it connected through, a local cluster's). */
  certificates?: CertificateFact[] | undefined;
  /** When the facts were gathered (ms since the epoch): what certificate lifetimes are measured from. */
  checkedAtMs?: number | undefined;
}
