import { quantityValue } from '../api/common.ts';
import type { NodePool } from '../api/kafka-cluster.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** Bytes in a Kubernetes quantity (10Gi, 1.5Gi, 500M): the spec's one quantity parser (api/common.ts). */
export function quantityBytes(quantity: string): number {
  const value = quantityValue(quantity);
  if (Number.isNaN(value)) throw new Error(`not a quantity: ${quantity}`);
  return value;
}

/** The local runtime's heap per node: small enough for three JVMs and a browser on a laptop. */
export const LOCAL_HEAP = '512m';
/** Seed 000: heap up to ~6 GB; the rest of the memory is page cache, which Kafka needs more than heap. */
export const MAX_HEAP = 6 * GiB;

/**
 * -Xms/-Xmx for a pool. On Kubernetes an explicit `jvm.heap` wins, and the default is half the memory request (or
 * limit), capped at 6 GiB, leaving the other half to the page cache; without resources, 1g. Locally the spec's heap
 * is a production size (seed 003's brokers ask for 6g each), so the local runtime uses it only when it is below
 * LOCAL_HEAP; `kafkaplane up --heap` sets any size.
 */
export function heapSize(pool: NodePool, kind: 'local' | 'kubernetes'): string {
  const explicit = pool.jvm?.heap;
  if (kind === 'local') return explicit !== undefined && jvmBytes(explicit) < jvmBytes(LOCAL_HEAP) ? explicit : LOCAL_HEAP;
  if (explicit) return explicit;
  const memory = pool.resources?.requests?.memory ?? pool.resources?.limits?.memory;
  if (memory === undefined) return '1g';
  const half = Math.min(quantityBytes(memory) / 2, MAX_HEAP);
  return `${Math.max(256, Math.floor(half / MiB))}m`;
}

/** Bytes in a JVM size (512m, 6g, 1048576k, 2048). */
export function jvmBytes(size: string): number {
  const match = /^([0-9]+)([kKmMgGtT]?)$/.exec(size);
  if (!match) throw new Error(`not a JVM size: ${size}`);
  const scale: Record<string, number> = { '': 1, k: 1024, m: MiB, g: GiB, t: 1024 * GiB };
  return Number(match[1]) * scale[match[2]!.toLowerCase()]!;
}

/** Kafka's own defaults from kafka-run-class.sh / kafka-server-start.sh, then the pool's extra options. */
export function jvmOptions(pool: NodePool, kind: 'local' | 'kubernetes', heap: string = heapSize(pool, kind)): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
    '-Djava.awt.headless=true',
    ...(pool.jvm?.options ?? []),
  ];
}
