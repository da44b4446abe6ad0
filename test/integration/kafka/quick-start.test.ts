// The README's quick start, as a user runs it: the `kafkaplane` binary as a child process on the example spec
// (`npm start` is `kafkaplane up -f examples/seed-002-combined.yaml`), then kcat, status, logs, down, up, down --purge.
// Only --state-dir and --port-base are added, so the test never touches a user's cluster or port 9092. Ctrl-C
// during `up` stops what it started.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnCli } from '../../helpers/cli.ts';
import { runKcat } from '../../helpers/kafka-tools.ts';
import { nodeJvms, TEST_PORTS } from '../../helpers/local-cluster.ts';
import type { SpawnOptions } from '../../helpers/spawn.ts';

const PORT_BASE = TEST_PORTS.quickStart;
const EXAMPLE = new URL('../../../examples/seed-002-combined.yaml', import.meta.url).pathname;
const stateDirs: string[] = [];

/** Runs the kafkaplane binary; `onStderr` sees progress lines as they come (to interrupt at the right moment). */
const kafkaplane = (args: string[], options: SpawnOptions = {}) => spawnCli(args, { timeoutMs: 240_000, ...options });

async function newStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-quickstart-'));
  stateDirs.push(dir);
  return dir;
}

after(async () => {
  for (const dir of stateDirs) {
    for (const pid of nodeJvms(dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('the quick start: up on the example, kcat -L sees 3 brokers, status/logs/down/up/down --purge', async () => {
  const stateDir = await newStateDir();
  const where = ['--state-dir', stateDir];
  const started = await kafkaplane(['up', '-f', EXAMPLE, ...where, '--port-base', String(PORT_BASE)]);
  assert.equal(started.code, 0, started.stderr);
  const bootstrap = `127.0.0.1:${PORT_BASE},127.0.0.1:${PORT_BASE + 1},127.0.0.1:${PORT_BASE + 2}`;
  assert.match(started.stdout, /Kafka 4\.1\.\d+ cluster "kafka" created and started in [\d.]+ s/);
  assert.ok(started.stdout.includes(`bootstrap (client, PLAINTEXT): ${bootstrap}`), started.stdout);
  assert.match(started.stdout, /topic test-topic: created/);
  // The printed hints work as printed: they carry the --state-dir this cluster lives in.
  assert.ok(started.stdout.includes(`kafkaplane status --state-dir ${stateDir}`), started.stdout);

  const kcat = await runKcat(['-b', bootstrap, '-L']);
  assert.equal(kcat.code, 0, kcat.stderr);
  assert.match(kcat.stdout, / 3 brokers:/);
  assert.match(kcat.stdout, /topic "test-topic" with 3 partitions:/);

  const status = await kafkaplane(['status', ...where, '-o', 'json']);
  assert.equal(status.code, 0, status.stderr);
  const json = JSON.parse(status.stdout) as { healthy: boolean; bootstrap: string; nodes: { running: boolean }[] };
  assert.equal(json.healthy, true);
  assert.equal(json.bootstrap, bootstrap);
  assert.equal(json.nodes.length, 3);

  const logs = await kafkaplane(['logs', '0', ...where, '--tail', '2000']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /Kafka Server started/);

  const produced = await runKcat(['-b', bootstrap, '-P', '-t', 'test-topic', '-X', 'acks=all'], { input: 'one\ntwo\nthree\n' });
  assert.equal(produced.code, 0, produced.stderr);

  const down = await kafkaplane(['down', ...where]);
  assert.equal(down.code, 0, down.stderr);
  assert.deepEqual(nodeJvms(stateDir), [], 'down stops every JVM');
  const stopped = await kafkaplane(['status', ...where, '-o', 'json']);
  assert.equal(stopped.code, 1, 'status exits 1 when the cluster is not healthy');
  assert.equal((JSON.parse(stopped.stdout) as { running: boolean }).running, false);

  const again = await kafkaplane(['up', '-f', EXAMPLE, ...where]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /started nodes 0, 1, 2 of/);
  const read = await runKcat(['-b', bootstrap, '-C', '-t', 'test-topic', '-o', 'beginning', '-c', '3', '-u', '-q'], { timeoutMs: 60_000 });
  assert.equal(read.code, 0, read.stderr);
  assert.deepEqual(read.stdout.trim().split('\n').sort(), ['one', 'three', 'two']);

  const purge = await kafkaplane(['down', '--purge', ...where]);
  assert.equal(purge.code, 0, purge.stderr);
  assert.equal(existsSync(stateDir), false, 'down --purge deletes the state directory');
});

test('Ctrl-C during up stops the nodes it started: no JVM is left behind', async () => {
  const stateDir = await newStateDir();
  let runningAtInterrupt: number[] = [];
  const run = await kafkaplane(['up', '-f', EXAMPLE, '--state-dir', stateDir, '--port-base', String(TEST_PORTS.quickStartInterrupt)], {
    onStderr: (text, child) => {
      // Once the JVMs are starting, interrupt as a user pressing Ctrl-C would.
      if (runningAtInterrupt.length === 0 && /starting nodes 0, 1, 2/.test(text)) {
        runningAtInterrupt = [-1];
        setTimeout(() => {
          runningAtInterrupt = nodeJvms(stateDir);
          child.kill('SIGINT');
        }, 1_500);
      }
    },
  });
  assert.equal(runningAtInterrupt.length, 3, `three JVMs were running when Ctrl-C came (${runningAtInterrupt.join(', ')}):\n${run.stderr}`);
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /SIGINT: stopping what this `up` started/);
  assert.match(run.stderr, /interrupted/);
  assert.deepEqual(nodeJvms(stateDir), [], 'no JVM outlives an interrupted up');
});
