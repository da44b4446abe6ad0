// fast-check generators for spec files (issue 12, "Bad input never half-applies"): valid files built from the shape of
// the zod schemas in src/api/ (clusters with pools, listeners, config, storage, Kubernetes settings; topics; users
// with ACLs), and mutations of them — at the object level (a required field deleted, a wrong type, an unknown field,
// a number out of range, a bad or duplicate name) and at the text level (YAML syntax broken, non-UTF-8 bytes, huge
// values, empty documents). The specs are plain data turned into YAML text, as a user would write them.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { quantityValue } from '../../src/api/common.ts';

const API_VERSION = 'kafkaplane.io/v1alpha1';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = { [key: string]: Json };

/** A spec file as documents (before YAML), or as text when a mutation broke the text itself. */
export interface GeneratedSpec {
  docs: Doc[];
  /** What was done to a valid file, for the failure message (empty: untouched). */
  mutation: string;
  /** The file's text: the documents as YAML unless a text mutation replaced it. */
  text: string;
}

// Built from characters rather than fc.stringMatching (which costs ~100 ms a value here), and built once per length.
const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
const LOWER_DIGITS = [...LOWER, ...'0123456789'];
const DNS = new Map<number, fc.Arbitrary<string>>();
const dns = (max = 8): fc.Arbitrary<string> => {
  let a = DNS.get(max);
  if (a === undefined) {
    a = fc.tuple(fc.constantFrom(...LOWER), fc.array(fc.constantFrom(...LOWER_DIGITS), { maxLength: max - 1 })).map(([first, rest]) => first + rest.join(''));
    DNS.set(max, a);
  }
  return a;
};
const TOPIC_CHARS = [...LOWER_DIGITS, ...'ABCXYZ._-'];
const kafkaTopicName = fc
  .array(fc.constantFrom(...TOPIC_CHARS), { minLength: 1, maxLength: 20 })
  .map((c) => c.join(''))
  .filter((n) => n !== '.' && n !== '..');
const quantity = fc.oneof(fc.constantFrom('1Gi', '10Gi', '512Mi', '100Gi', '1.5Gi', '2'), fc.integer({ min: 1, max: 64 }));
const memory = fc.constantFrom('1Gi', '2Gi', '4Gi', '8Gi', '16Gi', '512Mi');

function pool(name: string, roles: ('broker' | 'controller')[], replicas: number, offset: number | undefined) {
  return fc
    .record(
      {
        // Controllers need persistent storage (api/semantics.ts): ephemeral only for broker-only pools.
        storage: fc.record(
          { type: roles.includes('controller') ? fc.constant('persistent-claim') : fc.constantFrom('persistent-claim', 'ephemeral'), size: quantity, class: dns(), deleteClaim: fc.boolean() },
          { requiredKeys: [] },
        ),
        resources: fc
          .record({ requests: fc.record({ cpu: fc.constantFrom('1', '250m', 2), memory }, { requiredKeys: [] }), limits: fc.record({ memory }, { requiredKeys: [] }) }, { requiredKeys: [] })
          // Kubernetes refuses a request above its limit: a valid file's limit is at least its request.
          .map((r) =>
            r.requests?.memory !== undefined && r.limits?.memory !== undefined && quantityValue(String(r.requests.memory)) > quantityValue(String(r.limits.memory))
              ? { ...r, limits: { memory: r.requests.memory } }
              : r,
          ),
        jvm: fc.record(
          { heap: fc.constantFrom('512m', '1g', '2G', 1024), options: fc.array(fc.constantFrom('-XX:+UseG1GC', '-Dfoo=bar', '-XX:MaxGCPauseMillis=20'), { maxLength: 2 }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    )
    .map((extra) => ({ name, roles, replicas, ...(offset === undefined ? {} : { nodeIdOffset: offset }), ...extra }) as Doc);
}

const ROLE_SETS: ('broker' | 'controller')[][] = [['broker', 'controller'], ['broker'], ['controller'], ['controller', 'broker']];
const LISTENER_NAMES = ['plain', 'tls', 'scram', 'external', 'ext2', 'lb', 'internal', 'client'];

interface ClusterFacts {
  name: string;
  brokers: number;
  brokerIds: number[];
  scram: boolean;
  authorization: boolean;
}

/** A valid KafkaCluster document, with what topics and users of it need to know. */
export function clusterArbitrary(name: fc.Arbitrary<string> = dns()): fc.Arbitrary<{ doc: Doc; facts: ClusterFacts }> {
  return fc
    .record({
      name,
      pools: fc.uniqueArray(fc.record({ name: dns(6), roles: fc.constantFrom(...ROLE_SETS), replicas: fc.integer({ min: 0, max: 5 }), offset: fc.boolean() }), {
        minLength: 1,
        maxLength: 3,
        selector: (p) => p.name,
      }),
      listeners: fc.uniqueArray(
        fc.record({
          name: fc.constantFrom(...LISTENER_NAMES),
          type: fc.constantFrom('internal', 'nodeport', 'loadbalancer', undefined),
          tls: fc.boolean(),
          scram: fc.boolean(),
          template: fc.boolean(),
          sourceRanges: fc.boolean(),
          bootstrapPort: fc.option(fc.integer({ min: 30000, max: 30999 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 3, selector: (l) => l.name },
      ),
      authorization: fc.boolean(),
      superUsers: fc.array(dns(), { maxLength: 2 }),
      version: fc.constantFrom('4.1.2', '4.0.0', '3.9.1', '4.1.1', undefined),
      namespace: fc.option(dns(), { nil: undefined }),
      rack: fc.boolean(),
      config: fc.record(
        {
          'num.partitions': fc.integer({ min: 1, max: 50 }),
          'log.retention.hours': fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant('168')),
          'auto.create.topics.enable': fc.boolean(),
          'compression.type': fc.constantFrom('producer', 'zstd', 'lz4'),
        },
        { requiredKeys: [] },
      ),
      rf: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      minIsr: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      kubernetes: fc.option(
        fc.record(
          {
            image: fc.constantFrom('apache/kafka:4.1.2', 'registry.example.com/kafka:4.1.2', `apache/kafka@sha256:${'a'.repeat(64)}`),
            imagePullPolicy: fc.constantFrom('IfNotPresent', 'Always', 'Never'),
            imagePullSecrets: fc.array(dns(), { maxLength: 2 }),
            clusterDomain: fc.constantFrom('cluster.local', 'k8s.example.com'),
            serviceAccount: fc.record({ create: fc.boolean(), name: dns() }, { requiredKeys: [] }),
            pod: fc.record(
              {
                spread: fc.constantFrom('preferred', 'required'),
                terminationGracePeriodSeconds: fc.integer({ min: 30, max: 3600 }),
                nodeSelector: fc.dictionary(dns(), dns(), { maxKeys: 2 }),
                priorityClassName: dns(),
                tolerations: fc.array(
                  fc
                    .record({ key: dns(), operator: fc.constantFrom('Exists', 'Equal'), effect: fc.constantFrom('NoSchedule', 'NoExecute') }, { requiredKeys: [] })
                    // Kubernetes: a toleration without a key must be operator Exists.
                    .map((t) => (t.key === undefined ? { ...t, operator: 'Exists' as const } : t)),
                  { maxLength: 2 },
                ),
              },
              { requiredKeys: [] },
            ),
            networkPolicy: fc.record(
              {
                enabled: fc.boolean(),
                clients: fc.array(fc.oneof(fc.record({ podSelector: fc.record({ matchLabels: fc.dictionary(dns(), dns(), { maxKeys: 2 }) }) }), fc.constant({ ipBlock: { cidr: '10.0.0.0/8' } })), {
                  maxLength: 2,
                }),
              },
              { requiredKeys: [] },
            ),
            monitoring: fc.record(
              {
                enabled: fc.boolean(),
                port: fc.integer({ min: 9300, max: 9400 }),
                kafkaExporter: fc.record({ enabled: fc.boolean(), implementation: fc.constantFrom('kafkaplane', 'kafka_exporter') }, { requiredKeys: [] }),
                podMonitor: fc.boolean(),
                prometheusRule: fc.boolean(),
                consumerLagThreshold: fc.integer({ min: 1, max: 1_000_000 }),
              },
              { requiredKeys: [] },
            ),
            identity: fc.record({ clusterId: fc.constantFrom('MkU3OEVBNTcwNTJENDM2Qk', 'abcdefghijklmnopqrstuv') }),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
    })
    .map((r) => {
      // A cluster needs a broker and a controller; the first pool takes what is missing.
      const pools = r.pools.map((p) => ({ ...p, roles: [...p.roles] }));
      const count = (role: string) => pools.filter((p) => p.roles.includes(role as 'broker')).reduce((n, p) => n + p.replicas, 0);
      for (const role of ['broker', 'controller'] as const) {
        if (count(role) === 0) {
          if (!pools[0]!.roles.includes(role)) pools[0]!.roles.push(role);
          if (pools[0]!.replicas === 0) pools[0]!.replicas = 1;
        }
      }
      const brokers = count('broker');
      const brokerIds: number[] = [];
      pools.forEach((p, i) => {
        const start = p.offset ? 1000 + i * 10 : i * 100;
        if (p.roles.includes('broker')) for (let k = 0; k < p.replicas; k++) brokerIds.push(start + k);
      });
      const scram = r.authorization || r.listeners.some((l) => l.scram);
      const listeners = r.listeners.map((l, i) => {
        const out: Doc = { name: l.name, port: 9092 + i * 3 };
        if (l.type !== undefined) out.type = l.type;
        if (l.tls) out.tls = true;
        if (r.authorization || l.scram) out.authentication = 'scram-sha-512';
        if (l.type === 'nodeport' || l.type === 'loadbalancer') {
          const configuration: Doc = {};
          if (l.bootstrapPort !== undefined && l.type === 'nodeport') configuration.bootstrap = { nodePort: l.bootstrapPort + i * 500 };
          if (l.template) configuration.advertisedHostTemplate = `kafka-{nodeId}.${l.name}.example.com`;
          if (l.sourceRanges && l.type === 'loadbalancer') configuration.loadBalancerSourceRanges = ['203.0.113.0/24'];
          if (brokerIds.length > 0 && l.template === false) configuration.brokers = [{ broker: brokerIds[0]!, advertisedHost: `b0.${l.name}.example.com` }];
          if (Object.keys(configuration).length > 0) out.configuration = configuration;
        }
        return out;
      });
      const config: Doc = { ...r.config };
      const rf = r.rf === undefined ? undefined : Math.min(r.rf, brokers);
      if (rf !== undefined) config['default.replication.factor'] = rf;
      if (r.minIsr !== undefined) config['min.insync.replicas'] = Math.min(r.minIsr, rf ?? Math.min(3, brokers));
      // The pools' required fields here; their optional parts (storage, resources, jvm) are drawn below.
      const nodePools = pools.map((p, i) => ({ name: p.name, roles: p.roles, replicas: p.replicas, ...(p.offset ? { nodeIdOffset: 1000 + i * 10 } : {}) }));
      const spec: Doc = { nodePools, listeners, config };
      if (r.version !== undefined) spec.version = r.version;
      if (r.authorization) spec.authorization = { type: 'simple', superUsers: r.superUsers };
      if (r.rack) spec.rack = {};
      if (r.kubernetes !== undefined) spec.kubernetes = r.kubernetes as Doc;
      const metadata: Doc = { name: r.name };
      if (r.namespace !== undefined) metadata.namespace = r.namespace;
      return { doc: { apiVersion: API_VERSION, kind: 'KafkaCluster', metadata, spec }, facts: { name: r.name, brokers, brokerIds, scram, authorization: r.authorization } };
    })
    .chain(({ doc, facts }) =>
      // The optional parts of each pool (storage, resources, jvm), drawn per pool.
      fc
        .tuple(...((doc.spec as Doc).nodePools as Doc[]).map((p) => pool(p.name as string, p.roles as ('broker' | 'controller')[], p.replicas as number, p.nodeIdOffset as number | undefined)))
        .map((pools) => ({
          doc: { ...doc, spec: { ...(doc.spec as Doc), nodePools: pools } },
          facts,
        })),
    );
}

function topicArbitrary(owner: ClusterFacts | undefined, label: boolean) {
  const max = owner?.brokers ?? 5;
  return fc
    .record(
      {
        topicName: kafkaTopicName,
        partitions: fc.integer({ min: 1, max: 100 }),
        replicas: fc.integer({ min: 1, max: Math.max(1, max) }),
        retention: fc.oneof(fc.integer({ min: 1000, max: 1e10 }), fc.constant('-1')),
        cleanup: fc.constantFrom('delete', 'compact', 'compact,delete'),
      },
      { requiredKeys: [] },
    )
    .map((t) => {
      const config: Doc = {};
      if (t.retention !== undefined) config['retention.ms'] = t.retention;
      if (t.cleanup !== undefined) config['cleanup.policy'] = t.cleanup;
      if (t.replicas !== undefined && t.replicas > 1) config['min.insync.replicas'] = t.replicas - 1;
      const spec: Doc = { config };
      if (t.topicName !== undefined) spec.topicName = t.topicName;
      if (t.partitions !== undefined) spec.partitions = t.partitions;
      if (t.replicas !== undefined) spec.replicas = t.replicas;
      return (name: string): Doc => ({
        apiVersion: API_VERSION,
        kind: 'KafkaTopic',
        metadata: { name, ...(label && owner ? { labels: { 'kafkaplane.io/cluster': owner.name } } : {}) },
        spec,
      });
    });
}

const acl = fc
  .record({
    type: fc.constantFrom('topic', 'group', 'cluster', 'transactionalId'),
    name: fc.constantFrom('*', 'orders', 'app-', 'payments'),
    patternType: fc.option(fc.constantFrom('literal', 'prefix'), { nil: undefined }),
    operations: fc.uniqueArray(fc.constantFrom('All', 'Read', 'Write', 'Create', 'Describe', 'DescribeConfigs', 'IdempotentWrite'), { minLength: 1, maxLength: 3 }),
    host: fc.option(fc.constantFrom('*', '10.0.0.1'), { nil: undefined }),
    allow: fc.option(fc.constantFrom('allow', 'deny'), { nil: undefined }),
  })
  .map(
    (a): Doc => ({
      resource: { type: a.type, ...(a.type === 'cluster' ? {} : { name: a.name }), ...(a.patternType ? { patternType: a.patternType } : {}) },
      operations: a.operations,
      ...(a.host ? { host: a.host } : {}),
      ...(a.allow ? { type: a.allow } : {}),
    }),
  );

function userArbitrary(owner: ClusterFacts | undefined, label: boolean) {
  return fc.record({ auth: fc.boolean(), secret: fc.boolean(), acls: fc.array(acl, { maxLength: 3 }) }).map((u) => {
    const spec: Doc = {};
    if (u.auth && (owner === undefined || owner.scram)) {
      spec.authentication = { type: 'scram-sha-512', ...(u.secret ? { password: { valueFrom: { secretKeyRef: { name: 'app-password', key: 'password' } } } } : {}) };
    }
    if (u.acls.length > 0 && (owner === undefined || owner.authorization)) spec.authorization = { type: 'simple', acls: u.acls };
    return (name: string): Doc => ({
      apiVersion: API_VERSION,
      kind: 'KafkaUser',
      metadata: { name, ...(label && owner ? { labels: { 'kafkaplane.io/cluster': owner.name } } : {}) },
      spec,
    });
  });
}

/** A valid spec file: one or two clusters (or none: topics and users alone), their topics and users. */
export const validSpecArbitrary: fc.Arbitrary<Doc[]> = fc
  .uniqueArray(dns(), { minLength: 0, maxLength: 2 })
  .chain((clusterNames) => fc.tuple(...clusterNames.map((n) => clusterArbitrary(fc.constant(n)))))
  .chain((clusters) => {
    const several = clusters.length > 1;
    const owners = fc.integer({ min: 0, max: Math.max(0, clusters.length - 1) }).map((i) => clusters[i]?.facts);
    const topics = fc
      .uniqueArray(fc.tuple(dns(10), owners, fc.boolean()), { maxLength: 3, selector: ([n]) => n })
      .chain((list) => fc.tuple(...list.map(([n, owner, label]) => topicArbitrary(owner, several || label).map((make) => make(n)))));
    const users = fc
      .uniqueArray(fc.tuple(dns(10), owners, fc.boolean()), { maxLength: 2, selector: ([n]) => n })
      .chain((list) => fc.tuple(...list.map(([n, owner, label]) => userArbitrary(owner, several || label).map((make) => make(n)))));
    return fc.tuple(topics, users).map(([t, u]) => {
      const docs = [...clusters.map((c) => c.doc), ...t, ...u];
      // Two topics may end up with one Kafka name (spec.topicName): keep the first.
      const seen = new Set<string>();
      return docs.filter((d) => {
        if (d.kind !== 'KafkaTopic') return true;
        const kafkaName = ((d.spec as Doc).topicName as string | undefined) ?? ((d.metadata as Doc).name as string);
        if (seen.has(kafkaName)) return false;
        seen.add(kafkaName);
        return true;
      });
    });
  })
  .filter((docs) => docs.length > 0);

export function toYaml(docs: readonly Doc[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

// ---- mutations -------------------------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every path into a document (objects and arrays included), in a stable order. */
function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function getAt(value: Json, path: Path): Json | undefined {
  let v: Json | undefined = value;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, Json>)[k] : undefined;
  return v;
}

function setAt(root: Json, path: Path, next: Json | undefined): void {
  const parent = getAt(root, path.slice(0, -1));
  const key = path.at(-1)!;
  if (parent === null || typeof parent !== 'object') return;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (next === undefined) parent.splice(key, 1);
    else parent[key] = next;
  } else if (next === undefined) delete (parent as Record<string, Json>)[key];
  else (parent as Record<string, Json>)[key] = next;
}

/** Fields the schemas require: deleting one must be reported with its path. */
const REQUIRED: Path[] = [
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ['metadata', 'name'],
  ['spec', 'nodePools', 0, 'name'],
  ['spec', 'nodePools', 0, 'roles'],
  ['spec', 'nodePools', 0, 'replicas'],
  ['spec', 'listeners', 0, 'name'],
  ['spec', 'listeners', 0, 'port'],
  ['spec', 'authorization', 'type'],
  ['spec', 'authentication', 'type'],
  ['spec', 'authorization', 'acls', 0, 'operations'],
  ['spec', 'authorization', 'acls', 0, 'resource'],
];

const wrongValues: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { a: 1 }, 'NaN', '9'.repeat(40), '\u0000', '{nodeId}', '-', 'Ünïcödé', '👍'),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
);

const outOfRange: fc.Arbitrary<Json> = fc.constantFrom<Json>(-1, -0.5, 0, 1e21, 2 ** 53 + 2, 65536, 99999999999, 1.000001, -2147483649, 1e308);

const badNames: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>('', 'UPPER', 'under_score', '-lead', 'trail-', 'a'.repeat(300), 'a..b', 'ünï', 'a b', 'a/b', '.', '..', 'controller', 'replication', '0'),
  fc.string({ maxLength: 70 }),
);

const unknownKeys = fc.oneof(fc.constantFrom('replica', 'verison', 'zookeeper', 'listner', 'spec', 'metadata', '__proto__', 'constructor', 'toString', 'x.y', '', ' '), fc.string({ maxLength: 12 }));

export const OBJECT_MUTATIONS = ['delete-required', 'delete-any', 'wrong-type', 'unknown-field', 'out-of-range', 'bad-name', 'duplicate-doc', 'duplicate-item', 'drop-doc-fields'] as const;
export const TEXT_MUTATIONS = ['yaml-insert', 'yaml-truncate', 'yaml-tabs', 'non-utf8', 'huge-string', 'deep-nesting', 'many-docs', 'alias-bomb', 'empty'] as const;
export type Mutation = (typeof OBJECT_MUTATIONS)[number] | (typeof TEXT_MUTATIONS)[number];

const SYNTAX_BREAKS = [
  '{',
  '}',
  '[',
  ']',
  ': ',
  '- ',
  '\t',
  '&a ',
  '*a',
  '*nope',
  '!!binary ',
  '!tag ',
  '? ',
  '%YAML 1.1\n',
  '---',
  '...',
  '"',
  "'",
  '|',
  '>',
  '#',
  '\n  - ',
  '@',
  '`',
  '\r',
  '\u0085',
  '\ufeff',
];

/** Applies one mutation to a valid file; `picks` drives every choice so a seed reproduces it. */
function mutate(docs: readonly Doc[], mutation: Mutation, picks: { a: number; b: number; c: number; value: Json; range: Json; name: Json; key: string; bytes: Uint8Array }): GeneratedSpec {
  const copy = structuredClone(docs) as Doc[];
  const doc = copy[picks.a % copy.length]!;
  const describe = (what: string) => `${mutation} (${what}) in document ${(picks.a % copy.length) + 1}`;
  const text = () => toYaml(copy);
  switch (mutation) {
    case 'delete-required': {
      const existing = REQUIRED.filter((p) => getAt(doc, p) !== undefined);
      const path = existing[picks.b % existing.length]!;
      setAt(doc, path, undefined);
      return { docs: copy, mutation: describe(path.join('.')), text: text() };
    }
    case 'delete-any':
    case 'wrong-type':
    case 'out-of-range': {
      const all = paths(doc).filter((p) => p.length > 0);
      const candidates = mutation === 'out-of-range' ? all.filter((p) => typeof getAt(doc, p) === 'number') : all;
      if (candidates.length === 0) return mutate(docs, 'unknown-field', picks);
      const path = candidates[picks.b % candidates.length]!;
      setAt(doc, path, mutation === 'delete-any' ? undefined : mutation === 'wrong-type' ? picks.value : picks.range);
      return { docs: copy, mutation: describe(`${path.join('.')} = ${JSON.stringify(getAt(doc, path))}`), text: text() };
    }
    case 'unknown-field': {
      const objects = paths(doc).filter((p) => {
        const v = getAt(doc, p);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const path = objects[picks.b % objects.length]!;
      const target = getAt(doc, path) as Record<string, Json>;
      // Some maps take any key (config, labels): an unknown key there is fine, which the properties allow.
      Object.defineProperty(target, picks.key, { value: picks.value, enumerable: true, configurable: true, writable: true });
      return { docs: copy, mutation: describe(`${[...path, picks.key].join('.')}`), text: text() };
    }
    case 'bad-name': {
      const names = paths(doc).filter((p) => p.at(-1) === 'name' || p.at(-1) === 'topicName' || p.at(-1) === 'namespace');
      if (names.length === 0) return mutate(docs, 'wrong-type', picks);
      const path = names[picks.b % names.length]!;
      setAt(doc, path, picks.name);
      return { docs: copy, mutation: describe(`${path.join('.')} = ${JSON.stringify(picks.name)}`), text: text() };
    }
    case 'duplicate-doc': {
      copy.push(structuredClone(doc));
      return { docs: copy, mutation: describe('the document twice'), text: text() };
    }
    case 'duplicate-item': {
      const lists = paths(doc).filter((p) => Array.isArray(getAt(doc, p)) && (getAt(doc, p) as Json[]).length > 0);
      if (lists.length === 0) return mutate(docs, 'duplicate-doc', picks);
      const path = lists[picks.b % lists.length]!;
      const list = getAt(doc, path) as Json[];
      list.push(structuredClone(list[picks.c % list.length]!));
      return { docs: copy, mutation: describe(`an item of ${path.join('.')} twice`), text: text() };
    }
    case 'drop-doc-fields': {
      const keep = Object.keys(doc).filter((_, i) => (picks.c >> i) & 1);
      for (const k of Object.keys(doc)) if (!keep.includes(k)) delete doc[k];
      return { docs: copy, mutation: describe(`only ${keep.join(', ') || 'nothing'}`), text: text() };
    }
    case 'yaml-insert': {
      const t = text();
      const at = picks.b % (t.length + 1);
      const broken = SYNTAX_BREAKS[picks.c % SYNTAX_BREAKS.length]!;
      return { docs: copy, mutation: `yaml-insert ${JSON.stringify(broken)} at ${at}`, text: t.slice(0, at) + broken + t.slice(at) };
    }
    case 'yaml-truncate': {
      const t = text();
      const at = picks.b % (t.length + 1);
      return { docs: copy, mutation: `yaml-truncate at ${at}`, text: t.slice(0, at) };
    }
    case 'yaml-tabs': {
      return { docs: copy, mutation: 'yaml-tabs', text: text().replace(/^( +)/gm, (s) => (picks.c % 2 === 0 ? '\t'.repeat(s.length / 2) : `${s}\t`)) };
    }
    case 'non-utf8': {
      // The bytes a file might hold (Latin-1, a cut multi-byte character, random bytes), decoded as the CLI decodes
      // a spec file: UTF-8, with U+FFFD for what is not UTF-8.
      const t = Buffer.from(text(), 'utf8');
      const at = picks.b % (t.length + 1);
      const bytes = Buffer.concat([t.subarray(0, at), Buffer.from(picks.bytes), t.subarray(at)]);
      return { docs: copy, mutation: `non-utf8 ${Buffer.from(picks.bytes).toString('hex')} at ${at}`, text: picks.c % 3 === 0 ? bytes.toString('latin1') : bytes.toString('utf8') };
    }
    case 'huge-string': {
      const all = paths(doc).filter((p) => typeof getAt(doc, p) === 'string');
      const path = all[picks.b % Math.max(1, all.length)] ?? ['metadata', 'name'];
      setAt(doc, path, 'a'.repeat(100_000 + (picks.c % 1000)));
      return { docs: copy, mutation: `huge-string at ${path.join('.')}`, text: text() };
    }
    case 'deep-nesting': {
      const depth = 50 + (picks.c % 3) * 2000;
      const t = text();
      const nested = picks.b % 2 === 0 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
      return { docs: copy, mutation: `deep-nesting ${depth}`, text: `${t}---\n${nested}\n` + (picks.a % 2 === 0 ? '' : `x: ${nested}\n`) };
    }
    case 'many-docs': {
      const n = 5 + (picks.c % 10);
      return { docs: copy, mutation: `many-docs ${n}`, text: Array.from({ length: n }, () => text()).join('---\n') };
    }
    case 'alias-bomb': {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 10; i++)
        lines.push(
          `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(96 + i)}`)
            .join(', ')}]`,
        );
      return { docs: copy, mutation: 'alias-bomb', text: `${text()}---\n${lines.join('\n')}\n` };
    }
    case 'empty': {
      const variants = ['', '\n', '---', '---\n---\n', '# only a comment\n', '...\n', '   ', '\ufeff', '---\n...\n---\n', 'null\n', '~\n'];
      return { docs: [], mutation: `empty ${JSON.stringify(variants[picks.c % variants.length])}`, text: variants[picks.c % variants.length]! };
    }
  }
}

const picksArbitrary = fc.record({
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  value: wrongValues,
  range: outOfRange,
  name: badNames,
  key: unknownKeys,
  bytes: fc.oneof(
    fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0xfe, 0xff), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0)),
    fc.uint8Array({ minLength: 1, maxLength: 8 }),
  ),
});

/** A valid file with one or two mutations (object first, then perhaps text), or untouched. */
export const mutatedSpecArbitrary: fc.Arbitrary<GeneratedSpec> = fc
  .tuple(
    validSpecArbitrary,
    fc.constantFrom<Mutation | 'none'>('none', ...OBJECT_MUTATIONS, ...OBJECT_MUTATIONS, ...TEXT_MUTATIONS),
    fc.option(fc.constantFrom(...OBJECT_MUTATIONS), { nil: undefined, freq: 3 }),
    picksArbitrary,
    picksArbitrary,
  )
  .map(([docs, first, second, p1, p2]) => {
    if (first === 'none') return { docs, mutation: '', text: toYaml(docs) };
    const once = mutate(docs, first, p1);
    if (second === undefined || (TEXT_MUTATIONS as readonly string[]).includes(first) || once.docs.length === 0) return once;
    const twice = mutate(once.docs, second, p2);
    return { ...twice, mutation: `${once.mutation}; ${twice.mutation}` };
  });

/** Mutations that always make a file invalid (for `up`: it must refuse them and write nothing). */
export const invalidSpecArbitrary: fc.Arbitrary<GeneratedSpec> = fc
  .tuple(validSpecArbitrary, fc.constantFrom('delete-required', 'bad-name', 'yaml-insert', 'empty', 'duplicate-doc', 'wrong-type', 'non-utf8') satisfies fc.Arbitrary<Mutation>, picksArbitrary)
  .map(([docs, m, p]) => mutate(docs, m, p));
