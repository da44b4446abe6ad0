// The CLI itself killed (SIGKILL: no handler runs, nothing is cleaned up) in the middle of `up` and of `down`, on a
// real local cluster: the next command recovers, no JVM is orphaned, and no data is lost.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnCli } from '../../helpers/cli.ts';
import { nodeJvms, TEST_PORTS, testClusterSpec } from '../../helpers/local-cluster.ts';

const stateDir = await mkdtemp(join(tmpdir(), 'kafkaplane-killed-'));
const specFile = join(stateDir, '..', `${stateDir.split('/').at(-1)}.yaml`);
const where = ['--state-dir', stateDir];

after(async () => {
  await spawnCli(['down', '--purge', ...where], { timeoutMs: 120_000 });
  for (const pid of nodeJvms(stateDir)) process.kill(pid, 'SIGKILL');
  await rm(stateDir, { recursive: true, force: true });
  await rm(specFile, { force: true });
});

/** Runs the CLI and SIGKILLs it once its progress output matches `when` (plus `delayMs`). */
async function killedDuring(args: string[], when: RegExp, delayMs: number): Promise<{ killed: boolean; stderr: string }> {
  let killed = false;
  const run = await spawnCli(args, {
    timeoutMs: 240_000,
    onStderr: (text, child) => {
      if (!killed && when.test(text)) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    },
  });
  return { killed: killed && run.signal === 'SIGKILL', stderr: run.stderr };
}

test('up killed with SIGKILL while its nodes start, then down killed mid-way: the next commands recover, no JVM is orphaned, no record is lost', async () => {
  await writeFile(specFile, testClusterSpec('killed', '', { 'min.insync.replicas': 2 }));
  const up = ['up', '-f', specFile, ...where, '--port-base', String(TEST_PORTS.cliKilled), '--heap', '384m'];

  // 1. up killed while the JVMs start: they are detached and keep running; the next up adopts them and finishes.
  const first = await killedDuring(up, /starting nodes 0, 1, 2/, 1_000);
  assert.ok(first.killed, `up was killed mid-start:\n${first.stderr}`);
  const second = await spawnCli(up, { timeoutMs: 240_000 });
  assert.equal(second.code, 0, `the next up recovers:\n${second.stderr}`);
  assert.equal(nodeJvms(stateDir).length, 3, 'exactly one JVM per node: none started twice');

  // Records that must survive everything below.
  const created = await spawnCli(['topics', 'create', 'kept', '--partitions', '3', '--replication-factor', '3', ...where]);
  assert.equal(created.code, 0, created.stderr);
  const verified = await spawnCli(['perf', 'verify', ...where, '--topic', 'kept', '--records', '500', '--rate', '500', '-q', '-o', 'json'], { timeoutMs: 120_000 });
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal((JSON.parse(verified.stdout) as { acked: number }).acked, 500);

  // 2. down killed after it began stopping nodes: some JVMs stopped, some not, the pid files half cleaned.
  const stopping = await killedDuring(['down', ...where], /stopping node/, 300);
  assert.ok(stopping.killed, `down was killed mid-way:\n${stopping.stderr}`);
  const again = await spawnCli(['down', ...where], { timeoutMs: 120_000 });
  assert.equal(again.code, 0, `the next down finishes the job:\n${again.stderr}`);
  assert.deepEqual(nodeJvms(stateDir), [], 'no JVM outlives down');

  // 3. Nothing was lost: the cluster comes back with the records.
  const back = await spawnCli(up, { timeoutMs: 240_000 });
  assert.equal(back.code, 0, back.stderr);
  const read = await spawnCli(['consume', '-t', 'kept', ...where, '-e', '-q'], { timeoutMs: 120_000 });
  assert.equal(read.code, 0, read.stderr);
  assert.equal(read.stdout.trim().split('\n').length, 500, 'every acknowledged record is still there');
});
