// Failures of `kafkaplane up` are explained and clean: a busy port names the port and its holder; a node that dies
// during start is reported with its log, and no JVM is left behind; a node stranded without a quorum on down is
// killed at once instead of after the grace period.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KafkaplaneError } from '../../../src/errors.ts';
import { down } from '../../../src/local/down.ts';
import { status } from '../../../src/local/status.ts';
import { up } from '../../../src/local/up.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { clusterSpec, nodeJvms, TEST_PORTS } from '../../helpers/local-cluster.ts';
import { cliHint } from '../../../src/cli/hints.ts';

const PORT_BASE = TEST_PORTS.localFailures;

test('a port in use: which port, which listener, which pid; nothing is started', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'kafkaplane-fail-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(PORT_BASE + 101, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  await assert.rejects(up({ spec: parseSpec(clusterSpec('busy', '{}')), stateDir, portBase: PORT_BASE }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError, String(error));
    assert.equal(error.code, 'PORT_IN_USE');
    assert.match(error.message, new RegExp(`port ${PORT_BASE + 101} \\(node 1, listener REPLICATION\\) is in use by pid ${process.pid}`));
    assert.match(cliHint(error.hint) ?? '', /--port-base/);
    return true;
  });
  assert.deepEqual(nodeJvms(stateDir), []);
});

test('a node that dies during start: its log in the error, and no orphan JVM', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'kafkaplane-fail-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  // Storage formats fine (the tool runs with kafkaplane's own JVM flags) but the brokers' JVM refuses this option.
  const spec = clusterSpec('dies', 'nodePools:\n  - name: dual\n    roles: [broker, controller]\n    replicas: 3\n    jvm:\n      options: ["-XX:+KafkaplaneNoSuchOption"]');
  await assert.rejects(up({ spec: parseSpec(spec), stateDir, portBase: PORT_BASE, readyTimeoutMs: 60_000 }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError, String(error));
    assert.equal(error.code, 'NODE_DIED');
    assert.match(error.message, /node \d of cluster "dies" exited during start/);
    assert.match(error.message, /Unrecognized VM option 'KafkaplaneNoSuchOption'/);
    assert.match(error.message, new RegExp(`${stateDir}/nodes/\\d/logs/server\\.log`));
    return true;
  });
  assert.deepEqual(nodeJvms(stateDir), [], 'every JVM this attempt started is gone');
  const s = await status({ stateDir });
  assert.equal(s.running, false);
});

test('down: a node stuck while the other two are gone waits for a quorum that cannot come back, and is killed in seconds, not minutes', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'kafkaplane-fail-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const started = await up({ spec: parseSpec(clusterSpec('stuck', '{}')), stateDir, portBase: PORT_BASE, heap: '320m', readyTimeoutMs: 180_000 });
  const stuck = started.nodes.find((n) => n.id === 2)!.pid!;
  // Frozen, node 2 cannot ask for its controlled shutdown while nodes 0 and 1 (a controller majority) still run.
  process.kill(stuck, 'SIGSTOP');
  const t0 = Date.now();
  const result = await down({ stateDir, graceMs: 120_000 });
  const elapsed = Date.now() - t0;
  const outcomes = result.nodes.map((n) => `${n.id}:${n.result}${n.reason ? `:${n.reason}` : ''}`);
  assert.equal(outcomes[2], '2:killed:no-quorum', outcomes.join(' '));
  // Nodes 0 and 1 stop cleanly when both brokers get their controlled shutdown before either controller leaves. When
  // one leaves first, the other waits for a quorum of itself and the frozen node 2 — which votes for nobody, so it is
  // killed the same way. Never after the grace period.
  assert.ok(outcomes.slice(0, 2).every((o) => /^\d:(stopped|killed:no-quorum)$/.test(o)) && outcomes.slice(0, 2).some((o) => o.endsWith(':stopped')), outcomes.join(' '));
  assert.ok(elapsed < 60_000, `down took ${elapsed} ms; a node without a quorum must not wait out the 120 s grace period`);
  assert.deepEqual(nodeJvms(stateDir), []);
  // Nothing was lost by it: the cluster comes back.
  const again = await up({ spec: parseSpec(clusterSpec('stuck', '{}')), stateDir, heap: '320m', readyTimeoutMs: 180_000 });
  assert.deepEqual(again.started, [0, 1, 2]);
  assert.equal((await status({ stateDir })).healthy, true);
  await down({ stateDir, purge: true });
});
