import { z } from 'zod';
import { API_VERSION } from './common.ts';
import { kafkaClusterSpec } from './kafka-cluster.ts';
import { kafkaTopicSpec } from './kafka-topic.ts';
import { kafkaUserSpec } from './kafka-user.ts';
import { kafkaClusterStatus, kafkaTopicStatus, kafkaUserStatus } from './status.ts';

/**
 * CustomResourceDefinitions for KafkaCluster, KafkaTopic and KafkaUser, generated from the same zod schemas the
 * CLI validates specs with, so the apiserver enforces what `kafkaplane validate` does for every field it can express
 * (types, enums, patterns, ranges, unknown fields). Cross-field rules (enough brokers for a topic's replicas, …) stay
 * with the operator, which reports them as conditions.
 *
 * zod's JSON Schema is close to a CRD's openAPIV3Schema but not the same (reference.md §8); `structural` turns it
 * into a structural schema: no additionalProperties:false beside properties, no $ref/const/patternProperties, every
 * node typed, unions of string and number as int-or-string, free-form values as preserve-unknown-fields. Defaults
 * are left out: the operator applies zod's defaults, so stored resources stay as users wrote them (no GitOps drift).
 */
export const API_GROUP = API_VERSION.split('/')[0]!;
export const API_GROUP_VERSION = API_VERSION.split('/')[1]!;

type Schema = Record<string, unknown>;

interface CrdKind {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  spec: z.ZodType;
  status: z.ZodType;
  columns: { name: string; type: string; jsonPath: string; description: string; priority?: number }[];
}

const READY = { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether the resource is reconciled and working' };
const AGE = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation' };
const CLUSTER = { name: 'Cluster', type: 'string', jsonPath: '.metadata.labels.kafkaplane\\.io/cluster', description: 'The KafkaCluster it belongs to' };

export const CRD_KINDS: readonly CrdKind[] = [
  {
    kind: 'KafkaCluster',
    plural: 'kafkaclusters',
    singular: 'kafkacluster',
    shortNames: ['kc'],
    spec: kafkaClusterSpec,
    status: kafkaClusterStatus,
    columns: [
      READY,
      { name: 'Brokers', type: 'string', jsonPath: '.status.readyBrokers', description: 'Brokers registered / desired' },
      { name: 'Version', type: 'string', jsonPath: '.status.kafkaVersion', description: 'Kafka version running' },
      { name: 'Metadata', type: 'string', jsonPath: '.status.metadataVersion', description: 'metadata.version', priority: 1 },
      { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why it is (not) ready', priority: 1 },
      AGE,
    ],
  },
  {
    kind: 'KafkaTopic',
    plural: 'kafkatopics',
    singular: 'kafkatopic',
    shortNames: ['kt'],
    spec: kafkaTopicSpec,
    status: kafkaTopicStatus,
    columns: [
      CLUSTER,
      { name: 'Partitions', type: 'integer', jsonPath: '.status.partitions', description: 'Partitions in Kafka' },
      { name: 'Replicas', type: 'integer', jsonPath: '.status.replicationFactor', description: 'Replication factor in Kafka' },
      READY,
      AGE,
    ],
  },
  {
    kind: 'KafkaUser',
    plural: 'kafkausers',
    singular: 'kafkauser',
    shortNames: ['ku'],
    spec: kafkaUserSpec,
    status: kafkaUserStatus,
    columns: [CLUSTER, { name: 'Authentication', type: 'string', jsonPath: '.spec.authentication.type', description: 'How the user logs in' }, READY, AGE],
  },
];

export function customResourceDefinitions(): Schema[] {
  return CRD_KINDS.map(crd);
}

function crd(kind: CrdKind): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${API_GROUP}`, labels: { 'app.kubernetes.io/name': 'kafkaplane', 'app.kubernetes.io/component': 'crd' } },
    spec: {
      group: API_GROUP,
      names: { kind: kind.kind, listKind: `${kind.kind}List`, plural: kind.plural, singular: kind.singular, shortNames: kind.shortNames, categories: ['kafkaplane', 'kafka'] },
      scope: 'Namespaced',
      versions: [
        {
          name: API_GROUP_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.columns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `${kind.kind} (kafkaplane.io): see https://github.com/kafkaplane/kafkaplane docs`,
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: structural(z.toJSONSchema(kind.spec, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any', reused: 'inline' }) as Schema),
                status: structural(z.toJSONSchema(kind.status, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any', reused: 'inline' }) as Schema),
              },
            },
          },
        },
      ],
    },
  };
}

const DROPPED = new Set(['$schema', 'default', 'additionalProperties', 'format', 'id', '$id', 'title']);

/** A zod JSON Schema node as a structural CRD schema node. */
export function structural(node: Schema): Schema {
  const union = (node.anyOf ?? node.oneOf) as Schema[] | undefined;
  if (union) return structuralUnion(union.map(structural), node);
  if (node.const !== undefined) return { type: typeof node.const === 'number' ? 'number' : typeof node.const, enum: [node.const] };
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, structural(v)]));
    else if (key === 'items') out.items = structural(value as Schema);
    else if (key === 'allOf') Object.assign(out, ...(value as Schema[]).map(structural));
    else out[key] = value;
  }
  // A map (record): its values' schema is additionalProperties, which stays when there are no properties.
  const values = node.additionalProperties;
  if (node.type === 'object' && !node.properties && values && typeof values === 'object') out.additionalProperties = structural(values as Schema);
  else if (node.type === 'object' && !node.properties && values !== false) out['x-kubernetes-preserve-unknown-fields'] = true;
  // A loose object (z.looseObject: named fields checked, the rest passed on, e.g. a pod template's extra volume).
  else if (node.type === 'object' && node.properties && values !== undefined && values !== false) out['x-kubernetes-preserve-unknown-fields'] = true;
  if (out.type === undefined && out['x-kubernetes-preserve-unknown-fields'] === undefined && out['x-kubernetes-int-or-string'] === undefined) out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

function structuralUnion(branches: Schema[], node: Schema): Schema {
  const types = new Set(branches.map((b) => b.type));
  const extra = node.description ? { description: node.description } : {};
  if (types.size === 1 && !types.has(undefined)) {
    const [first] = branches;
    if (first!.type === 'object') return { ...extra, type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    // Same type, different constraints (cidrv4 | cidrv6, …): the type is enforced here, the rest by the operator.
    const enums = branches.every((b) => Array.isArray(b.enum)) ? { enum: branches.flatMap((b) => b.enum as unknown[]) } : {};
    return { ...extra, type: first!.type, ...enums };
  }
  if ([...types].every((t) => t === 'string' || t === 'number' || t === 'integer')) return { ...extra, 'x-kubernetes-int-or-string': true };
  return { ...extra, 'x-kubernetes-preserve-unknown-fields': true };
}
