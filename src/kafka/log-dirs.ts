import type { Admin } from '@platformatic/kafka';

export interface LogDirUsage {
  broker: number;
  dir: string;
  totalBytes: number;
  usableBytes: number;
}

/** Every broker's log directories with their size and free space (DescribeLogDirs for no topic: one small request per broker). */
export async function logDirUsage(admin: Admin): Promise<LogDirUsage[]> {
  const described = await admin.describeLogDirs({ topics: [] });
  return described.flatMap((b) => b.results.map((r) => ({ broker: b.broker, dir: r.logDir, totalBytes: Number(r.totalBytes), usableBytes: Number(r.usableBytes) })));
}

/** The size on disk of each partition of one topic: the largest replica (DescribeLogDirs for that topic). */
export async function partitionSizes(admin: Admin, topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
  const described = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [...partitions] }] });
  const sizes = new Map<number, number>();
  for (const b of described) {
    for (const r of b.results) {
      for (const t of r.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (!p.isFutureKey) sizes.set(p.partitionIndex, Math.max(sizes.get(p.partitionIndex) ?? 0, Number(p.partitionSize)));
      }
    }
  }
  return sizes;
}
