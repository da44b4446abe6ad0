// The local runtime's state directory without any JVM: status only reads, and a damaged state has a way out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliHint } from '../../src/cli/hints.ts';
import { KafkaplaneError } from '../../src/errors.ts';
import { down } from '../../src/local/down.ts';
import { stateLayout, writeState } from '../../src/local/state.ts';
import { status } from '../../src/local/status.ts';
import { LOCAL_STATE_SCHEMA } from '../../src/model/local-state.ts';
import { cluster } from '../helpers/spec.ts';

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => `${join(e.parentPath, e.name)} ${statSync(join(e.parentPath, e.name)).mtimeMs}`)
    .sort();
}

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-state-'));
  const c = cluster('listeners:\n  - {name: secure, port: 9092, tls: true}');
  await writeState(stateLayout(dir), {
    schema: LOCAL_STATE_SCHEMA,
    name: c.metadata.name,
    kafkaVersion: c.spec.version,
    quorumMode: 'dynamic',
    identity: { clusterId: 'AAAAAAAAAAAAAAAAAAAAAA', directoryIds: {} },
    portBase: 19092,
    monitoring: false,
    nodes: [0, 1, 2].map((id) => ({ id, pool: 'dual', roles: ['broker', 'controller'], formatted: true, portIndex: id })),
    cluster: c,
  });
  return dir;
}

test('status never writes: a half-made TLS directory is read, not completed', async () => {
  const dir = await stateDir();
  await mkdir(join(dir, 'tls'));
  await writeFile(join(dir, 'tls', 'ca.crt'), 'not a certificate\n');
  const before = listing(dir);
  const result = await status({ stateDir: dir });
  assert.equal(result.running, false);
  assert.equal(result.healthy, false);
  assert.deepEqual(listing(dir), before, 'nothing in the state directory was created or changed');
});

test('a damaged cluster.json names a way out that works: down --purge stops what runs there and deletes it', async (t) => {
  const dir = await stateDir();
  const layout = stateLayout(dir);
  const marker = `-Dkafkaplane.node=${layout.nodeDir(0)}`;
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300_000)', '--', marker], { stdio: 'ignore', detached: true });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((resolve) => child.once('spawn', resolve));
  await mkdir(layout.nodeDir(0), { recursive: true });
  await writeFile(layout.pidFile(0), `${JSON.stringify({ pid: child.pid, marker })}\n`);
  await writeFile(layout.stateFile, '{"schema": 2, "name": "demo", "nodes": [tr');

  await assert.rejects(status({ stateDir: dir }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'STATE_UNREADABLE');
    assert.match(cliHint(error.hint) ?? '', /kafkaplane down --purge/);
    return true;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const result = await down({ stateDir: dir, purge: true, graceMs: 2_000 });
  assert.equal(result.purged, true);
  assert.deepEqual(
    result.nodes.map((n) => [n.id, n.result]),
    [[0, 'stopped']],
  );
  await exited;
  assert.equal(existsSync(dir), false);
});

test('a state of an unknown schema says which version wrote it', async () => {
  const dir = await stateDir();
  await writeFile(stateLayout(dir).stateFile, JSON.stringify({ schema: 7 }));
  await assert.rejects(status({ stateDir: dir }), /different kafkaplane version \(state schema 7\)/);
});
