import { z } from 'zod';

/**
 * The status the operator writes on each resource (Kubernetes API conventions: conditions keyed by type, with a
 * reason constant, a message, the time of the last transition and the generation they describe).
 */
export const condition = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().min(1),
  message: z.string(),
  lastTransitionTime: z.string().min(1),
  observedGeneration: z.int().min(0).optional(),
});

const common = {
  observedGeneration: z.int().min(0).optional(),
  conditions: z.array(condition).optional(),
};

export const kafkaClusterStatus = z.object({
  ...common,
  clusterId: z.string().optional(),
  kafkaVersion: z.string().optional(),
  metadataVersion: z.string().optional(),
  /** Brokers registered with the controller. */
  brokers: z.int().min(0).optional(),
  /** `3/3`: brokers registered of brokers desired, for the printer column. */
  readyBrokers: z.string().optional(),
  nodePools: z.array(z.object({ name: z.string(), roles: z.array(z.string()), nodeIds: z.array(z.int()) })).optional(),
  listeners: z
    .array(
      z.object({
        name: z.string(),
        type: z.string(),
        /** host:port list a client bootstraps from. */
        bootstrapServers: z.string(),
        securityProtocol: z.string(),
      }),
    )
    .optional(),
  quorum: z
    .object({
      mode: z.enum(['static', 'dynamic']),
      leaderId: z.int(),
      leaderEpoch: z.int().optional(),
      voters: z.array(z.int()),
      observers: z.array(z.int()).optional(),
    })
    .optional(),
  /**
   * A drain before a scale-down whose replication throttle is set in Kafka: written before the throttle is set, gone
   * once it is removed. An operator that finds it without a drain of its own (the one that set it was killed) removes
   * that throttle when Kafka has finished the moves.
   */
  drain: z
    .object({
      brokers: z.array(z.int()),
      throttle: z.object({ brokers: z.array(z.int()), topics: z.array(z.string()) }),
    })
    .optional(),
  /** The roll in progress, when one is: which node is next and why it waits. */
  roll: z.object({ pending: z.array(z.int()), waiting: z.string().optional() }).optional(),
});

export const kafkaTopicStatus = z.object({
  ...common,
  topicName: z.string().optional(),
  topicId: z.string().optional(),
  partitions: z.int().optional(),
  replicationFactor: z.int().optional(),
});

export const kafkaUserStatus = z.object({
  ...common,
  username: z.string().optional(),
  /** The Secret holding the password and a ready-made sasl.jaas.config. */
  secret: z.string().optional(),
});

export type Condition = z.infer<typeof condition>;
export type KafkaClusterStatus = z.infer<typeof kafkaClusterStatus>;
export type KafkaTopicStatus = z.infer<typeof kafkaTopicStatus>;
export type KafkaUserStatus = z.infer<typeof kafkaUserStatus>;
