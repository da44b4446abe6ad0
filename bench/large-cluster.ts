// The large cluster the exporter and console benchmarks measure: `partitions` partitions in topics of 100 (RF 1) with
// leaders everywhere, and `groups` consumer groups, each with committed offsets on the 100 partitions of one topic.
import type { Admin } from '@platformatic/kafka';
import { clusterMetadata } from '../src/kafka/topics.ts';

export async function fillLargeCluster(admin: Admin, options: { partitions: number; groups: number; log: (m: string) => void }): Promise<string[]> {
  const { partitions, groups, log } = options;
  const topicCount = Math.max(1, Math.round(partitions / 100));
  const perTopic = Math.round(partitions / topicCount);
  const topics = Array.from({ length: topicCount }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  log(`creating ${topicCount} topics × ${perTopic} partitions (RF 1)…`);
  for (let i = 0; i < topics.length; i += 20) await admin.createTopics({ topics: topics.slice(i, i + 20), partitions: perTopic, replicas: 1 });
  // 10,000 new partitions take a while to get leaders on every broker.
  for (let i = 0; i < 600; i++) {
    const md = await clusterMetadata(admin);
    const ready = md.topics
      .filter((t) => t.name.startsWith('bench-'))
      .flatMap((t) => t.partitions)
      .filter((p) => p.leader >= 0).length;
    if (ready >= partitions) break;
    if (i % 10 === 0) log(`${ready}/${partitions} partitions have a leader…`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  log(`committing offsets for ${groups} groups (each on the ${perTopic} partitions of one topic)…`);
  for (let g = 0; g < groups; g++) {
    const topic = topics[g % topics.length]!;
    const partitionOffsets = Array.from({ length: perTopic }, (_, partition) => ({ partition, offset: 0n }));
    // A new group's coordinator answers NOT_COORDINATOR at first (the library does not retry it): try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.alterConsumerGroupOffsets({ groupId: `bench-group-${g}`, topics: [{ name: topic, partitionOffsets }] });
        break;
      } catch (error) {
        if (attempt >= 120) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  return topics;
}
