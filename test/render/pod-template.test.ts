/**
 * Pod template overrides (issue 13 major 7) and the probes (major 4) as render writes them. probe.sh itself runs for
 * real under bash with BusyBox's dd, od, awk and sed (the tools of the Alpine-based apache/kafka image) against a TCP
 * server answering Kafka's ApiVersions bytes; the real-node test (test/integration/node/pods.test.ts) runs it against
 * real brokers and controllers.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { renderFormat } from '../../src/render/index.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { PROBE_SCRIPT, startupBudgetSeconds } from '../../src/render/probes.ts';
import { RenderError } from '../../src/render/errors.ts';
import { renderInput, strimziInput } from '../helpers/render.ts';
import { REPO, clusterYaml, problems } from '../helpers/spec.ts';

const FIXTURE = readFileSync(new URL('test/fixtures/specs/pod-template.yaml', REPO), 'utf8');
const rendered = renderKubernetes(renderInput(parseSpec(FIXTURE, 'pod-template.yaml'))).objects;
const find = (kind: string, name: string) => rendered.find((o) => o.kind === kind && o.metadata.name === name) ?? assert.fail(`no ${kind}/${name}`);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pod = (o: KubeObject) => (o.spec as any).template as { metadata: any; spec: any };

test('template: the pool template overrides the cluster template field by field; named lists merge by name', () => {
  const broker = pod(find('StatefulSet', 'templated-broker'));
  const controller = pod(find('StatefulSet', 'templated-controller'));
  // labels and annotations: the template's, never over kafkaplane's own
  assert.equal(broker.metadata.labels.team, 'payments');
  assert.equal(broker.metadata.labels.tier, 'brokers');
  assert.equal(controller.metadata.labels.tier, undefined);
  assert.equal(broker.metadata.labels['kafkaplane.io/pool'], 'broker');
  assert.equal(broker.metadata.annotations['example.com/owner'], 'payments-team');
  assert.match(broker.metadata.annotations['kafkaplane.io/config-hash'], /^[0-9a-f]+$/);
  // securityContext: null removes kafkaplane's fixed ids (OpenShift assigns them); the rest stays
  for (const p of [broker, controller]) {
    assert.equal('runAsUser' in p.spec.securityContext, false);
    assert.equal('runAsGroup' in p.spec.securityContext, false);
    assert.equal('fsGroup' in p.spec.securityContext, false);
    assert.equal(p.spec.securityContext.runAsNonRoot, true);
    assert.deepEqual(p.spec.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  }
  assert.equal(broker.spec.securityContext.fsGroupChangePolicy, 'Always');
  assert.equal(controller.spec.securityContext.fsGroupChangePolicy, 'OnRootMismatch');
  // affinity: each part the template gives replaces kafkaplane's; kafkaplane's pod anti-affinity stays
  assert.ok(broker.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution);
  assert.equal(broker.spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight, 10);
  assert.equal(broker.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key, 'node-role.example.com/kafka');
  assert.equal(controller.spec.affinity.nodeAffinity, undefined);
  for (const p of [broker, controller]) {
    assert.deepEqual(p.spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }]);
    assert.equal(p.spec.topologySpreadConstraints[0].topologyKey, 'topology.kubernetes.io/zone');
    assert.deepEqual(p.spec.nodeSelector, { 'kubernetes.io/os': 'linux' });
    assert.deepEqual(
      p.spec.initContainers.map((c: { name: string }) => c.name),
      ['jmx-exporter', 'sysctl-check'],
    );
  }
  assert.equal(broker.spec.priorityClassName, 'kafka-brokers');
  assert.equal(controller.spec.priorityClassName, 'kafka-default');
  // extra containers and volumes
  assert.deepEqual(
    broker.spec.containers.map((c: { name: string }) => c.name),
    ['kafka', 'log-shipper'],
  );
  assert.deepEqual(
    controller.spec.containers.map((c: { name: string }) => c.name),
    ['kafka'],
  );
  assert.deepEqual(broker.spec.volumes.at(-1), { name: 'certs', secret: { secretName: 'extra-certs' } });
  assert.equal(
    controller.spec.volumes.some((v: { name: string }) => v.name === 'certs'),
    false,
  );
  const kafka = (p: typeof broker) => p.spec.containers[0];
  assert.deepEqual(kafka(broker).volumeMounts.at(-1), { name: 'certs', mountPath: '/etc/extra-certs', readOnly: true });
  // env: the pool's TEMPLATE_LEVEL replaces the cluster's, once; after kafkaplane's own variables
  const env = (p: typeof broker) => kafka(p).env.filter((e: { name: string }) => e.name === 'TEMPLATE_LEVEL' || e.name === 'POD_NAME');
  assert.deepEqual(env(broker), [
    { name: 'TEMPLATE_LEVEL', value: 'broker' },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ]);
  assert.equal(env(controller)[0].value, 'cluster');
  assert.equal(kafka(broker).env[0].name, 'KAFKAPLANE_NODE_ID_OFFSET');
  // the kafka container's securityContext: kafkaplane's restrictions plus the template's field
  assert.deepEqual(kafka(broker).securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
  // the topic Job and the exporter get the cluster template's pod securityContext too (same OpenShift namespace)
  for (const o of rendered.filter((x) => x.kind === 'Job' || x.kind === 'Deployment')) {
    assert.equal('runAsUser' in pod(o).spec.securityContext, false, `${o.kind}/${o.metadata.name}`);
    assert.equal('fsGroup' in pod(o).spec.securityContext, false, `${o.kind}/${o.metadata.name}`);
  }
});

test('probes: readiness asks Kafka on the node’s own listener, liveness any answer there, startup scaled with storage; timings from the template', () => {
  const broker = pod(find('StatefulSet', 'templated-broker')).spec.containers[0];
  const controller = pod(find('StatefulSet', 'templated-controller')).spec.containers[0];
  assert.deepEqual(broker.readinessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'ready', '9091']);
  assert.deepEqual(controller.readinessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'ready', '9090']);
  assert.deepEqual(broker.startupProbe.exec, broker.readinessProbe.exec);
  // liveness asks the same listener for any answer (with or without monitoring: the JMX agent's /-/healthy answers from
  // its own thread in a hung JVM)
  assert.deepEqual(broker.livenessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'live', '9091']);
  assert.deepEqual(controller.livenessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'live', '9090']);
  assert.equal(broker.livenessProbe.failureThreshold, 10);
  assert.equal(broker.readinessProbe.periodSeconds, 5);
  assert.equal(controller.readinessProbe.periodSeconds, 10);
  // 10 minutes + 10 minutes per 100 Gi: 1000Gi → 110 minutes, 20Gi → 12 minutes; in 15 s periods
  assert.equal(broker.startupProbe.periodSeconds, 15);
  assert.equal(broker.startupProbe.failureThreshold, (600 + 6000) / 15);
  assert.equal(controller.startupProbe.failureThreshold, (600 + 120) / 15);
  assert.equal(startupBudgetSeconds({ storage: { size: '1Ti' } } as never), 600 + Math.ceil(1024 * 6));
  assert.equal(startupBudgetSeconds({ storage: { size: '500Mi' } } as never), 600 + 3);

  const plain = renderKubernetes(renderInput(parseSpec(clusterYaml('version: 4.1.2')))).objects.find((o) => o.kind === 'StatefulSet')!;
  const c = pod(plain).spec.containers[0];
  assert.deepEqual(c.livenessProbe.exec.command, ['/bin/bash', '/etc/kafkaplane/config/probe.sh', 'live', '9091']);
  assert.equal(c.startupProbe.failureThreshold, (600 + 60) / 10, 'default 10Gi: 11 minutes in 10 s periods');
  const explicit = renderKubernetes(renderInput(parseSpec(clusterYaml('kubernetes:\n  template: {probes: {startup: {failureThreshold: 9}}}')))).objects.find((o) => o.kind === 'StatefulSet')!;
  assert.equal(pod(explicit).spec.containers[0].startupProbe.failureThreshold, 9);
});

test('template validation: Kubernetes shapes checked by the schema, with spec paths', () => {
  const spec = (template: string) => clusterYaml(`kubernetes:\n  template:\n${template.replace(/^/gm, '    ')}`);
  const cases: [string, RegExp][] = [
    ['pod:\n  volumes: [{name: certs, secret: {secretName: a}, emptyDir: {}}]', /spec\.kubernetes\.template\.pod\.volumes\[0\]: a volume needs its name and exactly one source/],
    ['kafkaContainer:\n  env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]', /kafkaContainer\.env\[0\]: give value or valueFrom, not both/],
    ['kafkaContainer:\n  env: [{name: "1A", value: x}]', /kafkaContainer\.env\[0\]\.name: must be an environment variable name/],
    ['pod:\n  securityContext: {runAsUser: -1}', /pod\.securityContext\.runAsUser/],
    ['pod:\n  affinity: {nodeAfinity: {}}', /pod\.affinity.*nodeAfinity/],
    ['pod:\n  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Never}]', /whenUnsatisfiable/],
    ['probes:\n  readiness: {periodSeconds: 0}', /probes\.readiness\.periodSeconds/],
    ['pod:\n  containers: [{name: Sidecar, image: x}]', /pod\.containers\[0\]\.name: must be a DNS-1123 label/],
  ];
  for (const [template, expected] of cases) {
    const found = problems(spec(template));
    assert.ok(
      found.some((p) => expected.test(p)),
      `${template}\n→ ${found.join('\n')}`,
    );
  }
  assert.ok(
    problems(clusterYaml('nodePools:\n  - {name: a, roles: [broker, controller], replicas: 3, template: {pod: {priorityClassName: High}}}')).some((p) =>
      /nodePools\[0\]\.template\.pod\.priorityClassName/.test(p),
    ),
  );
});

test("template validation at render: nothing may take over kafkaplane's own env, volumes, mounts, containers or labels", () => {
  const template = `kubernetes:
  template:
    pod:
      metadata: {labels: {app.kubernetes.io/name: mine}}
      volumes: [{name: data, emptyDir: {}}]
      containers: [{name: kafka, image: x}]
    kafkaContainer:
      env: [{name: KAFKA_HEAP_OPTS, value: -Xmx1g}, {name: KAFKAPLANE_NODE_ID, value: "3"}]
      volumeMounts: [{name: nowhere, mountPath: /var/lib/kafka/data/x}]`;
  let messages: string[] = [];
  try {
    renderKubernetes(renderInput(parseSpec(clusterYaml(template))));
    assert.fail('expected a RenderError');
  } catch (error) {
    assert.ok(error instanceof RenderError, String(error));
    messages = error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  const expected = [
    /template\.pod\.metadata\.labels\["app\.kubernetes\.io\/name"\]: is set by kafkaplane/,
    /template\.pod\.volumes\[0\]\.name: volume "data" is kafkaplane's own/,
    /template\.pod\.containers\[0\]\.name: container "kafka" is kafkaplane's own/,
    /template\.kafkaContainer\.env\[0\]\.name: KAFKA_HEAP_OPTS is set by kafkaplane: set spec\.nodePools\[\]\.jvm\.heap/,
    /template\.kafkaContainer\.env\[1\]\.name: KAFKAPLANE_NODE_ID is set by kafkaplane/,
    /template\.kafkaContainer\.volumeMounts\[0\]\.mountPath: \/var\/lib\/kafka\/data\/x is \(inside\) a directory kafkaplane mounts/,
    /volumeMounts names volume "nowhere", which pool dual's pods do not have/,
  ];
  for (const e of expected)
    assert.ok(
      messages.some((m) => e.test(m)),
      `${e}\n→ ${messages.join('\n')}`,
    );
});

// ---- probe.sh, run for real ----

const BUSYBOX = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
const BASH = execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();

function uvarint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b += 128;
    out.push(b);
  } while (n > 0);
  return out;
}

/** An ApiVersions v3 response (header v0): `keys` api versions, then tagged fields. */
function apiVersionsResponse(options: { error?: number; keys: number; epoch?: bigint }): Buffer {
  const body: number[] = [0, 0, 0, 1, 0, options.error ?? 0, ...uvarint(options.keys + 1)];
  for (let k = 0; k < options.keys; k++) body.push(0, k % 256, 0, 0, 0, 3, 0);
  body.push(0, 0, 0, 0);
  // SupportedFeatures (tag 0): compact array of one feature "metadata.version" 1..27, no tags
  const name = [...Buffer.from('metadata.version')];
  const supported = [2, name.length + 1, ...name, 0, 1, 0, 27, 0];
  const tags: number[][] = [[0, ...uvarint(supported.length), ...supported]];
  if (options.epoch !== undefined) {
    const epoch = Buffer.alloc(8);
    epoch.writeBigInt64BE(options.epoch);
    tags.push([1, 8, ...epoch]);
  }
  body.push(...uvarint(tags.length), ...tags.flat());
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, Buffer.from(body)]);
}

/** Runs probe.sh against a fake node: `answer` is written once the request is in; 'silent' takes the connection and
 * never answers (a stopped JVM); undefined: nothing listens. BusyBox's applets only, as in the official image. */
async function runProbe(answer: Buffer | 'silent' | 'close' | undefined, mode: 'ready' | 'live' = 'ready'): Promise<{ code: number; stderr: string; request: Buffer; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-probe-'));
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const applet of ['dd', 'od', 'awk', 'sed']) symlinkSync(BUSYBOX, join(bin, applet));
    writeFileSync(join(dir, 'probe.sh'), PROBE_SCRIPT);
    let request = Buffer.alloc(0);
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (chunk) => {
        request = Buffer.concat([request, chunk]);
        if (request.length >= 37 && Buffer.isBuffer(answer)) socket.write(answer);
        // A TLS listener refuses a plain request at once: an alert, then the connection closes.
        if (answer === 'close') socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50]));
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = answer === undefined ? 1 : (server.address() as AddressInfo).port;
    const started = Date.now();
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(BASH, [join(dir, 'probe.sh'), mode, String(port)], { env: { PATH: bin, KAFKAPLANE_PROBE_SECONDS: '2' }, timeout: 10_000 }, (err, _out, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
      });
    });
    const ms = Date.now() - started;
    for (const socket of sockets) socket.destroy();
    server.close();
    return { ...result, request, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('probe.sh ready: a node that answers ApiVersions with a finalized-features epoch is ready; otherwise it says why not', async () => {
  // 130 api keys: their count is a two-byte varint.
  const ready = await runProbe(apiVersionsResponse({ keys: 130, epoch: 42n }));
  assert.equal(ready.code, 0, ready.stderr);
  // The request: size 33, ApiVersions (18) v3, correlation id 1, client id "kp", software "kafkaplane-probe" "1".
  assert.equal(ready.request.readInt32BE(0), 33);
  assert.equal(ready.request.length, 37);
  assert.deepEqual([ready.request.readInt16BE(4), ready.request.readInt16BE(6), ready.request.readInt32BE(8)], [18, 3, 1]);
  assert.equal(ready.request.subarray(16).toString('latin1'), '\x00\x11kafkaplane-probe\x021\x00');

  const behind = await runProbe(apiVersionsResponse({ keys: 60 }));
  assert.equal(behind.code, 1);
  assert.match(behind.stderr, /answers but has not caught up with the metadata log yet/);
  const refused = await runProbe(apiVersionsResponse({ keys: 3, error: 35, epoch: 1n }));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /answered error 35/);
  const closed = await runProbe(undefined);
  assert.equal(closed.code, 1);
  assert.match(closed.stderr, /nothing answers on port 1 yet/);
  const stopped = await runProbe('silent');
  assert.equal(stopped.code, 1);
  assert.match(stopped.stderr, /took the connection but no ApiVersions answer came within 2s: the JVM is hung or stopped/);
});

test('probe.sh live: any ApiVersions answer is alive (caught up or not, even an error); a node that takes the connection and never answers is not', async () => {
  assert.equal((await runProbe(apiVersionsResponse({ keys: 60 }), 'live')).code, 0, 'a node that has not caught up is alive');
  assert.equal((await runProbe(apiVersionsResponse({ keys: 3, error: 35 }), 'live')).code, 0, 'an error answer is an answer');
  const hung = await runProbe('silent', 'live');
  assert.equal(hung.code, 1);
  assert.match(hung.stderr, /no ApiVersions answer came within 2s: the JVM is hung or stopped/);
  assert.ok(hung.ms < 5_000, `gave up inside the probe's 5 s timeout (${hung.ms} ms)`);
  assert.equal((await runProbe('close', 'live')).code, 0, "a TLS listener's refusal is a reaction: the JVM is alive");
  const closed = await runProbe(undefined, 'live');
  assert.equal(closed.code, 1);
  assert.match(closed.stderr, /nothing answers on port 1/);
});

test('the strimzi format translates the pod templates (details: test/render/strimzi-template.test.ts) and warns about what it leaves out', () => {
  const { objects: out, warnings } = renderFormat(strimziInput(renderInput(parseSpec(FIXTURE, 'pod-template.yaml'))), 'strimzi');
  const objects = out as KubeObject[];
  const kafka = objects.find((o) => o.kind === 'Kafka') as any;
  assert.deepEqual(kafka.spec.kafka.template.pod.metadata.labels, { team: 'payments' });
  assert.ok(!warnings.some((w) => w.includes('leave out settings') && w.includes('spec.kubernetes.template')), warnings.join('\n'));
  assert.ok(
    warnings.some((w) => w.startsWith('spec.nodePools[1].template.pod.containers[0]:')),
    warnings.join('\n'),
  );
});
