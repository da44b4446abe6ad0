/**
 * The entrypoint's quorum guards (issue 13: blocker 1, major 5), run for real under BusyBox sh with only BusyBox
 * applets on PATH, as test/render/entrypoint.test.ts does. Kafka's tools are stand-ins that answer as the running
 * quorum would (kafka-features.sh describe, kafka-cluster.sh list-endpoints, kafka-metadata-quorum.sh describe
 * --replication); the real tools against real pods are test/integration/node/quorum.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { DATA_DIR } from '../../src/model/placement-kubernetes.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import { renderInput } from '../helpers/render.ts';
import { clusterYaml } from '../helpers/spec.ts';

const BUSYBOX = execFileSync('sh', ['-c', 'command -v busybox || echo missing'], { encoding: 'utf8' }).trim();
const APPLETS = ['sh', 'sed', 'grep', 'sort', 'tr', 'cp', 'mv', 'rm', 'mkdir', 'cat', 'env', 'printf', 'echo', 'dirname', 'date', 'tail', 'sleep'];

const ids = {
  KAFKAPLANE_CLUSTER_ID: 'jAPM9iapWGNHRuO2edFKTw',
  KAFKAPLANE_DIRECTORY_ID_0: 'AAAAAAAAAAAAAAAAAAAAAg',
  KAFKAPLANE_DIRECTORY_ID_1: 'AAAAAAAAAAAAAAAAAAAAAw',
  KAFKAPLANE_DIRECTORY_ID_2: 'AAAAAAAAAAAAAAAAAAAABA',
};

/**
 * A sandbox for node 1 of a 3-node dual-role cluster rendered with `spec`. The quorum the stand-in tools describe is
 * set per run: QUORUM=down (no controller answers), KRAFT_LEVEL, REGISTERED (node ids that registered as
 * controllers), NO_LIST_ENDPOINTS=1 (Kafka 3.9's kafka-cluster.sh), FETCHED (voters with a log end offset >= 0).
 */
function sandbox(spec: string) {
  assert.notEqual(BUSYBOX, 'missing', 'busybox is missing: apt-get install -y busybox (npm test installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-entrypoint-quorum-'));
  const bin = join(dir, 'busybox-bin');
  mkdirSync(bin);
  for (const applet of APPLETS) symlinkSync(BUSYBOX, join(bin, applet));
  const config = join(dir, 'config');
  mkdirSync(config);
  const configMap = renderKubernetes(renderInput(parseSpec(clusterYaml(spec, 'kafka')))).objects.find((o) => o.kind === 'ConfigMap')!;
  for (const [file, content] of Object.entries(configMap.data as Record<string, string>)) writeFileSync(join(config, file), content.replaceAll(DATA_DIR, join(dir, 'data')));
  const kafkaBin = join(dir, 'kafka-bin');
  const seen = join(dir, 'seen');
  mkdirSync(kafkaBin);
  mkdirSync(seen);
  const tool = (name: string, body: string) => {
    writeFileSync(join(kafkaBin, name), `#!/bin/sh\nprintf '%s ' "$@" >> ${seen}/tools\necho >> ${seen}/tools\n${body}\n`);
    chmodSync(join(kafkaBin, name), 0o755);
  };
  tool(
    'kafka-storage.sh',
    `printf '%s\\n' "$@" > ${seen}/format.args\necho x >> ${seen}/format.count\nlog=$(sed -n 's/^log\\.dirs=//p' "$KAFKAPLANE_RUN_DIR/server.properties")\nmkdir -p "$log"\nprintf 'cluster.id=%s\\nnode.id=1\\n' "$3" > "$log/meta.properties"`,
  );
  tool('kafka-server-start.sh', `cp "$1" ${seen}/server.properties`);
  tool(
    'kafka-features.sh',
    `[ "$QUORUM" != down ] || { echo 'org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeFeatures' >&2; exit 1; }\nprintf 'Feature: kraft.version\\tSupportedMinVersion: 0\\tSupportedMaxVersion: 1\\tFinalizedVersionLevel: %s\\tEpoch: 9\\n' "$KRAFT_LEVEL"\nprintf 'Feature: metadata.version\\tSupportedMinVersion: 3.3-IV3\\tSupportedMaxVersion: 4.1-IV1\\tFinalizedVersionLevel: 3.9-IV0\\tEpoch: 9\\n'`,
  );
  tool(
    'kafka-cluster.sh',
    `[ -z "$NO_LIST_ENDPOINTS" ] || { printf '%s\\n' "usage: kafka-cluster [-h] {cluster-id,unregister} ..." "kafka-cluster:  error:  invalid   choice:   'list-endpoints'  (choose  from" "'cluster-id', 'unregister')" >&2; exit 1; }\n[ "$QUORUM" != down ] || { echo 'TimeoutException' >&2; exit 1; }\necho 'ID         HOST      PORT       RACK       ENDPOINT_TYPE  '\nfor id in $REGISTERED; do echo "$id          kafka-dual-$id 9090      null       controller     "; done`,
  );
  tool(
    'kafka-metadata-quorum.sh',
    `[ "$QUORUM" != down ] || exit 1\nprintf 'NodeId\\tDirectoryId\\tLogEndOffset\\tLag\\tLastFetchTimestamp\\tLastCaughtUpTimestamp\\tStatus\\n'\nfor id in 0 1 2; do offset=-1; case " $FETCHED " in *" $id "*) offset=120 ;; esac; printf '%s\\t%s\\t%s\\t0\\t-1\\t-1\\tFollower\\n' "$id" xWGl6LRNSD-4C9O0yYBN1w "$offset"; done`,
  );
  const baseEnv = (env: Record<string, string>) => ({
    PATH: bin,
    KAFKAPLANE_CONFIG_DIR: config,
    KAFKAPLANE_RUN_DIR: join(dir, 'run'),
    KAFKAPLANE_KAFKA_BIN: kafkaBin,
    KAFKAPLANE_DECISION_POLL_SECONDS: '0.1',
    HOSTNAME: 'kafka-dual-1',
    KAFKAPLANE_NODE_ID_OFFSET: '0',
    QUORUM: 'up',
    KRAFT_LEVEL: '0',
    REGISTERED: '',
    NO_LIST_ENDPOINTS: '',
    FETCHED: '',
    ...ids,
    ...env,
  });
  const logDir = join(dir, 'data', 'kafka-log-1');
  return {
    dir,
    logDir,
    runDir: join(dir, 'run'),
    run(env: Record<string, string> = {}) {
      const result = spawnSync(join(bin, 'sh'), [join(config, 'entrypoint.sh')], { env: baseEnv(env), encoding: 'utf8', timeout: 20_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    /** Starts the entrypoint and resolves once its stderr matches `waitingFor` (it then keeps running). */
    start(env: Record<string, string>, waitingFor: RegExp) {
      const child = spawn(join(bin, 'sh'), [join(config, 'entrypoint.sh')], { env: baseEnv(env) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const waiting = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${waitingFor} in 10 s; stderr: ${stderr}`)), 10_000);
        child.stderr.on('data', (d) => {
          stderr += d;
          if (waitingFor.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      return { waiting, exited, output: () => ({ stdout, stderr }), kill: () => child.kill('SIGKILL') };
    },
    seen: (file: string) => readFileSync(join(seen, file), 'utf8'),
    formatted: () => (existsSync(join(seen, 'format.count')) ? readFileSync(join(seen, 'format.count'), 'utf8').length / 2 : 0),
  };
}

/** The metadata log of a node that last ran a static quorum (kraft.version 0), as Kafka 3.9 writes it. */
function staticMetadataLog(logDir: string): void {
  mkdirSync(join(logDir, '__cluster_metadata-0'), { recursive: true });
  writeFileSync(join(logDir, 'meta.properties'), `cluster.id=${ids.KAFKAPLANE_CLUSTER_ID}\nnode.id=1\n`);
  writeFileSync(
    join(logDir, '__cluster_metadata-0', 'quorum-state'),
    '{"clusterId":"","leaderId":1,"leaderEpoch":1,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":0},{"voterId":1},{"voterId":2}],"data_version":0}',
  );
}

const DYNAMIC = 'version: 4.1.2';
const STATIC_41 = 'version: 4.1.2\nquorum: {mode: static}';

test('entrypoint: a static metadata log (kraft.version 0) refuses a dynamic configuration, names the fix, and starts once kraft.version is 1', (t) => {
  const box = sandbox(DYNAMIC);
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  staticMetadataLog(box.logDir);

  const refused = box.run();
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /node 1's metadata log .* belongs to a static quorum \(controller\.quorum\.voters, kraft\.version 0; the running quorum reports kraft\.version 0\)/);
  assert.match(refused.stderr, /set spec\.quorum\.mode: static, render and apply again/);
  assert.match(box.seen('tools'), /--bootstrap-controller kafka-dual-0\.kafka-dual\.default\.svc\.cluster\.local:9090,.* --command-config .*quorum-client\.properties describe/);

  const unreachable = box.run({ QUORUM: 'down' });
  assert.equal(unreachable.status, 1, 'when the quorum cannot be asked, the node does not start either');
  assert.match(unreachable.stderr, /the running quorum could not be asked \(.*TimeoutException/);

  // After kafka-features.sh upgrade --feature kraft.version=1 the switch is the documented second step.
  const upgraded = box.run({ KRAFT_LEVEL: '1' });
  assert.equal(upgraded.status, 0, upgraded.stderr);
  assert.match(box.seen('server.properties'), /^controller\.quorum\.bootstrap\.servers=/m);
});

test('entrypoint: the same static metadata log starts with a static configuration, without asking the quorum', (t) => {
  const box = sandbox(STATIC_41);
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  staticMetadataLog(box.logDir);
  const started = box.run();
  assert.equal(started.status, 0, started.stderr);
  assert.match(box.seen('server.properties'), /^controller\.quorum\.voters=0@kafka-dual-0/m);
  assert.equal(existsSync(join(box.dir, 'seen', 'tools')), true);
  assert.doesNotMatch(box.seen('tools'), /kafka-features|list-endpoints/, 'only kafka-server-start.sh ran');
});

test('entrypoint: a dynamic controller with an empty disk that the quorum knows waits for join-quorum, then joins with a new directory id', async (t) => {
  const box = sandbox(DYNAMIC);
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const run = box.start({ REGISTERED: '0 1 2' }, /Kafka is not started; waiting for .*join-quorum/);
  t.after(() => run.kill());
  await run.waiting;
  assert.match(run.output().stderr, /controller 1 has an empty log dir .* but the running quorum already knows it: it lost its disk/);
  assert.equal(box.formatted(), 0, 'not formatted with its old directory id');
  writeFileSync(join(box.runDir, 'join-quorum'), '1\n');
  assert.equal(await run.exited, 0, run.output().stderr);
  assert.deepEqual(box.seen('format.args').trimEnd().split('\n').slice(-1), ['--no-initial-controllers']);
  assert.match(run.output().stdout, /to join the existing quorum/);
});

test('entrypoint: a controller the quorum does not know (a new cluster, a late pod) is formatted as the initial voter it was rendered as', (t) => {
  const box = sandbox(DYNAMIC);
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const late = box.run({ REGISTERED: '0 2' });
  assert.equal(late.status, 0, late.stderr);
  assert.match(late.stdout, /controller 1 is not known to the running quorum \(it never ran\)/);
  assert.ok(box.seen('format.args').includes('--initial-controllers'));
  assert.doesNotMatch(late.stderr, /WARNING/);
});

test('entrypoint: no quorum answers (a new cluster starting): formatted as an initial voter, with the warning', (t) => {
  const box = sandbox(DYNAMIC);
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const fresh = box.run({ QUORUM: 'down' });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.match(fresh.stderr, /WARNING: formatting controller 1 as a member of the initial quorum/);
});

test('entrypoint: a static controller with an empty disk that the leader has seen fetch (Kafka 3.9: no list-endpoints) waits for reformat-voter', async (t) => {
  const box = sandbox('version: 3.9.2');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const never = box.run({ NO_LIST_ENDPOINTS: '1', FETCHED: '0 2' });
  assert.equal(never.status, 0, never.stderr);
  rmSync(box.logDir, { recursive: true });

  const run = box.start({ NO_LIST_ENDPOINTS: '1', FETCHED: '0 1 2' }, /Kafka is not started; waiting for .*reformat-voter/);
  t.after(() => run.kill());
  await run.waiting;
  assert.match(run.output().stderr, /A static quorum cannot take a new voter in its place/);
  writeFileSync(join(box.runDir, 'join-quorum'), '1\n');
  assert.equal(await run.exited, 1);
  assert.match(run.output().stderr, /not a controller of a dynamic quorum/);
  rmSync(join(box.runDir, 'join-quorum'));
  writeFileSync(join(box.runDir, 'reformat-voter'), '1\n');
  const accepted = box.run({ NO_LIST_ENDPOINTS: '1', FETCHED: '0 1 2' });
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.equal(box.formatted(), 2);
  assert.equal(existsSync(join(box.runDir, 'reformat-voter')), false, 'done once');
});

test('entrypoint: reformat-voter is refused on a dynamic quorum (join-quorum replaces a voter there)', (t) => {
  const box = sandbox(DYNAMIC);
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  mkdirSync(box.runDir, { recursive: true });
  writeFileSync(join(box.runDir, 'reformat-voter'), '1\n');
  const refused = box.run({ REGISTERED: '0 1 2' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /reformat-voter: node 1 is a controller of a dynamic quorum/);
  assert.equal(box.formatted(), 0);
});
