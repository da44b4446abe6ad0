import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { REPO } from '../helpers/spec.ts';

const cli = (...args: string[]) => runCli(args);

const examplePath = (name: string) => new URL(`examples/${name}`, REPO).pathname;

test('render prints multi-document YAML by default, and a v1 List with -o json', async () => {
  const yaml = await cli('render', '-f', examplePath('seed-002-combined.yaml'));
  assert.equal(yaml.code, 0, yaml.stderr);
  const kinds = parseAllDocuments(yaml.stdout).map((d) => (d.toJS() as { kind: string }).kind);
  assert.deepEqual(kinds, ['ServiceAccount', 'Secret', 'ConfigMap', 'Service', 'Service', 'StatefulSet', 'PodDisruptionBudget', 'NetworkPolicy', 'Job']);
  const json = await cli('-o', 'json', 'render', '-f', examplePath('seed-002-combined.yaml'));
  assert.equal(json.code, 0, json.stderr);
  const list = JSON.parse(json.stdout);
  assert.equal(list.kind, 'List');
  assert.deepEqual(
    list.items.map((o: { kind: string }) => o.kind),
    kinds,
  );
  const compose = await cli('-o', 'json', 'render', '-f', examplePath('seed-002-combined.yaml'), '--format', 'compose');
  assert.deepEqual(Object.keys(JSON.parse(compose.stdout).services), ['dual-0', 'dual-1', 'dual-2', 'topics']);
  const namespaced = await cli('render', '-f', examplePath('seed-002-combined.yaml'), '-n', 'streaming');
  assert.match(namespaced.stdout, /kafka-dual-0\.kafka-dual\.streaming\.svc\.cluster\.local:9092/);
});

test('render --format kustomize needs --out-dir and writes base/ and overlays/', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-render-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const refused = await cli('render', '-f', examplePath('seed-003-dedicated.yaml'), '--format', 'kustomize');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--format kustomize writes a directory tree/);
  const written = await cli('-o', 'json', 'render', '-f', examplePath('seed-003-dedicated.yaml'), '--format', 'kustomize', '-d', dir);
  assert.equal(written.code, 0, written.stderr);
  const summary = JSON.parse(written.stdout);
  assert.ok(summary.files.includes('base/kustomization.yaml') && summary.files.includes('overlays/prod/kustomization.yaml'));
  for (const file of summary.files) assert.ok(existsSync(join(dir, file)), file);
  assert.deepEqual(readdirSync(join(dir, 'overlays')).sort(), ['dev', 'prod']);
});

test('a spec that cannot be rendered: exit 2, every problem with its spec path, and no file written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-render-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'bad.yaml');
  writeFileSync(
    spec,
    [
      'apiVersion: kafkaplane.io/v1alpha1',
      'kind: KafkaCluster',
      'metadata: {name: bad}',
      'spec:',
      '  listeners:',
      '    - {name: plain, port: 9092}',
      '    - {name: ext, port: 9094, type: nodeport}',
      '    - {name: lb, port: 9095, type: loadbalancer}',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'out');
  const result = await cli('render', '-f', spec, '--format', 'kustomize', '-d', out);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /cannot be rendered as Kubernetes manifests \(2 problems\)/);
  assert.match(result.stderr, /spec\.listeners\[1\]\.configuration: nodeport listener "ext" needs a node port for brokers 0, 1, 2/);
  assert.match(result.stderr, /spec\.listeners\[2\]\.configuration\.advertisedHostTemplate: loadbalancer listener "lb"/);
  assert.match(result.stderr, /nothing was written/);
  assert.equal(existsSync(out), false, 'no partial output');
  const json = await cli('-o', 'json', 'render', '-f', spec);
  assert.equal(JSON.parse(json.stdout).error.code, 'CANNOT_RENDER');
  assert.equal(readFileSync(spec, 'utf8').includes('ext'), true);
});

test('render -d: a second render removes the files of the first that it no longer produces, and only those', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-render-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'cluster.yaml');
  const original = readFileSync(examplePath('seed-002-combined.yaml'), 'utf8');
  writeFileSync(spec, original);
  const out = join(dir, 'out');
  const first = await cli('-o', 'json', 'render', '-f', spec, '--format', 'kustomize', '-d', out);
  assert.equal(first.code, 0, first.stderr);
  const firstFiles: string[] = JSON.parse(first.stdout).files;
  const oldJob = firstFiles.find((f) => /^base\/job-kafka-topics-[0-9a-f]{8}\.yaml$/.test(f))!;
  assert.ok(oldJob, firstFiles.join(', '));
  assert.ok(existsSync(join(out, '.kafkaplane-render')), 'the manifest of what render wrote');
  // Files render did not write stay, whatever their name.
  writeFileSync(join(out, 'base', 'job-mine.yaml'), 'kind: Job\n');
  writeFileSync(join(out, 'README.md'), 'notes\n');

  // A changed topic is a new Job (its name carries a hash): the old Job file must go.
  writeFileSync(spec, original.replace('  partitions: 3\n  replicas: 3', '  partitions: 6\n  replicas: 3'));
  const second = await cli('-o', 'json', 'render', '-f', spec, '--format', 'kustomize', '-d', out);
  assert.equal(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout);
  const newJob = summary.files.find((f: string) => f.startsWith('base/job-'))!;
  assert.notEqual(newJob, oldJob);
  assert.deepEqual(summary.removed, [oldJob]);
  assert.equal(existsSync(join(out, oldJob)), false);
  assert.ok(existsSync(join(out, newJob)));
  assert.ok(existsSync(join(out, 'base', 'job-mine.yaml')) && existsSync(join(out, 'README.md')), 'never deletes what render did not write');
  assert.doesNotMatch(readFileSync(join(out, 'base', 'kustomization.yaml'), 'utf8'), new RegExp(oldJob.replace('base/', '')));

  // Another format into the same directory: the kustomize tree goes, except a file someone edited since.
  writeFileSync(join(out, 'base', 'service-kafka-bootstrap.yaml'), 'edited by hand\n');
  const yaml = await cli('render', '-f', spec, '-d', out);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(yaml.stdout, /removed \d+ files of the previous render/);
  assert.match(yaml.stderr, /warning: left .*service-kafka-bootstrap\.yaml: a previous render wrote it, this one does not, but it was changed since/);
  assert.ok(existsSync(join(out, 'kafka.yaml')));
  assert.equal(existsSync(join(out, 'overlays')), false, 'emptied directories go too');
  assert.deepEqual(readdirSync(join(out, 'base')).sort(), ['job-mine.yaml', 'service-kafka-bootstrap.yaml']);
  const manifest = JSON.parse(readFileSync(join(out, '.kafkaplane-render'), 'utf8'));
  assert.deepEqual(
    manifest.files.map((f: { path: string }) => f.path),
    ['kafka.yaml'],
  );

  // A manifest that points outside the directory is never followed.
  const outside = join(dir, 'precious.txt');
  writeFileSync(outside, 'keep');
  const keep = createHash('sha256').update('keep').digest('hex');
  writeFileSync(
    join(out, '.kafkaplane-render'),
    JSON.stringify({
      kind: 'KafkaplaneRender',
      format: 'yaml',
      cluster: 'kafka',
      files: [
        { path: '../precious.txt', sha256: keep },
        { path: outside, sha256: keep },
      ],
    }),
  );
  assert.equal((await cli('render', '-f', spec, '-d', out)).code, 0);
  assert.equal(readFileSync(outside, 'utf8'), 'keep');
});
