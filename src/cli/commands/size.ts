// `kafkaplane size`: brokers, disk, memory and network for a load, by seed 000's rules (arithmetic in
// src/ops/sizing.ts), with the reasoning printed; `-f cluster.yaml` compares a spec with the result.
import { KafkaplaneError } from '../../errors.ts';
import { type SizingInput, type SizingPlan, type SpecSizing, compareWithSpec, parseRate, parseSeconds, parseSize, planSizing } from '../../ops/sizing.ts';

export interface SizeFlags {
  write?: string;
  read?: string;
  fanout?: string;
  retention?: string;
  replicationFactor?: number;
  partitions?: number;
  headroom?: string;
  brokerNetwork?: string;
  maxDisk?: string;
  maxPartitionsPerBroker?: number;
  heap?: string;
  pageCacheSeconds?: number;
  tls?: boolean;
  minBrokers?: number;
  file?: string;
  cluster?: string;
}

function headroom(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) throw new KafkaplaneError('BAD_SIZING', `--headroom "${text}" is not a percentage`, { hint: 'e.g. --headroom 30 (or 30%)' });
  return Number(m[1]) / 100;
}

export interface SizeReport {
  input: SizingInput;
  plan: SizingPlan;
  /** -f: the spec's cluster, what it has, and each resource's verdict. */
  spec?: { cluster: string; file: string; sizing: SpecSizing; comparison: ReturnType<typeof compareWithSpec> };
  /** The retention as typed, for the heading. */
  retention: string;
}

/** `kafkaplane size`: brokers, disk, memory and network for a load (seed 000's rules); -f compares a spec. */
export async function size(flags: SizeFlags): Promise<SizeReport> {
  if (flags.write === undefined) throw new KafkaplaneError('BAD_SIZING', 'how much data do producers write? pass --write, e.g. --write 50MB/s or --write 1TB/day');
  if (flags.read !== undefined && flags.fanout !== undefined) throw new KafkaplaneError('BAD_SIZING', 'pass --read or --fanout, not both');
  const write = parseRate(flags.write, '--write');
  const fanout = flags.fanout !== undefined ? Number(flags.fanout) : 1;
  if (!(fanout >= 0)) throw new KafkaplaneError('BAD_SIZING', `--fanout "${flags.fanout}" is not a number ≥ 0`);

  let spec: SpecSizing | undefined;
  let specTls = false;
  let specName: string | undefined;
  if (flags.file !== undefined) {
    const [{ readSpecFile }, { selectCluster }, { quantityBytes }] = await Promise.all([import('../spec-file.ts'), import('../../api/select-cluster.ts'), import('../../model/jvm.ts')]);
    const cluster = selectCluster(await readSpecFile(flags.file), flags.cluster, flags.file);
    specName = cluster.metadata.name;
    const pools = cluster.spec.nodePools.filter((p) => p.roles.includes('broker'));
    const pool = pools[0];
    const memory = pool?.resources?.limits?.memory ?? pool?.resources?.requests?.memory;
    spec = {
      brokers: pools.reduce((n, p) => n + p.replicas, 0),
      diskBytes: pool ? quantityBytes(pool.storage.size) : undefined,
      memoryBytes: memory !== undefined ? quantityBytes(memory) : undefined,
      heapBytes: pool?.jvm?.heap !== undefined ? parseSize(pool.jvm.heap, 'spec heap') : undefined,
    };
    specTls = cluster.spec.listeners.some((l) => l.tls);
  }

  const input: SizingInput = {
    writeBytesPerSec: write,
    readBytesPerSec: flags.read !== undefined ? parseRate(flags.read, '--read') : write * fanout,
    replicationFactor: flags.replicationFactor ?? 3,
    retentionSeconds: parseSeconds(flags.retention ?? '7d', '--retention'),
    partitions: flags.partitions,
    headroom: headroom(flags.headroom ?? '30'),
    brokerNetworkBytesPerSec: parseRate(flags.brokerNetwork ?? '10Gbit/s', '--broker-network'),
    maxDiskPerBroker: parseSize(flags.maxDisk ?? '2TiB', '--max-disk'),
    maxPartitionsPerBroker: flags.maxPartitionsPerBroker ?? 4000,
    pageCacheSeconds: flags.pageCacheSeconds ?? 30,
    heapBytes: parseSize(flags.heap ?? '6GiB', '--heap'),
    tls: flags.tls ?? specTls,
    minBrokers: flags.minBrokers ?? 3,
  };
  const plan = planSizing(input);
  const comparison = spec ? compareWithSpec(input, plan, spec) : undefined;
  return { input, plan, ...(spec && comparison ? { spec: { cluster: specName!, file: flags.file!, sizing: spec, comparison } } : {}), retention: flags.retention ?? '7d' };
}
