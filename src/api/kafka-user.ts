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
});

export const kafkaUser = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('KafkaUser'),
  metadata,
  spec: kafkaUserSpec.default({}),
});

export type KafkaUser = z.infer<typeof kafkaUser>;
export type Acl = z.infer<typeof acl>;
