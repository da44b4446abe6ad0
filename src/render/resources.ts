import type { SpecProblem } from '../errors.ts';
import { heapSize, jvmBytes, quantityBytes } from '../model/jvm.ts';
import type { NodePool } from '../api/kafka-cluster.ts';

const MiB = 1024 * 1024;

/** CPU request of a pool that sets no resources: enough to be scheduled as a real workload, not BestEffort. */
export const DEFAULT_CPU_REQUEST = '500m';

/**
 * A heap at or above this share of the container's memory leaves too little for everything else the JVM and Kafka
 * need outside the heap (metaspace, thread stacks, direct buffers for the network and for compression, the page
 * cache Kafka reads and writes through): the kernel kills the container (OOMKilled) under load, or the broker
 * crawls because every read hits the disk.
 */
export const MAX_HEAP_SHARE = 0.75;

export interface PoolResources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

/**
 * The container resources of a pool. Explicit `resources` are used exactly as written. A pool without them would run
 * BestEffort — first to be evicted, no memory reserved for the heap the JVM is told to use — so it gets requests:
 * memory twice the heap (the other half is room for the page cache and the JVM's non-heap memory), cpu 500m. No
 * limits are invented: a CPU limit throttles a broker's request threads, and the memory limit is the user's call.
 */
export function poolResources(pool: NodePool): PoolResources {
  if (pool.resources === undefined) {
    const heapMiB = Math.ceil(jvmBytes(heapSize(pool, 'kubernetes')) / MiB);
    return { requests: { cpu: DEFAULT_CPU_REQUEST, memory: `${2 * heapMiB}Mi` } };
  }
  const pick = (r: { cpu?: string | undefined; memory?: string | undefined } | undefined) =>
    r && (r.cpu !== undefined || r.memory !== undefined) ? { ...(r.cpu !== undefined ? { cpu: r.cpu } : {}), ...(r.memory !== undefined ? { memory: r.memory } : {}) } : undefined;
  const requests = pick(pool.resources.requests);
  const limits = pick(pool.resources.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * MiB && bytes % (1024 * MiB) === 0 ? `${bytes / (1024 * MiB)}Gi` : `${Math.floor(bytes / MiB)}Mi`;
}

/**
 * Refuses a heap that does not fit the pool's memory: at or above MAX_HEAP_SHARE of the memory limit (or of the
 * request, when there is no limit — the pod may get no more than that when the node is full).
 */
export function heapProblems(pools: readonly NodePool[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  pools.forEach((pool, i) => {
    const limit = pool.resources?.limits?.memory;
    const memory = limit ?? pool.resources?.requests?.memory;
    if (memory === undefined) return;
    const heap = heapSize(pool, 'kubernetes');
    const heapBytes = jvmBytes(heap);
    const memoryBytes = quantityBytes(memory);
    if (heapBytes < MAX_HEAP_SHARE * memoryBytes) return;
    const what = limit !== undefined ? 'memory limit' : 'memory request (there is no limit)';
    const explicit = pool.jvm?.heap !== undefined;
    problems.push({
      path: explicit ? `spec.nodePools[${i}].jvm.heap` : `spec.nodePools[${i}].resources`,
      message: `${explicit ? 'a heap' : 'the default heap'} of ${heap} is ${Math.round((heapBytes / memoryBytes) * 100)}% of the pool's ${what} ${memory}: the JVM needs memory outside the heap (metaspace, threads, network and compression buffers) and Kafka needs page cache, so the container would be OOMKilled or starve the page cache. Keep the heap below ${Math.round(MAX_HEAP_SHARE * 100)}% of ${memory} (half, ${formatBytes(Math.floor(memoryBytes / 2))}, is the usual choice) or give the pool more memory`,
    });
  });
  return problems;
}
