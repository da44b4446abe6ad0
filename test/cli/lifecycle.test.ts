import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

test('an invalid spec: every problem with its path, exit code 2, nothing started', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-cli-'));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaCluster\nmetadata: {name: demo}\nspec:\n  nodePools:\n    - {name: a, roles: [borker], replicas: 3}\n');
  for (const command of ['validate', 'up']) {
    const r = await run([command, '-f', file, ...(command === 'up' ? ['--state-dir', join(dir, 'state')] : [])]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad\.yaml is not a valid kafkaplane spec/);
    assert.match(r.stderr, /spec\.nodePools\[0\]\.roles\[0\] \(line 6\): expected "broker" or "controller", got "borker"/);
  }
  const json = await run(['validate', '-f', file, '-o', 'json']);
  assert.equal(json.code, 2);
  const parsed = JSON.parse(json.stdout) as { error: { code: string; problems: { path: string }[] } };
  assert.equal(parsed.error.code, 'INVALID_SPEC');
  assert.equal(parsed.error.problems[0]!.path, 'spec.nodePools[0].roles[0]');
});

test('a missing spec file and unknown flags are usage errors (exit 2)', async () => {
  const missing = await run(['up', '-f', '/nonexistent/cluster.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read \/nonexistent\/cluster\.yaml: no such file/);
  assert.equal((await run(['up', '-f', 'x.yaml', '--port-base', 'abc'])).code, 2);
  assert.equal((await run(['status', '--bogus'])).code, 2);
  assert.equal((await run(['--help'])).code, 0);
});

test('status/down/logs without a cluster say how to start one', async () => {
  const state = await mkdtemp(join(tmpdir(), 'kafkaplane-empty-state-'));
  for (const command of ['status', 'down', 'logs']) {
    const r = await run([command], { KAFKAPLANE_STATE: state });
    assert.equal(r.code, 1, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /there is no local cluster/);
    assert.match(r.stderr, /kafkaplane up -f cluster\.yaml/);
  }
});

test('validate prints what the file defines', async () => {
  const r = await run(['validate', '-f', new URL('../../examples/seed-003-dedicated.yaml', import.meta.url).pathname]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /KafkaCluster data-on-eks: Kafka 4\.1\.2, 3 brokers, 3 controllers, listeners plain:9092 tls:9093/);
});
