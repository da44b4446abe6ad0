/**
 * Runs the rendered entrypoint.sh for real, under BusyBox sh with only BusyBox applets on PATH — the tools the
 * official apache/kafka image (Alpine) has — with stand-ins for kafka-storage.sh and kafka-server-start.sh that
 * record what they were given. Only log.dirs is moved into a temporary directory.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProperties } from '../../src/model/properties-format.ts';
import { DATA_DIR } from '../../src/model/placement-kubernetes.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { nodeFilesOf, renderInput, strimziInput } from '../helpers/render.ts';
import { example } from '../helpers/spec.ts';
import type { SpecFile } from '../../src/api/load.ts';
import { NODE_ADDRESS_FILE } from '../../src/render/node-address.ts';
import { renderFormat } from '../../src/render/index.ts';

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

function sandbox(exampleName: string | SpecFile): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-entrypoint-'));
  const bin = join(dir, 'busybox-bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'sed', 'grep', 'sort', 'tr', 'cp', 'mv', 'rm', 'mkdir', 'cat', 'env', 'printf', 'echo', 'dirname', 'wc', 'date']) symlinkSync(BUSYBOX, join(bin, applet));
  const config = join(dir, 'config');
  mkdirSync(config);
  for (const [file, content] of Object.entries(nodeFilesOf(renderKubernetes(renderInput(typeof exampleName === 'string' ? example(exampleName) : exampleName)).objects))) {
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podSpec = (sts: KubeObject) => (sts.spec as any).template.spec;
const find = (list: KubeObject[], kind: string, name: string) => list.find((o) => o.kind === kind && o.metadata.name === name)!;

/**
 * For the init containers that read the Kubernetes API (rack, node-address): BusyBox applets, a token directory, and
 * a stand-in for curl that records its arguments, prints $NODE_JSON (what the apiserver answers) and fails with
 * $CURL_FAIL.
 */
function apiSandbox(t: { after(fn: () => void): void }, prefix: string): { dir: string; bin: string; tokens: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'sed', 'grep', 'tr', 'head', 'cat', 'mv', 'printf', 'echo']) symlinkSync(BUSYBOX, join(bin, applet));
  const tokens = join(dir, 'sa');
  mkdirSync(tokens);
  writeFileSync(join(tokens, 'token'), 'the-token');
  writeFileSync(join(tokens, 'ca.crt'), 'ca');
  writeFileSync(join(bin, 'curl'), `#!${BUSYBOX} sh\nprintf '%s\\n' "$@" > ${dir}/curl.args\n[ -z "\${CURL_FAIL:-}" ] || exit 22\nprintf '%s' "$NODE_JSON"\n`);
  chmodSync(join(bin, 'curl'), 0o755);
  return { dir, bin, tokens };
}

const ids = {
  KAFKAPLANE_CLUSTER_ID: 'jAPM9iapWGNHRuO2edFKTw',
  KAFKAPLANE_DIRECTORY_ID_0: 'AAAAAAAAAAAAAAAAAAAAAg',
  KAFKAPLANE_DIRECTORY_ID_1: 'AAAAAAAAAAAAAAAAAAAAAw',
  KAFKAPLANE_DIRECTORY_ID_2: 'AAAAAAAAAAAAAAAAAAAABA',
};

test("entrypoint: node id from the ordinal, ids filled in, storage formatted once, then Kafka with the model's properties", (t) => {
  const box = sandbox('seed-002-combined.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const first = box.run({ HOSTNAME: 'kafka-dual-1', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /formatting .*kafka-log-1 for node 1/);
  const props = parseProperties(box.seen('server.properties'));
  const rendered = parseProperties(readFileSync(join(box.dir, 'config', 'node-1.properties'), 'utf8'));
  assert.deepEqual(props, rendered, "no tokens in node 1's file: Kafka gets it unchanged");
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

const INTERNAL_PASSWORD = '0123456789abcdef0123456789abcdef';

test("entrypoint: a secured cluster's internal password from the Secret (or a file) goes into the JAAS lines; a missing or unsafe one is refused", (t) => {
  const box = sandbox('topics-users.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const env = { HOSTNAME: 'secured-dual-1', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids };
  const ok = box.run({ ...env, KAFKAPLANE_INTERNAL_PASSWORD: INTERNAL_PASSWORD });
  assert.equal(ok.status, 0, ok.stderr);
  const props = parseProperties(box.seen('server.properties'));
  for (const l of ['replication', 'controller']) {
    assert.equal(
      props[`listener.name.${l}.plain.sasl.jaas.config`],
      `org.apache.kafka.common.security.plain.PlainLoginModule required username="kafkaplane" password="${INTERNAL_PASSWORD}" user_kafkaplane="${INTERNAL_PASSWORD}";`,
    );
  }
  const file = join(box.dir, 'internal.password');
  writeFileSync(file, INTERNAL_PASSWORD.toUpperCase());
  assert.equal(box.run({ ...env, KAFKAPLANE_INTERNAL_PASSWORD_FILE: file }).status, 0);
  assert.match(parseProperties(box.seen('server.properties'))['listener.name.replication.plain.sasl.jaas.config']!, new RegExp(`password="${INTERNAL_PASSWORD.toUpperCase()}"`));

  const missing = box.run(env);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /@KAFKAPLANE_INTERNAL_PASSWORD@/);
  const quote = box.run({ ...env, KAFKAPLANE_INTERNAL_PASSWORD: 'abc"def0123456789xyz' });
  assert.equal(quote.status, 1);
  assert.match(quote.stderr, /may hold only letters, digits and - _ \. ~ \+ \/ =; make one with: openssl rand -hex 24/);
  const short = box.run({ ...env, KAFKAPLANE_INTERNAL_PASSWORD: 'abc' });
  assert.equal(short.status, 1);
  assert.match(short.stderr, /shorter than 16 characters/);
});

test('entrypoint: the node IP for nodeport listeners (IPv6 in brackets) and the zone for broker.rack', (t) => {
  const external = sandbox('external-access.yaml');
  t.after(() => rmSync(external.dir, { recursive: true, force: true }));
  const env = { HOSTNAME: 'edge-broker-2', KAFKAPLANE_NODE_ID_OFFSET: '0', KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID, KAFKAPLANE_INTERNAL_PASSWORD: INTERNAL_PASSWORD };
  assert.equal(external.run({ ...env, KAFKAPLANE_HOST_IP: '10.1.2.3' }).status, 0);
  assert.match(parseProperties(external.seen('server.properties'))['advertised.listeners']!, /,NODEPORT:\/\/10\.1\.2\.3:31093,PUBLIC:\/\/kafka-2\.example\.com:9095,/);
  assert.equal(external.run({ ...env, KAFKAPLANE_HOST_IP: 'fd00::7' }).status, 0);
  assert.match(parseProperties(external.seen('server.properties'))['advertised.listeners']!, /,NODEPORT:\/\/\[fd00::7\]:31093,/);
  const noIp = external.run(env);
  assert.equal(noIp.status, 1);
  assert.match(noIp.stderr, /needs @KAFKAPLANE_HOST_IP@/);

  const racked = sandbox('seed-003-dedicated.yaml');
  t.after(() => rmSync(racked.dir, { recursive: true, force: true }));
  const rackFile = join(racked.dir, 'rack');
  const broker = {
    HOSTNAME: 'data-on-eks-broker-0',
    KAFKAPLANE_NODE_ID_OFFSET: '0',
    KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID,
    KAFKAPLANE_TLS_KEYSTORE_PASSWORD: 'pw',
    KAFKAPLANE_RACK_FILE: rackFile,
  };
  const noFile = racked.run(broker);
  assert.equal(noFile.status, 1);
  assert.match(noFile.stderr, /spec\.rack is set but .*\/rack is missing or empty: the rack init container writes it/);
  writeFileSync(rackFile, 'eu-west-1a');
  assert.equal(racked.run(broker).status, 0);
  assert.equal(parseProperties(racked.seen('server.properties'))['broker.rack'], 'eu-west-1a');
});

test('entrypoint: a volume of another cluster is refused without advice to delete it; formatting a controller warns', (t) => {
  const box = sandbox('seed-002-combined.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const first = box.run({ HOSTNAME: 'kafka-dual-0', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /WARNING: formatting controller 0 as a member of the initial quorum. .*must be replaced \(docs\/render.md, .*remove-controller, .*join-quorum, add-controller\)/);
  const other = box.run({ HOSTNAME: 'kafka-dual-0', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids, KAFKAPLANE_CLUSTER_ID: 'ZZZZZZZZZZZZZZZZZZZZZw' });
  assert.equal(other.status, 1);
  assert.match(other.stderr, /holds another cluster's data/);
  assert.match(other.stderr, /Do not delete the volume to get past this/);
  assert.doesNotMatch(other.stderr, /delete the PersistentVolumeClaim to start/);

  // A broker-only node is formatted without --initial-controllers: no warning.
  const brokers = sandbox('seed-003-dedicated.yaml');
  t.after(() => rmSync(brokers.dir, { recursive: true, force: true }));
  writeFileSync(join(brokers.dir, 'rack'), 'a');
  const broker = brokers.run({
    HOSTNAME: 'data-on-eks-broker-0',
    KAFKAPLANE_NODE_ID_OFFSET: '0',
    KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID,
    KAFKAPLANE_TLS_KEYSTORE_PASSWORD: 'pw',
    KAFKAPLANE_RACK_FILE: join(brokers.dir, 'rack'),
  });
  assert.equal(broker.status, 0, broker.stderr);
  assert.doesNotMatch(broker.stderr, /WARNING/);
});

test('entrypoint: $run_dir/join-quorum re-formats a controller that lost its disk as a joining one, keeping the old log dir', (t) => {
  const box = sandbox('seed-002-combined.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const env = { HOSTNAME: 'kafka-dual-0', KAFKAPLANE_NODE_ID_OFFSET: '0', ...ids };
  assert.equal(box.run(env).status, 0);
  const marker = join(box.dir, 'run', 'join-quorum');
  writeFileSync(marker, '1\n');
  const wrong = box.run(env);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /join-quorum names node 1, but this is node 0/);
  writeFileSync(marker, '0\n');
  const joined = box.run(env);
  assert.equal(joined.status, 0, joined.stderr);
  assert.match(joined.stdout, /moved .*kafka-log-0 to .*kafka-log-0\.replaced-\d{8}T\d{6}Z/);
  assert.match(joined.stdout, /formatting .*kafka-log-0 for controller 0 to join the existing quorum \(--no-initial-controllers\)/);
  assert.doesNotMatch(joined.stderr, /WARNING/);
  const args = box.seen('format.args').trimEnd().split('\n');
  assert.deepEqual(args, ['format', '--cluster-id', ids.KAFKAPLANE_CLUSTER_ID, '--config', '/run/kafkaplane/server.properties', '--no-initial-controllers']);
  assert.equal(existsSync(marker), false, 'done once');
  assert.equal(readdirSync(join(box.dir, 'data')).filter((d) => d.startsWith('kafka-log-0.replaced-')).length, 1, 'the old log dir is kept');
  assert.equal(box.run(env).status, 0);
  assert.equal(box.seen('format.count'), 'x\nx\n', 'formatted twice in all: first start and the join');
});

test('rack init container script: the zone label of the node from the API, or a clear refusal', (t) => {
  const { dir, bin, tokens } = apiSandbox(t, 'kafkaplane-rack-');
  const script = (podSpec(find(renderKubernetes(renderInput(example('seed-003-dedicated.yaml'))).objects, 'StatefulSet', 'data-on-eks-broker')).initContainers[0].command as string[])[2]!;
  const run = (env: Record<string, string>) =>
    spawnSync(join(bin, 'sh'), ['-c', script], {
      env: {
        PATH: bin,
        KAFKAPLANE_TOKEN_DIR: tokens,
        KAFKAPLANE_RACK_FILE: join(dir, 'rack'),
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        NODE_NAME: 'node-a',
        TOPOLOGY_KEY: 'topology.kubernetes.io/zone',
        ...env,
      },
      encoding: 'utf8',
    });
  // The apiserver's answer as curl gets it (?pretty=false: one line), with a decoy in managedFields and annotations.
  const node = {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      name: 'node-a',
      labels: { 'kubernetes.io/hostname': 'node-a', 'topology.kubernetes.io/region': 'eu-west-1', 'topology.kubernetes.io/zone': 'eu-west-1b', 'x.topology.kubernetes.io/zone': 'wrong' },
      annotations: { note: '{"labels":{"topology.kubernetes.io/zone":"decoy"}}' },
      managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:topology.kubernetes.io/zone': {} } } } }],
    },
  };
  const ok = run({ NODE_JSON: JSON.stringify(node) });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(join(dir, 'rack'), 'utf8'), 'eu-west-1b');
  const args = readFileSync(join(dir, 'curl.args'), 'utf8').split('\n');
  assert.ok(args.includes('https://10.0.0.1:443/api/v1/nodes/node-a?pretty=false'), args.join(' '));
  assert.ok(args.includes('Authorization: Bearer the-token'));
  assert.ok(args.includes(join(tokens, 'ca.crt')));
  // Pretty-printed JSON (an apiserver that ignores pretty=false) reads the same.
  rmSync(join(dir, 'rack'));
  assert.equal(run({ NODE_JSON: JSON.stringify(node, null, 2) }).status, 0);
  assert.equal(readFileSync(join(dir, 'rack'), 'utf8'), 'eu-west-1b');
  const ipv6 = run({ NODE_JSON: JSON.stringify(node), KUBERNETES_SERVICE_HOST: 'fd00::1' });
  assert.equal(ipv6.status, 0, ipv6.stderr);
  assert.ok(readFileSync(join(dir, 'curl.args'), 'utf8').includes('https://[fd00::1]:443/api/v1/nodes/node-a'));

  rmSync(join(dir, 'rack'));
  const unlabelled = run({ NODE_JSON: JSON.stringify({ ...node, metadata: { ...node.metadata, labels: { 'kubernetes.io/hostname': 'node-a' } } }) });
  assert.equal(unlabelled.status, 1);
  assert.match(unlabelled.stderr, /node node-a has no label topology\.kubernetes\.io\/zone/);
  assert.equal(existsSync(join(dir, 'rack')), false);
  const forbidden = run({ NODE_JSON: '', CURL_FAIL: '1' });
  assert.equal(forbidden.status, 1);
  assert.match(forbidden.stderr, /cannot read Kubernetes node node-a .*ClusterRole/);
});

test('entrypoint: a keystore password with properties and sed metacharacters arrives intact', (t) => {
  const box = sandbox('seed-003-dedicated.yaml');
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const password = String.raw`p&a|s\s=#!: w0rd$x`;
  const passwordFile = join(box.dir, 'password');
  writeFileSync(passwordFile, password);
  const result = box.run({
    HOSTNAME: 'data-on-eks-broker-1',
    KAFKAPLANE_NODE_ID_OFFSET: '0',
    KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID,
    KAFKAPLANE_RACK: 'a',
    KAFKAPLANE_TLS_KEYSTORE_PASSWORD_FILE: passwordFile,
  });
  assert.equal(result.status, 0, result.stderr);
  const props = parseProperties(box.seen('server.properties'));
  assert.equal(props['listener.name.tls.ssl.keystore.password'], password);
  assert.equal(props['listener.name.tls.ssl.keystore.location'], '/etc/kafkaplane/tls/keystore.p12');
  assert.ok(existsSync(join(box.dir, 'data', 'kafka-log-1', 'meta.properties')));
});

/** examples/external-access.yaml with its nodeport listener advertising the node's address of `type`. */
function addressedSpec(type: string): SpecFile {
  const spec = example('external-access.yaml');
  const nodeport = spec.clusters[0]!.spec.listeners.find((l) => l.type === 'nodeport')!;
  nodeport.configuration = { ...nodeport.configuration, preferredNodePortAddressType: type as 'ExternalIP' };
  return spec;
}

test('preferredNodePortAddressType: a node-address init container reads the node, the entrypoint advertises what it wrote', (t) => {
  const objects = renderKubernetes(renderInput(addressedSpec('ExternalIP'))).objects;
  const broker = podSpec(find(objects, 'StatefulSet', 'edge-broker'));
  const init = broker.initContainers.find((c: { name: string }) => c.name === 'node-address');
  assert.ok(init, 'the brokers get the node-address init container');
  assert.deepEqual(init.env[1], { name: 'ADDRESS_TYPES', value: 'ExternalIP ExternalDNS Hostname InternalDNS InternalIP' });
  assert.ok(
    broker.volumes.some((v: { name: string }) => v.name === 'rack-api-access'),
    'its token volume',
  );
  const env = broker.containers[0].env as { name: string; value?: string }[];
  assert.equal(env.find((e) => e.name === 'KAFKAPLANE_NODE_ADDRESS_FILE')?.value, NODE_ADDRESS_FILE);
  assert.equal(
    env.find((e) => e.name === 'KAFKAPLANE_HOST_IP'),
    undefined,
    'status.hostIP is not used any more',
  );
  assert.equal(broker.automountServiceAccountToken, false, 'Kafka itself gets no API token');
  assert.ok(find(objects, 'ClusterRole', 'kafkaplane-kafka-edge-rack'), 'get nodes for the pods');
  const controller = podSpec(find(objects, 'StatefulSet', 'edge-controller'));
  assert.ok(!(controller.initContainers ?? []).some((c: { name: string }) => c.name === 'node-address'), 'controllers advertise no client listener');

  const box = sandbox(addressedSpec('ExternalIP'));
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const file = join(box.dir, 'node-address');
  const base = {
    HOSTNAME: 'edge-broker-2',
    KAFKAPLANE_NODE_ID_OFFSET: '0',
    KAFKAPLANE_CLUSTER_ID: ids.KAFKAPLANE_CLUSTER_ID,
    KAFKAPLANE_INTERNAL_PASSWORD: 'a'.repeat(32),
    KAFKAPLANE_NODE_ADDRESS_FILE: file,
  };
  const missing = box.run(base);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /preferredNodePortAddressType but .*node-address is missing or empty: .*kubectl logs <pod> -c node-address/);
  writeFileSync(file, '203.0.113.7');
  assert.equal(box.run(base).status, 0);
  assert.match(parseProperties(box.seen('server.properties'))['advertised.listeners']!, /,NODEPORT:\/\/203\.0\.113\.7:31093,/);
  writeFileSync(file, '2001:db8::7');
  assert.equal(box.run(base).status, 0);
  assert.match(parseProperties(box.seen('server.properties'))['advertised.listeners']!, /,NODEPORT:\/\/\[2001:db8::7\]:31093,/);
});

test('preferredNodePortAddressType: only on nodeport listeners, one type per cluster', () => {
  const spec = addressedSpec('ExternalIP');
  const lb = spec.clusters[0]!.spec.listeners.find((l) => l.type === 'loadbalancer')!;
  lb.configuration = { ...lb.configuration, preferredNodePortAddressType: 'InternalIP' };
  assert.throws(
    () => renderKubernetes(renderInput(spec)),
    (e: Error & { problems?: { path: string; message: string }[] }) => {
      const text = (e.problems ?? []).map((p) => `${p.path}: ${p.message}`).join('\n') || e.message;
      assert.match(text, /spec\.listeners\[2\]\.configuration\.preferredNodePortAddressType: only nodeport listeners advertise a Kubernetes node's address/);
      return true;
    },
  );
  const two = addressedSpec('ExternalIP');
  two.clusters[0]!.spec.listeners.push({
    ...structuredClone(two.clusters[0]!.spec.listeners[1]!),
    name: 'nodeport2',
    port: 9096,
    configuration: { bootstrap: { nodePort: 30500 }, preferredNodePortAddressType: 'InternalDNS' },
  });
  assert.throws(() => renderKubernetes(renderInput(two)), /each pod learns one address of its node: listener "nodeport2" asks for InternalDNS, listener "nodeport" for ExternalIP/);
  // The Strimzi format carries the field as Strimzi's own.
  const strimzi = renderFormat(strimziInput(renderInput(addressedSpec('ExternalIP'))), 'strimzi')
    .files.map((f) => f.content)
    .join('\n');
  assert.match(strimzi, /preferredNodePortAddressType: ExternalIP/);
});

test('node-address init container script: the preferred address type from the node, else the next in order, else a clear refusal', (t) => {
  const { dir, bin, tokens } = apiSandbox(t, 'kafkaplane-address-');
  const init = podSpec(find(renderKubernetes(renderInput(addressedSpec('ExternalIP'))).objects, 'StatefulSet', 'edge-broker')).initContainers.find((c: { name: string }) => c.name === 'node-address');
  const script = (init.command as string[])[2]!;
  const file = join(dir, 'address');
  const run = (env: Record<string, string>) =>
    spawnSync(join(bin, 'sh'), ['-c', script], {
      env: {
        PATH: bin,
        KAFKAPLANE_TOKEN_DIR: tokens,
        KAFKAPLANE_NODE_ADDRESS_FILE: file,
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        NODE_NAME: 'node-a',
        ADDRESS_TYPES: init.env[1].value,
        ...env,
      },
      encoding: 'utf8',
    });
  // A node as the apiserver answers (one line), with decoys: an annotation holding JSON and managedFields.
  const node = (addresses: { type: string; address: string }[]) =>
    JSON.stringify({
      kind: 'Node',
      apiVersion: 'v1',
      metadata: {
        name: 'node-a',
        annotations: { note: JSON.stringify({ addresses: [{ type: 'ExternalIP', address: '198.51.100.99' }] }) },
        managedFields: [{ fieldsV1: { 'f:status': { 'f:addresses': {} } } }],
      },
      status: { addresses, images: [{ names: ['x'], sizeBytes: 1 }] },
    });
  const all = [
    { type: 'InternalIP', address: '10.0.3.4' },
    { type: 'ExternalIP', address: '203.0.113.7' },
    { type: 'Hostname', address: 'node-a' },
  ];
  const ok = run({ NODE_JSON: node(all) });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(file, 'utf8'), '203.0.113.7');
  assert.match(ok.stdout, /advertising its ExternalIP address 203\.0\.113\.7/);
  assert.ok(readFileSync(join(dir, 'curl.args'), 'utf8').includes('https://10.0.0.1:443/api/v1/nodes/node-a?pretty=false'));
  // No ExternalIP (a bare-metal node): the next in Strimzi's order that exists, Hostname before InternalIP.
  assert.equal(run({ NODE_JSON: node([all[0]!, all[2]!]) }).status, 0);
  assert.equal(readFileSync(file, 'utf8'), 'node-a');
  // Pretty-printed JSON reads the same; the preferred type wins over the order.
  assert.equal(run({ NODE_JSON: JSON.stringify(JSON.parse(node(all)), null, 2), ADDRESS_TYPES: 'InternalIP ExternalDNS ExternalIP Hostname InternalDNS' }).status, 0);
  assert.equal(readFileSync(file, 'utf8'), '10.0.3.4');
  rmSync(file);
  const none = run({ NODE_JSON: node([]) });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /node node-a lists no address of the types .* set configuration\.advertisedHostTemplate/);
  assert.equal(existsSync(file), false);
  const forbidden = run({ NODE_JSON: '', CURL_FAIL: '1' });
  assert.equal(forbidden.status, 1);
  assert.match(forbidden.stderr, /cannot read Kubernetes node node-a .*ClusterRole/);
});
