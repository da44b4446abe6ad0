/**
 * Runs the rendered entrypoint.sh for real, under BusyBox sh with only BusyBox applets on PATH — the tools the
 * official apache/kafka image (Alpine) has — with stand-ins for kafka-storage.sh and kafka-server-start.sh that
 * record what they were given. Only log.dirs is moved into a temporary directory.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProperties } from '../../src/model/properties-format.ts';
import { DATA_DIR } from '../../src/model/placement-kubernetes.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import { renderInput } from '../helpers/render.ts';
import { example } from '../helpers/spec.ts';

const BUSYBOX = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('busybox is missing: apt-get install -y busybox (npm test installs it)');
  }
})();

interface Sandbox {
  dir: string;
  run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  seen(file: string): string;
}

function sandbox(exampleName: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-entrypoint-'));
  const bin = join(dir, 'busybox-bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'sed', 'grep', 'sort', 'tr', 'cp', 'mv', 'mkdir', 'cat', 'env', 'printf', 'echo', 'dirname', 'wc']) symlinkSync(BUSYBOX, join(bin, applet));
  const config = join(dir, 'config');
  mkdirSync(config);
  const configMap = renderKubernetes(renderInput(example(exampleName))).objects.find((o) => o.kind === 'ConfigMap')!;
  for (const [file, content] of Object.entries(configMap.data as Record<string, string>)) {
    writeFileSync(join(config, file), content.replaceAll(DATA_DIR, join(dir, 'data')));
  }
  const kafkaBin = join(dir, 'kafka-bin');
  const seen = join(dir, 'seen');
  mkdirSync(kafkaBin);
  mkdirSync(seen);
  // Stand-ins: record the arguments; "format" writes meta.properties like StorageTool does (into the log dir of the
  // filled-in properties: the --config path in the arguments is the container's /run/kafkaplane).
  writeFileSync(
    join(kafkaBin, 'kafka-storage.sh'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > ${seen}/format.args\necho x >> ${seen}/format.count\nconfig=$(sed -n 's/^log\\.dirs=//p' "$KAFKAPLANE_RUN_DIR/server.properties")\nmkdir -p "$config"\nprintf 'cluster.id=%s\\nnode.id=1\\n' "$3" > "$config/meta.properties"\n`,
  );
  writeFileSync(join(kafkaBin, 'kafka-server-start.sh'), `#!/bin/sh\ncp "$1" ${seen}/server.properties\n`);
  chmodSync(join(kafkaBin, 'kafka-storage.sh'), 0o755);
  chmodSync(join(kafkaBin, 'kafka-server-start.sh'), 0o755);
  return {
    dir,
    run(env) {
      const result = spawnSync(join(bin, 'sh'), [join(config, 'entrypoint.sh')], {
        env: { PATH: bin, KAFKAPLANE_CONFIG_DIR: config, KAFKAPLANE_RUN_DIR: join(dir, 'run'), KAFKAPLANE_KAFKA_BIN: kafkaBin, ...env },
        encoding: 'utf8',
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    seen: (file) => readFileSync(join(seen, file), 'utf8'),
  };
}

const ids = { KAFKAPLANE_CLUSTER_ID: 'jAPM9iapWGNHRuO2edFKTw', KAFKAPLANE_DIRECTORY_ID_0: 'AAAAAAAAAAAAAAAAAAAAAg', KAFKAPLANE_DIRECTORY_ID_1: 'AAAAAAAAAAAAAAAAAAAAAw', KAFKAPLANE_DIRECTORY_ID_2: 'AAAAAAAAAAAAAAAAAAAABA' };

test('entrypoint: node id from the ordinal, ids filled in, storage formatted once, then Kafka with the model\'s properties', (t) => {
  const box = sandbox('seed-002-combined.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const first = box.run({ HOSTNAME: 'kafka-dual-1', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /formatting .*kafka-log-1 for node 1/);
  const props = parseProperties(box.seen('server.properties'));
  const rendered = parseProperties(readFileSync(join(box.dir, 'config', 'node-1.properties'), 'utf8'));
  assert.deepEqual(props, rendered, 'no tokens in node 1\'s file: Kafka gets it unchanged');
  assert.equal(props['node.id'], '1');
  assert.deepEqual(box.seen('format.args').trimEnd().split('\n'), [
    'format',
    '--cluster-id',
    ids.KAFKAPLANE_CLUSTER_ID,
    '--config',
    join(box.dir, 'run', 'server.properties').replace(join(box.dir, 'run'), '/run/kafkaplane'),
    '--initial-controllers',
    `0@kafka-dual-0.kafka-dual.kafka.svc.cluster.local:9090:${ids.KAFKAPLANE_DIRECTORY_ID_0},1@kafka-dual-1.kafka-dual.kafka.svc.cluster.local:9090:${ids.KAFKAPLANE_DIRECTORY_ID_1},2@kafka-dual-2.kafka-dual.kafka.svc.cluster.local:9090:${ids.KAFKAPLANE_DIRECTORY_ID_2}`,
  ]);

  const again = box.run({ HOSTNAME: 'kafka-dual-1', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids });
  assert.equal(again.status, 0, again.stderr);
  assert.equal(box.seen('format.count'), 'x\n', 'meta.properties exists: no second format');

  const other = box.run({ HOSTNAME: 'kafka-dual-1', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids, KAFKAPLANE_CLUSTER_ID: 'ZZZZZZZZZZZZZZZZZZZZZw' });
  assert.equal(other.status, 1);
  assert.match(other.stderr, /was formatted for Kafka cluster id jAPM9iapWGNHRuO2edFKTw, but this cluster's id is ZZZZZZZZZZZZZZZZZZZZZw/);

  const missing = box.run({ HOSTNAME: 'kafka-dual-2', KAFKAPLANE_NODE_ID_OFFSET: '0', KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /needs @KAFKAPLANE_DIRECTORY_ID_0@ @KAFKAPLANE_DIRECTORY_ID_1@ @KAFKAPLANE_DIRECTORY_ID_2@ but those environment variables are not set/);
  const nowhere = box.run({ HOSTNAME: 'kafka-dual-7', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids });
  assert.match(nowhere.stderr, /no configuration for node 7/);
});

test('entrypoint: the node IP for nodeport listeners (IPv6 in brackets) and the zone for broker.rack', (t) => {
  const external = sandbox('external-access.yaml');
  t.after(() => rmSync(external.dir, { recursive: true, force: true }));
  const env = { HOSTNAME: 'edge-broker-2', KAFKAPLANE_NODE_ID_OFFSET: '0', KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID };
  assert.equal(external.run({ ...env, KAFKAPLANE_HOST_IP: '10.1.2.3' }).status, 0);
  assert.match(parseProperties(external.seen('server.properties'))['advertised.listeners']!, /,NODEPORT:\/\/10\.1\.2\.3:31093,PUBLIC:\/\/kafka-2\.example\.com:9095,/);
  assert.equal(external.run({ ...env, KAFKAPLANE_HOST_IP: 'fd00::7' }).status, 0);
  assert.match(parseProperties(external.seen('server.properties'))['advertised.listeners']!, /,NODEPORT:\/\/\[fd00::7\]:31093,/);
  const noIp = external.run(env);
  assert.equal(noIp.status, 1);
  assert.match(noIp.stderr, /needs @KAFKAPLANE_HOST_IP@/);

  const racked = sandbox('seed-003-dedicated.yaml');
  t.after(() => rmSync(racked.dir, { recursive: true, force: true }));
  const broker = { HOSTNAME: 'data-on-eks-broker-0', KAFKAPLANE_NODE_ID_OFFSET: '0', KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID, KAFKAPLANE_TLS_KEYSTORE_PASSWORD: 'pw' };
  const noZone = racked.run({ ...broker, KAFKAPLANE_RACK: '' });
  assert.equal(noZone.status, 1);
  assert.match(noZone.stderr, /spec\.rack is set but this pod has no zone .*KEP-4742/);
  assert.equal(racked.run({ ...broker, KAFKAPLANE_RACK: 'eu-west-1a' }).status, 0);
  assert.equal(parseProperties(racked.seen('server.properties'))['broker.rack'], 'eu-west-1a');
});

test('entrypoint: a keystore password with properties and sed metacharacters arrives intact', (t) => {
  const box = sandbox('seed-003-dedicated.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const password = String.raw`p&a|s\s=#!: w0rd$x`;
  const passwordFile = join(box.dir, 'password');
  writeFileSync(passwordFile, password);
  const result = box.run({ HOSTNAME: 'data-on-eks-broker-1', KAFKAPLANE_NODE_ID_OFFSET: '0', KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID, KAFKAPLANE_RACK: 'a', KAFKAPLANE_TLS_KEYSTORE_PASSWORD_FILE: passwordFile });
  assert.equal(result.status, 0, result.stderr);
  const props = parseProperties(box.seen('server.properties'));
  assert.equal(props['listener.name.tls.ssl.keystore.password'], password);
  assert.equal(props['listener.name.tls.ssl.keystore.location'], '/etc/kafkaplane/tls/keystore.p12');
  assert.ok(existsSync(join(box.dir, 'data', 'kafka-log-1', 'meta.properties')));
});
