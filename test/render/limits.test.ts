// What render cannot do, said where users see it (warnings), and the content-hashed ConfigMaps of each pool.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { runCli } from '../helpers/cli.ts';
import { renderInput } from '../helpers/render.ts';
import { REPO, example } from '../helpers/spec.ts';

const text = (name: string) => readFileSync(new URL(`examples/${name}`, REPO), 'utf8');
const warningsOf = (spec: string, previous?: string) => {
  const input = renderInput(parseSpec(spec));
  const prev = previous === undefined ? undefined : renderInput(parseSpec(previous));
  return renderKubernetes({ ...input, ...(prev ? { previous: { cluster: prev.cluster, topics: prev.topics, users: prev.users } } : {}) }).warnings;
};
const matching = (warnings: string[], pattern: RegExp) => warnings.filter((w) => pattern.test(w));

test('seed-003 with a bigger broker volume, a fourth broker gone and a controller added: each limit is warned about, with the manual step and who automates it', () => {
  const before = text('seed-003-dedicated.yaml');
  assert.deepEqual(matching(warningsOf(before, before), /volumeClaimTemplates|controllers|go away/), [], 'the same spec: nothing changes');
  const after = before.replace('size: 1000Gi', 'size: 2000Gi').replace(/replicas: 3\n(\s+)storage:\n(\s+)size: 20Gi/, 'replicas: 4\n$1storage:\n$2size: 20Gi');
  const grown = warningsOf(after, before);
  const [volume] = matching(grown, /volumeClaimTemplates/);
  assert.match(volume!, /pool broker: storage size 1000Gi → 2000Gi cannot be applied/);
  assert.match(volume!, /--cascade=orphan/);
  const [quorum] = matching(grown, /controllers added/);
  assert.match(quorum!, /controllers added 103/);
  assert.match(quorum!, /add-controller/);
  const four = before.replace(/replicas: 3\n(\s+)storage:\n(\s+)size: 1000Gi/, 'replicas: 4\n$1storage:\n$2size: 1000Gi');
  const shrunk = warningsOf(before, four);
  const [brokers] = matching(shrunk, /go away/);
  assert.match(brokers!, /broker 3 go away and render does not check/);
  assert.match(brokers!, /kafkaplane operator/);
  // Without --previous a change cannot be seen: nothing is claimed about it.
  assert.deepEqual(matching(warningsOf(after), /volumeClaimTemplates|controllers|go away/), []);
});

test('mounted certificates: every spec with a TLS listener is told a renewed certificate needs a restart, and how', () => {
  const [tls] = matching(warningsOf(text('seed-003-dedicated.yaml')), /keystore/);
  assert.match(tls!, /listener tls: brokers read the keystore of Secret data-on-eks-tls at start only/);
  assert.match(tls!, /kafkaplane restart --kubernetes/);
  assert.deepEqual(matching(warningsOf(text('seed-002-combined.yaml')), /keystore/), []);
});

test('the topics Job only adds: removed topics, users and ACLs are named with --previous; a changed password never re-runs the Job', () => {
  const before = text('topics-users.yaml');
  const general = warningsOf(before);
  assert.equal(matching(general, /the topics Job only adds: a KafkaTopic, KafkaUser or ACL removed/).length, 1);
  assert.match(matching(general, /changed password/)[0]!, /orders-app, admin/);
  const docs = before.split(/^---$/m);
  const withoutAdmin = docs.filter((d) => !/name: admin\n/.test(d)).join('---');
  const without = warningsOf(withoutAdmin.replace(/\n\s+- resource: \{ type: topic, name: orders \}\n\s+operations: \[Read, Write, Describe\]/, ''), before);
  assert.match(matching(without, /^user admin left the spec/)[0]!, /kafka-acls --remove/);
  assert.match(matching(without, /^ACL entries left the spec/)[0]!, /1 of user orders-app/);
  assert.equal(matching(without, /a KafkaTopic, KafkaUser or ACL removed/).length, 0, 'with --previous only what was removed is named');
});

test('ConfigMaps named by content hash, one per pool: a fourth broker makes a new broker ConfigMap and leaves the controllers untouched', () => {
  const spec = example('seed-003-dedicated.yaml');
  const objects = (s: typeof spec) => renderKubernetes(renderInput(s)).objects;
  const configMaps = (list: KubeObject[]) => list.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['kafkaplane.io/pool']).map((o) => o.metadata.name);
  const mounted = (list: KubeObject[], pool: string) =>
    // biome-ignore lint/suspicious/noExplicitAny: a StatefulSet as data
    ((list.find((o) => o.kind === 'StatefulSet' && o.metadata.name === `data-on-eks-${pool}`)!.spec as any).template.spec.volumes as any[]).find((v) => v.name === 'config').configMap.name;
  const a = objects(spec);
  assert.deepEqual(configMaps(a), [mounted(a, 'broker'), mounted(a, 'controller')]);
  assert.match(mounted(a, 'broker'), /^data-on-eks-config-broker-[0-9a-f]{10}$/);
  const changed = parseSpec(text('seed-003-dedicated.yaml').replace(/replicas: 3\n(\s+)storage:\n(\s+)size: 1000Gi/, 'replicas: 4\n$1storage:\n$2size: 1000Gi'));
  const b = objects(changed);
  assert.notEqual(mounted(b, 'broker'), mounted(a, 'broker'), 'a new name for new content: pods not yet rolled keep the old one');
  assert.equal(mounted(b, 'controller'), mounted(a, 'controller'), 'the controllers are not rolled');
  // biome-ignore lint/suspicious/noExplicitAny: a StatefulSet as data
  const strategy = (list: KubeObject[]) => list.filter((o) => o.kind === 'StatefulSet').map((o) => (o.spec as any).updateStrategy.type);
  assert.deepEqual(strategy(b), ['OnDelete', 'OnDelete']);
});

test('kafkaplane render --previous: the warnings on stderr and in -o json; a previous spec without the cluster is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-limits-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const before = join(dir, 'before.yaml');
  const after = join(dir, 'after.yaml');
  writeFileSync(before, text('seed-002-combined.yaml'));
  writeFileSync(after, text('seed-002-combined.yaml').replace(/size: \d+Gi/, 'size: 500Gi'));
  const json = await runCli(['render', '-f', after, '--previous', before, '-d', join(dir, 'out'), '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout).warnings as string[]).filter((w) => /volumeClaimTemplates/.test(w)).length, 1);
  assert.match(json.stderr, /warning: pool dual: storage size/);
  const other = join(dir, 'other.yaml');
  writeFileSync(other, text('seed-002-combined.yaml').replace('name: kafka\n', 'name: other\n'));
  const refused = await runCli(['render', '-f', after, '--previous', other]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /has no KafkaCluster named "kafka"/);
});
