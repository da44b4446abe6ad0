import { z } from 'zod';
import { kafkaCluster, nodeRole } from '../api/kafka-cluster.ts';

/**
 * What a local cluster keeps between `up`s (cluster.json): identity, node layout and port plan never change for
 * existing data. Versioned and read through this schema, so a field or default added later reaches every command
 * that reads an older file (`status`, `down`, `doctor`), and a damaged file is reported, not half-used.
 */
export const LOCAL_STATE_SCHEMA = 2;

const stateNode = z.object({
  id: z.int().min(0),
  pool: z.string().min(1),
  roles: z.array(nodeRole).min(1),
  formatted: z.boolean(),
  /**
   * The node's place in the local port plan (port = base + 100·slot + portIndex), fixed when the node is first
   * created: growing one pool must not move the ports of another pool's nodes (a controller's address is part of the
   * quorum). Files written before it existed lack it: then the node's position in the cluster.
   */
  portIndex: z.int().min(0).optional(),
});

export const localState = z.object({
  schema: z.literal(LOCAL_STATE_SCHEMA),
  name: z.string().min(1),
  /** The Kafka release that last ran the data (a downgrade across minors is refused). */
  kafkaVersion: z.string().min(1),
  /** The quorum the cluster was formatted with; kept across upgrades (KIP-853 needs an explicit kraft.version upgrade). */
  quorumMode: z.enum(['dynamic', 'static']),
  identity: z.object({
    /** Kafka's cluster id (StorageTool random-uuid). */
    clusterId: z.string().min(1),
    /** Metadata directory id of every controller (dynamic quorum), keyed by node id. */
    directoryIds: z.record(z.string(), z.string()),
  }),
  portBase: z.int().min(1).max(65535),
  nodes: z.array(stateNode),
  /** `up --monitoring`: every node runs the Prometheus JMX exporter agent (kept until turned off). */
  monitoring: z.boolean().default(false),
  /** The KafkaCluster as last applied, parsed again on every read so later defaults fill in. */
  cluster: kafkaCluster,
});

export type LocalState = z.infer<typeof localState>;
export type LocalStateNode = LocalState['nodes'][number];

/** Why a stored state cannot be used, for the error message: a path and what is wrong there. */
export type StateProblem = { kind: 'schema'; found: unknown } | { kind: 'invalid'; problems: string[] };

/**
 * Parses a stored state of any known schema into the current one. Schema 1 (kafkaplane 0.1) kept the applied
 * KafkaCluster under `spec`; schema 2 calls it `cluster`.
 */
export function parseLocalState(json: unknown): { state: LocalState } | { problem: StateProblem } {
  const raw = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  let candidate: unknown = raw;
  if (raw.schema === 1) {
    const { spec, ...rest } = raw;
    candidate = { ...rest, schema: LOCAL_STATE_SCHEMA, cluster: spec };
  } else if (raw.schema !== LOCAL_STATE_SCHEMA) {
    return { problem: { kind: 'schema', found: raw.schema } };
  }
  const parsed = localState.safeParse(candidate);
  if (parsed.success) return { state: parsed.data };
  return { problem: { kind: 'invalid', problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`) } };
}
