import { z } from 'zod';
import { API_VERSION, metadata, secretKeyRef } from './common.ts';

export const aclOperation = z.enum(['All', 'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite']);

export const acl = z
  .strictObject({
    resource: z.strictObject({
      type: z.enum(['topic', 'group', 'cluster', 'transactionalId']),
      /** Not used for type: cluster (Kafka's cluster resource is always named kafka-cluster). */
      name: z.string().min(1).optional(),
      patternType: z.enum(['literal', 'prefix']).default('literal'),
    }),
    operations: z.array(aclOperation).min(1),
    host: z.string().min(1).default('*'),
    type: z.enum(['allow', 'deny']).default('allow'),
  })
  .refine((a) => a.resource.type === 'cluster' || a.resource.name !== undefined, {
    message: 'resource.name is required unless resource.type is cluster (use "*" for every name)',
    path: ['resource', 'name'],
  });

/**
 * Client quotas of the user (Kafka's user-level quotas, KIP-13/KIP-124/KIP-599), with the names and meaning of
 * Strimzi's KafkaUser `spec.quotas`. Absent fields have no quota; a quota Kafka has that the spec does not name is
 * removed (the spec is the truth, as for ACLs).
 */
export const userQuotas = z.strictObject({
  /** Bytes per second this user's producers may send, per broker. */
  producerByteRate: z.int().min(1).optional(),
  /** Bytes per second this user's consumers may fetch, per broker. */
  consumerByteRate: z.int().min(1).optional(),
  /** Percentage of one request handler and network thread's time, per broker (100 = one thread). */
  requestPercentage: z.number().gt(0).optional(),
  /** Partitions per second this user may create or delete (topics, partitions), per broker. */
  controllerMutationRate: z.number().gt(0).optional(),
});

export const kafkaUserSpec = z.strictObject({
  authentication: z
    .strictObject({
      type: z.literal('scram-sha-512'),
      /** Kubernetes: the Secret that holds the password. Locally a random password is generated and kept in the state dir. */
      password: z.strictObject({ valueFrom: z.strictObject({ secretKeyRef }) }).optional(),
    })
    .optional(),
  authorization: z
    .strictObject({
      type: z.literal('simple'),
      acls: z.array(acl).default([]),
    })
    .optional(),
  quotas: userQuotas.optional(),
});

export const kafkaUser = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('KafkaUser'),
  metadata,
  spec: kafkaUserSpec.default({}),
});

export type KafkaUser = z.infer<typeof kafkaUser>;
export type Acl = z.infer<typeof acl>;
export type UserQuotas = z.infer<typeof userQuotas>;
