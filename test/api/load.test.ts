import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { SpecError } from '../../src/errors.ts';
import { parseSpec } from '../../src/api/load.ts';
import { REPO, cluster, clusterYaml, example, problems } from '../helpers/spec.ts';

const TOPIC = (spec: string, labels = '') => `apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaTopic\nmetadata:\n  name: orders\n${labels}spec:\n${spec}\n`;
const USER = (spec: string) => `apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaUser\nmetadata:\n  name: app\nspec:\n${spec}\n`;

test('every example parses', () => {
  const files = readdirSync(new URL('examples/', REPO)).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 3);
  for (const file of files) assert.ok(example(file).clusters.length + example(file).topics.length > 0, file);
});

test('an empty spec gets the seed defaults: Kafka 4.1.x, 3 combined nodes, one plaintext listener', () => {
  const spec = parseSpec('apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaCluster\nmetadata: {name: demo}\n');
  const c = spec.clusters[0]!;
  assert.match(c.spec.version, /^4\.1\.\d+$/);
  assert.deepEqual(
    c.spec.nodePools.map((p) => [p.name, p.roles, p.replicas]),
    [['dual', ['broker', 'controller'], 3]],
  );
  assert.deepEqual(c.spec.listeners, [{ name: 'plain', port: 9092, type: 'internal', tls: false, authentication: 'none' }]);
  assert.deepEqual(c.spec.nodePools[0]!.storage, { type: 'persistent-claim', size: '10Gi', deleteClaim: false });
});

test('seed 002 and seed 003 say what the seeds say', () => {
  const s2 = example('seed-002-combined.yaml').clusters[0]!;
  assert.equal(s2.spec.config['num.partitions'], 6);
  assert.equal(s2.spec.config['min.insync.replicas'], 2);
  const s3 = example('seed-003-dedicated.yaml').clusters[0]!;
  assert.deepEqual(
    s3.spec.nodePools.map((p) => [p.roles.join('+'), p.replicas]),
    [
      ['broker', 3],
      ['controller', 3],
    ],
  );
  assert.equal(s3.spec.nodePools[0]!.storage.size, '1000Gi');
});

test('a wrong enum value names the allowed values and what was given, with its path', () => {
  const out = problems(clusterYaml('nodePools:\n  - {name: a, roles: [broker, controller], replicas: 3}\n  - {name: b, roles: [borker], replicas: 1}'));
  assert.deepEqual(out, ['spec.nodePools[1].roles[0]: expected "broker" or "controller", got "borker"']);
});

test('unknown fields are errors, with a did-you-mean', () => {
  const out = problems(clusterYaml('nodePools:\n  - {name: a, roles: [broker, controller], replica: 3}'));
  assert.ok(out.includes('spec.nodePools[0].replica: unknown field (did you mean "replicas"?)'), out.join('\n'));
  assert.ok(out.includes('spec.nodePools[0].replicas: required (number)'), out.join('\n'));
  assert.deepEqual(problems(clusterYaml('verison: 4.1.2')), ['spec.verison: unknown field (did you mean "version"?)']);
});

test('every problem of every document is reported at once, with lines', () => {
  const text = `${clusterYaml('version: 3.8.0\nlisteners:\n  - {name: plain, port: 9091}\nconfig:\n  node.id: 1\n  log.dirs: /x')}---\n${TOPIC('  partitions: 0')}`;
  try {
    parseSpec(text, 'multi.yaml');
    assert.fail('expected errors');
  } catch (error) {
    assert.ok(error instanceof SpecError);
    const got = error.problems.map((p) => `${p.document} ${p.path} @${p.line}`);
    assert.deepEqual(got, [
      'KafkaCluster "demo" (document 1) spec.version @6',
      'KafkaCluster "demo" (document 1) spec.listeners[0].port @8',
      'KafkaCluster "demo" (document 1) spec.config["node.id"] @10',
      'KafkaCluster "demo" (document 1) spec.config["log.dirs"] @11',
      'KafkaTopic "orders" (document 2) spec.partitions @18',
    ]);
    assert.match(error.message, /multi\.yaml is not a valid kafkaplane spec \(5 problems\)/);
    assert.equal(error.exitCode, 2);
  }
});

test('a field zod refuses does not hide the cross-field problems of the rest of the file', () => {
  const text = `${clusterYaml('verison: 4.1.2\nlisteners:\n  - {name: plain, port: 9092}\n  - {name: plain, port: 9093}\nconfig:\n  default.replication.factor: 7')}---\n${TOPIC('  partitions: 3\n  replicas: 5')}`;
  assert.deepEqual(problems(text), [
    'spec.verison: unknown field (did you mean "version"?)',
    'spec.listeners[1].name: duplicate listener name "plain" (also spec.listeners[0])',
    'spec.config["default.replication.factor"]: 7 cannot be satisfied by 3 brokers; use 1-3 or add brokers',
    'spec.replicas: 5 replicas need 5 brokers; cluster "demo" has 3',
  ]);
  // A refused pool size would make every count a guess: then only the refused field is reported.
  assert.deepEqual(problems(clusterYaml('nodePools:\n  - {name: a, roles: [broker, controller], replicas: many}\nconfig:\n  default.replication.factor: 7')), [
    'spec.nodePools[0].replicas: expected number, got "many"',
  ]);
});

test('properties kafkaplane owns are rejected with the spec field to use instead', () => {
  const out = problems(clusterYaml('config:\n  listeners: PLAINTEXT://:9092\n  advertised.listeners: x\n  controller.quorum.voters: x\n  listener.name.plain.ssl.keystore.location: /k'));
  assert.equal(out.length, 4);
  assert.match(out[0]!, /^spec\.config\.listeners: "listeners" is managed by kafkaplane: set spec\.listeners/);
  assert.match(out[1]!, /advertised\.listeners.*managed by kafkaplane/);
  assert.match(out[2]!, /quorum is derived from the controller nodes/);
  assert.match(out[3]!, /per-listener settings/);
});

test('cross-field rules', () => {
  const cases: [string, RegExp][] = [
    ['nodePools:\n  - {name: a, roles: [broker], replicas: 3}', /no controller nodes/],
    ['nodePools:\n  - {name: a, roles: [controller], replicas: 3}', /no broker nodes/],
    ['nodePools:\n  - {name: a, roles: [broker, controller], replicas: 3}\n  - {name: a, roles: [broker], replicas: 1}', /duplicate pool name "a"/],
    ['nodePools:\n  - {name: a, roles: [broker, broker, controller], replicas: 1}', /duplicate role "broker"/],
    ['nodePools:\n  - {name: a, roles: [broker, controller], replicas: 3}\n  - {name: b, roles: [broker], replicas: 2, nodeIdOffset: 1}', /node ids 1-2 of pool "b" overlap ids 0-2 of pool "a"/],
    ['listeners:\n  - {name: a, port: 9092}\n  - {name: a, port: 9092}', /duplicate listener name "a"[\s\S]*port 9092 is already used/],
    ['listeners:\n  - {name: replication, port: 9095}', /reserved by kafkaplane/],
    ['listeners:\n  - {name: Plain, port: 9095}', /lowercase letters and digits/],
    ['listeners:\n  - {name: plain, port: 9092, configuration: {bootstrap: {nodePort: 30000}}}', /only nodeport and loadbalancer listeners take a configuration/],
    ['listeners:\n  - {name: ext, port: 9094, type: nodeport, configuration: {brokers: [{broker: 7, nodePort: 30001}]}}', /no broker has node id 7/],
    ['listeners:\n  - {name: ext, port: 9094, type: nodeport, configuration: {brokers: [{broker: 0, nodePort: 1}]}}', /at least 30000/],
    ['config:\n  default.replication.factor: 4', /4 cannot be satisfied by 3 brokers/],
    ['config:\n  min.insync.replicas: 4', /must be between 1 and the default replication factor \(3\)/],
    ['config:\n  min.insync.replicas: two', /must be a whole number/],
    ['authorization: {type: simple}', /every client listener must authenticate/],
    ['version: "4.1"', /must be a Kafka release such as 4\.1\.2/],
    ['nodePools:\n  - {name: a, roles: [broker, controller], replicas: 3, storage: {size: 10GB}}', /Kubernetes quantity/],
    ['nodePools:\n  - {name: a, roles: [broker, controller], replicas: 3, jvm: {heap: 2GB}}', /JVM size/],
    ['nodePools:\n  - {name: A_pool, roles: [broker, controller], replicas: 3}', /DNS-1123 label/],
  ];
  for (const [spec, expected] of cases) {
    let out: string;
    try {
      out = problems(clusterYaml(spec)).join('\n');
    } catch (error) {
      throw new Error(`${String(error)} for spec:\n${spec}`);
    }
    assert.match(out, expected, `spec:\n${spec}\ngot:\n${out}`);
  }
});

test('cluster names must fit in Kubernetes object names', () => {
  assert.match(problems(clusterYaml('{}', 'a'.repeat(41))).join(), /at most 40 characters/);
});

test('documents that are not kafkaplane documents', () => {
  assert.match(problems('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n').join(), /apiVersion: expected "kafkaplane.io\/v1alpha1", got "v1"/);
  assert.match(problems('apiVersion: kafkaplane.io/v1alpha1\nkind: Kafka\nmetadata: {name: x}\n').join(), /kind: expected "KafkaCluster", "KafkaTopic" or "KafkaUser", got "Kafka"/);
  assert.match(problems('- a\n- b\n').join(), /expected a mapping/);
  assert.match(problems('').join(), /no (YAML documents|KafkaCluster)/);
  assert.match(problems('a: [1, 2\n').join(), /YAML syntax error/);
});

test('topics: ownership, replicas, names', () => {
  const c = clusterYaml('{}');
  assert.match(problems(`${c}---\n${TOPIC('  replicas: 5')}`).join(), /5 replicas need 5 brokers; cluster "demo" has 3/);
  assert.match(problems(`${c}---\n${TOPIC('  replicas: 2\n  config: {min.insync.replicas: 3}')}`).join(), /exceeds replicas/);
  assert.match(problems(`${c}---\n${TOPIC('  topicName: "bad name"')}`).join(), /may only contain letters/);
  assert.match(problems(`${c}---\n${TOPIC('  partitions: 1', '  labels: {kafkaplane.io/cluster: other}\n')}`).join(), /no KafkaCluster named "other"/);
  const two = `${c}---\n${clusterYaml('{}', 'second')}---\n${TOPIC('  partitions: 1')}`;
  assert.match(problems(two).join(), /defines 2 clusters; say which one with the label kafkaplane.io\/cluster/);
  assert.match(problems(`${c}---\n${TOPIC('  partitions: 1')}---\n${TOPIC('  partitions: 2')}`).join(), /a second topic named "orders"/);
  // A topic file without a cluster is fine (applied to a running cluster later).
  assert.equal(parseSpec(TOPIC('  partitions: 3')).topics[0]!.cluster, undefined);
});

test('users: ACLs need authorization, SCRAM needs a SCRAM listener, names are required', () => {
  const c = clusterYaml('{}');
  assert.match(
    problems(`${c}---\n${USER('  authorization:\n    type: simple\n    acls:\n      - {resource: {type: topic, name: x}, operations: [Read]}')}`).join(),
    /no spec.authorization, so these ACLs would never be enforced/,
  );
  assert.match(problems(`${c}---\n${USER('  authentication: {type: scram-sha-512}')}`).join(), /no listener of cluster "demo" uses scram-sha-512/);
  assert.match(
    problems(USER('  authorization:\n    type: simple\n    acls:\n      - {resource: {type: topic}, operations: [Read]}')).join(),
    /resource\.name is required unless resource\.type is cluster/,
  );
  assert.match(problems(USER('  authorization:\n    type: simple\n    acls:\n      - {resource: {type: topic, name: x}, operations: [Reed]}')).join(), /expected "All", "Read".* got "Reed"/);
});

test('spec.zookeeper says ZooKeeper mode is gone and where the migration is described', () => {
  const found = problems(`apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaCluster\nmetadata: {name: a}\nspec:\n  zookeeper: {replicas: 3}\n`);
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^spec\.zookeeper: ZooKeeper mode is gone since Kafka 4\.0 .*KRaft.*docs\/zookeeper-migration\.md/);
});

// Regressions found by the spec fuzzer (test/api/spec-fuzz.test.ts).
const HEAD = 'apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaCluster\nmetadata: {name: a}\n';

test('names of Object.prototype are plain names: kind toString, a field toString, config keys constructor and toString', () => {
  assert.deepEqual(problems('apiVersion: kafkaplane.io/v1alpha1\nkind: toString\nmetadata: {name: a}\n'), ['kind: expected "KafkaCluster", "KafkaTopic" or "KafkaUser", got "toString"']);
  assert.deepEqual(problems(`${HEAD}toString: 1\n`), ['toString: unknown field (allowed: apiVersion, kind, metadata, spec)']);
  assert.deepEqual(parseSpec(`${HEAD}spec:\n  config:\n    constructor: 1\n    toString: x\n`).clusters[0]!.spec.config, { constructor: 1, toString: 'x' });
});

test('a missing apiVersion or kind is "got nothing", not "got undefined"', () => {
  assert.deepEqual(problems('kind: KafkaTopic\nmetadata: {name: a}\n'), ['apiVersion: expected "kafkaplane.io/v1alpha1", got nothing']);
  assert.deepEqual(problems('apiVersion: kafkaplane.io/v1alpha1\nmetadata: {name: a}\n'), ['kind: expected "KafkaCluster", "KafkaTopic" or "KafkaUser", got nothing']);
});

test('an alias bomb is a spec problem, not a ReferenceError', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    );
  const out = problems(`${HEAD}---\n${lines.join('\n')}\n`);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /^: YAML aliases expand too far/);
});

test('deep nesting is refused up front, the same way every time (the parser would overflow the stack, sometimes)', () => {
  for (const nested of [`${'['.repeat(5000)}${']'.repeat(5000)}`, `x: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`, Array.from({ length: 300 }, (_, i) => `${' '.repeat(2 * i)}k:`).join('\n')]) {
    const once = problems(`${HEAD}---\n${nested}\n`);
    assert.deepEqual(once, [': YAML nested more than 100 levels deep; a kafkaplane spec nests about ten']);
    assert.deepEqual(problems(`${HEAD}---\n${nested}\n`), once);
  }
  // Nesting a spec really uses, and brackets inside quoted strings and comments, are fine.
  assert.equal(parseSpec(`${HEAD}spec:\n  config:\n    x: "${'['.repeat(500)}"\n# ${'{'.repeat(500)}\n`).clusters.length, 1);
});

test('Kubernetes rules the apiserver enforces on pods are checked at their spec paths (found by the apiserver fuzz test)', () => {
  const pools = (resources: string) => `nodePools:\n  - name: dual\n    roles: [broker, controller]\n    replicas: 3\n    resources: ${resources}`;
  assert.deepEqual(
    problems(clusterYaml(pools('{requests: {memory: 8Gi}, limits: {memory: 4Gi}}'))).map((p) => p.replace(/ \(line \d+\)/, '')),
    ['spec.nodePools[0].resources.requests.memory: must be at most the memory limit 4Gi (Kubernetes refuses a request above its limit; raise limits.memory or lower the request), got "8Gi"'],
  );
  assert.doesNotThrow(() => cluster(pools('{requests: {memory: 4Gi, cpu: 500m}, limits: {memory: 4Gi, cpu: 1}}')));
  const tolerations = (t: string) => problems(clusterYaml(`kubernetes:\n  pod:\n    tolerations: [${t}]`)).join('\n');
  assert.match(tolerations('{operator: Equal, effect: NoSchedule}'), /tolerations\[0\]\.operator.*a toleration without a key must have operator: Exists/);
  assert.match(tolerations('{key: a, operator: Exists, value: b}'), /tolerations\[0\]\.value.*takes no value/);
  assert.doesNotThrow(() => cluster('kubernetes:\n  pod:\n    tolerations: [{operator: Exists}, {key: a, operator: Equal, value: b}]'));
});
