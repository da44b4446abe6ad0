import { z } from 'zod';
import { API_VERSION, configMap, metadata } from './common.ts';

/** Kafka's own rule for topic names (org.apache.kafka.common.internals.Topic). */
export const topicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, { message: 'may only contain letters, digits, ".", "_" and "-"' })
  .refine((n) => n !== '.' && n !== '..', { message: 'cannot be "." or ".."' });

export const kafkaTopicSpec = z.strictObject({
  /** The topic's name in Kafka when it differs from metadata.name (which must be a DNS name: no "_", no capitals). */
  topicName: topicName.optional(),
  /** Defaults to the cluster's num.partitions. */
  partitions: z.int().min(1).max(100_000).optional(),
  /** Defaults to the cluster's default.replication.factor. */
  replicas: z.int().min(1).max(32_767).optional(),
  config: configMap.default({}),
});

export const kafkaTopic = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('KafkaTopic'),
  metadata,
  spec: kafkaTopicSpec.default({ config: {} }),
});

export type KafkaTopic = z.infer<typeof kafkaTopic>;

export function kafkaTopicName(topic: KafkaTopic): string {
  return topic.spec.topicName ?? topic.metadata.name;
}
