import { type Hint, KafkaplaneError, hint, setting } from '../errors.ts';

// Cluster sizing from seed 000's rules (and Kafka's hardware guidance, https://kafka.apache.org/documentation/#hwandos):
//   network bandwidth ≥ inbound × replicas + outbound
//   page cache for 30 s of buffering = 30 × write throughput
//   JVM heap ≤ ~6 GB; the rest of RAM is page cache; < 32 GB of RAM is not advised for production
//   partitions per broker: ~4,000 (200,000 per cluster) was the ZooKeeper-era guidance; MSK's kafka.t3.small ≈ 300
//   storage = write rate × retention × replication factor, with headroom
//   1 TB/day ≈ 11.5 MB/s
// Pure: the numbers in, a plan and the reasoning out.

const KB = 1000;
const MB = 1000 * KB;
const GB = 1000 * MB;
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

export interface SizingInput {
  /** Producer traffic into the cluster, bytes/s, before replication. */
  writeBytesPerSec: number;
  /** Consumer traffic out of the cluster, bytes/s (default: write × fanout). */
  readBytesPerSec: number;
  replicationFactor: number;
  retentionSeconds: number;
  /** Total partitions (leaders) the topics will have; undefined skips the partition rule. */
  partitions?: number | undefined;
  /** Extra capacity on top of what the load needs, as a fraction (0.3 = 30 %). */
  headroom: number;
  /** Usable network bandwidth of one broker, bytes/s. */
  brokerNetworkBytesPerSec: number;
  /** Largest disk one broker should carry, bytes. */
  maxDiskPerBroker: number;
  /** Most partition replicas one broker should host. */
  maxPartitionsPerBroker: number;
  /** Seconds of writes the page cache should hold (seed 000: 30). */
  pageCacheSeconds: number;
  /** JVM heap per broker, bytes (seed 000: at most ~6 GB). */
  heapBytes: number;
  /** TLS on client traffic: more CPU, and no zero-copy sends. */
  tls: boolean;
  /** Fewest brokers to plan (3 for production: RF 3 survives one broker down with min ISR 2). */
  minBrokers: number;
}

export interface SizingPlan {
  brokers: number;
  /** Which rule decided the broker count. */
  decidedBy: 'minimum' | 'replication factor' | 'network' | 'storage' | 'partitions';
  perBroker: {
    diskBytes: number;
    heapBytes: number;
    pageCacheBytes: number;
    memoryBytes: number;
    /** Inbound + outbound the broker must carry, with headroom, bytes/s. */
    networkBytesPerSec: number;
    /** Partition replicas per broker (undefined when --partitions was not given). */
    partitionReplicas: number | undefined;
  };
  cluster: {
    storageBytes: number;
    storageWithHeadroomBytes: number;
    networkBytesPerSec: number;
    partitionReplicas: number | undefined;
  };
  /** Each step of the arithmetic, in order, as sentences. */
  reasoning: string[];
  /** Warnings and advice (production minimums, limits exceeded, TLS); hints name settings in each front-end's words. */
  notes: (Hint | string)[];
}

export function planSizing(input: SizingInput): SizingPlan {
  const { writeBytesPerSec: write, readBytesPerSec: read, replicationFactor: rf, headroom } = input;
  if (!(write > 0)) throw new KafkaplaneError('BAD_SIZING', 'the write rate must be more than 0');
  if (!(rf >= 1 && Number.isInteger(rf))) throw new KafkaplaneError('BAD_SIZING', 'the replication factor must be a whole number ≥ 1');
  if (!(headroom >= 0 && headroom < 10)) throw new KafkaplaneError('BAD_SIZING', 'headroom must be between 0 and 10 (a fraction, 0.3 = 30 %)');
  const reasoning: string[] = [];
  const notes: (Hint | string)[] = [];
  const grow = 1 + headroom;
  const pct = `${Math.round(headroom * 100)} %`;

  // Network (seed 000): inbound × replicas + outbound, for the whole cluster.
  const network = write * rf + read;
  const networkNeeded = network * grow;
  const byNetwork = Math.ceil(networkNeeded / input.brokerNetworkBytesPerSec);
  reasoning.push(
    `network: inbound ${rate(write)} × ${rf} replicas + outbound ${rate(read)} = ${rate(network)} for the cluster; with ${pct} headroom ${rate(networkNeeded)} → ${byNetwork} broker${byNetwork === 1 ? '' : 's'} at ${rate(input.brokerNetworkBytesPerSec)} (${bits(input.brokerNetworkBytesPerSec)}) each`,
  );

  // Storage: rate × retention × RF, with headroom.
  const storage = write * input.retentionSeconds * rf;
  const storageNeeded = storage * grow;
  const byStorage = Math.ceil(storageNeeded / input.maxDiskPerBroker);
  reasoning.push(
    `storage: ${rate(write)} × ${duration(input.retentionSeconds)} retention × ${rf} replicas = ${bytes(storage)}; with ${pct} headroom ${bytes(storageNeeded)} → ${byStorage} broker${byStorage === 1 ? '' : 's'} at most ${bytes(input.maxDiskPerBroker)} of disk each`,
  );

  // Partitions: replicas per broker.
  let byPartitions = 0;
  const replicas = input.partitions !== undefined ? input.partitions * rf : undefined;
  if (replicas !== undefined) {
    byPartitions = Math.ceil(replicas / input.maxPartitionsPerBroker);
    reasoning.push(
      `partitions: ${input.partitions} × ${rf} replicas = ${replicas} partition replicas → ${byPartitions} broker${byPartitions === 1 ? '' : 's'} at most ${input.maxPartitionsPerBroker} each`,
    );
    if (replicas > 200_000) notes.push(`${replicas} partition replicas exceed the ~200,000 per cluster that ZooKeeper-era Kafka handled; KRaft raises the limit, but plan a test at this scale`);
  }

  const candidates: [SizingPlan['decidedBy'], number][] = [
    ['minimum', input.minBrokers],
    ['replication factor', rf],
    ['network', byNetwork],
    ['storage', byStorage],
    ['partitions', byPartitions],
  ];
  const [decidedBy, brokers] = candidates.reduce((best, c) => (c[1] > best[1] ? c : best));
  reasoning.push(
    `brokers: the largest of minimum ${input.minBrokers}, replication factor ${rf}, network ${byNetwork}, storage ${byStorage}${replicas !== undefined ? `, partitions ${byPartitions}` : ''} → ${brokers} (decided by ${decidedBy})`,
  );
  if (decidedBy === 'storage')
    notes.push(
      hint`storage decides the broker count: larger disks per broker (${setting('maxDisk')}) or a shorter retention need fewer brokers, at the price of longer re-replication when a broker is replaced`,
    );
  if (decidedBy === 'network')
    notes.push(hint`network decides the broker count: faster NICs (${setting('brokerNetwork')}) need fewer brokers; compression on the producers cuts every term of the network rule`);
  if (decidedBy === 'partitions') notes.push('partition count decides the broker count: fewer, larger partitions need fewer brokers');

  // Memory (seed 000): heap ≤ 6 GB, page cache ≈ 30 s of the writes this broker receives (its share × RF).
  const brokerWrite = (write * rf) / brokers;
  const pageCache = input.pageCacheSeconds * brokerWrite;
  const memory = roundUp(input.heapBytes + pageCache, GiB);
  reasoning.push(
    `memory per broker: heap ${bytes(input.heapBytes)} + page cache ${input.pageCacheSeconds} s × ${rate(brokerWrite)} written to each broker (${rate(write)} × ${rf} / ${brokers}) = ${bytes(pageCache)} → ${bytes(memory)}`,
  );
  if (input.heapBytes > 6 * GiB) notes.push(`a heap of ${bytes(input.heapBytes)} is above the ~6 GB seed 000 recommends: Kafka needs little heap; give the memory to the page cache instead`);
  if (memory < 32 * GiB) notes.push(`${bytes(memory)} per broker covers this load; for production, seed 000 advises at least 32 GB (the rest becomes page cache and absorbs consumer catch-up reads)`);

  const diskPerBroker = storageNeeded / brokers;
  const networkPerBroker = networkNeeded / brokers;
  reasoning.push(
    `disk per broker: ${bytes(storageNeeded)} / ${brokers} = ${bytes(diskPerBroker)}; network per broker: ${rate(networkNeeded)} / ${brokers} = ${rate(networkPerBroker)} (${bits(networkPerBroker)})`,
  );
  if (brokers < 3) notes.push('fewer than 3 brokers: one broker down stops acks=all writes when min.insync.replicas is 2; production clusters use 3 or more');
  if (rf < 3) notes.push(`replication factor ${rf}: a single broker failure ${rf === 1 ? 'loses data' : 'leaves one copy'}; production topics use 3 with min.insync.replicas 2`);
  if (input.tls) notes.push('TLS: budget more CPU (encryption) and expect lower throughput per broker: TLS disables zero-copy sends, so prefer more cores over faster ones');
  return {
    brokers,
    decidedBy,
    perBroker: {
      diskBytes: diskPerBroker,
      heapBytes: input.heapBytes,
      pageCacheBytes: pageCache,
      memoryBytes: memory,
      networkBytesPerSec: networkPerBroker,
      partitionReplicas: replicas !== undefined ? Math.ceil(replicas / brokers) : undefined,
    },
    cluster: { storageBytes: storage, storageWithHeadroomBytes: storageNeeded, networkBytesPerSec: networkNeeded, partitionReplicas: replicas },
    reasoning,
    notes,
  };
}

function roundUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}

/** Bytes, the way people size disks and RAM (binary units: GiB, TiB). */
export function bytes(n: number): string {
  if (n >= TiB) return `${trim(n / TiB)} TiB`;
  if (n >= GiB) return `${trim(n / GiB)} GiB`;
  if (n >= MiB) return `${trim(n / MiB)} MiB`;
  if (n >= KiB) return `${trim(n / KiB)} KiB`;
  return `${Math.round(n)} B`;
}

/** A rate in decimal MB/s (1 TB/day ≈ 11.5 MB/s, as seed 000 counts). */
export function rate(n: number): string {
  if (n >= GB) return `${trim(n / GB)} GB/s`;
  if (n >= MB) return `${trim(n / MB)} MB/s`;
  if (n >= KB) return `${trim(n / KB)} kB/s`;
  return `${trim(n)} B/s`;
}

/** A rate as network people write it. */
export function bits(n: number): string {
  const b = n * 8;
  if (b >= 1e9) return `${trim(b / 1e9)} Gbit/s`;
  if (b >= 1e6) return `${trim(b / 1e6)} Mbit/s`;
  return `${trim(b / 1e3)} kbit/s`;
}

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds} s`;
}

function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(2).replace(/\.?0+$/, '');
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: KB,
  mb: MB,
  gb: GB,
  tb: 1000 * GB,
  pb: 1000 * 1000 * GB,
  kib: KiB,
  mib: MiB,
  gib: GiB,
  tib: TiB,
  pib: 1024 * TiB,
  k: KiB,
  m: MiB,
  g: GiB,
  t: TiB,
  ki: KiB,
  mi: MiB,
  gi: GiB,
  ti: TiB,
};

const TIME_UNITS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86_400, day: 86_400, w: 604_800, week: 604_800 };

/** A size: "500GB", "2 TiB", "1.5Ti" (Kubernetes style), a plain number of bytes. */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m?.[2]?.toLowerCase() ?? '';
  const factor = unit === '' ? 1 : SIZE_UNITS[unit];
  if (!m || factor === undefined) throw new KafkaplaneError('BAD_SIZE', `${what} "${text}" is not a size`, { hint: 'e.g. 500GB, 2TiB, 1.5Ti, 64GiB' });
  return Number(m[1]) * factor;
}

/** A data rate: "50MB/s", "1TB/day", "200 MiB/s", "10Gbit/s" (network style), "3000KB/min". */
export function parseRate(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*?)(bit)?\s*\/\s*([a-z]+)\s*$/i.exec(text);
  if (!m) throw new KafkaplaneError('BAD_RATE', `${what} "${text}" is not a rate`, { hint: 'e.g. 50MB/s, 1TB/day, 200MiB/s, 10Gbit/s' });
  const unit = (m[2] ?? '').toLowerCase();
  const isBits = m[3] !== undefined;
  const sizeFactor = isBits ? ({ '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 } as Record<string, number>)[unit] : unit === '' ? undefined : SIZE_UNITS[unit];
  const seconds = TIME_UNITS[(m[4] ?? '').toLowerCase().replace(/s$/, '')] ?? TIME_UNITS[(m[4] ?? '').toLowerCase()];
  if (sizeFactor === undefined || seconds === undefined) throw new KafkaplaneError('BAD_RATE', `${what} "${text}" is not a rate`, { hint: 'e.g. 50MB/s, 1TB/day, 200MiB/s, 10Gbit/s' });
  return (Number(m[1]) * sizeFactor) / (isBits ? 8 : 1) / seconds;
}

/** A duration: "7d", "168h", "30 days", "1w", or seconds. */
export function parseSeconds(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = (m?.[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : (TIME_UNITS[unit] ?? TIME_UNITS[unit.replace(/s$/, '')]);
  if (!m || factor === undefined) throw new KafkaplaneError('BAD_DURATION', `${what} "${text}" is not a duration`, { hint: 'e.g. 7d, 72h, 2w' });
  return Number(m[1]) * factor;
}

export interface SpecSizing {
  brokers: number;
  /** Per broker: storage size from the spec; memory limit (or request); heap. */
  diskBytes: number | undefined;
  memoryBytes: number | undefined;
  heapBytes: number | undefined;
}

/**
 * How a cluster spec compares with the plan, one row per resource. Disk and memory are judged for the spec's own
 * broker count (fewer brokers each carry more).
 */
export function compareWithSpec(input: SizingInput, plan: SizingPlan, spec: SpecSizing): { resource: string; spec: string; needed: string; verdict: string }[] {
  const n = Math.max(spec.brokers, 1);
  const rows: { resource: string; spec: string; needed: string; verdict: string }[] = [];
  rows.push({ resource: 'brokers', spec: String(spec.brokers), needed: String(plan.brokers), verdict: spec.brokers >= plan.brokers ? 'ok' : `add ${plan.brokers - spec.brokers}` });
  if (spec.diskBytes !== undefined) {
    const needed = plan.cluster.storageWithHeadroomBytes / n;
    rows.push({ resource: 'disk per broker', spec: bytes(spec.diskBytes), needed: bytes(needed), verdict: spec.diskBytes >= needed ? 'ok' : 'too small' });
  }
  if (spec.memoryBytes !== undefined) {
    const needed = (spec.heapBytes ?? input.heapBytes) + (input.pageCacheSeconds * input.writeBytesPerSec * input.replicationFactor) / n;
    rows.push({ resource: 'memory per broker', spec: bytes(spec.memoryBytes), needed: bytes(needed), verdict: spec.memoryBytes >= needed ? 'ok' : 'too small' });
  }
  if (spec.heapBytes !== undefined)
    rows.push({ resource: 'heap', spec: bytes(spec.heapBytes), needed: `≤ ${bytes(6 * GiB)}`, verdict: spec.heapBytes <= 6 * GiB ? 'ok' : 'too large: leave the memory to the page cache' });
  return rows;
}
