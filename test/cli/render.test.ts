import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/output.ts';
import { REPO } from '../helpers/spec.ts';

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: Io = { stdout, stderr, quiet: false, format: 'text' };
  const code = await main(['node', 'kafkaplane', ...args], io);
  return { code, stdout: out, stderr: err };
}

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
  assert.deepEqual(list.items.map((o: { kind: string }) => o.kind), kinds);
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
