/** One partition of one topic: the unit offsets, lag and leadership are reported for. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A map key for a partition (NUL cannot occur in a topic name). */
export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/** Topic by name, then partition by number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
